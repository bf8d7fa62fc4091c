"""Stage 2 of a bid: the members willing to lead are ranked, and the coordinator confirms
one, giving a reason when it is not the ranking's first choice. Its Update: choose_lead."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.task_links import signed_in_path
    from models import bid_answers as a
    from models.bid import COORDINATOR, BidState, LeadChoiceRecord, PartnerState
    from models.bid_ranking import rank_candidates
    from workflows.bid.effects import Effects
    from workflows.bid.escalation import Escalations
    from workflows.bid.rules import when


class LeadStage:
    def __init__(self, state: BidState, fx: Effects, escalations: Escalations) -> None:
        self.state, self.fx, self.escalations = state, fx, escalations

    async def select(self) -> None:
        s, fx = self.state, self.fx
        fx.set_stage("lead_selection")
        willing = [s.members[i.organisation_id] for i in s.interests.values() if i.answer == "lead"]
        s.candidates = rank_candidates(willing, s.notice)
        # With no candidate there is nothing to wait for: escalate at once.
        s.deadlines.lead = workflow.now() + (s.timetable.lead_window if willing else timedelta())
        fx.record(
            "system", "lead_candidates_ranked", candidates=[c.model_dump() for c in s.candidates]
        )
        await fx.save()
        if s.candidates:
            ranking = "; ".join(f"{c.name} ({c.score:.2f})" for c in s.candidates)
            task = fx.link("lead_choice", COORDINATOR, due=s.deadlines.lead)
            letter = fx.letter(
                "lead-choice",
                s.coordinator_email,
                "Confirm the lead body",
                f"Candidates, best first: {ranking}. Confirm one, or pick another member and "
                "say why.",
                kind="bid_task",
                task=task,
                due=s.deadlines.lead,
                action_path=signed_in_path(task),
                action_label="Confirm the lead body",
            )
            fx.mail("lead-choice", [letter])
        chosen = lambda: s.lead_id is not None  # noqa: E731
        while not await fx.wait(chosen, lambda: s.deadlines.lead):
            reason = (
                f"No lead body was confirmed by {when(s.deadlines.lead)}."
                if s.candidates
                else "No member offered to lead this bid."
            )
            await self.escalations.stuck("lead_selection", reason, ["extend", "abandon"], chosen)

    # --- its Update -----------------------------------------------------------------------

    async def choose_lead(self, input: a.LeadChoice) -> None:
        s, org = self.state, input.organisation_id
        member = s.members[org]
        top = s.candidates[0].organisation_id if s.candidates else None
        overrides = top is not None and org != top
        s.lead_id = org
        s.lead_choice = LeadChoiceRecord(
            organisation_id=org, reason=input.reason, overrides_ranking=overrides
        )
        s.partners[org] = PartnerState(
            organisation_id=org, name=member.name, email=member.email, status="lead"
        )
        self.fx.upsert_search_attributes()
        self.fx.record(
            input.actor,
            "lead_confirmed",
            org,
            reason=input.reason,
            overrides_ranking=overrides,
            ranked_first=top,
        )
        letter = self.fx.letter(
            "lead-confirmed",
            member.email,
            "You lead this bid",
            "The coordinator confirmed your organisation as the lead body. Next: invite partners.",
        )
        # No link: the "invite your partners" e-mail that follows at once carries it.
        self.fx.mail("lead-confirmed", [letter])
