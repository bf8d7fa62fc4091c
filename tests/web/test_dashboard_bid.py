"""The coordinator's bid page: the audit list in the bid's own order, the lead chosen over
the ranking with its reason, and the data errors the bid could not save."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy import insert, text

from models import bid_answers as a
from models.tables import AuditEntry, Bid, Opportunity
from tests.web.support import CSRF, MEMBERS, to_drafting
from tests.workflows.bid_support import start_bid
from tests.workflows.test_bid_data_errors import REFUSE

TIMELINE = re.compile(r'<table id="timeline">(.*?)</table>', re.S)


def timeline_rows(page: str) -> list[str]:
    """The rows of the page's audit list, top (newest) first."""
    [table] = TIMELINE.findall(page)
    return table.split("<tr>")[2:]  # after the heading row


async def test_the_audit_list_follows_the_bids_order_where_entries_share_a_timestamp(web):
    # The entries of one workflow task share its moment, and rows written by concurrent
    # activities may land in any order: "lead candidates ranked" before "bid decided".
    bid_id, at = f"bid-seq-{uuid.uuid4().hex[:8]}", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    written = [(1, "notice_circulated"), (3, "lead_candidates_ranked"), (2, "bid_decided")]
    async with web.sessions() as session, session.begin():
        await session.execute(
            insert(Opportunity).values(
                id=f"opp-{bid_id}",
                funder="Arts Council",
                title=f"Title of {bid_id}",
                submission_deadline=at + timedelta(days=60),
                interest_cutoff=at + timedelta(days=7),
                themes=[],
                localities=[],
                required_sections=[],
            )
        )
        await session.execute(
            insert(Bid).values(
                id=bid_id,
                opportunity_id=f"opp-{bid_id}",
                stage="lead_selection",
                deadline=at + timedelta(days=60),
                state={"stage": "lead_selection"},
                version=3,
            )
        )
        for seq, action in written:
            entry = {"key": f"{bid_id}:run:{action}", "seq": seq, "at": at, "actor": "system"}
            await session.execute(
                insert(AuditEntry).values(**entry, action=action, bid_id=bid_id, detail={})
            )
    async with web.sessions() as session, session.begin():
        # As autovacuum keeps them in production: with statistics, the planner reads the
        # bid's rows in the order they were written, not by `seq`.
        await session.execute(text("ANALYZE audit_log"))
    page = await web.as_coordinator().get(f"/dashboard/bids/{bid_id}")
    assert page.status_code == 200
    assert "submission deadline 30 Jan 2027" in page.text  # no workflow: from the bid's row
    words = [action.replace("_", " ") for _, action in written]
    shown = [next(w for w in words if w in row) for row in timeline_rows(page.text)]
    assert shown == ["lead candidates ranked", "bid decided", "notice circulated"]  # newest first


async def test_a_lead_chosen_over_the_ranking_needs_a_reason_and_the_audit_list_marks_it(web):
    # alpha ranks first (staff, track record); beta is willing to lead too.
    members = {**MEMBERS, "beta": {"lead": True}}
    bid = await start_bid(web.env, web.sessions, web.task_queue, members)
    answers = {"alpha": "lead", "beta": "lead", "gamma": "partner", "delta": "not_this_time"}
    for name, answer in answers.items():
        await bid.handle.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=bid.org(name), answer=answer)
        )
    await bid.reach("decision")
    await bid.handle.execute_update("decide_bid", a.BidDecision(actor="coordinator", go=True))
    state = await bid.reach("lead_selection")
    assert state.candidates[0].organisation_id == bid.org("alpha")

    coordinator = web.as_coordinator()
    page = (await coordinator.get(f"/dashboard/bids/{bid.handle.id}")).text
    assert "Why this lead (needed when it is not the ranking's first choice)" in page
    assert re.search(r"Alpha Trust \(score [\d.]+, ranked first\)", page)
    url = f"/console/bids/{bid.handle.id}/choose_lead"
    choice = {"csrf_token": CSRF, "nonce": "l1", "organisation_id": bid.org("beta")}
    refused = await coordinator.post(url, data=choice)
    assert refused.status_code == 409
    assert "Say why you chose this lead over the ranking's first choice." in unescape(refused.text)
    reason = "Beta Trust already runs the county's early help hub."
    done = await coordinator.post(url, data={**choice, "nonce": "l2", "reason": reason})
    assert done.status_code == 303
    assert (await bid.reach("partner_signup")).lead_choice.overrides_ranking

    page = (await coordinator.get(f"/dashboard/bids/{bid.handle.id}")).text
    [confirmed] = [unescape(row) for row in timeline_rows(page) if "lead confirmed" in row]
    assert "Beta Trust" in confirmed and reason in confirmed
    assert "Over the ranking: its first choice was Alpha Trust" in confirmed


async def test_the_coordinator_sees_what_the_bid_could_not_save_and_the_lead_does_not(
    web, time_skipping_env
):
    async with web.sessions() as session, session.begin():
        for statement in REFUSE:
            await session.execute(text(statement))
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    await bid.handle.execute_update(
        "submit_contribution",
        a.ContributionInput(
            actor=bid.org("beta"), section="summary", body="refused by the database"
        ),
    )
    assert (await bid.state()).problems  # the bid took the answer and kept the problem
    problem = "the contribution could not be saved"
    dashboard = (await web.as_coordinator().get(f"/dashboard/bids/{bid.handle.id}")).text
    assert "Could not be saved" in dashboard and problem in dashboard
    console = (await web.as_lead(bid.org("alpha")).get(f"/console/bids/{bid.handle.id}")).text
    assert problem not in console
