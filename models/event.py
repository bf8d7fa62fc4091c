"""An engagement event's workflow: its input, state and Updates (declared once, as the bid's
are). Market engagement sessions, workshops with commissioners, task and steering groups,
listening events, training: invitees RSVP from the e-mail, attendance is recorded on the
day, feedback comes after, and the outputs are linked to what they led to."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from models.bid import TimelineEvent
from models.bid_answers import Answer
from models.bid_schedule import DueTask
from models.contract_answers import NewParty
from models.limits import (
    MAX_LABELS,
    MAX_PARTNERS,
    Aware,
    BidId,
    Comments,
    Identifier,
    Label,
    Note,
    Reason,
    Title,
)

EventKind = Literal[
    "market_engagement",
    "workshop",
    "task_group",
    "steering_group",
    "listening_event",
    "training",
]
EventStatus = Literal["invited", "held", "closed", "cancelled"]
KIND_WORDS = {
    "market_engagement": "a market engagement event",
    "workshop": "a workshop",
    "task_group": "a task group meeting",
    "steering_group": "a steering group meeting",
    "listening_event": "a listening event",
    "training": "a training session",
}


class EventTimetable(BaseModel):
    rsvp_before: timedelta = timedelta(days=2)  # answers are due this long before it starts
    remind_before: timedelta = timedelta(days=3)
    remind_every: timedelta = timedelta(days=2)
    attendance_window: timedelta = timedelta(days=3)  # for the coordinator to record it
    feedback_window: timedelta = timedelta(days=7)
    link_valid_after_due: timedelta = timedelta(days=14)


class Invitee(BaseModel):
    organisation_id: str
    name: str
    email: str
    rsvp: Literal["yes", "no"] | None = None
    attended: bool | None = None
    rating: int | None = None
    feedback: str = ""


class EventOutputs(BaseModel):
    notes: str = ""
    themes: list[str] = Field(default_factory=list)
    proposals: list[str] = Field(default_factory=list)
    linked: list[str] = Field(default_factory=list)  # opportunity, bid or contract ids


class EventInput(BaseModel):
    event_id: str
    title: str
    kind: EventKind
    starts_at: datetime
    ends_at: datetime
    place: str  # an address or a link
    coordinator_email: str
    invitees: list[Invitee] = Field(default_factory=list)  # added by hand
    themes: list[str] = Field(default_factory=list)  # and members matched in the directory
    localities: list[str] = Field(default_factory=list)
    timetable: EventTimetable = Field(default_factory=EventTimetable)


class EventState(BaseModel):
    event_id: str
    title: str
    kind: EventKind
    starts_at: datetime
    ends_at: datetime
    place: str
    coordinator_email: str
    timetable: EventTimetable
    status: EventStatus = "invited"
    invitees: dict[str, Invitee] = Field(default_factory=dict)
    outputs: EventOutputs | None = None
    attendance_recorded: bool = False
    cancelled_reason: str | None = None
    schedule: dict[str, DueTask] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    audit_seq: int = 0

    @classmethod
    def new(cls, input: EventInput) -> "EventState":
        return cls(
            **input.model_dump(exclude={"invitees", "themes", "localities"}),
            invitees={i.organisation_id: i for i in input.invitees},
        )

    # --- read by the bid's Reminders and Escalations --------------------------------------

    def name_of(self, organisation_id: str) -> str:
        invitee = self.invitees.get(organisation_id)
        return invitee.name if invitee else organisation_id

    def lead_email(self) -> str:
        return self.coordinator_email  # an event has no lead: the coordinator runs it

    def attended(self) -> list[Invitee]:
        return [i for i in self.invitees.values() if i.attended]


# --- its Updates' inputs, bounded at the edge -----------------------------------------------


class RsvpInput(Answer):
    attending: bool
    note: Note = ""


class AddInvitees(Answer):
    invitees: list[NewParty] = Field(min_length=1, max_length=MAX_PARTNERS)


class AttendanceInput(Answer):
    """Who came (invitees' organisation ids); everyone else did not."""

    attended: list[Identifier] = Field(max_length=MAX_PARTNERS)


class FeedbackInput(Answer):
    rating: Annotated[int, Field(ge=1, le=5)]
    text: Comments = ""


class OutputsInput(Answer):
    notes: Comments = ""
    themes: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    proposals: list[Title] = Field(default_factory=list, max_length=50)
    linked: list[BidId] = Field(default_factory=list, max_length=50)


class CancelEvent(Answer):
    reason: Reason = Field(min_length=1)


class EventSummary(BaseModel):
    event_id: str
    status: str
    accepted: int
    attended: int


@dataclass(frozen=True)
class EventUpdate:
    name: str
    input: type[Answer]
    who: Literal["invitee", "coordinator"]
    does: str


EVENT_UPDATES: tuple[EventUpdate, ...] = (
    EventUpdate("rsvp", RsvpInput, "invitee", "say whether you will come"),
    EventUpdate("give_feedback", FeedbackInput, "invitee", "say how it went (after it)"),
    EventUpdate("add_invitees", AddInvitees, "coordinator", "invite more organisations"),
    EventUpdate("record_attendance", AttendanceInput, "coordinator", "record who came"),
    EventUpdate("record_outputs", OutputsInput, "coordinator", "notes, themes, proposals"),
    EventUpdate("cancel_event", CancelEvent, "coordinator", "cancel it, saying why"),
)


class NewEvent(BaseModel):
    """What the coordinator's form or the CLI gives to start an event (bounded)."""

    title: Title = Field(min_length=1)
    kind: EventKind
    starts_at: Aware
    ends_at: Aware
    place: Title = Field(min_length=1)
    themes: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    localities: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    invitees: list[NewParty] = Field(default_factory=list, max_length=MAX_PARTNERS)
