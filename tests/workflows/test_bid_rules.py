"""Pure rules of a bid: the notice's own checks, lead-body ranking, and who owes what."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from models.bid import BidInput, BidState, PartnerState
from models.bid_ranking import rank_candidates
from models.directory import MemberMatch
from models.opportunity import OpportunityNotice
from workflows.bid.view import outstanding_tasks, summary

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)


def notice(**changes) -> OpportunityNotice:
    values = {
        "id": "opp-1",
        "funder": "Big Lottery Fund",
        "title": "Healthy Minds",
        "localities": ["Easington", "Sedgefield"],
        "interest_cutoff": NOW + timedelta(days=7),
        "submission_deadline": NOW + timedelta(days=60),
        "required_sections": ["summary", "delivery"],
    }
    return OpportunityNotice(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"interest_cutoff": NOW + timedelta(days=90)}, "must be before the deadline"),
        ({"min_partners": 4, "max_partners": 2}, "max_partners is below min_partners"),
        ({"required_sections": ["a", "a"]}, "name each required section once"),
        ({"interest_cutoff": datetime(2027, 1, 5)}, "with a time zone"),
        ({"value": -1}, "greater than or equal to 0"),
    ],
)
def test_a_notice_that_does_not_add_up_is_refused_with_its_reason(changes, reason):
    with pytest.raises(ValidationError, match=reason):
        notice(**changes)


def member(org: str, **fields) -> MemberMatch:
    return MemberMatch(organisation_id=org, name=org, email=f"{org}@x", status="full", **fields)


def test_lead_candidates_are_ranked_by_capacity_track_record_locality_and_readiness():
    strong = member(
        "strong", staff=25, track_record=6, localities=["County-wide"], annual_turnover=900000
    )
    local = member("local", staff=4, volunteers=20, track_record=1, locality="Easington")
    far = member("far", staff=4, volunteers=20, track_record=1, locality="Weardale")
    ranked = rank_candidates([far, local, strong], notice())
    assert [c.organisation_id for c in ranked] == ["strong", "local", "far"]
    assert ranked[0].criteria == {
        "capacity": 1.0,
        "track_record": 1.0,
        "locality_fit": 1.0,
        "tender_readiness": 1.0,
    }
    assert ranked[1].criteria["locality_fit"] == 0.5 and ranked[2].criteria["locality_fit"] == 0


def test_outstanding_tasks_say_who_owes_what_and_the_summary_caps_them():
    state = BidState.new(BidInput(bid_id="b", notice=notice(), coordinator_email="c@x"))
    state.members = {f"m{n}": member(f"m{n}") for n in range(60)}
    tasks = outstanding_tasks(state)
    assert len(tasks) == 60 and {t.kind for t in tasks} == {"expression_of_interest"}
    assert tasks[0].due == NOW + timedelta(days=7)
    brief = summary(state)
    assert (len(brief.outstanding), brief.outstanding_count) == (50, 60)
    state.stage, state.lead_id = "partner_signup", "m0"
    state.partners = {
        "m1": PartnerState(organisation_id="m1", name="m1", email="m1@x", status="invited"),
        "m2": PartnerState(organisation_id="m2", name="m2", email="m2@x", status="accepted"),
    }
    assert [(t.kind, t.owed_by) for t in outstanding_tasks(state)] == [("invitation", "m1")]


def test_a_moved_deadline_moves_only_the_cut_offs_still_to_come_by_whole_days():
    state = BidState.new(BidInput(bid_id="b", notice=notice(), coordinator_email="c@x"))
    d = state.deadlines
    d.lead = NOW + timedelta(days=2)  # lead selection is over by drafting
    d.partners = NOW + timedelta(days=5, hours=8)  # late invitations still open
    move = timedelta(days=27, hours=3)
    d.moved(move, NOW, "drafting")
    assert d.submission == NOW + timedelta(days=60) + move  # exactly as the funder said
    assert d.lead == NOW + timedelta(days=2)  # a stage already done keeps its date
    assert d.partners == NOW + timedelta(days=32, hours=8)  # 27 whole days: same time of day
    d.moved(-timedelta(days=50), NOW, "drafting")  # earlier: nothing falls into the past
    assert d.partners == NOW + timedelta(days=1)
