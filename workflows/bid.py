"""One consortium bid, from opportunity notice to award: the stages of DOMAIN.md in order.

Human answers are Updates (see `workflows/bid_updates.py`), each with a validator that
refuses wrong, late, duplicate or unauthorised answers before anything is recorded.
Per-person chasing and group e-mails run in child workflows, so the bid's history stays small.
"""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.bids import BidStoreActivities
    from activities.directory import DirectoryActivities
    from models.bid import COORDINATOR, BidInput, BidOutcome, BidState
    from models.bid_ranking import rank_candidates
    from models.directory import MatchInput
    from workflows.bid_agreement import BidAgreementStage
    from workflows.bid_effects import BidClosed
    from workflows.bid_rules import when
    from workflows.bid_updates import BidUpdates
    from workflows.bid_view import outstanding_tasks
    from workflows.policies import STORE


AWARD_WAIT = timedelta(days=365)


@workflow.defn
class BidWorkflow(BidAgreementStage, BidUpdates):
    """One bid. Updates: express_interest, decide_bid, choose_lead, resolve_escalation,
    invite_partners, answer_invitation, assign_sections, submit_contribution,
    review_contribution, comment_on_agreement, sign_agreement, remove_partner,
    local_authority_decision, record_submission, record_outcome, withdraw, move_deadline,
    cancel. Query: state (the whole state, with outstanding tasks and the timeline)."""

    @workflow.init
    def __init__(self, input: BidInput) -> None:
        self._input = input
        self._state = BidState.new(input)
        self._chases = {}
        self._wakeup = False
        self._closing = None
        self._agreement_stale = False
        self._la_answer: bool | None = None
        self._background = []

    @workflow.query
    def state(self) -> BidState:
        return self._state.model_copy(update={"outstanding": outstanding_tasks(self._state)})

    @workflow.run
    async def run(self, input: BidInput) -> BidOutcome:
        try:
            await self._circulate_notice()
            await self._decide_bid()
            await self._select_lead()
            await self._sign_up_partners()
            while True:
                await self._draft_sections()
                await self._sign_agreement()
                if await self._local_authority_signs_off():
                    break
            await self._submit()
            await self._await_award()
        except BidClosed as closed:
            await self._close(closed)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._settle()
        return BidOutcome(
            bid_id=self._state.bid_id, stage=self._state.stage, reason=self._state.closed_reason
        )

    # --- 1. opportunity notice --------------------------------------------------------------

    async def _circulate_notice(self) -> None:
        s, n = self._state, self._state.notice
        await workflow.execute_activity_method(BidStoreActivities.save_opportunity, n, **STORE)
        members = await workflow.execute_activity_method(
            DirectoryActivities.match_members,
            MatchInput(themes=n.themes, localities=n.localities),
            **STORE,
        )
        s.members = {m.organisation_id: m for m in members}
        self._set_stage("notice")
        await self._record(COORDINATOR, "notice_circulated", members=len(members))
        await self._mail("circulate", [self._interest_letter("notice", org) for org in s.members])
        everyone = lambda: len(s.interests) == len(s.members)  # noqa: E731
        reminder = lambda: s.deadlines["interest"] - s.timetable.remind_before  # noqa: E731
        if not await self._wait(everyone, reminder):
            late = [o for o in s.members if o not in s.interests]
            await self._mail(
                "interest-reminder", [self._interest_letter("reminder", o) for o in late]
            )
        await self._wait(everyone, lambda: s.deadlines["interest"])
        while not any(i.answer != "not_this_time" for i in s.interests.values()):
            reason = f"No member expressed interest by {when(s.deadlines['interest'])}."
            await self._escalate("notice", reason, ["extend", "abandon"])
            await self._wait(everyone, lambda: s.deadlines["interest"])

    def _interest_letter(self, step: str, org: str):
        s = self._state
        return self._letter(
            f"interest-{step}",
            s.members[org].email,
            "Will you lead, partner, or not this time?",
            f"{s.notice.funder} invites bids for '{s.notice.title}'. {s.notice.description}",
            kind="bid_task" if step == "notice" else "bid_reminder",
            task=self._link("expression_of_interest", org, due=s.deadlines["interest"]),
            due=s.deadlines["interest"],
        )

    async def _decide_bid(self) -> None:
        s = self._state
        self._set_stage("decision")
        await self._record("system", "interest_closed", interested=len(s.interests))
        interested = ", ".join(
            f"{self._name(i.organisation_id)} ({i.answer})" for i in s.interests.values()
        )
        letter = self._letter(
            "decision",
            s.coordinator_email,
            "Bid or no bid?",
            f"Interest so far: {interested}. Score fit, capacity, value for effort and "
            "eligibility, and record go or no-go with your reasons.",
            kind="bid_task",
            task=self._link("bid_decision", COORDINATOR),
        )
        await self._mail("decision", [letter])
        await self._wait(lambda: s.decision is not None, None)
        assert s.decision is not None
        if not s.decision["go"]:
            raise BidClosed("no_go", s.decision["reasons"])

    # --- 2. lead body ----------------------------------------------------------------------

    async def _select_lead(self) -> None:
        s = self._state
        self._set_stage("lead_selection")
        willing = [s.members[i.organisation_id] for i in s.interests.values() if i.answer == "lead"]
        s.candidates = rank_candidates(willing, s.notice)
        # With no candidate there is nothing to wait for: escalate at once.
        s.deadlines["lead"] = workflow.now() + (s.timetable.lead_window if willing else timedelta())
        await self._record(
            "system", "lead_candidates_ranked", candidates=[c.model_dump() for c in s.candidates]
        )
        if s.candidates:
            ranking = "; ".join(f"{c.name} ({c.score:.2f})" for c in s.candidates)
            letter = self._letter(
                "lead-choice",
                s.coordinator_email,
                "Confirm the lead body",
                f"Candidates, best first: {ranking}. Confirm one, or pick another member.",
                kind="bid_task",
                task=self._link("lead_choice", COORDINATOR, due=s.deadlines["lead"]),
                due=s.deadlines["lead"],
            )
            await self._mail("lead-choice", [letter])
        chosen = lambda: s.lead_id is not None  # noqa: E731
        while not await self._wait(chosen, lambda: s.deadlines["lead"]):
            reason = (
                f"No lead body was confirmed by {when(s.deadlines['lead'])}."
                if s.candidates
                else "No member offered to lead this bid."
            )
            await self._escalate("lead_selection", reason, ["extend", "abandon"], resolved=chosen)

    # --- 3. partners -----------------------------------------------------------------------

    async def _sign_up_partners(self) -> None:
        s, t = self._state, self._state.timetable
        self._set_stage("partner_signup")
        s.deadlines["partners"] = min(workflow.now() + t.partner_window, s.deadlines["submission"])
        if self._prompt():  # the dashboard shows the stage as it opens, not at its first answer
            await self._record("system", "partner_signup_opened", due=when(s.deadlines["partners"]))
        wanting = [
            self._name(i.organisation_id) for i in s.interests.values() if i.answer == "partner"
        ]
        letter = self._letter(
            "invite-partners",
            self._lead_email(),
            "Invite your partners",
            f"Members who offered to partner: {', '.join(wanting) or 'none yet'}. Invite at least "
            f"{s.notice.min_partners}; you may also invite others from the directory.",
            kind="bid_task",
            task=self._link("invite_partners", s.lead_id or COORDINATOR),
            due=s.deadlines["partners"],
        )
        await self._mail("invite-partners", [letter])
        least = max(s.notice.min_partners, 1)

        def enough() -> bool:
            pending = any(p.status == "invited" for p in s.partners.values())
            return s.accepted_count() >= least and not pending

        while not await self._wait(enough, lambda: s.deadlines["partners"]):
            if s.accepted_count() >= least:
                break  # the rest did not answer in time; the consortium is big enough
            options = ["extend", "abandon"]
            if s.notice.allow_fewer_partners and s.accepted_count() > 0:
                options.insert(1, "proceed")
            cutoff = when(s.deadlines["partners"])
            reason = f"Only {s.accepted_count()} of {least} partners accepted by {cutoff}."
            action = await self._escalate("partner_signup", reason, options, resolved=enough)
            if action == "proceed":
                break
        await self._finish_chases(lambda c: "/invitation/" in c)

    def _lead_email(self) -> str:
        s = self._state
        return s.partners[s.lead_id].email if s.lead_id in s.partners else s.coordinator_email

    # --- 4. drafting -----------------------------------------------------------------------

    async def _draft_sections(self) -> None:
        s = self._state
        self._set_stage("drafting")
        await self._record("system", "drafting_started", sections=list(s.sections))
        unassigned = [k for k, sec in s.sections.items() if sec.status == "unassigned"]
        if unassigned:
            letter = self._letter(
                "assign-sections",
                self._lead_email(),
                "Assign the bid's sections",
                f"Give each section a partner and a due date: {', '.join(unassigned)}.",
                kind="bid_task",
                task=self._link("assign_sections", s.lead_id or COORDINATOR),
            )
            await self._mail(f"assign-sections-{s.la_returns}", [letter])
        await self._wait(lambda: all(x.status == "approved" for x in s.sections.values()), None)

    # --- 6-8. local authority, submission, award -------------------------------------------

    async def _local_authority_signs_off(self) -> bool:
        s = self._state
        if not s.notice.la_signoff_required:
            return True
        self._set_stage("la_signoff")
        s.deadlines["la_signoff"] = workflow.now() + s.timetable.la_window
        self._la_answer = None
        await self._record("system", "la_signoff_requested")
        await self._chase(
            "la_signoff",
            "local-authority",
            "",
            s.la_returns + 1,
            s.deadlines["la_signoff"],
            "Sign off the bid",
            f"Approve the bid for '{s.notice.title}', or return it with comments.",
            escalate=True,
        )
        await self._wait(lambda: self._la_answer is not None, None)
        return bool(self._la_answer)

    async def _submit(self) -> None:
        s = self._state
        self._set_stage("submission")
        await self._record("system", "ready_to_submit")
        letter = self._letter(
            "submit",
            self._lead_email(),
            "Submit the bid and record it",
            f"Everything is signed off. Submit to {s.notice.funder} and record the reference.",
            kind="bid_task",
            task=self._link("submission", s.lead_id or COORDINATOR),
            due=s.deadlines["submission"],
        )
        await self._mail("submit", [letter])
        await self._wait(lambda: s.submission is not None, None)

    async def _await_award(self) -> None:
        s = self._state
        self._set_stage("award")
        if self._prompt():
            await self._record("system", "award_awaited")
        if workflow.patched("award-prompt"):  # bids recorded before it did not send it
            await self._prompt_for_outcome()
        await self._wait(lambda: s.outcome is not None, None)
        assert s.outcome is not None
        self._set_stage("awarded" if s.outcome["awarded"] else "not_awarded")
        if s.outcome["awarded"]:
            value, start = s.outcome["value"], s.outcome["start_date"]
            news = f"Awarded: {s.notice.currency} {value}, starting {start}."
        else:
            news = f"Not awarded. The funder's feedback: {s.outcome['feedback'] or 'none given'}."
        await self._record(COORDINATOR, "bid_closed", outcome=s.stage)
        await self._mail(
            "award",
            [self._letter("award", e, "The funder's decision", news) for e in self._everyone()],
        )

    async def _prompt_for_outcome(self) -> None:
        s = self._state
        reference = (s.submission or {}).get("reference", "")
        letter = self._letter(
            "outcome",
            s.coordinator_email,
            "Record the funder's decision",
            f"The bid went to {s.notice.funder} (reference {reference}). When the decision "
            "comes, record it: awarded (value and start date) or not (the feedback).",
            kind="bid_task",
            # Awards come weeks or months later: the link outlives the usual grace period.
            task=self._link("outcome", COORDINATOR, due=workflow.now() + AWARD_WAIT),
        )
        await self._mail("outcome", [letter])

    async def _close(self, closed: BidClosed) -> None:
        """The bid ended early: finish every chase, record why, and tell everyone."""
        s = self._state
        s.closed_reason = closed.reason
        s.escalation = None
        self._set_stage(closed.stage)
        await self._finish_chases()
        await self._record("system", "bid_closed", outcome=closed.stage, reason=closed.reason)
        heading = {"no_go": "We will not bid", "lapsed": "The bid lapsed"}.get(
            closed.stage, f"The bid is {closed.stage.replace('_', ' ')}"
        )
        await self._mail(
            "closed", [self._letter("closed", e, heading, closed.reason) for e in self._everyone()]
        )
