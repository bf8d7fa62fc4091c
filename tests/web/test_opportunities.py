"""The coordinator registers an opportunity on the web, sees who its notice goes to, and
starts its bid, which runs with the approver and the stage windows registered; the console
offers no second start."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from models.bid import Timetable
from models.opportunity import OpportunityNotice
from models.tables import Bid, Opportunity
from starter import bid_input, show_bid
from tests.helpers import wait_until
from tests.web.support import CSRF
from tests.workflows.bid_support import add_members


def the_form(tag: str, today, **changes) -> dict:
    return {
        "csrf_token": CSRF,
        "title": f"Family hubs {tag}",
        "funder": "Durham County Council",
        "description": "Early help for families, county-wide.",
        "value": "£250,000",
        "themes": [f"theme-{tag}"],
        "localities": ["Easington"],
        "sections": "summary\ndelivery plan",
        "min_partners": "1",
        "la_signoff_required": "yes",
        "local_authority_email": f"approver-{tag}@durham.example",
        "interest_cutoff": (today + timedelta(days=7)).isoformat(),
        "submission_deadline": (today + timedelta(days=40)).isoformat(),
        "window_partner": "14",
        "window_la": "8",
        "id": f"hubs-{tag}",
        **changes,
    }


async def test_registered_opportunity_previews_its_circulation_and_starts_with_its_terms(
    web, sessions, mailbox
):
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, f"theme-{tag}", {"alpha": {"lead": True}, "beta": {}})
    today = (await web.env.get_current_time()).date()
    coordinator = web.as_coordinator()

    registered = await coordinator.post("/opportunities/new", data=the_form(tag, today))
    assert registered.status_code == 303
    page = await coordinator.get(registered.headers["location"])
    assert "Alpha Trust" in page.text and "Beta Trust" in page.text  # the circulation
    assert f"approver-{tag}@durham.example" in page.text and "Start the bid" in page.text
    async with sessions() as session:
        row = await session.get(Opportunity, f"hubs-{tag}")
    assert row.value == 250000 and row.stage_windows["partner"] == 14

    started = await coordinator.post(
        f"/console/opportunities/hubs-{tag}/start", data={"csrf_token": CSRF}
    )
    assert started.headers["location"] == f"/opportunities/hubs-{tag}?started=bid-hubs-{tag}"
    await wait_until(lambda: mailbox.to(f"{orgs['beta']}@example.org"))
    state = await show_bid(web.env.client, f"bid-hubs-{tag}")
    assert state.local_authority_email == f"approver-{tag}@durham.example"
    assert state.timetable.partner_window == timedelta(days=14)
    assert state.timetable.la_window == timedelta(days=8)
    assert state.timetable.lead_window == timedelta(days=5)  # not given: the default

    # Once its bid is under way, the console offers no second start.
    lead = web.as_lead(orgs["alpha"])
    await wait_until(lambda: _has_bid(sessions, f"bid-hubs-{tag}"))
    console = await lead.get("/console")
    line = console.text.split(f"Family hubs {tag}")[1].split("</li>")[0]
    assert "bid under way" in line and "Start a bid" not in line
    cancel = {"csrf_token": CSRF, "reason": "The test is over."}
    coordinator = web.as_coordinator()
    done = await coordinator.post(f"/console/bids/bid-hubs-{tag}/cancel", data=cancel)
    assert done.status_code == 303


async def _has_bid(sessions, bid_id: str) -> bool:
    async with sessions() as session:
        return await session.get(Bid, bid_id) is not None


async def test_a_form_out_of_bounds_is_refused_naming_the_field_and_kept(web, sessions):
    tag = uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, f"theme-{tag}", {"alpha": {"lead": True}})
    today = (await web.env.get_current_time()).date()
    coordinator = web.as_coordinator()
    cases = {
        "interest cutoff": {"interest_cutoff": "next week"},
        "local authority email": {"local_authority_email": "not an address"},
        "stage windows partner": {"window_partner": "400"},
        "title": {"title": "Hubs\x00"},
    }
    for field, change in cases.items():
        refused = await coordinator.post("/opportunities/new", data=the_form(tag, today, **change))
        assert refused.status_code == 422, field
        assert field in refused.text and "Durham County Council" in refused.text
    late = the_form(tag, today, submission_deadline=today.isoformat())
    refused = await coordinator.post("/opportunities/new", data=late)
    assert refused.status_code == 422 and "must be before the deadline" in refused.text
    lead = web.as_lead(orgs["alpha"])
    assert (await lead.get("/opportunities/new")).status_code == 403


def test_a_notice_from_the_command_line_starts_its_bid_with_its_approver_and_windows():
    terms = {
        "id": "hubs",
        "funder": "Durham County Council",
        "title": "Family hubs",
        "interest_cutoff": datetime(2027, 1, 8, 12, tzinfo=UTC),
        "submission_deadline": datetime(2027, 3, 1, 12, tzinfo=UTC),
    }
    notice = OpportunityNotice.model_validate(
        {**terms, "local_authority_email": "LA@Durham.example", "stage_windows": {"la": 8}}
    )
    bid = bid_input("bid-hubs", notice, "coordinator@example.org")
    assert bid.local_authority_email == "LA@durham.example"
    assert bid.timetable.la_window == timedelta(days=8)
    assert bid.timetable.partner_window == Timetable().partner_window  # not given: the default
    assert bid_input("bid-hubs", OpportunityNotice(**terms), "c@example.org").timetable == (
        Timetable()
    )
    for days in (0, 91):
        with pytest.raises(ValidationError, match="stage_windows.la"):
            OpportunityNotice.model_validate({**terms, "stage_windows": {"la": days}})
