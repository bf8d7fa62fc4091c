"""What happens when a partner leaves the consortium: it withdraws, or the lead removes it.
Its tasks end, its unfinished sections go to the lead, an agreement it was party to needs a
new version, and the lead and the coordinator hear if the consortium falls below the
notice's minimum. Its Updates: withdraw, remove_partner."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import bid_answers as a
    from models.bid import BidState, PartnerStatus
    from workflows.bid.drafting import DraftingStage
    from workflows.bid.effects import Effects
    from workflows.bid.reminders import Reminders
    from workflows.bid.view import below_minimum

WORDS = {"withdrawn": "has withdrawn from the bid", "removed": "was removed from the bid"}


class Leaving:
    def __init__(
        self, state: BidState, fx: Effects, reminders: Reminders, drafting: DraftingStage
    ) -> None:
        self.state, self.fx, self.reminders, self.drafting = state, fx, reminders, drafting
        self.agreement_stale = False  # read by the agreement stage: a party left

    async def withdraw(self, input: a.Withdrawal) -> None:
        await self._leave(input.actor, "withdrawn", input.actor, input.reason)

    async def remove_partner(self, input: a.RemovePartner) -> None:
        await self._leave(input.organisation_id, "removed", input.actor, input.reason)

    async def _leave(self, org: str, status: PartnerStatus, actor: str, reason: str) -> None:
        s, fx = self.state, self.fx
        partner = s.partners[org]
        partner.status = status
        self.reminders.done_where(lambda t: t.owed_by == org)
        fx.record(actor, f"partner_{status}", org, reason=reason)
        for key, section in s.sections.items():
            if section.assigned_to == org and section.status != "approved":
                section.status = "assigned"
                self.reminders.done(f"review:{key}")  # nothing of theirs is left to review
                due = max(section.due or workflow.now(), workflow.now() + timedelta(days=2))
                note = (
                    f"It was {partner.name}'s, who {WORDS[status].removesuffix(' from the bid')}."
                )
                self.drafting.assign(key, s.lead_id or "", due, "system", note)
        if s.agreement is not None and org in s.agreement.parties:
            self.agreement_stale = True
            fx.wakeup = True
        news = f"{partner.name} {WORDS[status]}."
        body = reason or "No reason given."
        if below_minimum(s):
            body += (
                f" The consortium now has {s.accepted_count()} partners; the notice asks for "
                f"{s.notice.min_partners}. The agreement will not go out until this is settled."
            )
        recipients = [s.lead_email(), partner.email, s.coordinator_email]
        letters = [fx.letter(f"left-{org}", e, news, body) for e in dict.fromkeys(recipients)]
        fx.mail(f"left-{org}", letters)
