"""A child of the bid: chase one person for one task (an invitation, a section, a signature).

Sends the prompt, reminds before the due date and then every `remind_every` until the bid
says the task is done, and, when the due date passes, tells `escalate_to` and ends as
overdue. The due date moves with the bid's deadlines (an updatable timer). One child per
person and task keeps months of daily reminders out of the bid's own history.
"""

import asyncio
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from models.bid_tasks import ChaseInput, ChaseResult
    from models.email import SendEmailInput
    from workflows.policies import EMAIL

HISTORY_BUDGET = 5_000  # events; a long chase continues-as-new well before Temporal's limit


def when(moment: datetime) -> str:
    return f"{moment:%d %B %Y, %H:%M} UTC"


@workflow.defn
class ChaseWorkflow:
    """Signals: `finish` (the task is done), `move_due` (the deadline moved). No queries."""

    def __init__(self) -> None:
        self._finished = False
        self._due_moved = False
        self._due: datetime | None = None

    @workflow.signal
    def finish(self) -> None:
        self._finished = True

    @workflow.signal
    def move_due(self, due: datetime) -> None:
        self._due, self._due_moved = due, True

    @workflow.run
    async def run(self, input: ChaseInput) -> ChaseResult:
        self._due = self._due or input.due
        if not input.prompted:
            await self._send(input, "bid_task", "prompt")
            input.prompted = True
        while not self._finished:
            now, due = workflow.now(), self._due
            if now >= due:
                await self._escalate(input)
                return ChaseResult(status="overdue", reminders_sent=input.reminders_sent)
            remind_at = self._next_reminder(input, due)
            if now >= remind_at:
                input.reminders_sent += 1
                input.last_reminder_at = now
                await self._send(input, "bid_reminder", f"reminder:{input.reminders_sent}")
                continue
            if workflow.info().get_current_history_length() > HISTORY_BUDGET:
                workflow.continue_as_new(input.model_copy(update={"due": due}))
            self._due_moved = False
            try:
                await workflow.wait_condition(
                    lambda: self._finished or self._due_moved,
                    timeout=min(remind_at, due) - now,
                )
            except TimeoutError:
                pass
        return ChaseResult(status="done", reminders_sent=input.reminders_sent)

    @staticmethod
    def _next_reminder(input: ChaseInput, due: datetime) -> datetime:
        first = due - input.remind_before
        if input.last_reminder_at is None:
            return first
        return max(first, input.last_reminder_at + input.remind_every)

    async def _send(self, input: ChaseInput, kind: str, step: str) -> None:
        assert self._due is not None
        context = {**input.context, "due": when(self._due)}
        await workflow.execute_activity_method(
            EmailActivities.send_email,
            SendEmailInput(
                key=f"{workflow.info().workflow_id}:{step}",
                kind=kind,
                to=input.to,
                context=context,
                bid_id=input.bid_id,
                task=input.task,
            ),
            **EMAIL,
        )

    async def _escalate(self, input: ChaseInput) -> None:
        assert self._due is not None
        who = input.context.get("who", input.task.organisation_id)
        context = {
            "title": input.context.get("title", ""),
            "heading": f"{input.context.get('heading', 'A task')} is overdue",
            "body": f"{who} has not answered; it was due on {when(self._due)}.",
            "options": "chase them, give a new due date, or reassign the task",
        }
        await asyncio.gather(
            *(
                workflow.execute_activity_method(
                    EmailActivities.send_email,
                    SendEmailInput(
                        key=f"{workflow.info().workflow_id}:overdue:{address}",
                        kind="bid_escalation",
                        to=address,
                        context=context,
                        bid_id=input.bid_id,
                    ),
                    **EMAIL,
                )
                for address in input.escalate_to
            )
        )
