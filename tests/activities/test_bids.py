"""The bid read model: `save_bid` keeps the bid's earliest outstanding due date, which the
dashboard orders by, and an out-of-date snapshot changes nothing."""

import uuid
from datetime import UTC, datetime, timedelta

from activities.bids import BidStoreActivities
from models.bid_rows import BidSnapshot
from models.opportunity import OpportunityNotice
from models.tables import Bid

DUE = datetime(2027, 1, 4, 9, tzinfo=UTC)


async def test_save_bid_keeps_the_newest_snapshots_next_due(sessions):
    tag = uuid.uuid4().hex[:8]
    store = BidStoreActivities(sessions)
    await store.save_opportunity(
        OpportunityNotice(
            id=f"opp-{tag}",
            funder="Big Lottery Fund",
            title="Healthy Minds",
            interest_cutoff=DUE,
            submission_deadline=DUE + timedelta(days=60),
        )
    )
    first = BidSnapshot(
        bid_id=f"bid-{tag}", opportunity_id=f"opp-{tag}", stage="notice", next_due=DUE, version=1
    )

    async def next_due():
        async with sessions() as session:
            return (await session.get(Bid, first.bid_id, populate_existing=True)).next_due

    await store.save_bid(first)
    assert await next_due() == DUE
    await store.save_bid(
        first.model_copy(update={"stage": "decision", "next_due": None, "version": 2})
    )
    assert await next_due() is None
    await store.save_bid(first)  # a retried, older write
    assert await next_due() is None
