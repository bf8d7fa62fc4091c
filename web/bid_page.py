"""What holds a bid up, as the lead's console and the coordinator's bid page show it: the
bid's dates, the tasks past due with the choices open on each, the open escalation, a
consortium below the notice's minimum, and the data errors the bid could not save.

One source for both pages: the bid's live state, or, when it cannot be read (or the bid has
finished), the summary the bid keeps in its read-model row. Every date comes from the bid's
`deadlines`, which move with the funder's; never from the notice as it was first published.
"""

from dataclasses import dataclass, field
from datetime import datetime

from models.bid import COORDINATOR, LOCAL_AUTHORITY, BidState, Escalation
from models.bid_public import BidSummary
from models.directory import MemberMatch
from web.queries import Sessions, directory_search

# The bid's deadlines (models.bid.Deadlines), in words.
DATES = {
    "interest": "expressions of interest",
    "lead": "the lead body confirmed",
    "partners": "partners signed up",
    "agreement_comments": "comments on the agreement",
    "signatures": "the agreement signed",
    "la_signoff": "the local authority's sign-off",
    "submission": "submission to the funder",
}

# The choices on an overdue task, in words (each is an Update: extend_task, assign_sections,
# remove_partner, cancel).
CHOICES = {
    "extend": "give more time",
    "reassign": "reassign the section",
    "drop": "drop the partner",
    "cancel": "cancel the bid",
}

NOT_ORGANISATIONS = {COORDINATOR: "the coordinator", LOCAL_AUTHORITY: "the local authority"}


@dataclass
class Overdue:
    """A task past its due date, and who may act on it: "lead" (the lead or the coordinator)
    or "coordinator" (the lead's own tasks and the local authority's)."""

    task: str  # its id on the bid's schedule: the `extend_task` Update names it
    kind: str
    key: str  # the section it is about, for "reassign"
    owed_by: str
    owed_by_name: str
    due: datetime
    heading: str
    escalated_to: str
    options: list[str]

    @property
    def choices(self) -> list[str]:
        return [CHOICES.get(option, option) for option in self.options]


@dataclass
class BidStatus:
    dates: list[tuple[str, datetime]]  # (in words, when), each date the bid has set
    submission: datetime | None
    overdue: list[Overdue] = field(default_factory=list)
    escalation: Escalation | None = None
    below_minimum: bool = False
    partners: int = 0  # accepted, besides the lead
    minimum: int = 0  # what the notice asks for
    problems: list[str] = field(default_factory=list)


def _dates(deadlines: dict[str, datetime | None]) -> list[tuple[str, datetime]]:
    """Each date the bid has set, in words, soonest first."""
    found = [(DATES.get(name, name.replace("_", " ")), when) for name, when in deadlines.items()]
    return sorted(((words, when) for words, when in found if when), key=lambda d: d[1])


def _name(names: dict[str, str], org: str) -> str:
    return NOT_ORGANISATIONS.get(org) or names.get(org, org)


def from_state(state: BidState, summary: BidSummary | None) -> BidStatus:
    """From the bid as its workflow sees it now; `summary`, the read model's, says whether
    the consortium is below the minimum (the bid's own rule, kept in its summary)."""
    names = {k: state.name_of(k) for k in (*state.members, *state.partners)}
    overdue = [
        Overdue(
            task=t.id,
            kind=t.kind,
            key=t.key,
            owed_by=t.owed_by,
            owed_by_name=_name(names, t.owed_by),
            due=t.due,
            heading=t.heading,
            escalated_to=t.escalate_to,
            options=list(t.options),
        )
        for t in sorted(state.schedule.values(), key=lambda t: t.due)
        if t.overdue
    ]
    escalation = state.escalation
    return BidStatus(
        dates=_dates(state.deadlines.model_dump()),
        submission=state.deadlines.submission,
        overdue=overdue,
        escalation=escalation if escalation and escalation.resolution is None else None,
        below_minimum=summary is not None and summary.below_minimum,
        partners=state.accepted_count(),
        minimum=state.notice.min_partners,
        problems=list(state.problems),
    )


def from_summary(summary: BidSummary, names: dict[str, str], minimum: int) -> BidStatus:
    """From the read model alone, while the live state cannot be read: the same facts, and
    no actions (they wait for the bid)."""
    overdue = [
        Overdue(
            task=t.task,
            kind=t.kind,
            key=t.task.partition(":")[2],
            owed_by=t.owed_by,
            owed_by_name=_name(names, t.owed_by),
            due=t.due,
            heading=t.kind.replace("_", " ").capitalize(),
            escalated_to=t.escalated_to,
            options=list(t.options),
        )
        for t in sorted(summary.overdue, key=lambda t: t.due)
    ]
    escalation = summary.escalation
    return BidStatus(
        dates=_dates(summary.deadlines),
        submission=summary.deadlines.get("submission"),
        overdue=overdue,
        escalation=escalation if escalation and escalation.resolution is None else None,
        below_minimum=summary.below_minimum,
        partners=sum(status == "accepted" for status in summary.partners.values()),
        minimum=minimum,
        problems=list(summary.problems),
    )


@dataclass
class Search:
    """The lead's search of the directory, for members to invite beyond the circulation list."""

    name: str = ""
    theme: str = ""
    locality: str = ""

    @property
    def asked(self) -> bool:
        return bool(self.name or self.theme or self.locality)


async def invite_choices(
    sessions: Sessions, state: BidState, search: Search
) -> tuple[list[MemberMatch], list[MemberMatch]]:
    """Who the lead may invite: the circulation list's members not yet asked, and the members
    the search found besides them (the bid looks those up in the directory when invited)."""
    asked = set(state.partners)
    circulated = [m for k, m in state.members.items() if k not in asked]
    if not search.asked:
        return circulated, []
    found = await directory_search(sessions, search.name, search.theme, search.locality)
    listed = asked | {m.organisation_id for m in circulated}
    return circulated, [m for m in found if m.organisation_id not in listed]
