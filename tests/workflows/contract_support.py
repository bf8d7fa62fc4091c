"""What the contract tests share: a bid driven to its award, and the contract it started."""

import asyncio
import os
import uuid
from datetime import timedelta
from decimal import Decimal

from temporalio.api.testservice.v1 import UnlockTimeSkippingRequest
from temporalio.client import WorkflowHandle, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from models import bid_answers as a
from models import contract_answers as c
from models.contract import ContractInput, ContractParty, ContractState, add_months
from tests.helpers import wait_until
from tests.workflows.bid_steps import to_submission
from tests.workflows.bid_support import HISTORIES, Bid
from workflows.contract_start import contract_id


async def award(bid: Bid, env, value: int = 118000) -> WorkflowHandle:
    """Drive `bid` to its award (alpha leads, beta and gamma partner); the contract's handle."""
    await to_submission(bid, env)
    await bid.handle.execute_update(
        "record_submission", a.SubmissionInput(actor=bid.org("alpha"), reference="BLF-1")
    )
    await bid.reach("award")
    start = (await env.get_current_time()).date()
    await bid.handle.execute_update(
        "record_outcome",
        a.OutcomeInput(actor="coordinator", awarded=True, value=value, start_date=start),
    )
    await bid.handle.result()
    return env.client.get_workflow_handle(contract_id(bid.handle.id))


async def contract_state(handle: WorkflowHandle) -> ContractState:
    return await handle.query("state", result_type=ContractState, rpc_timeout=QUERY_TIMEOUT)


# The time-skipping server's continue-as-new is not atomic (temporalio/sdk-java#1537): for a
# moment after a period's run ends, a query or an Update can find no run to answer it. Each
# is asked again (an Update under the same id, so it is recorded once).
QUERY_TIMEOUT = timedelta(seconds=3)


async def skip(env, handle: WorkflowHandle, by: timedelta) -> None:
    """Skip the time-skipping server's clock on by `by`, as `env.sleep` does, and get it going
    again where the server's own bookkeeping stopped it.

    The server holds its clock still while it owes a query's answer. A query that waits on a
    workflow task which then continues the run as new is answered for a closed run; the server
    refuses that answer (NOT_FOUND) before it lets the clock go, so the clock stays held for
    good (temporalio/sdk-java, `TestWorkflowMutableStateImpl.update`), and the next skip stalls
    until the RPC's 30 s deadline ("Timeout expired"; `until` meets such a query as a "query
    deadline exceeded"). Where the skip stalls and the contract has no activity in flight (the
    only other thing here that holds the clock), the stale hold is let go once; the skip's own
    pending end then stops the clock again at the moment asked for."""
    target = await env.get_current_time() + by
    try:
        await env.sleep(by)
        return
    except RPCError as error:
        if "Timeout expired" not in str(error):
            raise
    pending = (await handle.describe()).raw_description.pending_activities
    assert not pending, f"the clock stood still with activities in flight: {list(pending)}"
    await env.client.test_service.unlock_time_skipping(UnlockTimeSkippingRequest())
    await wait_until(lambda: _reached(env, target), within=30)


async def _reached(env, target) -> bool:
    return await env.get_current_time() >= target


async def until(handle: WorkflowHandle, check, within: float = 30) -> ContractState:
    """Wait until the contract's state passes `check` (its latest run, across continue-as-new)."""
    seen: list[ContractState] = []

    async def ok() -> bool:
        try:
            state = await contract_state(handle)
        except RPCError:
            return False  # between runs
        seen[:] = [state]
        return bool(check(state))

    try:
        await wait_until(ok, within=within)
    except AssertionError as error:
        raise AssertionError(f"the contract never got there: {seen}") from error
    return seen[0]


async def send(handle: WorkflowHandle, update: str, payload, tries: int = 5) -> None:
    """Send an Update, again under the same id if it found no run to answer it."""
    update_id = f"test-{uuid.uuid4()}"
    for attempt in range(tries):
        try:
            await handle.execute_update(update, payload, id=update_id, rpc_timeout=QUERY_TIMEOUT)
            return
        except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError):
            if attempt == tries - 1:
                raise
            await asyncio.sleep(0.5)


async def sign_all(handle: WorkflowHandle, bid: Bid, names: tuple[str, ...]) -> None:
    state = await until(handle, lambda s: all(bid.org(n) in s.subcontracts for n in names))
    for name in names:
        sub = state.subcontracts[bid.org(name)]
        await send(
            handle,
            "sign_subcontract",
            c.SubcontractSignature(
                actor=bid.org(name),
                version_hash=sub.version_hash,
                signer_name=f"{name} chair",
                signer_role="Chair",
            ),
        )


async def to_period_end(env, handle: WorkflowHandle, period: int) -> ContractState:
    """Skip to just after `period` ends; its returns are then asked for."""
    state = await until(handle, lambda s: s.period == period)
    now = await env.get_current_time()
    await skip(env, handle, state.period_end(period) - now + timedelta(hours=1))
    return await until(handle, lambda s: any(r.period == period for r in s.returns.values()))


async def send_return(handle: WorkflowHandle, bid: Bid, name: str, period: int, n: int) -> None:
    await send(
        handle,
        "submit_return",
        c.ReturnInput(
            actor=bid.org(name),
            period=period,
            outputs={"young people supported": n},
            outcomes=f"{name}: confidence up",
            case_studies=f"A story from {name}",
            spend=Decimal("1234.50"),
        ),
    )


async def review(handle: WorkflowHandle, bid: Bid, name: str, period: int, accept=True, note=""):
    await send(
        handle,
        "review_return",
        c.ReturnReview(
            actor=bid.org("alpha"),
            period=period,
            organisation_id=bid.org(name),
            accept=accept,
            comments=note,
        ),
    )


async def start_contract(env, task_queue: str, partners: int = 1) -> WorkflowHandle:
    """A contract started as the award starts one (lead-<tag>, partner1-<tag>, ...), whose
    first quarter ends an hour from now; the caller terminates it."""
    tag = uuid.uuid4().hex[:8]
    now = await env.get_current_time()
    targets = {"young people supported": 30, "sessions run": 12}
    people = [(f"lead-{tag}", "Alpha Trust", "lead")]
    people += [
        (f"partner{n}-{tag}", f"Partner {n} Trust", "partner") for n in range(1, 1 + partners)
    ]
    contract = ContractInput(
        contract_id=f"contract-bid-{tag}",
        bid_id=f"bid-{tag}",
        title=f"Healthy Minds Easington {tag}",
        funder="Big Lottery Fund",
        value=Decimal("118000"),
        starts=add_months(now, -3) + timedelta(hours=1),
        lead_id=f"lead-{tag}",
        parties=[
            ContractParty(
                organisation_id=org,
                name=name,
                email=f"{org}@example.org",
                role=role,
                share=Decimal(90) / (1 + partners),
                targets=targets if role == "partner" else {},
            )
            for org, name, role in people
        ],
        coordinator_email=f"coordinator-{tag}@example.org",
    )
    return await env.client.start_workflow(
        "ContractWorkflow", contract, id=contract.contract_id, task_queue=task_queue
    )


async def keep_run(env, workflow_id: str, run_id: str | None, name: str) -> None:
    """With RECORD_HISTORIES=1, store one run's history as tests/histories/{name}.json (a
    contract's runs are a period each), for tests/workflows/test_delivery_replay.py."""
    if os.environ.get("RECORD_HISTORIES") != "1":
        return
    history = await env.client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
