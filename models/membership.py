"""The membership proforma, its assessment, and the membership workflow's input, state and answers.

`Proforma` is the workflow payload (lenient: old and new workers read each other's);
`BoundedProforma` is the same questionnaire within the limits of models/limits.py, which the
client checks before sending one; `ProformaForm` is it as people fill it in, checked strictly
at the edge.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.directory import MemberStatus
from models.framework import Framework
from models.limits import (
    MAX_LABELS,
    Count,
    Day,
    Email,
    Label,
    Money,
    Name,
    Note,
    Reason,
    Registration,
    Role,
    Title,
    Year,
)

# Legal forms that are registered charities, and those registered at Companies House.
CHARITY_FORMS = ("charity", "CIO", "charitable company")
COMPANY_FORMS = ("charitable company", "CIC", "company limited by guarantee")


class ContactPerson(BaseModel):
    name: str
    email: str
    role: str = ""


class PastWork(BaseModel):
    """One past contract or grant: the track record."""

    funder: str
    title: str = ""
    year: int | None = None
    value: Decimal | None = None


class Proforma(BaseModel):
    """The friendly pre-qualification questionnaire an organisation fills in to join."""

    name: str
    legal_form: str = ""
    charity_number: str | None = None
    company_number: str | None = None
    governing_document: bool = False
    address: str = ""
    locality: str = ""
    contacts: list[ContactPerson] = Field(default_factory=list)
    annual_turnover: Decimal | None = Field(default=None, ge=0)
    staff: int = Field(default=0, ge=0)
    volunteers: int = Field(default=0, ge=0)
    themes: list[str] = Field(default_factory=list)
    localities_served: list[str] = Field(default_factory=list)
    safeguarding_policy: bool = False
    safeguarding_review_due: date | None = None  # when the policy is next due for review
    dbs_checks: bool = False  # before DBS checks had a date: a yes/no kept for old payloads
    dbs_expires: date | None = None  # when the DBS checks next need renewing
    insurance_expires: date | None = None  # public liability cover
    accounts_year_end: date | None = None  # the latest accounts
    track_record: list[PastWork] = Field(default_factory=list)
    willing_to_lead: bool = False


def static_problems(proforma: Proforma) -> list[str]:
    """What is wrong with a proforma on its own, before the framework or the date is known."""
    problems = []
    if not proforma.name.strip():
        problems.append("The organisation's name is missing.")
    if proforma.legal_form in CHARITY_FORMS and not proforma.charity_number:
        problems.append(f"A {proforma.legal_form} needs its charity number: it is missing.")
    if proforma.legal_form in COMPANY_FORMS and not proforma.company_number:
        problems.append(f"A {proforma.legal_form} needs its company number: it is missing.")
    if not proforma.contacts:
        problems.append("Give at least one contact with an e-mail address.")
    for contact in proforma.contacts:
        if "@" not in contact.email:
            problems.append(f"{contact.name}'s e-mail address {contact.email!r} is not valid.")
    if proforma.safeguarding_policy and proforma.safeguarding_review_due is None:
        problems.append("Give the date your safeguarding policy is next due for review.")
    return problems


MAX_CONTACTS = 20
MAX_TRACK_RECORD = 100


class ContactForm(ContactPerson):
    model_config = ConfigDict(from_attributes=True)  # a ContactPerson is read as one

    name: Name = Field(min_length=1)
    email: Email
    role: Role = ""


class PastWorkForm(PastWork):
    model_config = ConfigDict(from_attributes=True)

    funder: Name = Field(min_length=1)
    title: Title = ""
    year: Year | None = None
    value: Money | None = None


class BoundedProforma(Proforma):
    """Every answer within its limit, and within its column where it lands in one
    (`organisations`, `contacts`): what may be sent to a membership workflow."""

    name: Name
    legal_form: Label = ""
    charity_number: Registration | None = None
    company_number: Registration | None = None
    address: Note = ""
    locality: Label = ""
    contacts: list[ContactForm] = Field(  # type: ignore[assignment]  # narrower, as pydantic allows
        default_factory=list, max_length=MAX_CONTACTS
    )
    annual_turnover: Money | None = None
    staff: Count = 0
    volunteers: Count = 0
    themes: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    localities_served: list[Label] = Field(default_factory=list, max_length=MAX_LABELS)
    safeguarding_review_due: Day | None = None
    insurance_expires: Day | None = None
    dbs_expires: Day | None = None
    accounts_year_end: Day | None = None
    track_record: list[PastWorkForm] = Field(  # type: ignore[assignment]  # narrower, likewise
        default_factory=list, max_length=MAX_TRACK_RECORD
    )


class ProformaForm(BoundedProforma):
    """The proforma as typed into the CLI or the web: unknown fields and slips are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="after")
    def _check(self) -> "ProformaForm":
        problems = static_problems(self)
        if self.dbs_checks and self.dbs_expires is None:  # a date, not a yes/no, from now on
            problems.append("Give the date your DBS checks next need renewing.")
        if problems:
            raise ValueError(" ".join(problems))
        return self


def membership_workflow_id(organisation_id: str) -> str:
    return f"membership-{organisation_id}"


Outcome = Literal["full", "associate", "signposted"]


class MissingItem(BaseModel):
    """An entry criterion not met, and who can help meet it."""

    key: str
    description: str
    level: str = "full"
    signpost: str | None = None  # the helping organisation's name
    signpost_email: str = ""
    signpost_url: str = ""


class Assessment(BaseModel):
    """The automatic assessment of one proforma against the entry criteria."""

    outcome: Outcome
    met: list[str] = Field(default_factory=list)
    missing: list[MissingItem] = Field(default_factory=list)
    assessed_on: date | None = None


class MembershipInput(BaseModel):
    """Starts (or continues) one organisation's membership."""

    organisation_id: str
    framework: Framework = Field(default_factory=Framework)
    coordinator_email: str = ""
    public_url: str = ""  # the web app's, for the links in its e-mails (none when empty)
    # Continue-as-new once a run's history passes this many events (or Temporal suggests it).
    max_history_events: int = 10_000
    resume_from: "MembershipState | None" = None


class MembershipState(BaseModel):
    """Everything the workflow knows; carried across continue-as-new; the `state` query."""

    organisation_id: str
    status: MemberStatus = "applicant"
    proforma: Proforma | None = None
    assessment: Assessment | None = None
    submissions: int = 0  # proformas received, first and resubmissions and updates
    signposted_at: datetime | None = None
    status_since: datetime | None = None
    suspended_reason: str = ""
    override_reason: str = ""
    fired: list[str] = Field(default_factory=list)  # keys of reminders and expiries done
    membership_id: str = ""  # the first run's id: keeps e-mail keys apart if an org rejoins
    # Bumped on every change; orders read-model writes. Microseconds of workflow time, so a
    # membership started again after leaving writes over the old one's rows.
    version: int = 0

    def bump(self, now: datetime) -> None:
        self.version = max(self.version + 1, int(now.timestamp() * 1_000_000))


class Override(BaseModel):
    """The coordinator sets an organisation's status by hand, with a reason for the audit log."""

    status: Literal["full", "associate", "signposted", "suspended"]
    reason: Reason
    by: Name = "coordinator"


class FrameworkAdoption(BaseModel):
    """A changed framework file, for a running membership to follow from now on."""

    framework: Framework
    by: Name = "coordinator"


class Leave(BaseModel):
    reason: Reason = ""
    by: Name = "member"


class MemberRecord(BaseModel):
    """What the member read model (organisations + contacts) stores for one organisation."""

    organisation_id: str
    status: MemberStatus
    proforma: Proforma
    assessment: Assessment | None = None
    renewal_due: date | None = None
    version: int = 0


MembershipInput.model_rebuild()
