"""The bid's Updates: every human answer and coordinator override, each with its validator.

A validator (a pure `check_*` in `bid_rules`) refuses a wrong, late, duplicate or
unauthorised answer before anything is recorded; the handler checks again (two answers can
arrive in one batch), applies the answer, records it, and returns the new state's summary.
"""

import asyncio
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.bids import BidStoreActivities
    from models import bid_answers as a
    from models.bid import Interest, PartnerState
    from models.bid_rows import ContributionRow, ReviewRow
    from workflows import bid_rules as rules
    from workflows.bid_effects import BidClosed, BidEffects, Summary
    from workflows.bid_stepin import BidStepIn
    from workflows.bid_view import summary
    from workflows.policies import STORE


class BidUpdates(BidStepIn, BidEffects):
    # --- notice, decision, lead ------------------------------------------------------------

    @workflow.update
    async def express_interest(self, input: a.ExpressionOfInterest) -> Summary:
        self._check(rules.check_interest, input)
        s = self._state
        s.interests[input.actor] = Interest(
            organisation_id=input.actor, answer=input.answer, note=input.note, at=workflow.now()
        )
        await self._record(input.actor, "expressed_interest", input.actor, answer=input.answer)
        return summary(s)

    @express_interest.validator
    def _validate_interest(self, input: a.ExpressionOfInterest) -> None:
        self._check(rules.check_interest, input)

    @workflow.update
    async def decide_bid(self, input: a.BidDecision) -> Summary:
        self._check(rules.check_decision, input)
        self._state.decision = input.model_dump(mode="json", exclude={"actor"})
        await self._record(input.actor, "bid_decided", **self._state.decision)
        return summary(self._state)

    @decide_bid.validator
    def _validate_decision(self, input: a.BidDecision) -> None:
        self._check(rules.check_decision, input)

    @workflow.update
    async def choose_lead(self, input: a.LeadChoice) -> Summary:
        self._check(rules.check_lead_choice, input)
        s, org = self._state, input.organisation_id
        member = s.members[org]
        s.lead_id = org
        s.partners[org] = PartnerState(
            organisation_id=org, name=member.name, email=member.email, status="lead"
        )
        self._upsert_search_attributes()
        await self._record(input.actor, "lead_confirmed", org)
        letter = self._letter(
            "lead-confirmed",
            member.email,
            "You lead this bid",
            "The coordinator confirmed your organisation as the lead body. Next: invite partners.",
        )
        await self._mail("lead-confirmed", [letter])
        return summary(s)

    @choose_lead.validator
    def _validate_lead_choice(self, input: a.LeadChoice) -> None:
        self._check(rules.check_lead_choice, input)

    # --- partners --------------------------------------------------------------------------

    @workflow.update
    async def invite_partners(self, input: a.Invitations) -> Summary:
        self._check(rules.check_invitations, input)
        s = self._state
        orgs = list(dict.fromkeys(input.organisation_ids))
        if not self._prompt():  # as bids recorded before "prompt-answers" ran
            for org in orgs:
                self._add_invitee(org)
                await self._record(input.actor, "partner_invited", org)
                await self._invite(org)
            return summary(s)
        for org in orgs:
            self._add_invitee(org)
        await self._record_all(input.actor, [("partner_invited", org, {}) for org in orgs])
        await asyncio.gather(*(self._invite(org) for org in orgs))
        return summary(s)

    @invite_partners.validator
    def _validate_invitations(self, input: a.Invitations) -> None:
        self._check(rules.check_invitations, input)

    def _add_invitee(self, org: str) -> None:
        s = self._state
        member, earlier = s.members[org], s.partners.get(org)
        s.partners[org] = PartnerState(
            organisation_id=org,
            name=member.name,
            email=member.email,
            status="invited",
            round=earlier.round + 1 if earlier else 1,
        )

    async def _invite(self, org: str) -> None:
        s = self._state
        await self._chase(
            "invitation",
            org,
            org,
            s.partners[org].round,
            s.deadlines["partners"],
            f"Join the consortium led by {self._name(s.lead_id or '')}",
            f"Accept or decline the invitation to bid for '{s.notice.title}'.",
        )

    @workflow.update
    async def answer_invitation(self, input: a.InvitationAnswer) -> Summary:
        self._check(rules.check_invitation_answer, input)
        partner = self._state.partners[input.actor]
        partner.status = "accepted" if input.accept else "declined"
        await self._finish_chases(lambda c: f"/invitation/{input.actor}/" in c)
        await self._record(
            input.actor, f"invitation_{partner.status}", input.actor, note=input.note
        )
        return summary(self._state)

    @answer_invitation.validator
    def _validate_invitation_answer(self, input: a.InvitationAnswer) -> None:
        self._check(rules.check_invitation_answer, input)

    # --- drafting --------------------------------------------------------------------------

    @workflow.update
    async def assign_sections(self, input: a.SectionAssignments) -> Summary:
        self._check(rules.check_assignments, input)
        await self._together(
            [
                self._assign(i.section, i.organisation_id, i.due, input.actor)
                for i in input.assignments
            ]
        )
        return summary(self._state)

    @assign_sections.validator
    def _validate_assignments(self, input: a.SectionAssignments) -> None:
        self._check(rules.check_assignments, input)

    async def _assign(self, key: str, org: str, due: datetime, actor: str, note: str = "") -> None:
        s = self._state
        section = s.sections[key]
        await self._finish_chases(lambda c: f"/section/{key}/" in c)
        section.assigned_to, section.due, section.round = org, due, section.round + 1
        if section.status != "returned":
            section.status = "assigned"
        await self._record(actor, "section_assigned", org, section=key, due=due.isoformat())
        body = f"Write the '{key}' section of the bid for '{s.notice.title}'. {note}".strip()
        await self._chase(
            "section",
            org,
            key,
            section.round,
            due,
            f"Write the '{key}' section",
            body,
            escalate=True,
        )

    @workflow.update
    async def submit_contribution(self, input: a.ContributionInput) -> Summary:
        self._check(rules.check_contribution, input)
        s = self._state
        section = s.sections[input.section]
        section.status, section.version, section.body = "submitted", section.version + 1, input.body
        await self._finish_chases(lambda c: f"/section/{input.section}/" in c)
        row = ContributionRow(
            bid_id=s.bid_id,
            section_key=input.section,
            organisation_id=input.actor,
            version=section.version,
            body=input.body,
            attachment_name=input.attachment_name,
            submitted_at=workflow.now(),
        )
        await self._together(
            [
                self._store()(BidStoreActivities.record_contribution, row, **STORE),
                self._record(
                    input.actor,
                    "contribution_submitted",
                    input.actor,
                    section=input.section,
                    version=section.version,
                ),
            ]
        )
        letter = self._letter(
            f"review-{input.section}-v{section.version}",
            self._lead_email(),
            f"Review the '{input.section}' section",
            f"{self._name(input.actor)} sent version {section.version}: approve it or return it "
            "with comments.",
            kind="bid_task",
            task=self._link("review", s.lead_id or "coordinator", input.section),
        )
        await self._mail(f"review-{input.section}-v{section.version}", [letter])
        return summary(s)

    @submit_contribution.validator
    def _validate_contribution(self, input: a.ContributionInput) -> None:
        self._check(rules.check_contribution, input)

    @workflow.update
    async def review_contribution(self, input: a.ReviewInput) -> Summary:
        self._check(rules.check_review, input)
        s = self._state
        section = s.sections[input.section]
        section.status = "approved" if input.approve else "returned"
        section.comments = input.comments
        row = ReviewRow(
            bid_id=s.bid_id,
            section_key=input.section,
            version=section.version,
            review=section.status,
            comments=input.comments,
            reviewed_at=workflow.now(),
        )
        save = self._store_row()
        await self._together(
            [
                save(BidStoreActivities.record_review, row, **STORE),
                self._record(
                    input.actor,
                    f"contribution_{section.status}",
                    section.assigned_to,
                    section=input.section,
                    version=section.version,
                    comments=input.comments,
                ),
            ]
        )
        if not input.approve:
            await self._send_back(input.section, f"The lead's comments: {input.comments}")
        return summary(s)

    @review_contribution.validator
    def _validate_review(self, input: a.ReviewInput) -> None:
        self._check(rules.check_review, input)

    async def _send_back(self, key: str, note: str) -> None:
        """A returned section goes back to its writer, with a fresh chase and the comments."""
        section = self._state.sections[key]
        section.status = "returned"
        soonest = workflow.now() + self._state.timetable.remind_before
        due = max(section.due or soonest, soonest)
        await self._assign(key, section.assigned_to or "", due, "system", note)

    # --- at any time -----------------------------------------------------------------------

    @workflow.update
    async def cancel(self, input: a.Cancellation) -> Summary:
        self._check(rules.check_cancellation, input)
        await self._record(input.actor, "cancel_requested", reason=input.reason)
        self._closing = BidClosed("cancelled", input.reason)
        return summary(self._state)

    @cancel.validator
    def _validate_cancellation(self, input: a.Cancellation) -> None:
        self._check(rules.check_cancellation, input)
