"""The line the Temporal UI shows for a bid (`view.current_details`): the stage and how far
it has got, in counts, with no organisation or person named."""

from datetime import UTC, datetime, timedelta

from models.bid import BidInput, BidState
from models.bid_schedule import DueTask
from models.opportunity import OpportunityNotice
from workflows.bid.view import current_details

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def state() -> BidState:
    notice = OpportunityNotice(
        id="opp-if",
        funder="Big Lottery Fund",
        title="Improving Futures",
        submission_deadline=NOW + timedelta(days=60),
        interest_cutoff=NOW + timedelta(days=7),
        required_sections=[f"s{i}" for i in range(6)],
        min_partners=2,
    )
    return BidState.new(BidInput(bid_id="bid-if", notice=notice, coordinator_email="c@example.org"))


def overdue(org: str, section: str) -> DueTask:
    return DueTask(
        id=f"section:{section}",
        kind="section",
        owed_by=org,
        to=f"{org}@example.org",
        due=NOW,
        heading="Your section",
        body="",
        overdue=True,
    )


def test_drafting_reads_sections_in_and_overdue_without_naming_anyone():
    s = state()
    s.stage = "drafting"
    for key in ("s0", "s1", "s2"):
        s.sections[key].status = "approved"
    s.sections["s3"].status = "submitted"
    s.schedule = {t.id: t for t in (overdue("beta-trust", "s4"), overdue("gamma-cic", "s5"))}
    line = current_details(s)
    assert line == "Drafting: 4 of 6 sections in, 2 overdue"


def test_a_closed_bid_says_so():
    s = state()
    s.stage, s.closed_reason = "lapsed", "The deadline passed with no submission"
    assert current_details(s) == "Closed (lapsed)"


def test_every_open_stage_has_its_line():
    s = state()
    lines = set()
    for stage in ("notice", "decision", "lead_selection", "partner_signup", "drafting"):
        s.stage = stage
        lines.add(current_details(s))
    assert len(lines) == 5 and all("@" not in line for line in lines)
