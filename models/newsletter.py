"""The quarterly procurement newsletter: what it reports, and its text (a pure function, so
the coordinator's preview and the e-mail are the same words)."""

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from models.limits import Email, Identifier, LongText

QUARTER = r"^\d{4}-Q[1-4]$"


def quarter_of(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


class NewsletterInput(BaseModel):
    """What the schedule starts the newsletter with (workflows read no settings)."""

    coordinator_email: Email
    preview_url: str = Field(max_length=2_000)
    review: timedelta = timedelta(days=3)  # for the coordinator to edit the introduction


class DraftInput(BaseModel):
    quarter: str = Field(pattern=QUARTER)
    workflow_id: str = Field(max_length=200)
    coordinator_email: Email
    preview_url: str = Field(max_length=2_000)


class SendPage(BaseModel):
    """One page of the mailing to every member (by organisation id, after `after`)."""

    quarter: str = Field(pattern=QUARTER)
    after: Identifier | None = None
    size: int = Field(default=50, ge=1, le=200)


class PageSent(BaseModel):
    last: str | None = None  # the last organisation of the page; None when none was left
    sent: int = 0


class Upcoming(BaseModel):
    title: str
    funder: str
    deadline: datetime
    value: Decimal | None = None
    currency: str = "GBP"


class AwardLine(BaseModel):
    title: str
    suppliers: list[str] = Field(default_factory=list)
    value: Decimal | None = None
    currency: str = "GBP"


class NewsletterFacts(BaseModel):
    quarter: str
    upcoming: list[Upcoming] = Field(default_factory=list)
    bids_in_flight: dict[str, int] = Field(default_factory=dict)  # by stage
    awards: list[AwardLine] = Field(default_factory=list)  # published awards of the quarter
    bids_won: int = 0
    value_won: Decimal = Decimal(0)
    members: int = 0
    theme_gaps: list[str] = Field(default_factory=list)
    locality_gaps: list[str] = Field(default_factory=list)
    renewals_due: int = 0  # memberships to renew in the next quarter


def compose(facts: NewsletterFacts, introduction: LongText = "") -> tuple[str, str]:
    """The newsletter's subject and text."""
    f = facts
    lines = [introduction.strip(), ""] if introduction.strip() else []
    lines.append("Upcoming opportunities")
    lines += [
        f"- {u.title} ({u.funder}), closing {u.deadline:%d %B %Y}"
        + (f", {u.currency} {u.value:,.0f}" if u.value is not None else "")
        for u in f.upcoming
    ] or ["- none published yet"]
    lines += ["", "Bids in flight"]
    lines += [f"- {stage.replace('_', ' ')}: {n}" for stage, n in f.bids_in_flight.items()] or [
        "- none"
    ]
    lines += ["", "Contract awards"]
    lines += [
        f"- {w.title}: {', '.join(w.suppliers) or 'not named'}"
        + (f", {w.currency} {w.value:,.0f}" if w.value is not None else "")
        for w in f.awards
    ] or ["- none published this quarter"]
    lines.append(f"Our consortia have won {f.bids_won} bids, worth GBP {f.value_won:,.0f}.")
    lines += ["", "The framework", f"- {f.members} member organisations"]
    if f.theme_gaps:
        lines.append(f"- no member yet for: {', '.join(f.theme_gaps)}")
    if f.locality_gaps:
        lines.append(f"- no member yet in: {', '.join(f.locality_gaps)}")
    lines.append(f"- {f.renewals_due} memberships to renew next quarter")
    return f"Procurement newsletter, {f.quarter}", "\n".join(lines).strip() + "\n"
