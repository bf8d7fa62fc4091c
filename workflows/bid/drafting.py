"""Stage 4 of a bid: the lead gives each section a writer and a due date, the writers send
their text, and the lead approves it or returns it with comments. Its Updates:
assign_sections, submit_contribution, review_contribution."""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.bids import BidStoreActivities
    from models import bid_answers as a
    from models.bid import BidState
    from models.bid_rows import ContributionRow, ReviewRow
    from models.bid_schedule import DueTask
    from workflows.bid.effects import Effects
    from workflows.bid.reminders import Reminders
    from workflows.policies import STORE


class DraftingStage:
    def __init__(self, state: BidState, fx: Effects, reminders: Reminders) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders

    async def draft(self) -> None:
        s, fx = self.state, self.fx
        fx.set_stage("drafting")
        fx.record("system", "drafting_started", sections=list(s.sections), round=s.la_returns)
        await fx.save()
        if any(sec.status == "unassigned" for sec in s.sections.values()):
            self._owe_assignments()
        await fx.until_done(lambda: all(x.status == "approved" for x in s.sections.values()))

    def _owe_assignments(self) -> None:
        s = self.state
        unassigned = [k for k, sec in s.sections.items() if sec.status == "unassigned"]
        due = min(workflow.now() + s.timetable.assign_window, s.deadlines.submission)
        self.reminders.add(
            DueTask(
                id="assign_sections",
                kind="assign_sections",
                owed_by=s.lead_id or "coordinator",
                to=s.lead_email(),
                due=due,
                heading="Assign the bid's sections",
                body=f"Give each section a partner and a due date: {', '.join(unassigned)}.",
                round=s.la_returns + 1,
                escalate_to="coordinator",
                options=["extend", "cancel"],
            )
        )

    def assign(self, key: str, org: str, due: datetime, actor: str, note: str = "") -> None:
        s = self.state
        section = s.sections[key]
        section.assigned_to, section.due, section.round = org, due, section.round + 1
        if section.status != "returned":
            section.status = "assigned"
        self.fx.record(actor, "section_assigned", org, section=key, due=due.isoformat())
        body = f"Write the '{key}' section of the bid for '{s.notice.title}'. {note}".strip()
        self.reminders.add(
            DueTask(
                id=f"section:{key}",
                kind="section",
                owed_by=org,
                to=s.email_of(org),
                key=key,
                due=due,
                heading=f"Write the '{key}' section",
                body=body,
                round=section.round,
                escalate_to="lead",
                options=["extend", "reassign"],
            )
        )
        if all(sec.status != "unassigned" for sec in s.sections.values()):
            self.reminders.answered("assign_sections", "Every section has a writer.")

    def send_back(self, key: str, note: str) -> None:
        """A returned section goes back to its writer, with the comments and fresh reminders."""
        s = self.state
        section = s.sections[key]
        section.status = "returned"
        soonest = workflow.now() + s.timetable.remind_before
        due = min(max(section.due or soonest, soonest), s.deadlines.submission)
        self.assign(key, section.assigned_to or s.lead_id or "", due, "system", note)

    # --- its Updates ----------------------------------------------------------------------

    async def assign_sections(self, input: a.SectionAssignments) -> None:
        for item in input.assignments:
            self.assign(item.section, item.organisation_id, item.due, input.actor)

    async def submit_contribution(self, input: a.ContributionInput) -> None:
        s, fx = self.state, self.fx
        section = s.sections[input.section]
        section.status, section.version, section.body = "submitted", section.version + 1, input.body
        self.reminders.answered(
            f"section:{input.section}",
            f"You sent version {section.version} of '{input.section.replace('_', ' ')}'.",
        )
        row = ContributionRow(
            bid_id=s.bid_id,
            section_key=input.section,
            organisation_id=input.actor,
            version=section.version,
            body=input.body,
            attachment_name=input.attachment_name,
            submitted_at=workflow.now(),
        )
        self.reminders.add(
            DueTask(
                id=f"review:{input.section}",
                kind="review",
                owed_by=s.lead_id or "coordinator",
                to=s.lead_email(),
                key=input.section,
                due=min(workflow.now() + s.timetable.review_window, s.deadlines.submission),
                heading=f"Review the '{input.section}' section",
                body=f"{s.name_of(input.actor)} sent version {section.version}: approve it or "
                "return it with comments.",
                round=section.version,
                escalate_to="coordinator",
                options=["extend"],
            )
        )
        await fx.store(
            "the contribution", STORE.run_local(BidStoreActivities.record_contribution, row)
        )
        fx.record(
            input.actor,
            "contribution_submitted",
            input.actor,
            section=input.section,
            version=section.version,
        )

    async def review_contribution(self, input: a.ReviewInput) -> None:
        s, fx = self.state, self.fx
        section = s.sections[input.section]
        section.status = "approved" if input.approve else "returned"
        section.comments = input.comments
        self.reminders.answered(
            f"review:{input.section}", f"You {section.status} '{input.section.replace('_', ' ')}'."
        )
        row = ReviewRow(
            bid_id=s.bid_id,
            section_key=input.section,
            version=section.version,
            review=section.status,
            comments=input.comments,
            reviewed_at=workflow.now(),
        )
        await fx.store("the review", STORE.run_local(BidStoreActivities.record_review, row))
        fx.record(
            input.actor,
            f"contribution_{section.status}",
            section.assigned_to,
            section=input.section,
            version=section.version,
            comments=input.comments,
        )
        if not input.approve:
            self.send_back(input.section, f"The lead's comments: {input.comments}")
