"""Stage 3 of a bid: the lead invites partners (from the circulation list or the directory),
each invitee accepts or declines, and the consortium needs the notice's minimum before the
agreement goes out. Its Updates: invite_partners, answer_invitation.
(Partners leaving later: `leaving.py`.)"""

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.directory import DirectoryActivities
    from activities.task_links import signed_in_path
    from models import bid_answers as a
    from models.bid import BidState, PartnerState
    from models.bid_schedule import DueTask
    from models.directory import MembersById
    from workflows.bid.effects import Effects
    from workflows.bid.escalation import Escalations
    from workflows.bid.reminders import Reminders
    from workflows.bid.rules import check_invitations, when
    from workflows.policies import STORE


class PartnerStage:
    def __init__(
        self, state: BidState, fx: Effects, reminders: Reminders, escalations: Escalations
    ) -> None:
        self.state, self.fx, self.reminders, self.escalations = state, fx, reminders, escalations

    async def sign_up(self) -> None:
        s, fx, t = self.state, self.fx, self.state.timetable
        fx.set_stage("partner_signup")
        s.deadlines.partners = min(workflow.now() + t.partner_window, s.deadlines.submission)
        fx.record("system", "partner_signup_opened", due=when(s.deadlines.partners))
        await fx.save()
        wanting = [
            s.name_of(i.organisation_id) for i in s.interests.values() if i.answer == "partner"
        ]
        task = fx.link("invite_partners", s.lead_id or "coordinator")
        letter = fx.letter(
            "invite-partners",
            s.lead_email(),
            "Invite your partners",
            f"Members who offered to partner: {', '.join(wanting) or 'none yet'}. Invite at least "
            f"{s.notice.min_partners}; you may also invite others from the directory.",
            kind="bid_task",
            task=task,
            due=s.deadlines.partners,
            action_path=signed_in_path(task),
            action_label="Invite your partners",
        )
        fx.mail("invite-partners", [letter])
        least = max(s.notice.min_partners, 1)

        def enough() -> bool:
            pending = any(p.status == "invited" for p in s.partners.values())
            return s.accepted_count() >= least and not pending

        while not await fx.wait(enough, lambda: s.deadlines.partners):
            if s.accepted_count() >= least:
                break  # the rest did not answer in time; the consortium is big enough
            options = ["extend", "abandon"]
            if s.notice.allow_fewer_partners and s.accepted_count() > 0:
                options.insert(1, "proceed")
            cutoff = when(s.deadlines.partners)
            reason = f"Only {s.accepted_count()} of {least} partners accepted by {cutoff}."
            if await self.escalations.stuck("partner_signup", reason, options, enough) == "proceed":
                break

    async def ensure_minimum(self) -> None:
        """Before the agreement goes out: partners who withdrew or were removed may have left
        fewer than the notice's minimum. The lead and the coordinator are told; the lead may
        invite more, or the coordinator decide (proceed, where the notice allows it)."""
        s = self.state
        least = s.notice.min_partners

        def enough() -> bool:
            return s.accepted_count() >= least

        if enough():
            return
        options = ["proceed", "abandon"] if s.notice.allow_fewer_partners else ["abandon"]
        reason = (
            f"The consortium has {s.accepted_count()} partners; the notice asks for {least}. "
            "The lead may invite more; the agreement waits until this is settled."
        )
        await self.escalations.stuck("below_minimum", reason, options, enough)

    # --- its Updates ----------------------------------------------------------------------

    async def invite_partners(self, input: a.Invitations) -> None:
        s, fx = self.state, self.fx
        orgs = list(dict.fromkeys(input.organisation_ids))
        await self._look_up([o for o in orgs if o not in s.members])
        # The lookup took time: another answer (a cancellation, the same invitation, the
        # stage moving on) may have come in meanwhile.
        check_invitations(s, input, workflow.now())
        tasks = [self._invite(org) for org in orgs]
        for org in orgs:
            fx.record(input.actor, "partner_invited", org)
        fx.mail(
            f"invitations-{tasks[0].id}-{tasks[0].round}",
            [self.reminders.prompt(task) for task in tasks],
        )

    async def _look_up(self, orgs: list[str]) -> None:
        """Members the lead found in the directory, not on the circulation list."""
        if not orgs:
            return
        found = await STORE.run(DirectoryActivities.members_by_id, MembersById(ids=orgs))
        missing = sorted(set(orgs) - {m.organisation_id for m in found})
        if missing:
            raise ApplicationError(
                f"{', '.join(missing)} is not an active member of the directory.",
                type="NotAMember",
                non_retryable=True,
            )
        for member in found:
            self.state.members.setdefault(member.organisation_id, member)

    def _invite(self, org: str) -> DueTask:
        s = self.state
        member, earlier = s.members[org], s.partners.get(org)
        partner = PartnerState(
            organisation_id=org,
            name=member.name,
            email=member.email,
            status="invited",
            round=earlier.round + 1 if earlier else 1,
        )
        s.partners[org] = partner
        due = s.deadlines.partners or s.deadlines.submission
        if due <= workflow.now():  # a late invitation, in drafting: a window of its own
            due = min(workflow.now() + s.timetable.partner_window, s.deadlines.submission)
        task = DueTask(
            id=f"invitation:{org}",
            kind="invitation",
            owed_by=org,
            to=member.email,
            key=org,
            due=due,
            heading=f"Join the consortium led by {s.name_of(s.lead_id or '')}",
            body=f"Accept or decline the invitation to bid for '{s.notice.title}'.",
            round=partner.round,
            escalate_to="lead",
            options=["extend", "drop"],
        )
        self.reminders.add(task, prompt=False)
        return task

    async def answer_invitation(self, input: a.InvitationAnswer) -> None:
        partner = self.state.partners[input.actor]
        partner.status = "accepted" if input.accept else "declined"
        self.reminders.answered(
            f"invitation:{input.actor}", f"You {partner.status} the invitation to this bid."
        )
        self.fx.record(input.actor, f"invitation_{partner.status}", input.actor, note=input.note)
