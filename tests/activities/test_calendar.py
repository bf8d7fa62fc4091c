"""Calendar invitations: an event in Europe/London that a calendar library reads back, moved
under the same UID with a higher SEQUENCE, cancelled; and the invitation a task prompt
carries through the real e-mail activity and SMTP."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from activities.calendar import CalendarEvent, due_of, feed, invitation
from activities.email import EmailActivities
from activities.mailer import Mailer
from models.email import SendEmailInput
from models.task import TaskLink
from tests.helpers import wait_until
from workflows.bid.rules import when

LONDON = "Europe/London"


def event_of(ics: bytes):
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_an_invitation_reads_back_in_london_time_and_moves_under_the_same_uid():
    due = datetime(2027, 7, 1, 16, 0, tzinfo=UTC)  # British Summer Time: 17:00 in London
    first = CalendarEvent(uid="bid-1.section.summary.beta@x", summary="Write it", due=due)
    calendar, event = event_of(invitation(first, LONDON))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [LONDON]
    end = event.decoded("DTEND")
    assert str(end.tzinfo) == LONDON and (end.hour, end.utcoffset()) == (17, timedelta(hours=1))
    assert end == due

    moved = first.model_copy(update={"due": due + timedelta(days=20), "sequence": 5})
    _, again = event_of(invitation(moved, LONDON))
    assert str(again["UID"]) == str(event["UID"])
    assert int(again["SEQUENCE"]) > int(event["SEQUENCE"])
    assert again.decoded("DTEND") == due + timedelta(days=20)

    calendar, gone = event_of(invitation(moved, LONDON, method="CANCEL"))
    assert str(calendar["METHOD"]) == "CANCEL" and str(gone["STATUS"]) == "CANCELLED"
    listing = Calendar.from_ical(feed("Beta Trust", [first, moved], LONDON))
    assert len(listing.walk("VEVENT")) == 2 and str(listing["METHOD"]) == "PUBLISH"


def test_a_due_date_as_the_bid_writes_it_is_read_back():
    due = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
    letter = SendEmailInput(
        key="k", kind="bid_task", to="a@example.org", context={"due": when(due)}
    )
    assert due_of(letter) == due
    assert due_of(letter.model_copy(update={"context": {"due": ""}})) is None


async def test_a_prompt_carries_its_invitation_and_a_later_one_revises_it(
    settings, sessions, mailbox
):
    tag = uuid.uuid4().hex[:8]
    to = f"beta-{tag}@example.org"
    link = TaskLink(
        bid_id=f"bid-{tag}",
        organisation_id=f"beta-{tag}",
        kind="section",
        key="summary",
        expires_at=datetime(2027, 9, 1, tzinfo=UTC),
    )
    mailer = Mailer(settings)
    email = EmailActivities(sessions, mailer, settings)
    due = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
    for step, moment in (("prompt", due), ("reminder", due + timedelta(days=20))):
        context = {
            "title": "Healthy Minds",
            "heading": "Write the 'summary' section",
            "body": "Please write it.",
            "due": when(moment),
            "action_path": "/",
        }
        await email.send_email(
            SendEmailInput(key=f"{tag}:{step}", kind="bid_task", to=to, context=context, task=link)
        )
        await asyncio.sleep(1.05)  # a later letter, a later second: a higher SEQUENCE
    await mailer.close()
    await wait_until(lambda: len(mailbox.to(to)) == 2)
    events = []
    for message in mailbox.to(to):
        [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert part.get_param("method") == "REQUEST" and part.get_filename() == "invite.ics"
        events.append(event_of(part.get_payload(decode=True))[1])
    first, moved = events
    assert (
        str(first["UID"]) == str(moved["UID"]) == f"bid-{tag}.section.summary.beta-{tag}@testserver"
    )
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    assert moved.decoded("DTEND") - first.decoded("DTEND") == timedelta(days=20)
    assert str(first.decoded("DTEND").tzinfo) == LONDON
