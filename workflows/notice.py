"""Send one notice to a list of people, each exactly once, and record it in the audit log."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from activities.store import StoreActivities
    from models.audit import AuditRecord
    from models.email import SendEmailInput
    from models.notice import NoticeInput, NoticeResult
    from workflows.policies import EMAIL, STORE


@workflow.defn
class NoticeWorkflow:
    """A coordinator's notice (newsletter, welcome, training date). No Updates or queries."""

    @workflow.run
    async def run(self, input: NoticeInput) -> NoticeResult:
        sent = already = 0
        context = input.model_dump(include={"subject", "body", "action_url", "action_label"})
        for recipient in input.recipients:
            result = await EMAIL.run(
                EmailActivities.send_email,
                SendEmailInput(
                    key=f"{input.key}:{recipient}", kind="notice", to=recipient, context=context
                ),
            )
            already += result.already_sent
            sent += not result.already_sent
        await STORE.run(
            StoreActivities.record_audit,
            AuditRecord(
                key=f"{input.key}:sent",
                at=workflow.now(),
                actor=input.actor,
                action="notice_sent",
                detail={"subject": input.subject, "recipients": len(input.recipients)},
            ),
        )
        return NoticeResult(sent=sent, already_sent=already)
