"""The PostgreSQL tables (SQLAlchemy 2 typed ORM), and nothing else.

Workflows never import this module: they reach the database only through activities.
Rows that a workflow writes carry a natural key, so a retried activity upserts instead of
inserting twice.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


def updated_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


class Organisation(Base):
    """A voluntary or community sector organisation: a member, an applicant or a former one."""

    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str | None] = mapped_column(String(80))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(20))
    locality: Mapped[str | None] = mapped_column(String(80))
    localities: Mapped[list[str]] = mapped_column(Json, default=list)
    themes: Mapped[list[str]] = mapped_column(Json, default=list)
    annual_turnover: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    staff: Mapped[int | None] = mapped_column(Integer)
    volunteers: Mapped[int | None] = mapped_column(Integer)
    willing_to_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="applicant", index=True)
    proforma: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    # Written by the membership workflow: orders its writes, and the next lapse date.
    membership_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    renewal_due: Mapped[date | None] = mapped_column(Date)


class KnownProvider(Base):
    """A provider on the coordinator's list of the area's VCS: the "% signed up" figure."""

    __tablename__ = "known_providers"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # normalised name
    name: Mapped[str] = mapped_column(String(200))
    charity_number: Mapped[str | None] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = created_at()


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(String(120))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class Opportunity(Base):
    """A funding or tender opportunity, as registered from its published notice."""

    __tablename__ = "opportunities"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    funder: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    themes: Mapped[list[str]] = mapped_column(Json, default=list)
    localities: Mapped[list[str]] = mapped_column(Json, default=list)
    submission_deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    interest_cutoff: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    required_sections: Mapped[list[str]] = mapped_column(Json, default=list)
    min_partners: Mapped[int] = mapped_column(Integer, default=1)
    max_partners: Mapped[int | None] = mapped_column(Integer)
    # May the bid go on with fewer partners than min_partners (the coordinator decides)?
    allow_fewer_partners: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false"
    )
    la_signoff_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who signs the bid off for the local authority (unset: the coordinator), and the days
    # each stage of the bid gets (`StageWindows`; empty: the bid's defaults).
    local_authority_email: Mapped[str | None] = mapped_column(String(254))
    stage_windows: Mapped[dict[str, Any]] = mapped_column(Json, default=dict, server_default="{}")
    created_at: Mapped[datetime] = created_at()


class Bid(Base):
    """The read model of one bid: what the dashboards list. Written by the bid workflow."""

    __tablename__ = "bids"
    # The bid list reads each of its groups in this order (see web/bid_list.py).
    __table_args__ = (Index("ix_bids_deadline_id", "deadline", "id"),)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the workflow id
    opportunity_id: Mapped[str] = mapped_column(ForeignKey("opportunities.id"), index=True)
    lead_organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    stage: Mapped[str] = mapped_column(String(40), index=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outstanding_tasks: Mapped[int] = mapped_column(Integer, default=0)
    # The earliest due date among the outstanding tasks: the dashboard's "overdue" in SQL.
    next_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    version: Mapped[int] = mapped_column(BigInteger, default=0)  # orders out-of-date writes
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class BidPartner(Base):
    __tablename__ = "bid_partners"
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), default="partner")  # lead | partner
    status: Mapped[str] = mapped_column(String(30))
    budget_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    updated_at: Mapped[datetime] = updated_at()


class Section(Base):
    """A required section of a bid, assigned to one partner."""

    __tablename__ = "sections"
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    assigned_to: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(30), default="unassigned")
    updated_at: Mapped[datetime] = updated_at()


class Contribution(Base):
    """One submitted version of a section, and the lead's review of it."""

    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("bid_id", "section_key", "version"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"), index=True)
    section_key: Mapped[str] = mapped_column(String(80))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    review: Mapped[str | None] = mapped_column(String(20))  # approved | returned
    review_comments: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Signature(Base):
    """A partner's signature on one exact version of the consortium agreement."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("bid_id", "organisation_id", "agreement_hash"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    bid_id: Mapped[str] = mapped_column(ForeignKey("bids.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    agreement_version: Mapped[int] = mapped_column(Integer)
    agreement_hash: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_role: Mapped[str] = mapped_column(String(120))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only: who did what, when. A trigger in the migration refuses UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_bid_id_seq", "bid_id", "seq"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # idempotency key
    seq: Mapped[int | None] = mapped_column(Integer)  # its place in the bid's timeline
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    bid_id: Mapped[str | None] = mapped_column(String(100), index=True)
    organisation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class OutboxMessage(Base):
    """Every e-mail the system sends, keyed so that a retried activity never sends twice."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    message_id: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(80))
    bid_id: Mapped[str | None] = mapped_column(String(100), index=True)
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(400))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # counted before each send
    attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInLink(Base):
    """A magic sign-in link e-mailed to a lead or the coordinator; used at most once."""

    __tablename__ = "sign_in_links"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = created_at()
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RevokedSession(Base):
    """A session ended before its time (signed out): its signed cookie or bearer no longer
    opens anything. Rows can go once the session would have expired anyway."""

    __tablename__ = "revoked_sessions"
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Attachment(Base):
    """A file a partner uploaded with a section contribution (the web keeps it; the bid keeps
    its name). Content-addressed, so uploading the same file twice stores it once."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("bid_id", "organisation_id", "sha256"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    bid_id: Mapped[str] = mapped_column(String(100), index=True)
    organisation_id: Mapped[str] = mapped_column(String(64))
    section_key: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = created_at()


class Application(Base):
    """An application to join (or a member's renewal) filled in on the web, saved as the
    applicant goes; its signed link is e-mailed to resume it and to resubmit after signposting."""

    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(20), default="join")  # join | renewal
    organisation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    draft: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # the answers as typed
    assessment: Mapped[dict[str, Any] | None] = mapped_column(Json)  # the latest, once sent
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class FrameworkVocabulary(Base):
    """The coordinator's themes, localities and synonyms, edited on the web; one row, which
    overrides the framework file's vocabulary once saved."""

    __tablename__ = "framework_vocabulary"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    themes: Mapped[list[str]] = mapped_column(Json, default=list)
    localities: Mapped[list[str]] = mapped_column(Json, default=list)
    synonyms: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    updated_by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[datetime] = updated_at()


__all__ = [
    "Application",
    "FrameworkVocabulary",
    "Attachment",
    "AuditEntry",
    "Base",
    "Bid",
    "BidPartner",
    "Contact",
    "Contribution",
    "KnownProvider",
    "Opportunity",
    "Organisation",
    "OutboxMessage",
    "RevokedSession",
    "Section",
    "Signature",
    "SignInLink",
]


# --- published notices (OCDS), their sources, the quarterly newsletter ----------------------


class OcdsRelease(Base):
    """One release of a published notice, as imported: a release the system has already is
    never applied twice. `effect` says what importing it did."""

    __tablename__ = "ocds_releases"
    ocid: Mapped[str] = mapped_column(String(200), primary_key=True)
    release_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tags: Mapped[list[str]] = mapped_column(Json, default=list)
    effect: Mapped[str] = mapped_column(String(500), default="")
    imported_at: Mapped[datetime] = created_at()


class OcdsProcess(Base):
    """One contracting process (an `ocid`): the opportunity it became, its bid, its awards."""

    __tablename__ = "ocds_processes"
    ocid: Mapped[str] = mapped_column(String(200), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    opportunity_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(300))
    buyer: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    vcse: Mapped[bool | None] = mapped_column(Boolean)
    sme: Mapped[bool | None] = mapped_column(Boolean)
    notice: Mapped[dict[str, Any] | None] = mapped_column(Json)  # the OpportunityNotice
    documents: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    lots: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    # ready (for the coordinator to circulate) | circulated | not_matched | closed |
    # cancelled | awarded
    status: Mapped[str] = mapped_column(String(30), index=True)
    bid_id: Mapped[str | None] = mapped_column(String(100))
    awards: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    last_release_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = updated_at()


class FeedSource(Base):
    """A configured source of notices, as its poller last left it (the sources page)."""

    __tablename__ = "feed_sources"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_imported: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)  # releases, since the first run
    last_error: Mapped[str | None] = mapped_column(Text)


class Newsletter(Base):
    """A quarter's newsletter: the coordinator's introduction, edited before it goes out."""

    __tablename__ = "newsletters"
    quarter: Mapped[str] = mapped_column(String(7), primary_key=True)  # e.g. 2027-Q1
    introduction: Mapped[str] = mapped_column(Text, default="")
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | sent
    sent_to: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


__all__ += ["FeedSource", "Newsletter", "OcdsProcess", "OcdsRelease"]


# --- after the award: contracts, their returns, payments and documents; events ----------------


class Contract(Base):
    """One awarded contract's row (the contract workflow writes it; the pages read it)."""

    __tablename__ = "contracts"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # contract-<bid id>
    bid_id: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(300))
    funder: Mapped[str] = mapped_column(String(200))
    lead_organisation_id: Mapped[str] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # delivery | closed
    period: Mapped[int] = mapped_column(Integer)
    term_periods: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    value_delivered_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    owed_pence: Mapped[int] = mapped_column(BigInteger, default=0)  # to partners, unpaid
    outputs_achieved: Mapped[int] = mapped_column(Integer, default=0)
    returns_due: Mapped[int] = mapped_column(Integer, default=0)
    returns_overdue: Mapped[int] = mapped_column(Integer, default=0)
    next_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    parties: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = updated_at()


class ContractReturn(Base):
    """A partner's return for one period."""

    __tablename__ = "contract_returns"
    contract_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # due | submitted | returned | accepted
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    round: Mapped[int] = mapped_column(Integer, default=1)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    outputs: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    outcomes: Mapped[str] = mapped_column(Text, default="")
    case_studies: Mapped[str] = mapped_column(Text, default="")
    spend_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContractPayment(Base):
    """A funder's payment and its split (pence): the lead's top-slice and each share."""

    __tablename__ = "contract_payments"
    contract_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    received_pence: Mapped[int] = mapped_column(BigInteger)
    top_slice_pence: Mapped[int] = mapped_column(BigInteger)
    remainder_pence: Mapped[int] = mapped_column(BigInteger)
    shares: Mapped[dict[str, int]] = mapped_column(Json, default=dict)  # organisation -> pence
    paid: Mapped[dict[str, str]] = mapped_column(Json, default=dict)  # organisation -> day


class ContractDocument(Base):
    """A generated document: a subcontract version, a period's combined return (with its
    CSV), the final report. Keyed by its name; its hash is what a signature names."""

    __tablename__ = "contract_documents"
    contract_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # subcontract | combined_return | final
    version_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    csv: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()


class Event(Base):
    """An engagement event: a market engagement session, a workshop, a task group, ..."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # invited | held | closed | cancelled
    invited: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[int] = mapped_column(Integer, default=0)
    outputs: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    updated_at: Mapped[datetime] = updated_at()


class EventAttendance(Base):
    __tablename__ = "event_attendance"
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    rsvp: Mapped[str | None] = mapped_column(String(10))  # yes | no
    attended: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str] = mapped_column(Text, default="")


__all__ += [
    "Contract",
    "ContractDocument",
    "ContractPayment",
    "ContractReturn",
    "Event",
    "EventAttendance",
]
