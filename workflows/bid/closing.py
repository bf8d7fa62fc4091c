"""Stages 6-8 of a bid and its early ends: the local authority's sign-off (it may return
chosen sections, each with a comment), the submission, the award; and cancellation, no-go,
abandonment or lapse. Its Updates: local_authority_decision, record_submission,
record_outcome, cancel."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import bid_answers as a
    from models.bid import COORDINATOR, LOCAL_AUTHORITY, BidState, OutcomeRecord, SubmissionRecord
    from models.bid_schedule import DueTask
    from workflows.bid.drafting import DraftingStage
    from workflows.bid.effects import BidClosed, Effects
    from workflows.bid.reminders import Reminders, cancellation
    from workflows.contract_start import PATCH, start_contract

AWARD_WAIT = timedelta(days=365)  # an award comes weeks or months after the submission


class ClosingStages:
    def __init__(
        self, state: BidState, fx: Effects, reminders: Reminders, drafting: DraftingStage
    ) -> None:
        self.state, self.fx, self.reminders, self.drafting = state, fx, reminders, drafting
        self.la_answer: bool | None = None

    async def local_authority_signs_off(self) -> bool:
        """True when signed off (or not needed); False when sections went back to drafting."""
        s, fx = self.state, self.fx
        if not s.notice.la_signoff_required:
            return True
        fx.set_stage("la_signoff")
        s.deadlines.la_signoff = min(workflow.now() + s.timetable.la_window, s.deadlines.submission)
        self.la_answer = None
        fx.record("system", "la_signoff_requested", round=s.la_returns + 1)
        await fx.save()
        self.reminders.add(
            DueTask(
                id="la_signoff",
                kind="la_signoff",
                owed_by=LOCAL_AUTHORITY,
                to=s.local_authority_email or s.coordinator_email,
                due=s.deadlines.la_signoff,
                heading="Sign off the bid",
                body=f"Read the bid for '{s.notice.title}' and approve it, or return the sections "
                "that must change, with a comment on each.",
                round=s.la_returns + 1,
                escalate_to="coordinator",
                options=["extend"],
            )
        )
        await fx.until_done(lambda: self.la_answer is not None)
        return bool(self.la_answer)

    async def submit(self) -> None:
        s, fx = self.state, self.fx
        fx.set_stage("submission")
        fx.record("system", "ready_to_submit")
        await fx.save()
        letter = fx.letter(
            "submit",
            s.lead_email(),
            "Submit the bid and record it",
            f"Everything is signed off. Submit to {s.notice.funder} and record the reference.",
            kind="bid_task",
            task=fx.link("submission", s.lead_id or COORDINATOR),
            due=s.deadlines.submission,
        )
        fx.mail("submit", [letter])
        await fx.until_done(lambda: s.submission is not None)

    async def await_award(self) -> None:
        s, fx = self.state, self.fx
        fx.set_stage("award")
        fx.record("system", "award_awaited")
        await fx.save()
        reference = s.submission.reference if s.submission else ""
        letter = fx.letter(
            "outcome",
            s.coordinator_email,
            "Record the funder's decision",
            f"The bid went to {s.notice.funder} (reference {reference}). When the decision "
            "comes, record it: awarded (value and start date) or not (the feedback).",
            kind="bid_task",
            task=fx.link("outcome", COORDINATOR, due=workflow.now() + AWARD_WAIT),
        )
        fx.mail("outcome", [letter])
        await fx.until_done(lambda: s.outcome is not None)
        outcome = s.outcome
        assert outcome is not None
        fx.set_stage("awarded" if outcome.awarded else "not_awarded")
        fx.record(COORDINATOR, "bid_closed", outcome=s.stage)
        await fx.save()
        if outcome.awarded and workflow.patched(PATCH):
            await start_contract(s)  # its own workflow from now on: contract-<bid id>
        title = s.notice.title
        if outcome.awarded:
            news = f"Awarded: {s.notice.currency} {outcome.value}, starting {outcome.start_date}."
            courtesy = (
                f"The consortium's bid for '{title}' was successful. Thank you for your interest."
            )
        else:
            feedback = outcome.feedback or "none given"
            news = f"Not awarded. The funder's feedback: {feedback}."
            courtesy = f"The consortium's bid for '{title}' was not successful."
        heading = "The funder's decision"
        letters = [fx.letter("award", e, heading, news) for e in fx.consortium()]
        courtesy += " Thank you for your interest in it."
        letters += [fx.letter("award-courtesy", e, heading, courtesy) for e in fx.onlookers()]
        fx.mail("award", letters)

    async def close(self, closed: BidClosed) -> None:
        """The bid ended early: no more reminders; record why, and tell everyone."""
        s, fx = self.state, self.fx
        s.closed_reason = closed.reason
        s.escalation = None
        fx.set_stage(closed.stage)
        ended = list(s.schedule.values())  # their calendar invitations are cancelled
        self.reminders.done_where(lambda t: True)
        fx.record("system", "bid_closed", outcome=closed.stage, reason=closed.reason)
        await fx.save()
        heading = {
            "no_go": "We will not bid",
            "lapsed": "The bid lapsed",
        }.get(closed.stage, f"The bid is {closed.stage.replace('_', ' ')}")
        letters = [
            fx.letter("closed", e, heading, closed.reason, calendar_cancel=_owed(ended, e))
            for e in fx.everyone()
        ]
        fx.mail("closed", letters)

    # --- its Updates ----------------------------------------------------------------------

    async def local_authority_decision(self, input: a.LocalAuthorityDecision) -> None:
        s, fx = self.state, self.fx
        self.reminders.answered("la_signoff", "The local authority's decision on the bid is in.")
        notes = {r.section: r.comment for r in input.returns}
        notes.update({k: input.comments for k in input.sections if k not in notes})
        if not input.approve and not notes:
            notes = {k: input.comments for k in s.sections}  # the whole bid goes back
        fx.record(
            input.actor,
            "la_approved" if input.approve else "la_returned",
            comments=input.comments,
            sections=list(notes),
            returns=notes,
        )
        if not input.approve:
            s.la_returns += 1
            for key, note in notes.items():
                self.drafting.send_back(key, f"The local authority's comments: {note}")
        self.la_answer = input.approve

    async def record_submission(self, input: a.SubmissionInput) -> None:
        at = input.submitted_at or workflow.now()
        self.state.submission = SubmissionRecord(reference=input.reference, at=at)
        self.fx.record(input.actor, "bid_submitted", reference=input.reference, at=at.isoformat())

    async def record_outcome(self, input: a.OutcomeInput) -> None:
        outcome = OutcomeRecord.model_validate(input.model_dump(exclude={"actor"}))
        self.state.outcome = outcome
        self.fx.record(input.actor, "outcome_recorded", **outcome.model_dump(mode="json"))

    async def cancel(self, input: a.Cancellation) -> None:
        self.fx.record(input.actor, "cancel_requested", reason=input.reason)
        self.fx.closing = BidClosed("cancelled", input.reason)


def _owed(tasks: list[DueTask], to: str) -> list[dict[str, str]]:
    """What `to` owed when the bid closed: the e-mail activity cancels those tasks' calendar
    invitations (activities/calendar.py)."""
    return [cancellation(t) for t in tasks if t.to == to]
