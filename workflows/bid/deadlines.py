"""The funder moves the deadline: every date in the bid still ahead moves with it (the
stage's cut-off, each task's due date and its reminders), and everyone is told.
Its Update: move_deadline."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import bid_answers as a
    from models.bid import BidState, shifted, whole_days
    from workflows.bid.effects import Effects
    from workflows.bid.reminders import Reminders
    from workflows.bid.rules import when


class DeadlineMoves:
    def __init__(self, state: BidState, fx: Effects, reminders: Reminders) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders

    async def move_deadline(self, input: a.DeadlineMove) -> None:
        s, fx, now = self.state, self.fx, workflow.now()
        old = s.deadlines.submission
        delta = input.submission_deadline - old
        s.deadlines.moved(delta, now, s.stage)
        if s.agreement is not None and s.deadlines.agreement_comments is not None:
            s.agreement.comment_until = s.deadlines.agreement_comments
        days = whole_days(delta)
        for section in s.sections.values():
            if section.due is not None and section.due > now:
                section.due = shifted(section.due, days, now, s.deadlines.submission)
        self.reminders.shift(days)
        fx.wakeup = True
        fx.upsert_search_attributes()
        fx.record(
            input.actor,
            "deadline_moved",
            old=old.isoformat(),
            new=input.submission_deadline.isoformat(),
        )
        body = (
            f"The funder moved the deadline from {when(old)} to "
            f"{when(input.submission_deadline)}. Every date in the bid moved with it."
        )
        info = workflow.current_update_info()
        step = f"deadline-{info.id if info else input.submission_deadline.isoformat()}"
        fx.mail(step, [fx.letter(step, e, "The deadline moved", body) for e in self._told()])

    def _told(self) -> list[str]:
        """Who the new deadline matters to: the consortium and the invitees; while the notice
        is out, the members who may still answer it too (not those who said no)."""
        s, fx = self.state, self.fx
        people = fx.consortium() + [p.email for p in s.partners.values() if p.status == "invited"]
        if s.stage == "notice":
            said_no = {o for o, i in s.interests.items() if i.answer == "not_this_time"}
            people += [m.email for o, m in s.members.items() if o not in said_no]
        return list(dict.fromkeys(people))
