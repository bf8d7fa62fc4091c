"""The bid's reminders: one schedule of what people owe (`state.schedule`), one timer for the
earliest moment on it. A task is prompted when it is added, reminded before it falls due and
then every `remind_every`, and escalated (`Escalations.overdue`) when its due date passes.

The schedule moves as a whole when the funder's deadline moves; an answer takes its task off.
Compared with a child workflow per task, an answer is one workflow task on the bid.

A contract and an event keep their schedules with the same class: what it reads of a state
is `Scheduled`, what it does through the effects is `Letters` (the bid's `Effects` and
`DeliveryEffects` both have it).
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.task_links import signed_in_path
    from models.bid import BidState, shifted
    from models.bid_schedule import DueTask
    from models.bid_tasks import Letter
    from models.task import TaskKind, TaskLink

OnOverdue = Callable[[list[DueTask]], Awaitable[None]]


class Spacing(Protocol):
    """When a task is reminded: a bid's, a contract's or an event's timetable."""

    @property
    def remind_before(self) -> timedelta: ...

    @property
    def remind_every(self) -> timedelta: ...


class Scheduled(Protocol):
    """What the reminders read of a bid's, a contract's or an event's state."""

    @property
    def schedule(self) -> dict[str, DueTask]: ...

    @property
    def timetable(self) -> Spacing: ...


class Letters(Protocol):
    """What the reminders do through the effects: a task's link and letter, and mail."""

    def link(
        self, kind: TaskKind, org: str, key: str = "", due: datetime | None = None
    ) -> TaskLink: ...

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
    ) -> Letter: ...

    def mail(self, step: str, letters: list[Letter]) -> None: ...


# The state the reminders keep the schedule of (they never replace it, so reminders over a
# contract's state are reminders over a `Scheduled` state).
S = TypeVar("S", bound=Scheduled, covariant=True)


class Reminders(Generic[S]):
    def __init__(self, state: S, fx: Letters) -> None:
        self.state, self.fx = state, fx
        self._armed_for: datetime | None = None  # when the timer now waiting fires
        self._rearm = False
        self._stopped = False

    # --- the schedule ---------------------------------------------------------------------

    def add(self, task: DueTask, prompt: bool = True) -> None:
        """Put a task on the schedule (replacing one of the same id) and, unless the caller
        mails the prompt itself (a group of invitations), send its prompt."""
        task.last_sent_at = workflow.now()
        self.state.schedule[task.id] = task
        if prompt:
            self.fx.mail(f"{task.id}:{task.round}", [self.prompt(task)])
        self._changed()

    def prompt(self, task: DueTask) -> Letter:
        return self.letter(task, "prompt", "bid_task")

    def letter(self, task: DueTask, step: str, kind: str) -> Letter:
        """An e-mail about `task` with its link; `step` (prompt, reminder:2) keys it."""
        link = self.fx.link(task.kind, task.owed_by, task.key, task.due)
        return self.fx.letter(
            f"{task.id}:{task.round}:{step}",
            task.to,
            task.heading,
            task.body,
            kind=kind,
            task=link,
            due=task.due,
            action_path=signed_in_path(link),
        )

    def answered(self, task_id: str, what: str) -> None:
        """The task is answered: no more reminders, and its owner gets a receipt (`what` they
        did) that takes the task's invitation out of their calendar (METHOD:CANCEL, same
        UID: activities/calendar.py). A task answered before it was on the schedule (or
        again) sends nothing."""
        task = self.state.schedule.get(task_id)
        self.done(task_id)
        if task is not None:
            receipt(self.fx, task, what)

    def done(self, *task_ids: str) -> None:
        """The task is answered (or no longer owed): no more reminders."""
        for task_id in task_ids:
            self.state.schedule.pop(task_id, None)
        self._changed()

    def done_where(self, match: Callable[[DueTask], bool]) -> None:
        self.done(*[t.id for t in self.state.schedule.values() if match(t)])

    def extend(self, task_id: str, until: datetime) -> DueTask:
        task = self.state.schedule[task_id]
        # reminders_sent keeps counting: each reminder's letter key stays its own
        task.due, task.overdue = until, False
        task.last_sent_at = workflow.now()
        self._changed()
        return task

    def shift(self: "Reminders[BidState]", delta: timedelta) -> None:
        """The funder moved the deadline: every task still owed moves with it (a bid's)."""
        now, deadline = workflow.now(), self.state.deadlines.submission
        for task in self.state.schedule.values():
            if task.due > now:
                task.due = shifted(task.due, delta, now, deadline)
        self._changed()

    def _next(self) -> datetime | None:
        t = self.state.timetable
        moments = [task.next_at(t.remind_before, t.remind_every) for task in self._tasks()]
        return min((m for m in moments if m is not None), default=None)

    def _tasks(self) -> list[DueTask]:
        return list(self.state.schedule.values())

    def _changed(self) -> None:
        # Only a change of the earliest moment restarts the timer: an answer to a task that
        # is not the next one costs no timer events.
        if self._next() != self._armed_for:
            self._rearm = True

    # --- the timer ------------------------------------------------------------------------

    def stop(self) -> None:
        self._stopped = True

    async def run(self, on_overdue: OnOverdue) -> None:
        """Runs beside the stages for the bid's whole life."""
        reached: datetime | None = None
        while not self._stopped:
            now = max(workflow.now(), reached) if reached else workflow.now()
            reached = None
            t = self.state.timetable
            moments = [
                (task, task.next_at(t.remind_before, t.remind_every)) for task in self._tasks()
            ]
            ripe = [task for task, at in moments if at is not None and at <= now]
            if ripe:
                await self._act(ripe, now, on_overdue)
                continue
            self._armed_for, self._rearm = self._next(), False
            timeout = (self._armed_for - now) if self._armed_for else None
            try:
                await workflow.wait_condition(lambda: self._rearm or self._stopped, timeout=timeout)
            except TimeoutError:
                reached = self._armed_for  # the test server's clock may read a little short

    async def _act(self, ripe: list[DueTask], now: datetime, on_overdue: OnOverdue) -> None:
        overdue = [task for task in ripe if now >= task.due]
        letters = []
        for task in ripe:
            if task in overdue:
                continue
            task.reminders_sent += 1
            task.last_sent_at = now
            letters.append(self.letter(task, f"reminder:{task.reminders_sent}", "bid_reminder"))
        self.fx.mail(f"reminders-{now:%Y%m%d%H%M%S}", letters)
        if overdue:
            for task in overdue:
                task.overdue = True
            await on_overdue(overdue)


def receipt(fx: Letters, task: DueTask, what: str) -> None:
    """Mail `task`'s owner the receipt of their answer (`what` they did), which takes the
    task's invitation out of their calendar (METHOD:CANCEL, same UID:
    activities/calendar.py). Keyed by the task and its round, it goes once."""
    step = f"{task.id}:{task.round}:answered"
    letter = fx.letter(
        step,
        task.to,
        "We have your answer",
        f"{what} It is recorded on the bid, and the date is taken out of your calendar.",
        calendar_cancel=[cancellation(task)],
    )
    fx.mail(step, [letter])


def cancellation(task: DueTask) -> dict[str, str]:
    """What the e-mail activity needs to cancel a task's calendar invitation."""
    return {
        "kind": task.kind,
        "key": task.key,
        "organisation_id": task.owed_by,
        "summary": task.heading,
        "due": task.due.isoformat(),
    }
