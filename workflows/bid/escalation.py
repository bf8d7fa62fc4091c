"""When a bid is stuck, someone who can act hears it, with the choices open to them.

Two kinds: a stage that cannot go on (too few partners by the cut-off, no lead chosen, the
agreement unsigned) waits for the coordinator's `resolve_escalation`; a task past its due
date (an invitation, a section, a signature, a sign-off) goes to the lead, or to the
coordinator where the lead or the local authority owes it, who may `extend_task`, drop the
partner (`remove_partner`) or reassign the section (`assign_sections`).

Overdue tasks (`OverdueTasks`) are shared with the contract: what they read of a state is
`Parties`, what they do through the effects is `Recording`. A stuck stage is the bid's own.
"""

from collections.abc import Callable
from typing import Any, Protocol

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.task_links import signed_in_path
    from models import bid_answers as a
    from models.bid import COORDINATOR, BidState, Escalation
    from models.bid_schedule import DueTask
    from workflows.bid.effects import BidClosed, Effects
    from workflows.bid.reminders import Letters, Reminders, Scheduled
    from workflows.bid.rules import when

# The deadline an escalation's "extend" moves, by the stage that escalated, and the kind of
# task on the schedule that moves with it (the invitees, the parties yet to sign).
EXTENDS = {
    "notice": "interest",
    "lead_selection": "lead",
    "partner_signup": "partners",
    "agreement": "signatures",
}
EXTENDS_TASKS = {"partner_signup": "invitation", "agreement": "signature"}

# What the coordinator's and the lead's e-mail says is stuck, by stage.
STUCK = {
    "notice": "The notice is stuck",
    "lead_selection": "Lead selection is stuck",
    "partner_signup": "Partner sign-up is stuck",
    "agreement": "The agreement is stuck",
    "below_minimum": "The consortium is below its minimum",
}

OPTION_WORDS = {
    "extend": "give more time",
    "drop": "drop the partner",
    "reassign": "give the section to someone else",
    "cancel": "cancel the bid",
}


class Parties(Protocol):
    """What overdue tasks read of a bid's or a contract's state: who hears of them."""

    @property
    def coordinator_email(self) -> str: ...

    def lead_email(self) -> str: ...

    def name_of(self, organisation_id: str) -> str: ...


class Recording(Letters, Protocol):
    """What overdue tasks do through the effects: record and save, and mail as the
    reminders do."""

    def record(self, actor: str, action: str, org: str | None = None, **detail: Any) -> None: ...

    async def save(self) -> None: ...


class Escalations:
    """A bid's escalations: a stuck stage (`stuck`, `resolve_escalation`), and its overdue
    tasks (`OverdueTasks`, held)."""

    def __init__(self, state: BidState, fx: Effects, reminders: Reminders[BidState]) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders
        self.tasks = OverdueTasks(state, fx, reminders)

    async def stuck(
        self, stage: str, reason: str, options: list, resolved: Callable[[], bool] = lambda: False
    ) -> str:
        """Tell the coordinator and the lead; wait for the coordinator's decision (or for
        `resolved()`, e.g. a late answer that settles it). Abandon raises `BidClosed`."""
        s, fx = self.state, self.fx
        round = sum(e.action == "escalated" for e in s.timeline) + 1
        s.escalation = Escalation(
            stage=stage, reason=reason, options=options, raised_at=workflow.now(), round=round
        )
        fx.record("system", "escalated", stage=stage, reason=reason, options=options)
        await fx.save()
        heading = STUCK.get(stage, "The bid is stuck")
        task = fx.link("escalation", COORDINATOR, stage)
        letters = [
            fx.letter(
                f"escalation-{round}",
                s.coordinator_email,
                heading,
                reason,
                kind="bid_escalation",
                task=task,
                options=", ".join(options),
                action_path=signed_in_path(task),
            )
        ]
        if s.lead_id in s.partners:
            letters.append(
                fx.letter(
                    f"escalation-{round}",
                    s.lead_email(),
                    heading,
                    reason,
                    kind="bid_escalation",
                    options="the coordinator will decide; you may act meanwhile",
                )
            )
        fx.mail(f"escalation-{round}", letters)
        await fx.until_done(
            lambda: s.escalation is None or s.escalation.resolution is not None or resolved()
        )
        action = (s.escalation.resolution if s.escalation else None) or "resolved"
        s.escalation = None
        if action == "resolved":  # settled by a late answer, not by the coordinator
            fx.record("system", "escalation_resolved", stage=stage)
            await fx.save()
        if action == "abandon":
            raise BidClosed("abandoned", s.closed_reason or reason)
        return action

    async def overdue(self, tasks: list[DueTask]) -> None:
        await self.tasks.overdue(tasks)

    # --- Updates --------------------------------------------------------------------------

    async def resolve_escalation(self, input: a.EscalationDecision) -> None:
        s = self.state
        assert s.escalation is not None
        if input.action == "extend":
            assert input.until is not None
            setattr(s.deadlines, EXTENDS[s.escalation.stage], input.until)
            kind = EXTENDS_TASKS.get(s.escalation.stage)
            for task in [t for t in s.schedule.values() if t.kind == kind]:
                self.reminders.extend(task.id, input.until)
        if input.action == "abandon":
            s.closed_reason = input.reason or s.escalation.reason
        s.escalation.resolution = input.action
        self.fx.wakeup = True
        until = input.until.isoformat() if input.until else None
        self.fx.record(input.actor, f"escalation_{input.action}", reason=input.reason, until=until)

    async def extend_task(self, input: a.TaskExtension) -> None:
        """More time for a task; a section's own due date moves with it."""
        s = self.state
        task = s.schedule[input.task]
        if task.kind == "section" and task.key in s.sections:
            s.sections[task.key].due = input.until
        await self.tasks.extend_task(input)


class OverdueTasks:
    """A task past its due date goes to the lead, or to the coordinator where the lead owes
    it, with the choices open to them (`DueTask.options`); `extend_task` gives more time."""

    def __init__(self, state: Parties, fx: Recording, reminders: Reminders[Scheduled]) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders

    async def overdue(self, tasks: list[DueTask]) -> None:
        """Tasks past due: each recorded, and one letter to each person who can act."""
        s, fx = self.state, self.fx
        for task in tasks:
            fx.record(
                "system", "task_overdue", _org(task.owed_by), task=task.id, due=when(task.due)
            )
        await fx.save()
        for to in ("lead", "coordinator"):
            mine = [t for t in tasks if t.escalate_to == to]
            if not mine:
                continue
            lines = [
                f"{t.heading} ({s.name_of(t.owed_by)}, due {when(t.due)}): you may "
                + ", or ".join(OPTION_WORDS[o] for o in t.options)
                + "."
                for t in mine
            ]
            address = s.lead_email() if to == "lead" else s.coordinator_email
            step = f"overdue-{mine[0].id}-{mine[0].round}-{len(mine)}-{workflow.now():%Y%m%d%H%M}"
            late = mine[0]
            heading = (
                f"{_who(s, late.owed_by)} has not answered in time"
                if len(mine) == 1
                else f"{len(mine)} tasks are overdue"
            )
            letter = fx.letter(
                step,
                address,
                heading,
                " ".join(lines),
                kind="bid_escalation",
                options="; ".join(t.id for t in mine),
            )
            fx.mail(step, [letter])

    # --- its Update ---------------------------------------------------------------------

    async def extend_task(self, input: a.TaskExtension) -> None:
        task = self.reminders.extend(input.task, input.until)
        self.fx.record(
            input.actor, "task_extended", _org(task.owed_by), task=task.id, until=when(input.until)
        )
        step = f"{task.id}:{task.round}:extended-{_update_id()}"
        link = self.fx.link(task.kind, task.owed_by, task.key, task.due)
        self.fx.mail(
            step,
            [
                self.fx.letter(
                    step,
                    task.to,
                    f"More time: {task.heading}",
                    f"You now have until {when(input.until)}. {task.body}",
                    kind="bid_task",
                    task=link,
                    due=task.due,
                    action_path=signed_in_path(link),
                )
            ],
        )


def _update_id() -> str:
    info = workflow.current_update_info()
    return info.id if info else "run"


def _who(state: Parties, owed_by: str) -> str:
    return "The local authority" if owed_by == "local-authority" else state.name_of(owed_by)


def _org(owed_by: str) -> str | None:
    return None if owed_by in (COORDINATOR, "local-authority") else owed_by
