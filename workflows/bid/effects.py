"""What a bid does to the world: records, e-mails and waits. The workflow holds one `Effects`
and hands it to each stage; nothing here knows about a particular stage.

Every record is keyed by what caused it for good (the Update's id, or the stage step), so a
workflow task that runs twice (a lost completion) writes the same audit rows, never new ones.
"""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.bids import BidStoreActivities
    from activities.store import StoreActivities
    from models.audit import AuditRecord
    from models.bid import COORDINATOR, BidInput, BidState, Stage, TimelineEvent
    from models.bid_tasks import Letter, MailingInput
    from models.task import TaskKind, TaskLink
    from workflows import search_attributes as sa
    from workflows.bid.rules import when
    from workflows.bid.view import current_details, snapshot
    from workflows.mailing import SMALL_MAILING, MailingWorkflow, send_letters
    from workflows.policies import AUDIT, BACKGROUND, BID_EMAIL, STORE


ONE_SEND_A_TASK = "one-send-a-task"  # a task's small mailings go by one activity


class BidClosed(Exception):
    """Raised out of any stage when the bid ends early: no-go, abandoned, cancelled, lapsed."""

    def __init__(self, stage: Stage, reason: str) -> None:
        super().__init__(reason)
        self.stage, self.reason = stage, reason


class Effects:
    def __init__(self, input: BidInput, state: BidState) -> None:
        self.input, self.state = input, state
        self.closing: BidClosed | None = None  # set by cancel; raised out of the next wait
        self.wakeup = False  # a deadline moved: waits look at their clocks again
        self._unsaved: list[AuditRecord] = []
        self._records = Records(state.bid_id, "run")  # a bid runs once: no run id in its keys
        self._background = Background()
        # What goes out once this workflow task's writes are done (see `_dispatch`).
        self._saving = 0
        self._unaudited: list[AuditRecord] = []
        self._outgoing: list[tuple[str, list[Letter]]] = []
        self._dispatching = False

    # --- records ------------------------------------------------------------------------

    def record(self, actor: str, action: str, org: str | None = None, **detail: Any) -> None:
        """Append to the timeline; `save()` writes it to the audit log and the read model."""
        event = self._records.event(actor, action, org, detail)
        self.state.timeline.append(event)
        self._unsaved.append(self._records.audit(event, len(self.state.timeline)))

    def forget(self, update_id: str) -> None:
        """An Update's handler is done: its records are keyed for good."""
        self._records.forget(update_id)

    async def save(self) -> None:
        """Write the read model now (a local activity: the dashboard shows an answer when its
        Update returns); the new audit rows go once this workflow task is committed, by a
        remote activity (so rows of a task that runs again are never written with another
        task's times), with the letters of the same task where there are any."""
        workflow.set_current_details(current_details(self.state))  # the Temporal UI's line
        audits, self._unsaved = self._unsaved, []
        self._saving += 1
        try:
            await self._guarded(
                "the bid's read model",
                STORE.run_local(BidStoreActivities.save_bid, snapshot(self.state)),
            )
        finally:
            self._saving -= 1
        if audits:
            self._unaudited.extend(audits)
            self._dispatch_soon()

    async def store(self, what: str, write: Awaitable[Any]) -> None:
        """Another read-model write (a contribution, a signature), safe to repeat."""
        await self._guarded(what, write)

    async def _guarded(self, what: str, write: Awaitable[Any]) -> None:
        """A data error (a value the database refuses) is not retried: the bid goes on, and
        the coordinator hears what could not be saved. Infrastructure errors retry inside."""
        try:
            await write
        except (ActivityError, ApplicationError) as error:
            cause = _data_error(error)
            if cause is None:
                raise
            self._problem(f"{what} could not be saved: {cause.message}")

    def _problem(self, problem: str, tell: bool = True) -> None:
        """Something a person must look at: on the bid (the dashboard) and, once, by e-mail."""
        self.state.problems.append(problem)
        if not tell:
            return
        step = f"problem-{len(self.state.problems)}"
        letter = self.letter(
            step,
            self.state.coordinator_email,
            "Something in this bid could not be saved or sent",
            f"{problem}. The bid goes on; please check the record.",
            kind="bid_escalation",
        )
        self.mail(step, [letter])

    def set_stage(self, stage: Stage) -> None:
        self.state.stage = stage
        self.upsert_search_attributes()

    def upsert_search_attributes(self) -> None:
        s = self.state
        updates: list[SearchAttributeUpdate] = [
            sa.BID_STAGE.value_set(s.stage),
            sa.BID_DEADLINE.value_set(s.deadlines.submission),
            sa.BID_OPPORTUNITY.value_set(s.notice.id),
        ]
        if s.lead_id is not None:
            updates.append(sa.BID_LEAD.value_set(s.lead_id))
        workflow.upsert_search_attributes(updates)

    # --- e-mail -------------------------------------------------------------------------

    def link(
        self, kind: TaskKind, org: str, key: str = "", due: datetime | None = None
    ) -> TaskLink:
        until = (due or self.state.deadlines.submission) + self.state.timetable.link_valid_after_due
        return TaskLink(
            bid_id=self.state.bid_id, organisation_id=org, kind=kind, key=key, expires_at=until
        )

    def letter(
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
        """One e-mail; `step` names why it is sent, and with `to` makes it exactly-once."""
        s = self.state
        return letter(s.bid_id, s.notice.title, step, to, heading, body, kind, task, due, **extra)

    def mail(self, step: str, letters: list[Letter]) -> None:
        """Send a group of letters: a few by activities of the bid's own, many through a
        mailing child (out of this history). The bid goes on meanwhile (its stages and the
        dashboard do not wait for delivery); it waits for every mailing before it ends."""
        if letters:
            self._outgoing.append((step, letters))
            self._dispatch_soon()

    def _dispatch_soon(self) -> None:
        if not self._dispatching:
            self._dispatching = True
            self.later(self._dispatch())

    async def _dispatch(self) -> None:
        """Once the read-model writes in hand are done (an Update's handler mails, then its
        answer is saved), start this task's mailings and write its audit rows: the small
        mailings' letters together, by one activity (a few dozen letters an activity) that
        writes the rows too; a large mailing by a child; the rows by an activity of their own
        when nothing small is sent. An activity's completion wakes the bid (a workflow task):
        an answer that records and mails costs one wake-up, and the lead's confirmation (its
        own letter and the invitation to invite partners) one, not two."""
        await workflow.wait_condition(lambda: self._saving == 0)
        self._dispatching = False
        outgoing, self._outgoing = self._outgoing, []
        audits, self._unaudited = self._unaudited, []
        small = [m for m in outgoing if len(m[1]) <= SMALL_MAILING]
        # A bid whose history sent a task's small mailings one activity each goes on so
        # (`patched` is decided once a run), and replays as it was recorded.
        if len(small) > 1 and workflow.patched(ONE_SEND_A_TASK):
            steps = [step for step, _ in small]
            letters = [letter for _, mailing in small for letter in mailing]
            self.later(self._send(steps, letters, audits))
            outgoing, audits = [m for m in outgoing if len(m[1]) > SMALL_MAILING], []
        for step, letters in outgoing:
            is_small = len(letters) <= SMALL_MAILING
            self.later(self._send([step], letters, audits if is_small else []))
            audits = [] if is_small else audits
        self._write_audits(audits)

    def _write_audits(self, audits: list[AuditRecord]) -> None:
        if audits:
            self.later(
                self._guarded("the audit log", AUDIT.run(StoreActivities.record_audits, audits))
            )

    async def _send(
        self, steps: list[str], letters: list[Letter], audits: list[AuditRecord]
    ) -> None:
        """Letters of one or more mailings (`steps`, why each is sent): up to `SMALL_MAILING`
        of one mailing, or the small mailings of one task together, by activities of the
        bid's own; a larger mailing by a child. A mailing that fails on its data (an address
        the relay can never take) is a problem the coordinator hears of now, not a failure
        of the bid when it ends."""
        try:
            if len(steps) > 1 or len(letters) <= SMALL_MAILING:
                queue = self.input.mail_task_queue
                await send_letters(self.state.bid_id, letters, BID_EMAIL, audits, queue)
            else:
                await workflow.execute_child_workflow(
                    MailingWorkflow.run,
                    MailingInput(
                        bid_id=self.state.bid_id,
                        letters=letters,
                        mail_task_queue=self.input.mail_task_queue,
                    ),
                    id=f"{self.state.bid_id}/mail/{steps[0]}",
                    priority=BACKGROUND,
                )
        except (ChildWorkflowError, ActivityError) as error:
            cause = _data_error(error)
            if cause is None:
                raise
            # The rows may not have been written with the letters (a letter that cannot be
            # rendered stops its activity first): written again, they are recorded once.
            self._write_audits(audits)
            # A letter about a problem that cannot be sent is not mailed about again.
            self._problem(
                f"e-mail {', '.join(repr(step) for step in steps)} could not be sent: "
                f"{cause.message}",
                tell=not any(step.startswith("problem-") for step in steps),
            )

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        self._background.later(work)

    async def settle(self) -> None:
        """Wait for the work answers set off (and surface its failures) before the bid ends."""
        await self._background.settle()

    # --- waiting on people and deadlines ------------------------------------------------

    async def wait(self, done: Callable[[], bool], until: Callable[[], datetime | None]) -> bool:
        """Wait until `done()` or the (movable) `until()`; True if done. Raises `BidClosed` when
        the bid is cancelled, or lapses at the funder's deadline with nothing submitted."""
        reached = datetime.min.replace(tzinfo=workflow.now().tzinfo)
        while True:
            if self.closing is not None:
                raise self.closing
            if done():
                return True
            # A timer that fired has reached its moment, even where the clock the workflow is
            # replayed with reads a few milliseconds short of it (as the test server's can).
            now, s = max(workflow.now(), reached), self.state
            deadline = s.deadlines.submission
            if s.submission is None and now >= deadline:
                raise BidClosed(
                    "lapsed",
                    f"No submission was recorded by the funder's deadline, {when(deadline)}.",
                )
            ends = [deadline] if s.submission is None else []
            cutoff = until()
            if cutoff is not None:
                if now >= cutoff:
                    return False
                ends.append(cutoff)
            self.wakeup = False
            try:
                await workflow.wait_condition(
                    lambda: done() or self.wakeup or self.closing is not None,
                    timeout=(min(ends) - now) if ends else None,
                )
            except TimeoutError:
                reached = min(ends)

    async def until_done(self, done: Callable[[], bool]) -> None:
        await self.wait(done, lambda: None)

    def consortium(self) -> list[str]:
        """The coordinator and the consortium as it stands (the lead and accepted partners)."""
        s = self.state
        return list(dict.fromkeys([s.coordinator_email] + [p.email for p in s.active_partners()]))

    def onlookers(self) -> list[str]:
        """Members who expressed interest and are not in the consortium now (they declined,
        withdrew, were removed, were not invited or were not chosen to lead)."""
        s, inside = self.state, set(self.consortium())
        interested = [
            s.email_of(i.organisation_id)
            for i in s.interests.values()
            if i.answer != "not_this_time"
        ]
        return [e for e in dict.fromkeys(interested) if e not in inside]

    def everyone(self) -> list[str]:
        """Who hears news that changes the bid for all (a deadline moved, the bid closed):
        the consortium, invitees yet to answer, and the members who expressed interest."""
        s = self.state
        invited = [p.email for p in s.partners.values() if p.status == "invited"]
        gone = {p.email for p in s.partners.values() if p.status in ("withdrawn", "removed")}
        people = self.consortium() + invited + self.onlookers()
        return [e for e in dict.fromkeys(people) if e not in gone]

    def is_coordinator(self, actor: str) -> bool:
        return actor == COORDINATOR


def _data_error(error: BaseException) -> ApplicationError | None:
    """The non-retryable error (a data error) behind an activity's or a child's failure, if
    that is what it was: a remote activity's failure comes wrapped, a local activity's as it
    was raised, a child's wrapped once more."""
    cause: BaseException | None = error
    while isinstance(cause, FailureError):
        if isinstance(cause, ApplicationError):
            return cause if cause.non_retryable else None
        cause = cause.cause
    return None


# --- shared with a contract's and an event's effects (workflows/delivery_effects.py) ---------


class Records:
    """Timeline events and their audit rows, each keyed by what caused it for good: an
    Update's id, else `run` (what a workflow run does of itself), and a count of the same
    action (and organisation) by that cause. A workflow task that runs twice writes the
    same keys, never new ones."""

    def __init__(self, subject_id: str, run: str) -> None:
        self.subject_id, self.run = subject_id, run
        self._counts: dict[str, Counter[str]] = {}  # by cause: an Update's id, or the run

    def event(
        self, actor: str, action: str, org: str | None, detail: dict[str, Any]
    ) -> TimelineEvent:
        update = workflow.current_update_info()
        cause = f"u-{update.id}" if update else self.run
        counts = self._counts.setdefault(cause, Counter())
        base = f"{self.subject_id}:{cause}:{action}:{org or ''}"
        counts[base] += 1
        return TimelineEvent(
            at=workflow.now(),
            actor=actor,
            action=action,
            organisation_id=org,
            detail=detail,
            key=f"{base}:{counts[base]}",
        )

    def audit(self, event: TimelineEvent, seq: int) -> AuditRecord:
        """The audit row of `event`, `seq`th in the subject's audit log."""
        return AuditRecord(
            key=event.key,
            seq=seq,
            at=event.at,
            actor=event.actor,
            action=event.action,
            bid_id=self.subject_id,
            organisation_id=event.organisation_id,
            detail=event.detail,
        )

    def forget(self, update_id: str) -> None:
        """An Update's handler is done: its records are keyed for good."""
        self._counts.pop(f"u-{update_id}", None)


def letter(
    subject_id: str,
    title: str,
    step: str,
    to: str,
    heading: str,
    body: str,
    kind: str = "bid_news",
    task: TaskLink | None = None,
    due: datetime | None = None,
    **extra: Any,
) -> Letter:
    """One e-mail about `subject_id` (a bid, a contract, an event) called `title`; `step`
    names why it is sent, and with `to` makes it exactly-once."""
    context = {
        "title": title,
        "heading": heading,
        "body": body,
        "due": when(due) if due else "",
        **extra,
    }
    return Letter(key=f"{subject_id}:{step}:{to}", to=to, kind=kind, context=context, task=task)


class Background:
    """Work set off to run beside the workflow (audit rows, e-mail)."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[Any]] = []

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        # Work done and well is let go (a bid of months starts thousands of these); a failure
        # is kept for `settle` to raise.
        self._tasks = [t for t in self._tasks if not t.done() or t.cancelled() or t.exception()]
        self._tasks.append(asyncio.create_task(work))

    async def settle(self) -> None:
        """Wait for the work set off (and surface its failures)."""
        while self._tasks:
            pending, self._tasks = self._tasks, []
            await asyncio.gather(*pending)
