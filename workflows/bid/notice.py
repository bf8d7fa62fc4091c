"""Stage 1 of a bid: the opportunity notice goes to matching members, who say whether they
would lead, partner, or not this time (and get a receipt that takes the deadline out of their
calendar); then the coordinator decides bid or no bid. Its Updates: express_interest,
decide_bid."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.bids import BidStoreActivities
    from activities.directory import DirectoryActivities
    from activities.task_links import signed_in_path
    from models import bid_answers as a
    from models.bid import COORDINATOR, BidState, DecisionRecord, Interest
    from models.bid_schedule import DueTask
    from models.bid_tasks import Letter
    from models.directory import MatchInput
    from workflows.bid.effects import BidClosed, Effects
    from workflows.bid.escalation import Escalations
    from workflows.bid.reminders import receipt
    from workflows.bid.rules import when
    from workflows.policies import STORE

# What a member's receipt says they answered.
ANSWERED = {
    "lead": "You said you would lead this bid.",
    "partner": "You said you would partner in this bid.",
    "not_this_time": "You said not this time.",
}


class NoticeStage:
    def __init__(self, state: BidState, fx: Effects, escalations: Escalations) -> None:
        self.state, self.fx, self.escalations = state, fx, escalations

    async def circulate(self) -> None:
        s, fx, n = self.state, self.fx, self.state.notice
        await STORE.run(BidStoreActivities.save_opportunity, n)
        members = await STORE.run(
            DirectoryActivities.match_members, MatchInput(themes=n.themes, localities=n.localities)
        )
        s.members = {m.organisation_id: m for m in members}
        fx.set_stage("notice")
        fx.record(COORDINATOR, "notice_circulated", members=len(members))
        await fx.save()
        fx.mail("circulate", [self._letter("notice", org) for org in s.members])
        everyone = lambda: len(s.interests) == len(s.members)  # noqa: E731
        reminder = lambda: s.deadlines.interest - s.timetable.remind_before  # noqa: E731
        if not await fx.wait(everyone, reminder):
            late = [o for o in s.members if o not in s.interests]
            fx.mail("interest-reminder", [self._letter("reminder", o) for o in late])
        await fx.wait(everyone, lambda: s.deadlines.interest)
        while not any(i.answer != "not_this_time" for i in s.interests.values()):
            reason = f"No member expressed interest by {when(s.deadlines.interest)}."
            options = ["abandon"] if everyone() else ["extend", "abandon"]  # all said no
            await self.escalations.stuck("notice", reason, options)
            await fx.wait(everyone, lambda: s.deadlines.interest)

    def _letter(self, step: str, org: str) -> Letter:
        task = self._owed(org)
        return self.fx.letter(
            f"interest-{step}",
            task.to,
            task.heading,
            task.body,
            kind="bid_task" if step == "notice" else "bid_reminder",
            task=self.fx.link(task.kind, task.owed_by, task.key, task.due),
            due=task.due,
        )

    def _owed(self, org: str) -> DueTask:
        """The expression of interest the notice asks of `org`, as a task: its letters'
        invitation and its receipt's cancellation name the same event. The notice's own
        waits remind it, not the bid's schedule."""
        s = self.state
        return DueTask(
            id=f"expression_of_interest:{org}",
            kind="expression_of_interest",
            owed_by=org,
            to=s.members[org].email,
            due=s.deadlines.interest,
            heading="Will you lead, partner, or not this time?",
            body=f"{s.notice.funder} invites bids for '{s.notice.title}'. {s.notice.description}",
        )

    async def decide(self) -> None:
        s, fx = self.state, self.fx
        fx.set_stage("decision")
        interested_count = sum(i.answer != "not_this_time" for i in s.interests.values())
        fx.record(
            "system", "interest_closed", interested=interested_count, answered=len(s.interests)
        )
        await fx.save()
        interested = ", ".join(
            f"{s.name_of(i.organisation_id)} ({i.answer.replace('_', ' ')})"
            for i in s.interests.values()
        )
        task = fx.link("bid_decision", COORDINATOR)
        letter = fx.letter(
            "decision",
            s.coordinator_email,
            "Bid or no bid?",
            f"Interest so far: {interested}. Score fit, capacity, value for effort and "
            "eligibility, and record go or no-go with your reasons.",
            kind="bid_task",
            task=task,
            action_path=signed_in_path(task),
            action_label="Decide: bid or no bid",
        )
        fx.mail("decision", [letter])
        await fx.until_done(lambda: s.decision is not None)
        assert s.decision is not None
        if not s.decision.go:
            raise BidClosed("no_go", s.decision.reasons)

    # --- Updates --------------------------------------------------------------------------

    async def express_interest(self, input: a.ExpressionOfInterest) -> None:
        self.state.interests[input.actor] = Interest(
            organisation_id=input.actor, answer=input.answer, note=input.note, at=workflow.now()
        )
        self.fx.record(
            input.actor, "expressed_interest", input.actor, answer=input.answer, note=input.note
        )
        # A bid that took its first answer before receipts existed sends none (`patched`
        # is decided once a run), so its history replays as it was recorded.
        if workflow.patched("interest-receipt"):
            receipt(self.fx, self._owed(input.actor), ANSWERED[input.answer])

    async def decide_bid(self, input: a.BidDecision) -> None:
        decision = DecisionRecord.model_validate(input.model_dump(exclude={"actor"}))
        self.state.decision = decision
        self.fx.record(input.actor, "bid_decided", **decision.model_dump(mode="json"))
