"""What a contract or an event does to the world: records, e-mail, background work. It has
what the bid's `Reminders` (`reminders.Letters`) and overdue tasks (`escalation.Recording`)
need (`record`, `save`, `letter`, `link`, `mail`), so those are reused as they are, held by
composition; records, letters and background work are made by the same code as the bid's
(`workflows.bid.effects`: `Records`, `letter`, `Background`).

Records are keyed by their cause for good: an Update's id, or the workflow run (a contract
continues as new each period, so a run's records never take an earlier run's keys).
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, Protocol

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from activities.store import StoreActivities
    from models.audit import AuditRecord
    from models.bid import TimelineEvent
    from models.bid_tasks import Letter
    from models.email import SendEmailInput, SendEmailsInput
    from models.task import TaskKind, TaskLink
    from workflows.bid.effects import Background, Records, _data_error, letter
    from workflows.policies import AUDIT, BID_EMAIL

PER_ACTIVITY = 10  # letters one e-mail activity sends
TIMELINE_KEPT = 200  # the latest events the state keeps; the audit log keeps them all


class Tracked(Protocol):
    """What these effects need of a contract's or an event's state."""

    timeline: list[TimelineEvent]
    problems: list[str]
    audit_seq: int
    coordinator_email: str


class DeliveryEffects:
    def __init__(
        self,
        subject_id: str,
        title: str,
        state: Tracked,
        save: Callable[[], Awaitable[Any]],
        link_valid: timedelta,
    ) -> None:
        self.subject_id, self.title, self.state = subject_id, title, state
        self._save, self._link_valid = save, link_valid
        self._unsaved: list[AuditRecord] = []
        self._records = Records(subject_id, f"run-{workflow.info().run_id}")
        self._background = Background()

    def record(self, actor: str, action: str, org: str | None = None, **detail: Any) -> None:
        """Append to the (bounded) timeline; `save()` writes it to the audit log, whose order
        carries on across runs (`audit_seq`)."""
        s = self.state
        event = self._records.event(actor, action, org, detail)
        s.timeline = [*s.timeline[-(TIMELINE_KEPT - 1) :], event]
        s.audit_seq += 1
        self._unsaved.append(self._records.audit(event, s.audit_seq))

    def forget(self, update_id: str) -> None:
        self._records.forget(update_id)

    async def save(self) -> None:
        """The read model now (a local activity: a page shows an answer when its Update
        returns); the audit rows once this workflow task is committed."""
        audits, self._unsaved = self._unsaved, []
        if audits:
            self.later(
                self.guarded("the audit log", AUDIT.run(StoreActivities.record_audits, audits))
            )
        await self.guarded("the read model", self._save())

    async def guarded(self, what: str, work: Awaitable[Any]) -> Any:
        """A data error is not retried: the work goes on and the coordinator hears of it."""
        try:
            return await work
        except (ActivityError, ApplicationError) as error:
            cause = _data_error(error)
            if cause is None:
                raise
            self.problem(f"{what} could not be saved: {cause.message}")
            return None

    def problem(self, text: str) -> None:
        self.state.problems.append(text)
        step = f"problem-{len(self.state.problems)}"
        body = f"{text}. The work goes on; please check the record."
        letter = self.letter(step, self.state.coordinator_email, "Something needs a look", body)
        self.mail(step, [letter], tell=False)

    # --- e-mail ---------------------------------------------------------------------------

    def link(
        self, kind: TaskKind, org: str, key: str = "", due: datetime | None = None
    ) -> TaskLink:
        until = (due or workflow.now()) + self._link_valid
        return TaskLink(
            bid_id=self.subject_id, organisation_id=org, kind=kind, key=key, expires_at=until
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
        """One e-mail, as the bid writes it (keyed by `step` and `to`, exactly once)."""
        return letter(
            self.subject_id, self.title, step, to, heading, body, kind, task, due, **extra
        )

    def mail(self, step: str, letters: list[Letter], tell: bool = True) -> None:
        """Send a few letters in the background; one refused on its data is a problem the
        coordinator hears of (unless it was the letter telling of a problem)."""
        if letters:
            self.later(self._send(step, letters, tell))

    async def _send(self, step: str, letters: list[Letter], tell: bool) -> None:
        try:
            await self._deliver(letters)
        except ActivityError as error:
            cause = _data_error(error)
            if cause is None:
                raise
            if tell:
                self.problem(f"e-mail '{step}' could not be sent: {cause.message}")
            else:
                self.state.problems.append(f"e-mail '{step}': {cause.message}")

    async def _deliver(self, letters: list[Letter]) -> None:
        """Through the outbox (activities/email.py), a few letters an activity."""
        messages = [
            SendEmailInput(bid_id=self.subject_id, **letter.model_dump()) for letter in letters
        ]
        batches = [messages[i : i + PER_ACTIVITY] for i in range(0, len(messages), PER_ACTIVITY)]
        calls = [
            BID_EMAIL.run(EmailActivities.send_emails, SendEmailsInput(messages=b)) for b in batches
        ]
        await asyncio.gather(*calls)

    # --- background work --------------------------------------------------------------------

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        """Background work (audit rows, e-mail), kept as the bid keeps its own."""
        self._background.later(work)

    async def settle(self) -> None:
        """Wait for the work set off (surfacing its failures) before the run ends."""
        await self._background.settle()

    async def sleep_until(self, moment: datetime) -> None:
        now = workflow.now()
        if moment > now:
            await workflow.sleep(moment - now)
