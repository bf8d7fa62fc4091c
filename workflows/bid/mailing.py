"""A child of the bid: one e-mail to each of a group (circulation, reminders, news), so that
a mailing to 200 members keeps its events out of the bid's history."""

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from models.bid_tasks import Letter, MailingInput
    from models.email import SendEmailInput, SendEmailsInput
    from workflows.policies import EMAIL

BATCH = 50  # e-mails in flight at once: keeps the relay and the pending-activity cap happy
PER_ACTIVITY = 10  # e-mails one activity sends (21 members: 3 activities, not 21)
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
            messages = [_message(input.bid_id, letter) for letter in batch]
            await asyncio.gather(
                *(
                    EMAIL.run(
                        EmailActivities.send_emails,
                        SendEmailsInput(messages=messages[i : i + PER_ACTIVITY]),
                    )
                    for i in range(0, len(messages), PER_ACTIVITY)
                )
            )
            sent += len(batch)
            if letters and workflow.info().get_current_history_length() > HISTORY_BUDGET:
                workflow.continue_as_new(MailingInput(bid_id=input.bid_id, letters=letters))
        return sent


def _message(bid_id: str, letter: Letter) -> SendEmailInput:
    return SendEmailInput(
        key=letter.key,
        kind=letter.kind,
        to=letter.to,
        context=letter.context,
        bid_id=bid_id,
        task=letter.task,
    )
