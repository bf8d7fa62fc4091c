"""What makes a contract findable in the Temporal UI: its stage, its bid and its end; no
personal data (no names, no addresses)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.contract import ContractState
    from workflows import search_attributes as sa


def upsert(state: ContractState) -> None:
    workflow.upsert_search_attributes(
        [
            sa.CONTRACT_STAGE.value_set(state.stage),
            sa.CONTRACT_BID.value_set(state.bid_id),
            sa.CONTRACT_ENDS.value_set(state.ends()),
        ]
    )
