"""A task's calendar invitation leaves the calendar when the task is answered: the answer's
receipt carries its cancellation (same UID, METHOD:CANCEL, a higher SEQUENCE)."""

from icalendar import Calendar

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
        await wait_until(lambda: "We have your answer" in " ".join(subjects(mailbox, beta)))
        received = mailbox.to(beta)
    [(method, invited)] = [
        (method, event)
        for m in received
        for method, event in calendar_parts(m)
        if method == "REQUEST" and ".invitation." in str(event["UID"])
    ]
    [receipt] = [m for m in received if "We have your answer" in m["Subject"]]
    [(method, cancelled)] = calendar_parts(receipt)
    assert method == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == invited["UID"]
    assert cancelled["SEQUENCE"] > invited["SEQUENCE"]
    assert "You accepted the invitation" in receipt.get_body(("plain",)).get_content()
