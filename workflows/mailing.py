"""A child of the bid: one e-mail to each of a large group (a notice circulated to hundreds of
members), so that such a mailing keeps its events out of the bid's history. It lives outside
`workflows/bid/`: a child's sandbox imports its module's package, and the bid's package is
the whole workflow (bench/RESULTS.md measured 40-230 ms and 320 KiB a sandbox). A small group
(up to `SMALL_MAILING` letters) the bid sends itself: a child workflow per mailing costs the
worker a workflow in its cache and the server more tasks than two activities do."""

import asyncio
from collections.abc import Awaitable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from models.audit import AuditRecord
    from models.bid_tasks import Letter, MailingInput
    from models.email import SendEmailInput, SendEmailsInput
    from workflows.policies import EMAIL, Policy

PER_ACTIVITY = 25  # e-mails one activity sends (21 members: 1 activity, not 21)
# Letters the bid sends itself, by at most two activities (six events in its history, and two
# wake-ups); more go through this child.
SMALL_MAILING = 2 * PER_ACTIVITY
BATCH = 50  # e-mails in flight at once: keeps the relay and the pending-activity cap happy
HISTORY_BUDGET = 10_000  # events; past this, continue-as-new with the letters not yet sent


@workflow.defn
class MailingWorkflow:
    """Sends every letter exactly once (each has its outbox key). No Updates or queries."""

    @workflow.run
    async def run(self, input: MailingInput) -> int:
        letters = input.letters
        sent = 0
        while letters:
            batch, letters = letters[:BATCH], letters[BATCH:]
            await send_letters(input.bid_id, batch, EMAIL, task_queue=input.mail_task_queue)
            sent += len(batch)
            if letters and workflow.info().get_current_history_length() > HISTORY_BUDGET:
                workflow.continue_as_new(input.model_copy(update={"letters": letters}))
        return sent


def send_letters(
    bid_id: str,
    letters: list[Letter],
    policy: Policy,
    audits: list[AuditRecord] | None = None,
    task_queue: str | None = None,
) -> Awaitable[Any]:
    """Up to `PER_ACTIVITY` letters an activity, all at once (21 letters: 1 activity). The
    first activity also writes `audits`, audit rows of the task that sent the letters.
    `task_queue`: a mail worker's queue, or None for the workflow's own."""
    messages = [_message(bid_id, letter) for letter in letters]
    return asyncio.gather(
        *(
            policy.run(
                EmailActivities.send_emails,
                SendEmailsInput(
                    messages=messages[i : i + PER_ACTIVITY], audits=(audits or []) if i == 0 else []
                ),
                task_queue,
            )
            for i in range(0, len(messages), PER_ACTIVITY)
        )
    )


def _message(bid_id: str, letter: Letter) -> SendEmailInput:
    return SendEmailInput(
        key=letter.key,
        kind=letter.kind,
        to=letter.to,
        context=letter.context,
        bid_id=bid_id,
        task=letter.task,
    )
