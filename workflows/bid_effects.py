"""What the bid workflow does to the world: records, e-mails, chases, waits and escalations.

A base class of `BidWorkflow`: each helper is a few deterministic lines over activities and
child workflows, so the stages and the Update handlers read as the domain, not the plumbing.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from activities.bids import BidStoreActivities
    from activities.store import StoreActivities
    from models.audit import AuditRecord
    from models.bid import COORDINATOR, BidInput, BidState, Escalation, TimelineEvent
    from models.bid_tasks import ChaseInput, ChaseResult, Letter, MailingInput
    from models.task import TaskKind, TaskLink
    from workflows import search_attributes as sa
    from workflows.bid_mailing import MailingWorkflow
    from workflows.bid_rules import when
    from workflows.bid_task import ChaseWorkflow
    from workflows.bid_view import snapshot
    from workflows.policies import BACKGROUND, STORE


class BidClosed(Exception):
    """Raised out of any stage when the bid ends early: no-go, abandoned, cancelled, lapsed."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage, self.reason = stage, reason


Summary = dict[str, Any]  # what every Update returns: the new state without its long parts


class BidEffects:
    _input: BidInput
    _state: BidState
    _chases: dict[str, workflow.ChildWorkflowHandle]
    _wakeup: bool
    _closing: BidClosed | None
    _background: list[asyncio.Task]

    def _check(self, check: Callable[..., None], input: Any) -> None:
        """Run a `bid_rules.check_*` (validators, and handlers again: two answers can
        arrive in one batch, each validated before the other is applied)."""
        check(self._state, input, workflow.now())

    # --- records --------------------------------------------------------------------------

    async def _record(self, actor: str, action: str, org: str | None = None, **detail: Any) -> None:
        """Append to the timeline, the audit log and the read model (all idempotent)."""
        await self._record_all(actor, [(action, org, detail)])

    async def _record_all(
        self, actor: str, entries: list[tuple[str, str | None, dict[str, Any]]]
    ) -> None:
        """Several records of one answer (one per partner invited): an audit row each, and
        the read model written once."""
        s, store = self._state, self._store()
        audits = []
        for action, org, detail in entries:
            s.timeline.append(
                TimelineEvent(at=workflow.now(), actor=actor, action=action, detail=detail)
            )
            audits.append(
                AuditRecord(
                    key=f"{s.bid_id}:{len(s.timeline)}:{action}",
                    at=workflow.now(),
                    actor=actor,
                    action=action,
                    bid_id=s.bid_id,
                    organisation_id=org,
                    detail=detail,
                )
            )
        # Since "batched-audit", several entries are one write; bids recorded before replay
        # as they ran, an activity per entry.
        if len(audits) > 1 and workflow.patched("batched-audit"):
            writes = [store(StoreActivities.record_audits, audits, **STORE)]
        else:
            writes = [store(StoreActivities.record_audit, audit, **STORE) for audit in audits]
        await asyncio.gather(*writes, store(BidStoreActivities.save_bid, snapshot(s), **STORE))

    def _store(self) -> Callable[..., Any]:
        """How to call a read-model write. Bids started since the "local-store-writes" patch
        run them as local activities: no server round trip, two history events instead of
        six, so an answer reaches the dashboard sooner. Bids recorded before replay as they ran."""
        if workflow.patched("local-store-writes"):
            return workflow.execute_local_activity_method
        return workflow.execute_activity_method

    def _prompt(self) -> bool:
        """Bids started since the "prompt-answers" patch answer a person as soon as the answer
        is recorded (timeline, audit, read model). What the answer sets off runs after the
        Update returns: telling the chases it ends, the e-mails it causes. No stage waits for
        its group e-mails to be delivered either. The bid still owns that work and waits for
        it before it ends (`_settle`). Several children a single answer starts (20
        invitations) start together. Bids recorded before replay as they ran."""
        return workflow.patched("prompt-answers")

    def _later(self, work: Coroutine[Any, Any, Any]) -> None:
        self._background.append(asyncio.create_task(work))

    async def _together(self, works: list[Coroutine[Any, Any, Any]]) -> None:
        """Since "prompt-answers", in one workflow task; before it, one after another."""
        if self._prompt():
            await asyncio.gather(*works)
            return
        for work in works:
            await work

    async def _settle(self) -> None:
        """Wait for the work answers set off (and surface its failures) before the bid ends."""
        while self._background:
            pending, self._background = self._background, []
            await asyncio.gather(*pending)

    async def _tell(self, signal: Awaitable[None]) -> None:
        try:
            await signal
        except FailureError:
            workflow.logger.info("a chase ended before it heard that its task was done")

    def _store_row(self) -> Callable[..., Any]:
        """How to write a review or signature row: a (remote) activity before "prompt-answers",
        as those bids recorded it; like every other read-model write since."""
        return self._store() if self._prompt() else workflow.execute_activity_method

    def _set_stage(self, stage: str) -> None:
        self._state.stage = stage  # type: ignore[assignment]
        self._upsert_search_attributes()

    def _upsert_search_attributes(self) -> None:
        s = self._state
        updates: list[SearchAttributeUpdate] = [
            sa.BID_STAGE.value_set(s.stage),
            sa.BID_DEADLINE.value_set(s.deadlines["submission"]),
            sa.BID_OPPORTUNITY.value_set(s.notice.id),
        ]
        if s.lead_id is not None:
            updates.append(sa.BID_LEAD.value_set(s.lead_id))
        workflow.upsert_search_attributes(updates)

    # --- e-mail ---------------------------------------------------------------------------

    def _link(
        self, kind: TaskKind, org: str, key: str = "", due: datetime | None = None
    ) -> TaskLink:
        until = (
            due or self._state.deadlines["submission"]
        ) + self._input.timetable.link_valid_after_due
        return TaskLink(
            bid_id=self._state.bid_id, organisation_id=org, kind=kind, key=key, expires_at=until
        )

    def _letter(
        self,
        step: str,
        to: str,
        heading: str,
        body: str,
        kind: str = "bid_news",
        task: TaskLink | None = None,
        due: datetime | None = None,
        **extra: Any,
    ) -> Letter:
        context = {
            "title": self._state.notice.title,
            "heading": heading,
            "body": body,
            "due": when(due) if due else "",
            **extra,
        }
        return Letter(
            key=f"{self._state.bid_id}:{step}:{to}", to=to, kind=kind, context=context, task=task
        )

    async def _mail(self, step: str, letters: list[Letter]) -> None:
        """Send a group of letters through a child workflow, keeping them out of this history.
        Since "prompt-answers" the bid goes on meanwhile: under a backlog of e-mail its stages
        (and the dashboard) do not wait for delivery. It waits for them before it ends."""
        if not letters:
            return
        if self._prompt():
            self._later(self._send_letters(step, letters))
        else:
            await self._send_letters(step, letters)

    async def _send_letters(self, step: str, letters: list[Letter]) -> None:
        await workflow.execute_child_workflow(
            MailingWorkflow.run,
            MailingInput(bid_id=self._state.bid_id, letters=letters),
            id=f"{self._state.bid_id}/mail/{step}",
            priority=BACKGROUND,
        )

    def _everyone(self) -> list[str]:
        """Addresses of the coordinator, the consortium and every member who showed interest."""
        s = self._state
        addresses = [s.coordinator_email]
        addresses += [
            p.email for p in s.partners.values() if p.status in ("lead", "invited", "accepted")
        ]
        addresses += [
            s.members[i.organisation_id].email
            for i in s.interests.values()
            if i.answer != "not_this_time"
        ]
        return list(dict.fromkeys(addresses))

    # --- chasing one person for one task --------------------------------------------------

    async def _chase(
        self,
        kind: TaskKind,
        org: str,
        key: str,
        round: int,
        due: datetime,
        heading: str,
        body: str,
        escalate: bool = False,
    ) -> None:
        s, t = self._state, self._input.timetable
        child_id = f"{s.bid_id}/{kind}/{key or org}/{round}"
        lead_email = s.partners[s.lead_id].email if s.lead_id in s.partners else None
        escalate_to = [e for e in (lead_email, s.coordinator_email) if e] if escalate else []
        to = (
            s.local_authority_email or s.coordinator_email
            if org == "local-authority"
            else s.email_of(org)
        )
        chase = ChaseInput(
            bid_id=s.bid_id,
            task=self._link(kind, org, key, due),
            to=to,
            due=due,
            context={
                "title": s.notice.title,
                "heading": heading,
                "body": body,
                "who": self._name(org),
            },
            remind_before=t.remind_before,
            remind_every=t.remind_every,
            escalate_to=escalate_to,
        )
        handle = await workflow.start_child_workflow(
            ChaseWorkflow.run, chase, id=child_id, priority=BACKGROUND
        )
        self._chases[child_id] = handle
        # Watched in the background: the stage waits on the answer, not on the chase.
        asyncio.create_task(self._watch(child_id, handle, kind, org, key))

    async def _watch(self, child_id: str, handle: Any, kind: str, org: str, key: str) -> None:
        result: ChaseResult = await handle
        self._chases.pop(child_id, None)
        if result.status == "overdue":
            await self._record("system", "task_overdue", org, task=kind, key=key)

    async def _finish_chases(self, match: Callable[[str], bool] = lambda _: True) -> None:
        handles = [self._chases.pop(c) for c in [c for c in self._chases if match(c)]]
        if self._prompt():
            for handle in handles:
                if not handle.done():
                    self._later(self._tell(handle.signal(ChaseWorkflow.finish)))
            return
        signals = [h.signal(ChaseWorkflow.finish) for h in handles if not h.done()]
        if workflow.patched("local-store-writes"):
            await asyncio.gather(*signals)  # all in one workflow task, not one after another
            return
        for signal in signals:
            await signal

    async def _move_chases(self, due_for: Callable[[str], datetime | None]) -> None:
        prompt = self._prompt()
        for child_id, handle in list(self._chases.items()):
            due = due_for(child_id)
            if due is not None and not handle.done():
                if prompt:
                    self._later(self._tell(handle.signal(ChaseWorkflow.move_due, due)))
                else:
                    await handle.signal(ChaseWorkflow.move_due, due)

    def _name(self, org: str) -> str:
        s = self._state
        if org in s.partners:
            return s.partners[org].name
        return s.members[org].name if org in s.members else org

    # --- waiting on people and deadlines ---------------------------------------------------

    async def _wait(self, done: Callable[[], bool], until: Callable[[], datetime] | None) -> bool:
        """Wait until `done()` or the (movable) `until()`; True if done. Raises `BidClosed` when
        the bid is cancelled or abandoned, or lapses at the funder's deadline."""
        reached = datetime.min.replace(tzinfo=workflow.now().tzinfo)
        while True:
            if self._closing is not None:
                raise self._closing
            if done():
                return True
            # A timer that fired has reached its moment, even where the clock the workflow is
            # replayed with reads a few milliseconds short of it (as the test server's can).
            now, s = max(workflow.now(), reached), self._state
            deadline = s.deadlines["submission"]
            if s.submission is None and now >= deadline:
                raise BidClosed(
                    "lapsed",
                    f"No submission was recorded by the funder's deadline, {when(deadline)}.",
                )
            ends = [deadline] if s.submission is None else []
            if until is not None:
                if now >= until():
                    return False
                ends.append(until())
            self._wakeup = False
            try:
                await workflow.wait_condition(
                    lambda: done() or self._wakeup or self._closing is not None,
                    timeout=(min(ends) - now) if ends else None,
                )
            except TimeoutError:
                reached = min(ends)

    async def _escalate(
        self, stage: str, reason: str, options: list, resolved: Callable[[], bool] = lambda: False
    ) -> str:
        """Tell the coordinator and the lead; wait for the coordinator's decision (or for
        `resolved()`, e.g. a late answer that settles it). Abandon raises `BidClosed`."""
        s = self._state
        round = sum(e.action == "escalated" for e in s.timeline) + 1
        s.escalation = Escalation(
            stage=stage, reason=reason, options=options, raised_at=workflow.now()
        )
        await self._record("system", "escalated", stage=stage, reason=reason, options=options)
        letters = [
            self._letter(
                f"escalation:{round}",
                s.coordinator_email,
                f"{stage.replace('_', ' ')} is stuck",
                reason,
                kind="bid_escalation",
                task=self._link("escalation", COORDINATOR, stage),
                options=", ".join(options),
            )
        ]
        if s.lead_id in s.partners:
            letters.append(
                self._letter(
                    f"escalation:{round}",
                    s.partners[s.lead_id].email,
                    f"{stage.replace('_', ' ')} is stuck",
                    reason,
                    kind="bid_escalation",
                    options="the coordinator will decide; you may act meanwhile",
                )
            )
        await self._mail(f"escalation-{round}", letters)
        await self._wait(
            lambda: s.escalation is None or s.escalation.resolution is not None or resolved(), None
        )
        action = (s.escalation.resolution if s.escalation else None) or "resolved"
        s.escalation = None
        if action == "abandon":
            raise BidClosed("abandoned", s.closed_reason or reason)
        return action

    def _shift_deadlines(self, delta: timedelta) -> None:
        """The funder moved the deadline: every deadline still ahead moves with it."""
        now, s = workflow.now(), self._state
        for name, moment in s.deadlines.items():
            if moment > now or name == "submission":
                s.deadlines[name] = moment + delta
        for section in s.sections.values():
            if section.due is not None and section.due > now:
                section.due += delta
        self._wakeup = True
