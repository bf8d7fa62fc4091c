"""Each partner's back-to-back subcontract, generated from the signed consortium agreement
(services, share, targets, the lead's top-slice) and signed as the agreement was: one exact
version, named by its hash. A new version of the consortium (a partner replaced) issues new
subcontracts. Its Update: sign_subcontract."""

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import ContractActivities
    from models import contract_answers as c
    from models.bid_schedule import DueTask
    from models.contract import ContractParty, ContractState, Subcontract
    from models.contract_rows import DocumentInput, DocumentOutput
    from workflows.bid.reminders import Reminders
    from workflows.delivery_effects import DeliveryEffects
    from workflows.policies import STORE


class Subcontracts:
    def __init__(
        self, state: ContractState, fx: DeliveryEffects, reminders: Reminders[ContractState]
    ) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders

    async def issue(self) -> None:
        """A subcontract for every partner at the consortium's current version, each sent to
        be signed (reminded, and escalated to the lead when late)."""
        s = self.state
        partners = s.partners()
        made = await asyncio.gather(*(self._generate(p) for p in partners))
        for party, doc in zip(partners, made, strict=True):
            if doc is None:
                continue  # a data error: the coordinator was told
            org = party.organisation_id
            s.subcontracts[org] = Subcontract(
                organisation_id=org, version=s.version, version_hash=doc.version_hash
            )
            self.reminders.add(
                DueTask(
                    id=f"subcontract:{org}",
                    kind="subcontract",
                    owed_by=org,
                    to=party.email,
                    key=str(s.version),
                    due=workflow.now() + s.timetable.sign_window,
                    heading=f"Sign your subcontract (version {s.version})",
                    body=f"Your subcontract for '{s.title}' is ready: read it and sign it. "
                    f"Your share after the lead's {s.top_slice}% top-slice is {party.share} "
                    "parts.",
                    round=s.version,
                )
            )
        self.fx.record("system", "subcontracts_issued", version=s.version, parties=len(made))
        await self.fx.save()

    async def _generate(self, party: ContractParty) -> DocumentOutput | None:
        s = self.state
        context = {
            "version": s.version,
            "title": s.title,
            "funder": s.funder,
            "value": str(s.value) if s.value is not None else "",
            "currency": s.currency,
            "agreement_version": s.version,
            "agreement_hash": s.agreement_hash,
            "lead": s.name_of(s.lead_id),
            "partner": party.model_dump(mode="json"),
            "total_shares": str(sum(p.share for p in s.active())),
            "top_slice": str(s.top_slice),
            "period_months": s.timetable.period_months,
            "return_days": s.timetable.return_window.days,
        }
        document = DocumentInput(
            contract_id=s.contract_id,
            name=f"subcontract:{party.organisation_id}:v{s.version}",
            kind="subcontract",
            template="subcontract.md",
            context=context,
        )
        return await self.fx.guarded(
            "a subcontract", STORE.run(ContractActivities.generate_document, document)
        )

    # --- its Update -------------------------------------------------------------------------

    async def sign_subcontract(self, input: c.SubcontractSignature) -> None:
        sub = self.state.subcontracts[input.actor]
        sub.signed_by = f"{input.signer_name} ({input.signer_role})"
        sub.signed_at = workflow.now()
        self.reminders.done(f"subcontract:{input.actor}")
        self.fx.record(
            input.actor,
            "subcontract_signed",
            input.actor,
            version=sub.version,
            signer_name=input.signer_name,
            signer_role=input.signer_role,
        )
