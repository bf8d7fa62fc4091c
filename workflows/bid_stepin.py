"""The bid's Updates for what can happen at any stage, and for the last stages: escalation
decisions, withdrawals and removals, the funder moving the deadline, the local authority's
sign-off, the submission and the award. Validators as in `bid_updates`."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import bid_answers as a
    from workflows import bid_rules as rules
    from workflows.bid_effects import BidEffects, Summary
    from workflows.bid_view import summary

# The deadline an escalation's "extend" moves, by the stage that escalated.
EXTENDS = {
    "notice": "interest",
    "lead_selection": "lead",
    "partner_signup": "partners",
    "agreement": "signatures",
}


class BidStepIn(BidEffects):
    _agreement_stale: bool
    _la_answer: bool | None

    @workflow.update
    async def resolve_escalation(self, input: a.EscalationDecision) -> Summary:
        self._check(rules.check_escalation, input)
        s = self._state
        assert s.escalation is not None
        if input.action == "extend":
            assert input.until is not None
            s.deadlines[EXTENDS[s.escalation.stage]] = input.until
        if input.action == "abandon":
            s.closed_reason = input.reason or s.escalation.reason
        s.escalation.resolution = input.action
        self._wakeup = True
        detail = {"until": input.until.isoformat() if input.until else None}
        await self._record(input.actor, f"escalation_{input.action}", reason=input.reason, **detail)
        return summary(s)

    @resolve_escalation.validator
    def _validate_escalation(self, input: a.EscalationDecision) -> None:
        self._check(rules.check_escalation, input)

    @workflow.update
    async def withdraw(self, input: a.Withdrawal) -> Summary:
        self._check(rules.check_withdrawal, input)
        await self._leave(input.actor, "withdrawn", input.actor, input.reason)
        return summary(self._state)

    @withdraw.validator
    def _validate_withdrawal(self, input: a.Withdrawal) -> None:
        self._check(rules.check_withdrawal, input)

    @workflow.update
    async def remove_partner(self, input: a.RemovePartner) -> Summary:
        self._check(rules.check_removal, input)
        await self._leave(input.organisation_id, "removed", input.actor, input.reason)
        return summary(self._state)

    @remove_partner.validator
    def _validate_removal(self, input: a.RemovePartner) -> None:
        self._check(rules.check_removal, input)

    async def _leave(self, org: str, status: str, actor: str, reason: str) -> None:
        """A partner leaves: its chases end, its sections go to the lead, and an agreement
        it was party to needs a new version."""
        s = self._state
        partner = s.partners[org]
        partner.status = status  # type: ignore[assignment]
        await self._finish_chases(lambda c: f"/{org}/" in c or f"/{org}-v" in c)
        await self._record(actor, f"partner_{status}", org, reason=reason)
        for key, section in s.sections.items():
            if section.assigned_to == org and section.status != "approved":
                section.status = "assigned"
                due = max(section.due or workflow.now(), workflow.now() + timedelta(days=2))
                note = f"It was {self._name(org)}'s; they have {status.replace('_', ' ')}."
                await self._assign(key, s.lead_id or "", due, "system", note)
        if s.agreement is not None and org in s.agreement.parties:
            self._agreement_stale = True
        letters = [
            self._letter(
                f"left-{org}", e, f"{partner.name} has {status}", reason or "No reason given."
            )
            for e in (self._lead_email(), partner.email)
        ]
        await self._mail(f"left-{org}", letters)

    @workflow.update
    async def move_deadline(self, input: a.DeadlineMove) -> Summary:
        self._check(rules.check_deadline_move, input)
        s = self._state
        old = s.deadlines["submission"]
        self._shift_deadlines(input.submission_deadline - old)
        self._upsert_search_attributes()
        await self._move_chases(self._due_of_chase)
        await self._record(
            input.actor,
            "deadline_moved",
            old=old.isoformat(),
            new=input.submission_deadline.isoformat(),
        )
        body = (
            f"The funder moved the deadline from {rules.when(old)} to "
            f"{rules.when(input.submission_deadline)}. Every date in the bid moved with it."
        )
        letters = [
            self._letter(
                f"deadline-{input.submission_deadline:%Y%m%d%H%M}", e, "The deadline moved", body
            )
            for e in self._everyone()
        ]
        await self._mail(f"deadline-{input.submission_deadline:%Y%m%d%H%M}", letters)
        return summary(s)

    @move_deadline.validator
    def _validate_deadline_move(self, input: a.DeadlineMove) -> None:
        self._check(rules.check_deadline_move, input)

    def _due_of_chase(self, child_id: str):
        kind, key = child_id.split("/")[-3:-1]
        s = self._state
        if kind == "section":
            return s.sections[key].due
        return s.deadlines.get(
            {"invitation": "partners", "signature": "signatures"}.get(kind, kind)
        )

    @workflow.update
    async def local_authority_decision(self, input: a.LocalAuthorityDecision) -> Summary:
        self._check(rules.check_la_decision, input)
        s = self._state
        await self._finish_chases(lambda c: "/la_signoff/" in c)
        await self._record(
            input.actor,
            "la_approved" if input.approve else "la_returned",
            comments=input.comments,
            sections=input.sections,
        )
        if not input.approve:
            s.la_returns += 1
            note = f"The local authority's comments: {input.comments}"
            await self._together([self._send_back(k, note) for k in input.sections or s.sections])
        self._la_answer = input.approve
        return summary(s)

    @local_authority_decision.validator
    def _validate_la_decision(self, input: a.LocalAuthorityDecision) -> None:
        self._check(rules.check_la_decision, input)

    @workflow.update
    async def record_submission(self, input: a.SubmissionInput) -> Summary:
        self._check(rules.check_submission, input)
        at = input.submitted_at or workflow.now()
        self._state.submission = {"reference": input.reference, "at": at.isoformat()}
        await self._record(input.actor, "bid_submitted", reference=input.reference)
        return summary(self._state)

    @record_submission.validator
    def _validate_submission(self, input: a.SubmissionInput) -> None:
        self._check(rules.check_submission, input)

    @workflow.update
    async def record_outcome(self, input: a.OutcomeInput) -> Summary:
        self._check(rules.check_outcome, input)
        self._state.outcome = input.model_dump(mode="json", exclude={"actor"})
        await self._record(input.actor, "outcome_recorded", **self._state.outcome)
        return summary(self._state)

    @record_outcome.validator
    def _validate_outcome(self, input: a.OutcomeInput) -> None:
        self._check(rules.check_outcome, input)
