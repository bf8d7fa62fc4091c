"""One consortium bid, from opportunity notice to award: the stages of DOMAIN.md in order.

The workflow holds its parts instead of inheriting them: `Effects` (records, e-mail, waits),
`Reminders` (the schedule of what people owe), `Escalations`, and one object per stage, each
in a module of its own with the handlers of its Updates. Every Update is declared once, in
`models/bid_updates.py`; `__init__` registers a handler and a validator for each.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import bid_answers as a
    from models.bid import BidInput, BidOutcome, BidState
    from models.bid_public import BidSummary
    from models.bid_updates import BID_UPDATES, BidUpdate
    from workflows import updates
    from workflows.bid import rules
    from workflows.bid.agreement import AgreementStage
    from workflows.bid.closing import ClosingStages
    from workflows.bid.deadlines import DeadlineMoves
    from workflows.bid.drafting import DraftingStage
    from workflows.bid.effects import BidClosed, Effects
    from workflows.bid.escalation import Escalations
    from workflows.bid.lead import LeadStage
    from workflows.bid.leaving import Leaving
    from workflows.bid.notice import NoticeStage
    from workflows.bid.partners import PartnerStage
    from workflows.bid.reminders import Reminders
    from workflows.bid.view import bounded, summary
    from workflows.updates import Handler


@workflow.defn
class BidWorkflow:
    """One bid. Updates: every row of `models.bid_updates.BID_UPDATES`. Query: `state` (the
    state with its outstanding tasks, and the latest part of its timeline)."""

    @workflow.init
    def __init__(self, input: BidInput) -> None:
        s = self._state = BidState.new(input)
        fx = self._fx = Effects(input, s)
        reminders = self._reminders = Reminders(s, fx)
        escalations = self._escalations = Escalations(s, fx, reminders)
        self._notice = NoticeStage(s, fx, escalations)
        self._lead = LeadStage(s, fx, escalations)
        self._partners = PartnerStage(s, fx, reminders, escalations)
        self._drafting = DraftingStage(s, fx, reminders)
        self._leaving = Leaving(s, fx, reminders, self._drafting)
        self._agreement = AgreementStage(s, fx, reminders, escalations, self._leaving)
        self._closing = ClosingStages(s, fx, reminders, self._drafting)
        self._deadlines = DeadlineMoves(s, fx, reminders)
        parts = (
            self._notice,
            self._lead,
            self._partners,
            self._drafting,
            self._leaving,
            self._agreement,
            self._closing,
            self._deadlines,
            escalations,
        )
        updates.register(
            BID_UPDATES, updates.handlers_of(parts, BID_UPDATES), self._handler, self._validator
        )

    @workflow.query
    def state(self) -> BidState:
        return bounded(self._state)

    @workflow.run
    async def run(self, input: BidInput) -> BidOutcome:
        reminding = asyncio.create_task(self._reminders.run(self._escalations.overdue))
        try:
            await self._notice.circulate()
            await self._notice.decide()
            await self._lead.select()
            await self._partners.sign_up()
            while True:
                await self._drafting.draft()
                await self._partners.ensure_minimum()
                if not await self._agreement.sign():
                    continue  # a party left: its sections, the numbers, then a new version
                signed_off = await self._closing.local_authority_signs_off()
                if signed_off and not self._leaving.agreement_stale:
                    break
            await self._closing.submit()
            await self._closing.await_award()
        except BidClosed as closed:
            await self._closing.close(closed)
        self._reminders.done_where(lambda t: True)  # the bid is over: nothing is owed
        self._reminders.stop()
        await reminding
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._fx.settle()
        s = self._state
        return BidOutcome(bid_id=s.bid_id, stage=s.stage, reason=s.closed_reason)

    # --- every Update, from the table ---------------------------------------------------

    def _validator(self, update: BidUpdate) -> Callable[[Any], None]:
        def validate(input: a.Answer) -> None:
            rules.check(self._state, update, input, workflow.now())

        return validate

    def _handler(self, update: BidUpdate, apply: Handler) -> Callable[..., Awaitable[Any]]:
        async def handle(input: a.Answer) -> BidSummary:
            # Checked again: two answers can arrive in one batch, each validated before the
            # other was applied.
            try:
                rules.check(self._state, update, input, workflow.now())
                await apply(input)
                await self._fx.save()
                return summary(self._state)
            finally:
                info = workflow.current_update_info()
                self._fx.forget(info.id if info else "")

        # The SDK reads a handler's type hints to decode its input and encode its result.
        handle.__annotations__ = {"input": update.input, "return": update.result}
        return handle
