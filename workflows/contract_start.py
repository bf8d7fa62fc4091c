"""The award starts the contract: a workflow of its own (`contract-<bid id>`), started by the
bid as a child with `ParentClosePolicy.ABANDON`, so it runs on for years after the bid ends.
A child, rather than a start from the page that records the award, because the award reaches
the bid from several places (its task link, the console, the API, the CLI) and the bid is the
one place that knows it happened; the start is in the bid's history, exactly once.

It lives outside `workflows/contract/` so that the bid's sandbox imports only this module
and the models, not the contract's workflow (it names it by its type)."""

from datetime import UTC, datetime, time
from decimal import Decimal

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from models.bid import BidState
    from models.contract import ContractInput, ContractParty

CONTRACT_WORKFLOW = "ContractWorkflow"
PATCH = "contract-on-award"  # bids recorded before this change award without a contract


def contract_id(bid_id: str) -> str:
    return f"contract-{bid_id}"


def contract_input(state: BidState) -> ContractInput:
    """The contract as the signed agreement has it: the same parties, each with the sections
    it wrote as its services and an equal share of what the top-slice leaves (as
    `workflows/bid/agreement.py` writes the agreement)."""
    s, outcome = state, state.outcome
    assert outcome is not None and s.lead_id is not None
    top_slice = s.timetable.management_top_slice
    parties = s.active_partners()
    share = ((100 - top_slice) / max(len(parties), 1)).quantize(Decimal("0.01"))
    starts = workflow.now()
    if outcome.start_date is not None:
        starts = datetime.combine(outcome.start_date, time(), tzinfo=UTC)
    return ContractInput(
        contract_id=contract_id(s.bid_id),
        bid_id=s.bid_id,
        title=s.notice.title,
        funder=s.notice.funder,
        currency=s.notice.currency,
        value=outcome.value,
        starts=starts,
        lead_id=s.lead_id,
        parties=[
            ContractParty(
                organisation_id=p.organisation_id,
                name=p.name,
                email=p.email,
                role="lead" if p.organisation_id == s.lead_id else "partner",
                share=share,
                services=[
                    k for k, sec in s.sections.items() if sec.assigned_to == p.organisation_id
                ],
            )
            for p in parties
        ],
        top_slice=top_slice,
        coordinator_email=s.coordinator_email,
        agreement_version=s.agreement.version if s.agreement else 1,
        agreement_hash=s.agreement.version_hash if s.agreement else "",
    )


async def start_contract(state: BidState) -> None:
    """Start the contract and wait only until Temporal has started it."""
    await workflow.start_child_workflow(
        CONTRACT_WORKFLOW,
        contract_input(state),
        id=contract_id(state.bid_id),
        parent_close_policy=ParentClosePolicy.ABANDON,
    )
