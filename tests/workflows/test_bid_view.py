"""The read-model snapshot carries the earliest due date among the outstanding tasks, which the
dashboard orders by; a snapshot recorded before it existed still loads."""

from datetime import UTC, datetime, timedelta

from models.bid import BidInput, BidState, SectionState, TimelineEvent
from models.bid_rows import BidSnapshot
from models.opportunity import OpportunityNotice
from workflows.bid.view import QUERY_TIMELINE, bounded, snapshot

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


def test_the_state_query_is_bounded_however_long_the_bid_has_run():
    state = drafting(SectionState(key="delivery", assigned_to="d", due=NOW, status="assigned"))
    state.timeline = [
        TimelineEvent(at=NOW, actor="system", action="task_overdue", detail={"n": n})
        for n in range(5_000)
    ]
    view = bounded(state)
    assert len(view.timeline) == QUERY_TIMELINE and view.timeline[-1].detail == {"n": 4_999}
    assert len(state.timeline) == 5_000  # the bid keeps them all; the audit log has them too
    assert len(view.model_dump_json()) < 200_000  # far below Temporal's 2 MB payload limit
    assert [t.kind for t in view.outstanding] == ["section"]
