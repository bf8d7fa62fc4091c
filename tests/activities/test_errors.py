"""Errors classified where they happen: an activity's data error is final (a non-retryable
`DataError` whose message says what and where), an outage of the database or the relay is
retried. Each activity is called as the worker calls it, on the real database and relay."""

import uuid
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.bids import BidStoreActivities
from activities.email import EmailActivities
from activities.errors import DATA_ERROR
from activities.mailer import Mailer
from activities.members import MemberActivities
from activities.store import StoreActivities
from models.audit import AuditRecord
from models.bid_rows import BidSnapshot, ContributionRow
from models.email import SendEmailInput, SendEmailsInput
from models.membership import MemberRecord, Proforma
from tests.activities.test_email import outbox_row
from tests.helpers import free_port
from worker import activities_for

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def audit(**fields) -> AuditRecord:
    values = {"key": f"audit-{uuid.uuid4()}", "at": NOW, "actor": "lead", "action": "x"}
    return AuditRecord(**{**values, **fields})


def letter(to: str, **fields) -> SendEmailInput:
    context = {"subject": "Improving Futures", "body": "Lead, partner, or not this time?"}
    return SendEmailInput(
        key=f"notice-{uuid.uuid4()}:{to}",
        kind="notice",
        to=to,
        context={**context, "action_url": None, "action_label": None, **fields},
    )


async def refusal(activity, *args) -> ApplicationError:
    """What the activity raised, which must be a final data error."""
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activity, *args)
    error = raised.value
    assert (error.type, error.non_retryable) == (DATA_ERROR, True), error
    return error


def nul_cases(sessions, settings):
    store, bids = StoreActivities(sessions), BidStoreActivities(sessions)
    members = MemberActivities(sessions)
    email = EmailActivities(sessions, Mailer(settings), settings)
    tag = uuid.uuid4().hex[:8]
    return {
        "audit actor": (store.record_audit, audit(actor="lead\x00"), "actor"),
        "audit batch": (store.record_audits, [audit(), audit(action="x\x00")], "[1].action"),
        "contribution": (
            bids.record_contribution,
            ContributionRow(
                bid_id=f"bid-{tag}",
                section_key="summary",
                organisation_id="beta",
                version=1,
                body="Our delivery plan\x00",
                submitted_at=NOW,
            ),
            "body",
        ),
        "member": (
            members.save_member,
            MemberRecord(
                organisation_id=f"org-{tag}",
                status="applicant",
                proforma=Proforma(name="Easington\x00 Trust"),
            ),
            "proforma.name",
        ),
        "e-mail": (
            email.send_email,
            letter(f"nul-{tag}@example.org", body="See you\x00 there"),
            "context.body",
        ),
    }


@pytest.mark.parametrize("case", ["audit actor", "audit batch", "contribution", "member", "e-mail"])
async def test_a_nul_character_is_a_final_data_error_naming_its_field(sessions, settings, case):
    activity, input, field = nul_cases(sessions, settings)[case]
    error = await refusal(activity, input)
    assert "NUL" in error.message and field in error.message, error.message


async def test_a_number_too_large_for_its_column_is_a_final_data_error(sessions):
    snapshot = BidSnapshot(
        bid_id=f"bid-{uuid.uuid4().hex[:8]}",
        opportunity_id="opp",
        stage="drafting",
        outstanding_tasks=2**40,  # an INTEGER column
        version=1,
    )
    error = await refusal(BidStoreActivities(sessions).save_bid, snapshot)
    assert "too large" in error.message and "outstanding_tasks" in error.message, error.message


async def test_a_value_breaking_a_constraint_is_a_final_data_error(sessions):
    snapshot = BidSnapshot(
        bid_id=f"bid-{uuid.uuid4().hex[:8]}", opportunity_id="none", stage="x", version=1
    )
    error = await refusal(BidStoreActivities(sessions).save_bid, snapshot)
    assert "opportunity_id" in error.message, error.message  # the database's own detail


async def test_an_address_with_a_line_break_is_a_final_data_error_and_sends_nothing(
    sessions, settings, mailbox
):
    to = f"partner-{uuid.uuid4()}@example.org\r\nBcc: everyone@example.org"
    email = EmailActivities(sessions, Mailer(settings), settings)
    message = letter(to)
    error = await refusal(email.send_email, message)
    assert "address" in error.message and "'to'" in error.message, error.message
    assert (
        mailbox.to("everyone@example.org") == [] and await outbox_row(sessions, message.key) is None
    )


async def test_a_batch_sends_its_good_letters_and_refuses_the_bad_address(
    sessions, settings, mailbox
):
    run = uuid.uuid4().hex[:8]
    good = [letter(f"good{i}-{run}@example.org") for i in range(2)]
    bad = letter(f"bad-{run}@example.org\nBcc: all-{run}@example.org")
    email = EmailActivities(sessions, Mailer(settings), settings)
    error = await refusal(email.send_emails, SendEmailsInput(messages=[good[0], bad, good[1]]))
    assert "1 of 3" in error.message and bad.key in error.message, error.message
    assert [len(mailbox.to(m.to)) for m in good] == [1, 1]
    assert mailbox.to(f"all-{run}@example.org") == []


class Refuses:
    """A relay that answers every recipient with a temporary refusal (4xx)."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return "451 4.3.0 Mailbox temporarily unavailable"


@pytest.mark.parametrize("relay", ["4xx", "down"])
async def test_a_relay_refusing_for_now_or_unreachable_stays_retryable(sessions, settings, relay):
    port = free_port()
    controller = Controller(Refuses(), hostname="127.0.0.1", port=port)
    if relay == "4xx":
        controller.start()
    smtp = settings.model_copy(update={"smtp_port": port, "smtp_timeout_seconds": 2})
    email = EmailActivities(sessions, Mailer(smtp), smtp)
    message = letter(f"later-{uuid.uuid4()}@example.org")
    try:
        with pytest.raises(Exception) as raised:
            await ActivityEnvironment().run(email.send_email, message)
    finally:
        if relay == "4xx":
            controller.stop()
    error = raised.value
    assert not (isinstance(error, ApplicationError) and error.non_retryable), error
    row = await outbox_row(sessions, message.key)
    assert (row.status, row.attempts) == ("pending", 1) and row.last_error


def test_every_activity_the_worker_runs_classifies_its_errors(settings, sessions):
    unclassified = [
        a.__name__
        for a in activities_for(settings, sessions)
        if not getattr(a, "classified", False)
    ]
    assert unclassified == []
