"""Calendars (RFC 5545, built with `icalendar`): the invitation a task prompt carries, its
cancellation, and an organisation's read-only feed of deadlines.

A task's event keeps one UID for its whole life (bid, task kind, task key, organisation), so
a reminder sent after the funder moved the deadline moves the same event in the person's
calendar: its SEQUENCE is the second the letter was written, which rises with every letter.
Times are given in the framework's zone (Europe/London by default) with its VTIMEZONE.
"""

import functools
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress
from pydantic import BaseModel, Field

from models.email import EmailAttachment, SendEmailInput
from models.task import TaskLink
from settings import Settings

PRODID = "-//Consortia//Bid deadlines//EN"
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
SLOT = timedelta(minutes=30)  # the event ends at the deadline
DUE_FORMAT = "%d %B %Y, %H:%M UTC"  # how the bid's letters write a due date (rules.when)
MAX_CANCELLED = 5  # invitations cancelled by one letter


class CalendarEvent(BaseModel):
    """One dated thing a person owes (or a deadline an organisation keeps)."""

    uid: str = Field(max_length=300)
    summary: str = Field(max_length=300)
    due: datetime
    description: str = Field(default="", max_length=5_000)
    url: str | None = Field(default=None, max_length=2_000)
    sequence: int = Field(default=0, ge=0)
    organiser: str | None = Field(default=None, max_length=254)
    attendee: str | None = Field(default=None, max_length=254)


def task_uid(task: TaskLink, domain: str) -> str:
    """The same task (a section, an invitation, a signature...) always has the same UID."""
    return f"{task.bid_id}.{task.kind}.{task.key or '-'}.{task.organisation_id}@{domain}"


def sequence_at(moment: datetime) -> int:
    """Seconds since 2020 (a 32-bit count until 2088): each later letter revises the event."""
    return max(0, int((moment - EPOCH).total_seconds()))


def invitation(
    event: CalendarEvent, zone: str, method: Literal["REQUEST", "CANCEL"] = "REQUEST"
) -> bytes:
    """An iTIP message (RFC 5546) for one event: REQUEST adds or moves it, CANCEL removes it."""
    calendar = _calendar(method)
    calendar.add_component(_event(event, ZoneInfo(zone), cancelled=method == "CANCEL"))
    # The zone's VTIMEZONE goes before the event, where `add_component` would put it.
    begin = b"BEGIN:VEVENT\r\n"
    return calendar.to_ical().replace(begin, _timezone(zone) + begin, 1)


@functools.cache
def _timezone(zone: str) -> bytes:
    """The zone's VTIMEZONE (what `add_missing_timezones` adds), built and written out once a
    process: built for every letter, it was a quarter of the worker's time in a burst of
    prompts; written out for every letter (2.6 KB for Europe/London), 70% of a letter's
    invitation (1.1 of 1.6 ms)."""
    return Timezone.from_tzid(zone).to_ical()


def feed(name: str, events: list[CalendarEvent], zone: str) -> bytes:
    """An organisation's deadlines as one calendar to subscribe to (METHOD:PUBLISH)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    for event in events:
        calendar.add_component(_event(event, ZoneInfo(zone)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(e: CalendarEvent, zone: ZoneInfo, cancelled: bool = False) -> Event:
    due = e.due.astimezone(zone)
    event = Event()
    event.add("uid", e.uid)
    event.add("sequence", e.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", due - SLOT)
    event.add("dtend", due)
    event.add("summary", e.summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the time stays free
    if e.description:
        event.add("description", e.description)
    if e.url:
        event.add("url", e.url)
    if e.organiser:
        organiser = vCalAddress(f"mailto:{e.organiser}")
        organiser.params["cn"] = "Consortia"
        event.add("organizer", organiser)
    if e.attendee:
        attendee = vCalAddress(f"mailto:{e.attendee}")
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", e.summary)
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
    return event


# --- the invitation a prompt carries --------------------------------------------------------


def due_of(input: SendEmailInput) -> datetime | None:
    """A letter's due date: `due_at` (ISO 8601) in its context, or its `due` as the bid
    writes it; None when it has none (or it is not a date)."""
    given = input.context.get("due_at") or input.context.get("due")
    if not isinstance(given, str) or not given:
        return None
    for parse in (datetime.fromisoformat, lambda s: datetime.strptime(s, DUE_FORMAT)):
        try:
            moment = parse(given)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def attachments_for(
    input: SendEmailInput, settings: Settings, now: datetime | None = None
) -> list[EmailAttachment]:
    """A task prompt with a due date carries its invitation; the news that a bid closed, the
    cancellation of each task its reader still owed (`calendar_cancel` in its context, at
    most `MAX_CANCELLED`); other letters nothing."""
    domain = urlsplit(settings.public_url).hostname or "consortia"
    moment, zone = now or datetime.now(UTC), settings.calendar_timezone
    due = due_of(input)
    if input.task is not None and due is not None:
        event = CalendarEvent(
            uid=task_uid(input.task, domain),
            summary=str(input.context.get("heading") or "A task for your bid")[:300],
            description=str(input.context.get("title") or "")[:5_000],
            due=due,
            sequence=sequence_at(moment),
            organiser=_address(settings.mail_from),
            attendee=input.to,
        )
        return [_ics("invite.ics", invitation(event, zone))]
    owed = input.context.get("calendar_cancel")
    if input.bid_id is None or not isinstance(owed, list):
        return []
    cancelled = []
    for i, task in enumerate(owed[:MAX_CANCELLED]):
        try:
            link = TaskLink(
                bid_id=input.bid_id,
                organisation_id=task["organisation_id"],
                kind=task["kind"],
                key=task.get("key", ""),
                expires_at=moment,
            )
            event = CalendarEvent(
                uid=task_uid(link, domain),
                summary=str(task.get("summary") or "A task for your bid")[:300],
                due=datetime.fromisoformat(task["due"]),
                sequence=sequence_at(moment) + 1,  # after any invitation of the same second
                organiser=_address(settings.mail_from),
                attendee=input.to,
            )
        except (KeyError, TypeError, AttributeError, ValueError):  # not a task: no calendar
            continue
        cancelled.append(_ics(f"cancel-{i + 1}.ics", invitation(event, zone, "CANCEL")))
    return cancelled


def _ics(filename: str, content: bytes) -> EmailAttachment:
    return EmailAttachment(
        filename=filename, content_type="text/calendar", content=content.decode()
    )


def _address(sender: str) -> str:
    """`Name <a@b>` -> `a@b`."""
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


class PendingAttachments:
    """Attachments of the letters an activity is sending, by outbox key, until built into
    their messages (bounded: a letter found already sent never takes its own)."""

    def __init__(self, most: int = 10_000) -> None:
        self._by_key: OrderedDict[str, list[EmailAttachment]] = OrderedDict()
        self._most = most

    def put(self, key: str, attachments: list[EmailAttachment]) -> None:
        if attachments:
            self._by_key[key] = attachments
            while len(self._by_key) > self._most:
                self._by_key.popitem(last=False)

    def take(self, key: str) -> list[EmailAttachment]:
        """The letter's attachments, once: its message is being built."""
        return self._by_key.pop(key, [])
