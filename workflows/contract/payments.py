"""Payments: the lead records the funder's payment; the contract splits it to the penny (the
lead's top-slice, then each party's share, see `models.contract.split_payment`), tells each
partner what it is owed, and the lead records each partner as paid. Its Updates:
record_funder_payment, record_partner_payment."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import contract_answers as c
    from models.contract import ContractState, PaymentRecord, pence, pounds, split_payment
    from workflows.delivery_effects import DeliveryEffects


class Payments:
    def __init__(self, state: ContractState, fx: DeliveryEffects) -> None:
        self.state, self.fx = state, fx

    async def record_funder_payment(self, input: c.FunderPayment) -> None:
        s, fx = self.state, self.fx
        shares = {p.organisation_id: p.share for p in s.active()}
        split = split_payment(pence(input.amount), s.top_slice, shares, s.lead_id)
        number = len(s.payments) + 1
        payment = PaymentRecord(
            number=number, reference=input.reference, received_on=input.received_on, split=split
        )
        s.payments.append(payment)
        fx.record(
            input.actor,
            "funder_payment_recorded",
            payment=number,
            received=pounds(split.received_pence),
            top_slice=pounds(split.top_slice_pence),
            remainder=pounds(split.remainder_pence),
        )
        step = f"payment-{number}"
        heading = f"Payment {number} from {s.funder}: what you are owed"
        letters = [
            fx.letter(
                step,
                s.parties[org].email,
                heading,
                f"{s.funder} paid {pounds(split.received_pence)} ({input.reference}). Your "
                f"share is {pounds(owed)}; the lead pays it within 30 days.",
                kind="contract_payment",
                rows=[[s.name_of(org), pounds(owed)]],
            )
            for org, owed in payment.owed(s.lead_id).items()
        ]
        lines = [[s.name_of(o), pounds(v)] for o, v in split.shares.items()]
        lines += [["top-slice (the lead's)", pounds(split.top_slice_pence)]]
        letters.append(
            fx.letter(
                step,
                s.lead_email(),
                f"Payment {number}: pay each partner its share",
                f"{pounds(split.received_pence)} received. After your {s.top_slice}% top-slice "
                f"of {pounds(split.top_slice_pence)}, each party's share is below (your share "
                f"includes {split.remainder_pence}p left over by rounding each share down).",
                kind="contract_payment",
                rows=lines,
            )
        )
        fx.mail(step, letters)

    async def record_partner_payment(self, input: c.PartnerPaid) -> None:
        s = self.state
        payment = s.payments[input.payment - 1]
        owed = payment.split.shares[input.organisation_id]
        payment.paid[input.organisation_id] = input.paid_on
        self.fx.record(
            input.actor,
            "partner_paid",
            input.organisation_id,
            payment=input.payment,
            amount=pounds(owed),
            paid_on=input.paid_on.isoformat(),
        )
