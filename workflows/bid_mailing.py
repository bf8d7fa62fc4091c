"""A child of the bid: one e-mail to each of a group (circulation, reminders, closing news)."""

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from models.bid_tasks import MailingInput
    from models.email import SendEmailInput
    from workflows.policies import EMAIL

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
            await asyncio.gather(
                *(
                    workflow.execute_activity_method(
                        EmailActivities.send_email,
                        SendEmailInput(
                            key=letter.key,
                            kind=letter.kind,
                            to=letter.to,
                            context=letter.context,
                            bid_id=input.bid_id,
                            task=letter.task,
                        ),
                        **EMAIL,
                    )
                    for letter in batch
                )
            )
            sent += len(batch)
            if letters and workflow.info().get_current_history_length() > HISTORY_BUDGET:
                workflow.continue_as_new(MailingInput(bid_id=input.bid_id, letters=letters))
        return sent
