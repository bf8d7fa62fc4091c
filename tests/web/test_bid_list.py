"""The bid list (`web.bid_list.list_bids`) on a real PostgreSQL: open bids before closed ones,
overdue ones first, then by deadline; every filter; pages and the count of all that match."""

from collections.abc import AsyncIterator

import pytest

import database
from tests.web.list_support import NOW, add_bid, days, fresh_database, task
from web.bid_list import list_bids

# The whole list, in the order the coordinator sees it.
ORDER = [
    "late-sooner",  # open, overdue, deadline in 20 days
    "legacy",  # open, overdue (from its section rows), deadline in 25 days
    "late",  # open, overdue, deadline in 40 days
    "soon",  # open, nothing overdue, deadline in 10 days
    "tie-j",  # open, nothing due; the same deadline as tie-k, so by id
    "tie-k",
    "closed-old",  # closed: last, however early their deadlines
    "closed-won",
]


@pytest.fixture(scope="module")
async def sessions(postgres, settings) -> AsyncIterator:
    own = await fresh_database(postgres, settings)
    engine = database.make_engine(own)
    made = database.make_sessions(engine)
    async with made() as session, session.begin():
        await add_bid(
            session,
            "late",
            deadline=days(40),
            outstanding=[
                task("section", "gamma", days(5), key="budget"),
                task("section", "beta", days(-2), key="summary"),
            ],
            localities=("Durham",),
        )
        await add_bid(
            session,
            "late-sooner",
            stage="partner_signup",
            deadline=days(20),
            outstanding=[task("invitation", "gamma", days(-1))],
            funder="National Lottery",
            localities=("Easington", "Durham"),
            lead="beta",
        )
        await add_bid(
            session, "legacy", deadline=days(25), sections=(("delivery", "beta", days(-3)),)
        )
        await add_bid(
            session,
            "soon",
            deadline=days(10),
            outstanding=[task("section", "beta", days(3), key="delivery")],
            funder="National Lottery",
            localities=("Teesdale",),
        )
        for bid_id in ("tie-k", "tie-j"):
            decision = [task("bid_decision", "coordinator")]
            await add_bid(
                session,
                bid_id,
                stage="decision",
                deadline=days(30),
                outstanding=decision,
                lead=None,
            )
        await add_bid(session, "closed-won", stage="awarded", deadline=days(-5), outstanding=[])
        await add_bid(session, "closed-old", stage="no_go", deadline=days(-30), outstanding=[])
    yield made
    await engine.dispose()


async def ids(sessions, **options) -> list[str]:
    page = await list_bids(sessions, now=options.pop("now", NOW), **options)
    return [row.id for row in page.rows]


async def test_open_bids_come_first_overdue_ones_first_then_by_deadline_and_closed_last(sessions):
    assert await ids(sessions) == ORDER


async def test_overdue_is_judged_at_the_time_given(sessions):
    # A week earlier nothing was overdue: the open bids go by deadline alone.
    earlier = await ids(sessions, now=days(-7))
    assert earlier == ["soon", "late-sooner", "legacy", "tie-j", "tie-k", "late"] + ORDER[-2:]


async def test_each_filter_narrows_the_list_and_keeps_its_order(sessions):
    assert await ids(sessions, stage="drafting") == ["legacy", "late", "soon"]
    assert await ids(sessions, funder="National Lottery") == ["late-sooner", "soon"]
    assert await ids(sessions, lead_id="beta") == ["late-sooner"]
    assert await ids(sessions, locality="Durham") == ["late-sooner", "late"]
    assert await ids(sessions, locality="Teesdale") == ["soon"]
    assert await ids(sessions, locality="Durham", funder="Arts Council") == ["late"]
    assert await ids(sessions, locality="Weardale") == []
    assert await ids(sessions, stage="awarded", lead_id="alpha") == ["closed-won"]


async def test_a_page_is_limit_rows_from_offset_with_the_count_of_all_that_match(sessions):
    pages = [await list_bids(sessions, now=NOW, limit=3, offset=n) for n in (0, 3, 6)]
    assert [[row.id for row in page.rows] for page in pages] == [ORDER[:3], ORDER[3:6], ORDER[6:]]
    assert [page.total for page in pages] == [8, 8, 8]
    assert [(page.first, page.last) for page in pages] == [(1, 3), (4, 6), (7, 8)]
    assert [page.previous_offset for page in pages] == [None, 0, 3]
    assert [page.next_offset for page in pages] == [3, 6, None]

    filtered = await list_bids(sessions, funder="National Lottery", now=NOW, limit=1, offset=1)
    assert ([row.id for row in filtered.rows], filtered.total) == (["soon"], 2)
    beyond = await list_bids(sessions, now=NOW, limit=3, offset=20)
    assert (beyond.rows, beyond.total, beyond.first, beyond.previous_offset) == ([], 8, 0, 5)


async def test_each_line_shows_what_is_owed_by_whom_overdue_first(sessions):
    rows = {row.id: row for row in (await list_bids(sessions, now=NOW)).rows}

    late = rows["late"]
    assert [(t.key, t.owed_by_name, t.overdue) for t in late.owed] == [
        ("summary", "Beta Care", True),
        ("budget", "Gamma Youth", False),
    ]
    assert (late.lead_name, late.overdue, late.days_left) == ("Alpha Trust", True, 40)
    assert (late.funder, late.localities, late.title) == (
        "Arts Council",
        ["Durham"],
        "Title of late",
    )
    # A summary written before the workflow kept its own list: the section rows tell.
    legacy = rows["legacy"].owed
    assert [(t.kind, t.key, t.owed_by_name, t.due) for t in legacy] == [
        ("section", "delivery", "Beta Care", days(-3))
    ]
    decision = rows["tie-j"]
    assert decision.lead_name == "not chosen yet"
    assert [(t.kind, t.owed_by_name, t.overdue) for t in decision.owed] == [
        ("bid_decision", "coordinator", False)
    ]
    assert rows["closed-won"].owed == [] and rows["closed-won"].closed
