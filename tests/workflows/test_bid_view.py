"""The read-model snapshot carries the earliest due date among the outstanding tasks, which the
dashboard orders by; a snapshot recorded before it existed still loads."""

from datetime import UTC, datetime, timedelta

from models.bid import BidInput, BidState, SectionState
from models.bid_rows import BidSnapshot
from models.opportunity import OpportunityNotice
from workflows.bid.view import snapshot

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)


def drafting(*sections: SectionState) -> BidState:
    notice = OpportunityNotice(
        id="opp-1",
        funder="Big Lottery Fund",
        title="Healthy Minds",
        interest_cutoff=NOW + timedelta(days=7),
        submission_deadline=NOW + timedelta(days=60),
        required_sections=[s.key for s in sections],
    )
    state = BidState.new(BidInput(bid_id="b", notice=notice, coordinator_email="c@x"))
    state.stage, state.lead_id = "drafting", "lead"
    state.sections = {s.key: s for s in sections}
    return state


def test_next_due_is_the_earliest_due_date_among_the_outstanding_tasks():
    state = drafting(
        SectionState(
            key="summary", assigned_to="a", due=NOW + timedelta(days=9), status="assigned"
        ),
        SectionState(key="budget", assigned_to="b", due=NOW + timedelta(days=4), status="returned"),
        SectionState(key="risks", assigned_to="c", due=NOW + timedelta(days=1), status="approved"),
        SectionState(key="delivery", assigned_to="d", status="submitted"),  # the lead's review
    )
    assert snapshot(state).next_due == NOW + timedelta(days=4)  # not the approved section's


def test_next_due_is_none_when_no_outstanding_task_has_a_due_date():
    state = drafting(SectionState(key="delivery", assigned_to="d", status="submitted"))
    assert snapshot(state).next_due is None
    state.stage = "awarded"
    assert snapshot(state).next_due is None


def test_a_snapshot_recorded_without_next_due_still_loads():
    state = drafting(SectionState(key="delivery", assigned_to="d", due=NOW, status="assigned"))
    recorded = snapshot(state).model_dump(mode="json", exclude={"next_due"})
    assert BidSnapshot.model_validate(recorded).next_due is None
