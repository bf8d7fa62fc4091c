"""The quarterly newsletter's reads and sends: its facts from the read model (the coordinator's
preview reads them too), its draft row with the editable introduction, and its mailing to
every member, a page at a time, each letter once (the outbox key names quarter and member)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.directory import DirectoryActivities
from activities.email import EmailActivities
from activities.errors import classify_errors
from models.bid import CLOSED_STAGES
from models.directory import MAY_JOIN_BIDS, CountsInput
from models.email import SendEmailInput, SendEmailsInput
from models.framework import load_framework
from models.newsletter import (
    AwardLine,
    DraftInput,
    NewsletterFacts,
    PageSent,
    SendPage,
    Upcoming,
    compose,
    quarter_of,
)
from models.tables import Bid, Contact, Newsletter, OcdsProcess, Opportunity, Organisation
from settings import Settings

MAX_UPCOMING = 50


async def gather_facts(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> NewsletterFacts:
    """What the quarter's newsletter reports, as of `now`."""
    directory = DirectoryActivities(sessions)
    framework = load_framework(settings.framework_file)
    counts = await directory.count_members(
        CountsInput(themes=framework.themes, localities=framework.localities)
    )
    figures = await directory.figures()
    quarter = quarter_of(now)
    async with sessions() as session:
        opportunities = await session.scalars(
            select(Opportunity)
            .where(Opportunity.submission_deadline > now)
            .order_by(Opportunity.submission_deadline)
            .limit(MAX_UPCOMING)
        )
        published = await session.scalars(
            select(OcdsProcess)
            .where(OcdsProcess.status.in_(("ready", "circulated")), OcdsProcess.deadline > now)
            .order_by(OcdsProcess.deadline)
            .limit(MAX_UPCOMING)
        )
        awarded = await session.scalars(
            select(OcdsProcess).where(
                OcdsProcess.status == "awarded", OcdsProcess.last_release_at >= _start(now)
            )
        )
        stages = await session.execute(
            select(Bid.stage, func.count())
            .where(Bid.stage.not_in(CLOSED_STAGES))
            .group_by(Bid.stage)
        )
        renewals = await session.scalar(
            select(func.count()).where(
                Organisation.renewal_due >= now.date(),
                Organisation.renewal_due < (now + timedelta(days=92)).date(),
            )
        )
        upcoming = {
            o.id: Upcoming(
                title=o.title,
                funder=o.funder,
                deadline=o.submission_deadline,
                value=o.value,
                currency=o.currency,
            )
            for o in opportunities
        }
        for p in published:
            if p.deadline is not None and p.opportunity_id not in upcoming:
                upcoming[p.opportunity_id] = Upcoming(
                    title=p.title, funder=p.buyer, deadline=p.deadline, value=p.value
                )
        awards = [
            AwardLine(
                title=p.title,
                suppliers=[s for w in p.awards for s in w.get("suppliers", [])],
                value=sum((Decimal(w["value"]) for w in p.awards if w.get("value")), Decimal(0)),
                currency=p.currency,
            )
            for p in awarded
        ]
        in_flight = {stage: n for stage, n in stages.all()}
    return NewsletterFacts(
        quarter=quarter,
        upcoming=sorted(upcoming.values(), key=lambda u: u.deadline)[:MAX_UPCOMING],
        bids_in_flight=in_flight,
        awards=awards,
        bids_won=figures.bids_won,
        value_won=figures.value_won,
        members=figures.members,
        theme_gaps=counts.theme_gaps,
        locality_gaps=counts.locality_gaps,
        renewals_due=renewals or 0,
    )


def _start(now: datetime) -> datetime:
    return datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)


@classify_errors
class NewsletterActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        email: EmailActivities,
    ) -> None:
        self._sessions, self._settings, self._email = sessions, settings, email

    @activity.defn
    async def draft_newsletter(self, input: DraftInput) -> None:
        """Keep the quarter's row (its introduction survives a rerun) and ask the coordinator
        to read the preview; safe to retry."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(Newsletter)
                .values(quarter=input.quarter, workflow_id=input.workflow_id, introduction="")
                .on_conflict_do_update(
                    index_elements=["quarter"], set_={"workflow_id": input.workflow_id}
                )
            )
        await self._email.send_email(
            SendEmailInput(
                key=f"newsletter-{input.quarter}:preview",
                kind="notice",
                to=input.coordinator_email,
                context={
                    "subject": f"The {input.quarter} newsletter is ready to read",
                    "body": "Read it, write its introduction, and send it, or it goes to every "
                    "member by itself when the review time is over.",
                    "action_url": input.preview_url,
                    "action_label": "Preview the newsletter",
                },
            )
        )

    @activity.defn
    async def send_newsletter_page(self, input: SendPage) -> PageSent:
        """The newsletter to one page of members (by id, after `input.after`), each once."""
        async with self._sessions() as session:
            row = await session.get(Newsletter, input.quarter)
            primary = (Contact.organisation_id == Organisation.id) & Contact.is_primary
            query = (
                select(Organisation.id, Contact.email)
                .join(Contact, primary)
                .where(Organisation.status.in_(MAY_JOIN_BIDS))
                .order_by(Organisation.id)
                .limit(input.size)
            )
            if input.after is not None:
                query = query.where(Organisation.id > input.after)
            members = (await session.execute(query)).all()
        if not members:
            return PageSent()
        facts = await gather_facts(self._sessions, self._settings, datetime.now(UTC))
        subject, body = compose(facts, row.introduction if row else "")
        context = {"subject": subject, "body": body, "action_url": None, "action_label": None}
        letters = [
            SendEmailInput(
                key=f"newsletter-{input.quarter}:{email}", kind="notice", to=email, context=context
            )
            for _, email in members
        ]
        result = await self._email.send_emails(SendEmailsInput(messages=letters))
        await self._mark_sent(input.quarter, result.sent)
        return PageSent(last=members[-1][0], sent=result.sent)

    async def _mark_sent(self, quarter: str, sent: int) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(Newsletter, quarter, with_for_update=True)
            if row is not None:
                row.status, row.sent_at = "sent", datetime.now(UTC)
                row.sent_to += sent
