"""Starting a bid from a registered opportunity: the bid workflow, one per opportunity.

The workflow id is `bid-{opportunity id}`, so starting the same opportunity twice (a double
click, two leads at once) starts one bid and tells the second it is already running.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

import starter
from models.directory import MAY_LEAD_BIDS
from models.opportunity import OpportunityNotice
from models.tables import Opportunity, Organisation
from settings import Settings
from web.actions import ActionRefused, BidNotFound
from web.auth import Viewer

NOT_A_LEAD = "Only the coordinator or a full member willing to lead may start a bid."


async def may_start(sessions: async_sessionmaker[AsyncSession], viewer: Viewer) -> bool:
    """The coordinator, or a full member willing to lead."""
    if viewer.is_coordinator:
        return True
    async with sessions() as session:
        org = await session.get(Organisation, viewer.organisation_id or "")
    return org is not None and org.status in MAY_LEAD_BIDS and org.willing_to_lead


def bid_id_for(opportunity_id: str) -> str:
    return f"bid-{opportunity_id}"


async def notice_for(
    sessions: async_sessionmaker[AsyncSession], opportunity_id: str
) -> OpportunityNotice:
    async with sessions() as session:
        row = await session.scalar(select(Opportunity).where(Opportunity.id == opportunity_id))
    if row is None:
        raise BidNotFound(f"There is no opportunity '{opportunity_id}'.")
    return OpportunityNotice(
        id=row.id,
        funder=row.funder,
        title=row.title,
        description=row.description,
        value=row.value,
        currency=row.currency,
        themes=row.themes,
        localities=row.localities,
        submission_deadline=row.submission_deadline,
        interest_cutoff=row.interest_cutoff,
        required_sections=row.required_sections or ["summary"],
        min_partners=row.min_partners,
        max_partners=row.max_partners,
        allow_fewer_partners=row.allow_fewer_partners,
        la_signoff_required=row.la_signoff_required,
        local_authority_email=row.local_authority_email,
        stage_windows=row.stage_windows or {},
    )


async def start_bid(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    opportunity_id: str,
    now: datetime,
) -> str:
    """Start the bid for an opportunity; raises `ActionRefused` when it cannot start."""
    notice = await notice_for(sessions, opportunity_id)
    if notice.interest_cutoff <= now:
        raise ActionRefused(
            f"The cut-off for expressions of interest passed on {notice.interest_cutoff:%d %B %Y}."
        )
    bid_input = starter.bid_input(bid_id_for(opportunity_id), notice, settings.coordinator_email)
    try:
        # The CLI's starter, so a bid started here carries the same search attributes.
        await starter.start_bid(
            client, bid_input, settings.temporal_task_queue, settings.mail_task_queue
        )
    except WorkflowAlreadyStartedError as error:
        raise ActionRefused("A bid for this opportunity is already under way.") from error
    return bid_input.bid_id
