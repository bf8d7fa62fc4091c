"""Close-out, after the last period's combined return: the final report (every period's
outputs, spend and payments), everyone told, and the contract's row closed, so that the
framework's figures count its value delivered and outputs achieved beside value won."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import ContractActivities
    from models.contract import ContractState, pounds
    from models.contract_rows import DocumentInput
    from workflows.contract import search
    from workflows.delivery_effects import DeliveryEffects
    from workflows.policies import STORE


class CloseOut:
    def __init__(self, state: ContractState, fx: DeliveryEffects) -> None:
        self.state, self.fx = state, fx

    async def close(self) -> None:
        s, fx = self.state, self.fx
        accepted = [r for r in s.returns.values() if r.status == "accepted"]
        keys = sorted({k for r in accepted for k in r.outputs})
        rows = [["period", "organisation_id", "name", *keys, "spend"]]
        rows += [
            [str(r.period), r.organisation_id, s.name_of(r.organisation_id)]
            + [str(r.outputs.get(k, 0)) for k in keys]
            + [f"{r.spend_pence / 100:.2f}"]
            for r in sorted(accepted, key=lambda r: (r.period, r.organisation_id))
        ]
        totals = {k: sum(r.outputs.get(k, 0) for r in accepted) for k in keys}
        document = DocumentInput(
            contract_id=s.contract_id,
            name="final",
            kind="final",
            template="combined_return.md",
            context={
                "heading": "Final report",
                "title": s.title,
                "funder": s.funder,
                "period_label": f"all {s.term_periods} periods, to {s.ends():%d %B %Y}",
                "rows": [
                    {
                        "name": "All partners",
                        "outputs": totals,
                        "targets": {},
                        "spend": pounds(sum(r.spend_pence for r in accepted)),
                        "outcomes": "",
                        "case_studies": "",
                    }
                ],
                "total_spend": pounds(sum(r.spend_pence for r in accepted)),
                "payments": [
                    f"{p.reference}: {pounds(p.split.received_pence)} on {p.received_on}"
                    for p in s.payments
                ],
            },
            csv_rows=rows,
        )
        await fx.guarded(
            "the final report", STORE.run(ContractActivities.generate_document, document)
        )
        s.stage, s.closed_at = "closed", workflow.now()
        search.upsert(s)
        delivered = pounds(s.value_delivered_pence())
        fx.record(
            "system",
            "contract_closed",
            value_delivered=delivered,
            outputs_achieved=s.outputs_achieved(),
        )
        await fx.save()
        heading = "The contract is closed"
        body = (
            f"'{s.title}' has ended after {s.term_periods} periods: {delivered} received from "
            f"{s.funder} and {s.outputs_achieved()} outputs delivered. The final report is on "
            "the contract's page. Thank you."
        )
        people = [p.email for p in s.parties.values()] + [s.coordinator_email]
        fx.mail("closed", [fx.letter("closed", e, heading, body) for e in dict.fromkeys(people)])
