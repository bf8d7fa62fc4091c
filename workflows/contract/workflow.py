"""One awarded contract, from the award to close-out, over years: subcontracts, a period's
returns at a time, payments and variations whenever they come, then the final report.

Each period continues as new (the state carries over), so a history holds one period's
events, however long the contract runs. The workflow holds its parts by composition: the
bid's `Reminders` and `OverdueTasks` (one schedule of due times, one timer; an overdue return
goes to the lead) over `DeliveryEffects`, and one object per part of the contract.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import ContractActivities
    from models.bid_answers import Answer
    from models.bid_schedule import DueTask
    from models.contract import ContractInput, ContractOutcome, ContractState, pounds
    from models.contract_answers import ContractSummary
    from models.contract_updates import CONTRACT_UPDATES, ContractUpdate
    from workflows import updates
    from workflows.bid.escalation import OverdueTasks
    from workflows.bid.reminders import Reminders
    from workflows.contract import rules, search
    from workflows.contract.closeout import CloseOut
    from workflows.contract.payments import Payments
    from workflows.contract.returns import Returns
    from workflows.contract.subcontracts import Subcontracts
    from workflows.contract.variations import Variations
    from workflows.delivery_effects import DeliveryEffects
    from workflows.policies import STORE
    from workflows.updates import Handler


@workflow.defn
class ContractWorkflow:
    """One contract, id `contract-<bid id>`. Updates: every row of
    `models.contract_updates.CONTRACT_UPDATES`. Query: `state`."""

    @workflow.init
    def __init__(self, input: ContractInput) -> None:
        s = self._state = ContractState.new(input)
        fx = self._fx = DeliveryEffects(
            s.contract_id,
            s.title,
            s,
            lambda: STORE.run_local(ContractActivities.save_contract, self._view()),
            s.timetable.link_valid_after_due,
        )
        # The bid's reminders and overdue tasks read only what a contract's state and
        # effects also have (`reminders.Scheduled`, `escalation.Parties`; `reminders.Letters`,
        # `escalation.Recording`): mypy checks it.
        self._reminders = Reminders(s, fx)
        self._overdue_tasks = OverdueTasks(s, fx, self._reminders)
        self._subcontracts = Subcontracts(s, fx, self._reminders)
        self._returns = Returns(s, fx, self._reminders)
        self._payments = Payments(s, fx)
        self._variations = Variations(s, fx, self._reminders, self._subcontracts, self._returns)
        self._closeout = CloseOut(s, fx)
        parts = (self._subcontracts, self._returns, self._payments, self._variations)
        handlers: dict[str, Handler] = {"extend_task": self._overdue_tasks.extend_task}
        handlers |= updates.handlers_of(parts, CONTRACT_UPDATES)
        updates.register(CONTRACT_UPDATES, handlers, self._handler, self._validator)

    @workflow.query
    def state(self) -> ContractState:
        return self._state

    @workflow.run
    async def run(self, input: ContractInput) -> ContractOutcome:
        s = self._state
        reminding = asyncio.create_task(self._reminders.run(self._overdue))
        if input.resume_from is None:
            search.upsert(s)
            self._fx.record("system", "contract_started", bid=s.bid_id, periods=s.term_periods)
            await self._fx.save()
            await self._subcontracts.issue()
        await self._returns.report()
        s.period += 1
        if s.period <= s.term_periods:
            await self._pause(reminding)
            workflow.continue_as_new(input.model_copy(update={"resume_from": s}))
        await self._closeout.close()
        self._reminders.done_where(lambda t: True)  # closed: nothing is owed
        await self._pause(reminding)
        return ContractOutcome(
            contract_id=s.contract_id,
            stage=s.stage,
            periods=s.term_periods,
            value_delivered_pence=s.value_delivered_pence(),
        )

    async def _pause(self, reminding: asyncio.Task[None]) -> None:
        """Before this run ends: answers in hand finished, the reminders' timer stopped (the
        schedule carries over in the state), the background work done."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._reminders.stop()
        await reminding
        await self._fx.save()
        await self._fx.settle()

    async def _overdue(self, tasks: list[DueTask]) -> None:
        self._returns.mark_late(tasks)
        await self._overdue_tasks.overdue(tasks)

    def _view(self) -> ContractState:
        s = self._state
        workflow.set_current_details(_details(s))  # the Temporal UI's line
        # The read model needs no timeline: the audit log has it.
        return s.model_copy(update={"timeline": []})

    # --- every Update, from the table ---------------------------------------------------

    def _validator(self, update: ContractUpdate) -> Callable[[Any], None]:
        def validate(input: Answer) -> None:
            rules.check(self._state, update, input, workflow.now())

        return validate

    def _handler(self, update: ContractUpdate, apply: Handler) -> Callable[..., Awaitable[Any]]:
        async def handle(input: Answer) -> ContractSummary:
            try:
                rules.check(self._state, update, input, workflow.now())
                await apply(input)
                await self._fx.save()
                s = self._state
                return ContractSummary(
                    contract_id=s.contract_id,
                    stage=s.stage,
                    period=s.period,
                    returns_due=sum(r.status in ("due", "returned") for r in s.returns.values()),
                    owed_pence=s.owed_pence(),
                )
            finally:
                info = workflow.current_update_info()
                self._fx.forget(info.id if info else "")

        handle.__annotations__ = {"input": update.input, "return": ContractSummary}
        return handle


def _details(s: ContractState) -> str:
    """'Period 2 of 4: 1 of 2 returns accepted, 1 overdue; £300.00 owed to partners' (no
    names: the Temporal UI shows it to whoever can see the namespace)."""
    if s.stage == "closed":
        return (
            f"Closed after {s.term_periods} periods: {pounds(s.value_delivered_pence())} received"
        )
    mine = [r for r in s.returns.values() if r.period == s.period]
    late = sum(t.overdue for t in s.schedule.values())
    accepted = sum(r.status == "accepted" for r in mine)
    returns = f"{accepted} of {len(mine)} returns accepted" if mine else "returns not yet due"
    overdue = f", {late} overdue" if late else ""
    owed = f"{pounds(s.owed_pence())} owed to partners"
    return f"Period {s.period} of {s.term_periods}: {returns}{overdue}; {owed}"
