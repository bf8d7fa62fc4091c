"""An organisation's calendar feed: every deadline it keeps (its sections' due dates, the
submission deadlines of the bids it is in), at a signed, read-only URL it subscribes to.

The URL holds the organisation's id signed with SECRET_KEY (its own salt): it opens only that
feed, reads nothing else, and stops working when the key is changed."""

from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.calendar import CalendarEvent, feed
from models.bid import CLOSED_STAGES
from models.tables import Bid, BidPartner, Organisation, Section
from settings import Settings

SALT = "calendar-feed"


def _signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key.get_secret_value(), salt=SALT)


def feed_url(settings: Settings, organisation_id: str) -> str:
    return f"{settings.public_url}/calendar/{_signer(settings).dumps(organisation_id)}.ics"


def organisation_of(settings: Settings, token: str) -> str | None:
    try:
        value = _signer(settings).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


async def organisation_feed(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, organisation_id: str
) -> bytes | None:
    """The feed, or None when there is no such organisation."""
    domain = urlsplit(settings.public_url).hostname or "consortia"
    async with sessions() as session:
        org = await session.get(Organisation, organisation_id)
        if org is None:
            return None
        open_bid = Bid.stage.not_in(CLOSED_STAGES)
        sections = await session.execute(
            select(Section, Bid.state)
            .join(Bid, Bid.id == Section.bid_id)
            .where(Section.assigned_to == organisation_id, Section.due.is_not(None))
            .where(Section.status != "approved", open_bid)
        )
        bids = await session.execute(
            select(Bid.id, Bid.deadline, BidPartner.role)
            .join(BidPartner, BidPartner.bid_id == Bid.id)
            .where(BidPartner.organisation_id == organisation_id, open_bid)
            .where(BidPartner.status.in_(("lead", "accepted")), Bid.deadline.is_not(None))
        )
        events = [
            CalendarEvent(
                uid=f"{s.bid_id}.section.{s.key}.{organisation_id}@{domain}",
                summary=f"Write the '{s.key}' section",
                description=str((state or {}).get("title", ""))[:5_000],
                due=s.due,
            )
            for s, state in sections.all()
            if s.due is not None
        ]
        events += [
            CalendarEvent(
                uid=f"{bid_id}.deadline.-.{organisation_id}@{domain}",
                summary="The funder's deadline" + (": submit the bid" if role == "lead" else ""),
                description=bid_id,
                due=deadline,
            )
            for bid_id, deadline, role in bids.all()
        ]
    return feed(f"{org.name}: bid deadlines", events, settings.calendar_timezone)
