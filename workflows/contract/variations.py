"""Variations: a partner leaves (its outputs and share pass to its replacement, or are shared
among those who stay; a new version of the consortium, with new subcontracts to sign), the
term is extended, targets change. Its Updates: replace_partner, extend_term, change_targets."""

from decimal import Decimal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import contract_answers as c
    from models.contract import ContractParty, ContractState, return_key
    from workflows.bid.reminders import Reminders
    from workflows.contract import search
    from workflows.contract.returns import Returns
    from workflows.contract.subcontracts import Subcontracts
    from workflows.delivery_effects import DeliveryEffects


class Variations:
    def __init__(
        self,
        state: ContractState,
        fx: DeliveryEffects,
        reminders: Reminders[ContractState],
        subcontracts: Subcontracts,
        returns: Returns,
    ) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders
        self.subcontracts, self.returns = subcontracts, returns

    async def replace_partner(self, input: c.Replacement) -> None:
        s, fx = self.state, self.fx
        leaving = s.parties[input.leaving]
        leaving.status, leaving.left_period = "left", s.period
        self.reminders.done_where(lambda t: t.owed_by == input.leaving)
        open_return = s.returns.pop(return_key(s.period, input.leaving), None)
        if open_return is not None and open_return.status == "accepted":
            s.returns[open_return.key] = open_return  # delivered and accepted: it stands
            open_return = None
        new = input.replacement
        if new is not None:
            joining = ContractParty(
                **new.model_dump(),
                share=leaving.share,
                services=leaving.services,
                targets=leaving.targets,
                joined_period=s.period,
            )
            s.parties[joining.organisation_id] = joining
            if open_return is not None:
                self.returns.ask(s.period, joining)  # this period's return is now its to send
        else:
            self._share_out(leaving)
        s.version += 1
        fx.record(
            input.actor,
            "partner_replaced" if new else "partner_left",
            input.leaving,
            reason=input.reason,
            replacement=new.organisation_id if new else None,
            version=s.version,
        )
        heading = f"{leaving.name} has left the consortium"
        body = f"{input.reason} " + (
            f"{new.name} takes over its outputs and share."
            if new
            else "Its outputs and share are shared among the partners who stay."
        )
        people = [p.email for p in s.active()] + [leaving.email, s.coordinator_email]
        step = f"left-{input.leaving}"
        fx.mail(step, [fx.letter(step, e, heading, body) for e in dict.fromkeys(people)])
        await self.subcontracts.issue()  # a new version for every partner to sign

    def _share_out(self, leaving: ContractParty) -> None:
        """No replacement: the partners who stay share the leaver's share and outputs."""
        stay = self.state.partners()
        for party in stay:
            party.share += leaving.share / len(stay)
            for name, target in leaving.targets.items():
                extra = target // len(stay) + (stay.index(party) < target % len(stay))
                party.targets[name] = party.targets.get(name, 0) + extra
        leaving.share = Decimal(0)

    async def extend_term(self, input: c.TermExtension) -> None:
        s, fx = self.state, self.fx
        s.term_periods += input.periods
        fx.record(input.actor, "term_extended", periods=input.periods, reason=input.reason)
        search.upsert(s)
        heading = f"The contract is extended to {s.ends():%d %B %Y}"
        step = f"extended-{s.term_periods}"
        fx.mail(step, [fx.letter(step, p.email, heading, input.reason) for p in s.active()])

    async def change_targets(self, input: c.TargetChange) -> None:
        party = self.state.parties[input.organisation_id]
        party.targets = dict(input.targets)
        self.fx.record(input.actor, "targets_changed", party.organisation_id, targets=party.targets)
        heading = "Your targets have changed"
        body = f"{input.reason} From now on, each period: " + ", ".join(
            f"{k}: {v}" for k, v in party.targets.items()
        )
        update = workflow.current_update_info()
        step = f"targets-{party.organisation_id}-{update.id if update else 'run'}"
        self.fx.mail(step, [self.fx.letter(step, party.email, heading, body)])
