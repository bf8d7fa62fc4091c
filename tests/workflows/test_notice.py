"""The notice workflow: each recipient gets the e-mail once, and the audit log says so."""

import uuid

from sqlalchemy import select
from temporalio.worker import Worker

from models.notice import NoticeInput
from models.tables import AuditEntry
from worker import WORKFLOWS, activities_for
from workflows.notice import NoticeWorkflow


async def test_notice_reaches_every_recipient_once_and_is_audited(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    key = f"notice-{uuid.uuid4()}"
    recipients = [f"{n}-{key}@example.org" for n in ("a", "b")]
    notice = NoticeInput(
        key=key,
        actor="coordinator",
        recipients=recipients,
        subject="Market engagement event, 3 March",
        body="Join us at the Town Hall.",
    )
    async with Worker(
        time_skipping_env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessions),
    ):
        first = await time_skipping_env.client.execute_workflow(
            NoticeWorkflow.run, notice, id=key, task_queue=task_queue
        )
        again = await time_skipping_env.client.execute_workflow(
            NoticeWorkflow.run, notice, id=f"{key}-again", task_queue=task_queue
        )
    assert (first.sent, first.already_sent) == (2, 0)
    assert (again.sent, again.already_sent) == (0, 2)
    for address in recipients:
        [message] = mailbox.to(address)
        assert message["Subject"] == "Market engagement event, 3 March"
        assert "Join us at the Town Hall." in message.get_body(("plain",)).get_content()
    async with sessions() as session:
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.key == f"{key}:sent"))
        ).one()
    assert (audit.actor, audit.action, audit.detail["recipients"]) == (
        "coordinator",
        "notice_sent",
        2,
    )
