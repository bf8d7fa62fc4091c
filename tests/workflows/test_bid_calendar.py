"""A task's calendar invitation leaves the calendar when the task is answered: the answer's
receipt carries its cancellation (same UID, METHOD:CANCEL, a higher SEQUENCE), once."""

import pytest
from icalendar import Calendar
from temporalio.client import WorkflowUpdateFailedError

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, to_partner_signup
from tests.workflows.bid_support import bid_worker, start_bid, subjects


def calendar_parts(message) -> list[tuple[str, object]]:
    """(method, VEVENT) for each calendar attachment of a received message."""
    found = []
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            [event] = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
            found.append((part.get_param("method"), event))
    return found


def receipts(messages, kind: str) -> list:
    """The receipts ("We have your answer") among `messages` that cancel a task of `kind`."""
    return [
        m
        for m in messages
        if "We have your answer" in m["Subject"]
        and any(f".{kind}." in str(event["UID"]) for _, event in calendar_parts(m))
    ]


async def test_an_accepted_invitation_is_taken_out_of_the_partners_calendar(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_partner_signup(bid)
        beta = bid.email("beta")
        await bid.handle.execute_update(
            "invite_partners",
            a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("beta")]),
        )
        await wait_until(lambda: any(calendar_parts(m) for m in mailbox.to(beta)))
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org("beta"), accept=True)
        )
        # (beta's answer to the notice had a receipt of its own: the invitation's is another)
        await wait_until(lambda: receipts(mailbox.to(beta), "invitation"))
        received = mailbox.to(beta)
    [(method, invited)] = [
        (method, event)
        for m in received
        for method, event in calendar_parts(m)
        if method == "REQUEST" and ".invitation." in str(event["UID"])
    ]
    [receipt] = receipts(received, "invitation")
    [(method, cancelled)] = calendar_parts(receipt)
    assert method == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == invited["UID"]
    assert cancelled["SEQUENCE"] > invited["SEQUENCE"]
    assert "You accepted the invitation" in receipt.get_body(("plain",)).get_content()


async def test_an_expression_of_interest_takes_the_notice_out_of_the_calendar_once(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        beta, gamma = bid.email("beta"), bid.email("gamma")
        await wait_until(lambda: any(calendar_parts(m) for m in mailbox.to(beta)))
        await bid.handle.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=bid.org("beta"), answer="partner")
        )
        await wait_until(lambda: "We have your answer" in " ".join(subjects(mailbox, beta)))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await bid.handle.execute_update(
                "express_interest",
                a.ExpressionOfInterest(actor=bid.org("beta"), answer="not_this_time"),
            )
        assert "You have already answered (partner)." in str(refused.value.cause)
        # Another member's answer after it: once its receipt is in, a second one for beta
        # would have been sent too.
        await bid.handle.execute_update(
            "express_interest",
            a.ExpressionOfInterest(actor=bid.org("gamma"), answer="not_this_time"),
        )
        await wait_until(lambda: "We have your answer" in " ".join(subjects(mailbox, gamma)))
        received = mailbox.to(beta)
    [notice] = [m for m in received if "Will you lead" in m["Subject"]]
    [(method, invited)] = calendar_parts(notice)
    assert method == "REQUEST"
    assert ".expression_of_interest.-." in str(invited["UID"])
    [receipt] = [m for m in received if "We have your answer" in m["Subject"]]
    [(method, cancelled)] = calendar_parts(receipt)
    assert method == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == invited["UID"]
    assert cancelled["SEQUENCE"] > invited["SEQUENCE"]
    assert "You said you would partner in this bid." in receipt.get_body(("plain",)).get_content()
    assert len(received) == 2
