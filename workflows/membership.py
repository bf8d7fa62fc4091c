"""One organisation's membership of the framework, from proforma to leaving: long-running."""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.entry_criteria import assess, in_vocabulary, proforma_problems, unknown_criteria
    from models.framework import Framework
    from models.membership import (
        Assessment,
        FrameworkAdoption,
        Leave,
        MembershipInput,
        MembershipState,
        Override,
        Proforma,
    )
    from workflows.membership_steps import MembershipSteps
    from workflows.membership_timers import Timer, pending_timers, superseded
    from workflows.search_attributes import MEMBER_STATUS


def _refuse(message: str, type: str = "AnswerRefused") -> ApplicationError:
    return ApplicationError(message, type=type, non_retryable=True)


@workflow.defn
class MembershipWorkflow:
    """An organisation's membership: assessed, admitted, signposted, renewed, suspended, left.

    Updates: submit_proforma (first and resubmitted), update_proforma (renewal), override
    (coordinator, with a reason; holds until the next proforma), leave, adopt_framework
    (the coordinator's changed framework: reminders follow it, the next proforma is assessed
    by it). Query: state.
    Reminders (to resubmit, to renew) and lapses (suspension) are durable timers.
    """

    @workflow.init
    def __init__(self, input: MembershipInput) -> None:
        self._input = input
        self._state = input.resume_from or MembershipState(
            organisation_id=input.organisation_id, membership_id=workflow.info().run_id
        )
        self._steps = MembershipSteps(self._state, input)
        self._lock = asyncio.Lock()  # one change at a time: Updates and timers interleave

    @workflow.run
    async def run(self, input: MembershipInput) -> MembershipState:
        workflow.upsert_search_attributes([MEMBER_STATUS.value_set(self._state.status)])
        while self._state.status != "left":
            if self._history_is_long():
                await workflow.wait_condition(workflow.all_handlers_finished)
                carried = {"resume_from": self._state, "framework": self._steps.framework}
                workflow.continue_as_new(input.model_copy(update=carried))
            await self._wait_for_change_or_timer()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    @workflow.query
    def state(self) -> MembershipState:
        return self._state

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self._input.max_history_events
        )

    async def _wait_for_change_or_timer(self) -> None:
        version = self._state.version

        def changed() -> bool:
            return self._state.version != version or self._history_is_long()

        pending = pending_timers(self._state, self._steps.framework)
        if not pending:
            await workflow.wait_condition(changed)
            return
        timer = pending[0]
        delay = timer.at - workflow.now()
        if delay > timedelta(0):
            try:
                await workflow.wait_condition(changed, timeout=delay)
                return
            except TimeoutError:
                pass
        async with self._lock:
            if self._state.version == version:  # an answer that came first wins
                await self._fire(timer, pending)

    async def _fire(self, timer: Timer, pending: list[Timer]) -> None:
        self._state.fired.append(timer.key)
        if superseded(timer, pending, workflow.now()):
            self._state.bump(workflow.now())
        elif timer.action == "resubmit_reminder":
            await self._steps.remind_to_resubmit(timer)
        elif timer.action == "renewal_reminder":
            await self._steps.remind_to_renew(timer)
        else:
            await self._steps.suspend(timer)
            self._index()

    # Updates ----------------------------------------------------------------------------

    @workflow.update
    async def submit_proforma(self, proforma: Proforma) -> Assessment:
        async with self._lock:
            self._check_submit(proforma)  # again: another answer may have come first
            return await self._take(proforma, "proforma_submitted")

    @submit_proforma.validator
    def _validate_submit(self, proforma: Proforma) -> None:
        self._check_submit(proforma)

    @workflow.update
    async def update_proforma(self, proforma: Proforma) -> Assessment:
        async with self._lock:
            self._check_update(proforma)
            return await self._take(proforma, "proforma_updated")

    @update_proforma.validator
    def _validate_update(self, proforma: Proforma) -> None:
        self._check_update(proforma)

    @workflow.update
    async def override(self, override: Override) -> MembershipState:
        async with self._lock:
            self._check_override(override)
            await self._steps.override(override)
            self._index()
            return self._state

    @override.validator
    def _validate_override(self, override: Override) -> None:
        self._check_override(override)

    @workflow.update
    async def leave(self, leave: Leave) -> MembershipState:
        async with self._lock:
            self._check_leave()
            await self._steps.leave(leave)
            self._index()
            return self._state

    @leave.validator
    def _validate_leave(self, leave: Leave) -> None:
        self._check_leave()

    @workflow.update
    async def adopt_framework(self, adoption: FrameworkAdoption) -> None:
        async with self._lock:
            self._check_framework(adoption.framework)
            await self._steps.adopt(adoption.framework, adoption.by)

    @adopt_framework.validator
    def _validate_framework(self, adoption: FrameworkAdoption) -> None:
        self._check_framework(adoption.framework)

    # What each answer needs; raising here records nothing -------------------------------

    def _check_proforma(self, proforma: Proforma) -> None:
        problems = proforma_problems(proforma, self._steps.framework, workflow.now().date())
        if problems:
            raise _refuse(" ".join(problems), "InvalidProforma")

    def _check_submit(self, proforma: Proforma) -> None:
        status = self._state.status
        if status not in ("applicant", "signposted"):
            raise _refuse(
                f"This organisation is already {status}: send a renewal update instead.",
                "AlreadyMember",
            )
        self._check_proforma(proforma)

    def _check_update(self, proforma: Proforma) -> None:
        if self._state.status not in ("full", "associate", "suspended"):
            raise _refuse(
                "Only a member can update its proforma: submit one to join first.", "NotMember"
            )
        self._check_proforma(proforma)

    def _check_override(self, override: Override) -> None:
        if not override.reason.strip():
            raise _refuse("An override needs a reason: it is kept in the audit log.")
        if self._state.proforma is None:
            raise _refuse("There is no proforma to override yet.", "NoProforma")
        if self._state.status == "left":
            raise _refuse("This organisation has left the framework.", "Left")
        if override.status == self._state.status:
            raise _refuse(f"This organisation is already {override.status}.", "NoChange")

    def _check_framework(self, framework: Framework) -> None:
        unknown = unknown_criteria(framework)
        if unknown:
            raise _refuse(f"Unknown entry criteria: {', '.join(unknown)}.", "InvalidFramework")
        if not framework.localities or not framework.themes:
            raise _refuse("A framework needs its themes and localities.", "InvalidFramework")

    def _check_leave(self) -> None:
        if self._state.status == "left":
            raise _refuse("This organisation has already left the framework.", "Left")

    async def _take(self, proforma: Proforma, action: str) -> Assessment:
        proforma = in_vocabulary(proforma, self._steps.framework)  # the directory's own words
        assessment = assess(proforma, self._steps.framework, workflow.now().date())
        await self._steps.take_assessment(proforma, assessment, action)
        self._index()
        return assessment

    def _index(self) -> None:
        workflow.upsert_search_attributes([MEMBER_STATUS.value_set(self._state.status)])
