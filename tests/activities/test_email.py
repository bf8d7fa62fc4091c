"""The outbox: a retried activity never sends twice; an SMTP outage delays, never loses."""

import uuid
from datetime import timedelta

import aiosmtplib
import asyncpg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment
from temporalio.worker import Worker

from activities.email import OUTBOX_LOCKS, EmailActivities, message_id_for
from activities.mailer import Mailer
from activities.store import StoreActivities
from deploy.mailbox import Mailbox, start_mailbox
from models.email import SendEmailInput, SendEmailResult, SendEmailsInput, SendEmailsResult
from models.notice import NoticeInput
from models.tables import OutboxMessage
from tests.helpers import free_port, wait_until
from workflows.notice import NoticeWorkflow


class CrashAfterSending:
    """The real send, then a crash before the activity could report success (first try only)."""

    def __init__(self, email: EmailActivities) -> None:
        self._email = email

    @activity.defn(name="send_email_then_crash")
    async def send(self, input: SendEmailInput) -> SendEmailResult:
        result = await self._email.send_email(input)
        if activity.info().attempt == 1:
            raise RuntimeError("worker lost after the SMTP server accepted the message")
        return result


@workflow.defn(sandboxed=False)
class SendOnceWorkflow:
    @workflow.run
    async def run(self, input: SendEmailInput) -> SendEmailResult:
        return await workflow.execute_activity(
            "send_email_then_crash",
            input,
            result_type=SendEmailResult,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100)),
        )


async def outbox_row(sessions, key: str) -> OutboxMessage | None:
    async with sessions() as session:
        return await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


async def test_a_retried_send_delivers_the_message_exactly_once(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    to = f"partner-{uuid.uuid4()}@example.org"
    key = f"bid-1:invite:{to}:1"
    crashing = CrashAfterSending(EmailActivities(sessions, Mailer(settings), settings))
    message = SendEmailInput(
        key=key,
        kind="notice",
        to=to,
        context={
            "subject": "You are invited to join a bid",
            "body": "Improving Futures",
            "action_url": None,
            "action_label": None,
        },
    )
    async with Worker(
        time_skipping_env.client,
        task_queue=task_queue,
        workflows=[SendOnceWorkflow],
        activities=[crashing.send],
    ):
        result = await time_skipping_env.client.execute_workflow(
            SendOnceWorkflow.run, message, id=f"send-{uuid.uuid4()}", task_queue=task_queue
        )
    assert result.already_sent  # the second attempt found it sent
    [received] = mailbox.to(to)
    assert received["Message-ID"] == result.message_id
    row = await outbox_row(sessions, key)
    assert (row.status, row.attempts) == ("sent", 1)


async def test_an_smtp_outage_delays_the_message_and_loses_nothing(dev_env, settings, sessions):
    down_port = free_port()  # nothing listens here yet: the relay is down
    outage = settings.model_copy(update={"smtp_port": down_port, "smtp_timeout_seconds": 2})
    email = EmailActivities(sessions, Mailer(outage), outage)
    key, to = f"notice-{uuid.uuid4()}", f"member-{uuid.uuid4()}@example.org"
    notice = NoticeInput(
        key=key,
        actor="coordinator",
        recipients=[to],
        subject="Training: tendering basics",
        body="Bi-annual training, 3 May.",
    )
    task_queue = f"tq-{uuid.uuid4()}"
    async with Worker(
        dev_env.client,
        task_queue=task_queue,
        workflows=[NoticeWorkflow],
        activities=[email.send_email, StoreActivities(sessions).record_audit],
    ):
        handle = await dev_env.client.start_workflow(
            NoticeWorkflow.run, notice, id=key, task_queue=task_queue
        )

        async def failed_once() -> bool:
            row = await outbox_row(sessions, f"{key}:{to}")
            # The try is counted before the send, its failure recorded after it.
            return row is not None and row.attempts >= 1 and row.last_error is not None

        await wait_until(failed_once, within=30)
        row = await outbox_row(sessions, f"{key}:{to}")
        assert row.status == "pending" and "SMTPConnectError" in (row.last_error or "")

        relay = start_mailbox(down_port)  # the relay comes back
        try:
            result = await handle.result()
        finally:
            relay.stop()
    assert (result.sent, result.already_sent) == (1, 0)
    [received] = relay.handler.to(to)
    assert received["Subject"] == "Training: tendering basics"
    row = await outbox_row(sessions, f"{key}:{to}")
    assert row.status == "sent" and row.attempts >= 2


async def test_a_batch_sends_each_message_once_and_its_retry_skips_what_was_sent(
    settings, sessions, mailbox
):
    run = uuid.uuid4().hex[:8]
    messages = [
        SendEmailInput(
            key=f"bid-{run}:circulate:{i}",
            kind="notice",
            to=f"member{i}-{run}@example.org",
            context={
                "subject": "Improving Futures",
                "body": "Lead, partner, or not this time?",
                "action_url": None,
                "action_label": None,
            },
        )
        for i in range(3)
    ]
    email = EmailActivities(sessions, Mailer(settings), settings)
    await email.send_email(messages[0])  # sent before, by an earlier attempt

    outage = settings.model_copy(update={"smtp_port": free_port(), "smtp_timeout_seconds": 2})
    down = EmailActivities(sessions, Mailer(outage), outage)
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await down.send_emails(SendEmailsInput(messages=messages))
    waiting = [await outbox_row(sessions, m.key) for m in messages[1:]]
    assert [(r.status, r.attempts) for r in waiting] == [("pending", 1), ("pending", 0)]

    assert await email.send_emails(SendEmailsInput(messages=messages)) == SendEmailsResult(
        sent=2, already_sent=1
    )
    assert await email.send_emails(SendEmailsInput(messages=messages)) == SendEmailsResult(
        sent=0, already_sent=3
    )
    for m in messages:
        [received] = mailbox.to(m.to)
        assert received["Message-ID"] == message_id_for(m.key)
        assert (await outbox_row(sessions, m.key)).status == "sent"


class LosesTheDatabaseOnce(Mailbox):
    """A relay that, once, accepts a message and then ends the sender's database connection,
    as a PostgreSQL restart would: between the relay's "250" and the row marked sent."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self._database_url = database_url
        self.terminated = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        reply = await super().handle_DATA(server, session, envelope)
        if not self.terminated:
            connection = await asyncpg.connect(self._database_url)
            try:  # the backend sending the outbox rows: it holds their advisory locks
                self.terminated = await connection.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND granted AND classid = $1"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())",
                    OUTBOX_LOCKS,
                )
            finally:
                await connection.close()
        return reply


async def test_a_resend_after_the_database_was_lost_shows_both_attempts(settings, sessions):
    relay = LosesTheDatabaseOnce(settings.database_url.get_secret_value())
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp = settings.model_copy(update={"smtp_port": controller.port})
        email = EmailActivities(sessions, Mailer(smtp), smtp)
        to = f"twice-{uuid.uuid4()}@example.org"
        message = SendEmailInput(
            key=f"bid-2:invite:{to}:1",
            kind="notice",
            to=to,
            context={
                "subject": "You are invited to join a bid",
                "body": "Improving Futures",
                "action_url": None,
                "action_label": None,
            },
        )
        with pytest.raises(Exception) as lost:
            await ActivityEnvironment().run(email.send_email, message)
        assert relay.terminated == 1
        assert not (isinstance(lost.value, ApplicationError) and lost.value.non_retryable)
        first = await outbox_row(sessions, message.key)
        assert (first.status, first.attempts) == ("pending", 1), first.last_error
        assert first.attempted_at is not None and first.last_error

        result = await ActivityEnvironment().run(email.send_email, message)  # Temporal's retry
    finally:
        controller.stop()
    assert not result.already_sent
    row = await outbox_row(sessions, message.key)
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.attempted_at >= first.attempted_at
    # The documented window: the relay got it twice, under one Message-ID a receiver can spot.
    assert [m["Message-ID"] for m in relay.to(to)] == [message_id_for(message.key)] * 2


async def test_a_letter_with_a_very_long_line_reaches_the_relay(settings, sessions, mailbox):
    """SMTP refuses a line over 998 characters: fifty members' names in one paragraph must
    still go (encoded in short lines) and read back whole."""
    names = ", ".join(f"Member organisation number {n:03d}" for n in range(60))
    assert len(names) > 998
    to = f"long-{uuid.uuid4()}@example.org"
    message = SendEmailInput(
        key=f"bid-long:{to}",
        kind="notice",
        to=to,
        context={"subject": "Who offered", "body": names, "action_url": None, "action_label": None},
    )
    email = EmailActivities(sessions, Mailer(settings), settings)
    assert not (await email.send_email(message)).already_sent
    [received] = mailbox.to(to)
    assert names in received.get_body(("plain",)).get_content()


class RefusesOneAddress(Mailbox):
    """A relay that answers 550 for one recipient, as for a mailbox that does not exist."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_a_letter_the_relay_refuses_for_good_is_not_retried_and_the_rest_go(
    settings, sessions
):
    run = uuid.uuid4().hex[:8]
    gone = f"gone-{run}@example.org"
    relay = RefusesOneAddress(gone)
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp = settings.model_copy(update={"smtp_port": controller.port})
        email = EmailActivities(sessions, Mailer(smtp), smtp)
        addresses = [f"a-{run}@example.org", gone, f"b-{run}@example.org"]
        messages = [
            SendEmailInput(
                key=f"bid-{run}:news:{to}",
                kind="notice",
                to=to,
                context={"subject": "News", "body": "B", "action_url": None, "action_label": None},
            )
            for to in addresses
        ]
        with pytest.raises(ApplicationError) as refused:
            await email.send_emails(SendEmailsInput(messages=messages))
    finally:
        controller.stop()
    assert refused.value.non_retryable  # a data error: a person hears, nothing loops
    assert "1 of 3 letters were not sent" in str(refused.value) and gone in str(refused.value)
    assert [len(relay.to(to)) for to in addresses] == [1, 0, 1]
    row = await outbox_row(sessions, f"bid-{run}:news:{gone}")
    assert row.status == "pending" and "550" in row.last_error
