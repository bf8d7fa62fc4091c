"""Stage 5 of a bid, the consortium agreement: generate a version, hold the comment period,
then ask every party to sign that exact version; a partner leaving makes a new version.
Its Updates: comment_on_agreement, sign_agreement."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agreement import AgreementActivities
    from activities.bids import BidStoreActivities
    from models import bid_answers as a
    from models.bid import AgreementComment, AgreementState, BidState, SignatureRecord
    from models.bid_rows import AgreementInput, SignatureRow
    from models.bid_schedule import DueTask
    from workflows.bid.effects import Effects
    from workflows.bid.escalation import Escalations
    from workflows.bid.leaving import Leaving
    from workflows.bid.reminders import Reminders
    from workflows.bid.rules import when
    from workflows.policies import STORE


class AgreementStage:
    def __init__(
        self,
        state: BidState,
        fx: Effects,
        reminders: Reminders,
        escalations: Escalations,
        leaving: Leaving,
    ) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders
        self.escalations, self.leaving = escalations, leaving

    async def sign(self) -> bool:
        """True when every party signed one version; False when a party left meanwhile (the
        workflow then settles the consortium again, and a new version goes out)."""
        s, fx = self.state, self.fx
        self.leaving.agreement_stale = False
        if await self._new_version():
            await self._comment_period()
        if not self.leaving.agreement_stale:
            self._ask_for_signatures()
            while not await fx.wait(self._signed_or_stale, lambda: s.deadlines.signatures):
                a = s.agreement
                assert a is not None and s.deadlines.signatures is not None
                unsigned = [s.name_of(p) for p in a.parties if p not in a.signatures]
                reason = f"Not signed by {when(s.deadlines.signatures)}: {', '.join(unsigned)}."
                await self.escalations.stuck(
                    "agreement", reason, ["extend", "abandon"], self._signed_or_stale
                )
        self.reminders.done_where(lambda t: t.kind == "signature")
        return not self.leaving.agreement_stale

    def _signed_or_stale(self) -> bool:
        a = self.state.agreement
        assert a is not None
        return self.leaving.agreement_stale or all(p in a.signatures for p in a.parties)

    async def _new_version(self) -> bool:
        """Generate the agreement; False when nothing changed since the signed version."""
        s, fx, t = self.state, self.fx, self.state.timetable
        if s.agreement is not None:
            # Rendered under the signed version's number: the same text means nothing changed.
            same = await STORE.run(
                AgreementActivities.generate_agreement, self._input(s.agreement.version)
            )
            if same.version_hash == s.agreement.version_hash:
                return False
        version = (s.agreement.version + 1) if s.agreement else 1
        while True:  # a party that leaves while the text is generated is not in it
            parties = [p.organisation_id for p in s.active_partners()]
            doc = await STORE.run(AgreementActivities.generate_agreement, self._input(version))
            if parties == [p.organisation_id for p in s.active_partners()]:
                break
        self._expire_invitations()
        comment_until = workflow.now() + t.comment_window
        s.agreement = AgreementState(
            version=version,
            version_hash=doc.version_hash,
            text=doc.text,
            parties=parties,
            comments=s.agreement.comments if s.agreement else [],  # each names its version
            comment_until=comment_until,
        )
        s.deadlines.agreement_comments = comment_until
        s.deadlines.signatures = comment_until + t.signing_window
        fx.set_stage("agreement")  # with its text: no page shows the stage without it
        fx.record("system", "agreement_generated", version=version, version_hash=doc.version_hash)
        await fx.save()
        letters = [
            fx.letter(
                f"agreement-v{version}",
                s.email_of(p),
                f"Read the consortium agreement (version {version})",
                f"Comment by {when(comment_until)}; then every party signs this exact version.",
                kind="bid_task",
                task=fx.link("agreement", p, str(version), comment_until),
                due=comment_until,
            )
            for p in s.agreement.parties
        ]
        fx.mail(f"agreement-v{version}", letters)
        return True

    async def _comment_period(self) -> None:
        s, fx = self.state, self.fx
        assert s.agreement is not None
        version = s.agreement.version
        await fx.wait(lambda: self.leaving.agreement_stale, lambda: s.deadlines.agreement_comments)
        if s.agreement.version == version:
            fx.record(
                "system",
                "agreement_comments_closed",
                version=version,
                comments=sum(c.version == version for c in s.agreement.comments),
            )
            await fx.save()

    def _expire_invitations(self) -> None:
        """The agreement names the consortium: invitations still unanswered lapse."""
        s = self.state
        for partner in s.partners.values():
            if partner.status == "invited":
                partner.status = "expired"
                self.fx.record("system", "invitation_expired", partner.organisation_id)
        self.reminders.done_where(lambda t: t.kind == "invitation")

    def _ask_for_signatures(self) -> None:
        s = self.state
        a = s.agreement
        assert a is not None and s.deadlines.signatures is not None
        tasks = [
            DueTask(
                id=f"signature:{party}",
                kind="signature",
                owed_by=party,
                to=s.email_of(party),
                key=f"{party}-v{a.version}",
                due=s.deadlines.signatures,
                heading=f"Sign the consortium agreement (version {a.version})",
                body=f"Sign version {a.version} (hash {a.version_hash[:12]}) of the agreement.",
                round=a.version,
                escalate_to="coordinator" if party == s.lead_id else "lead",
                options=["extend"] if party == s.lead_id else ["extend", "drop"],
            )
            for party in a.parties
            if party not in a.signatures
        ]
        for task in tasks:
            self.reminders.add(task, prompt=False)
        self.fx.mail(f"signatures-v{a.version}", [self.reminders.prompt(t) for t in tasks])

    def _input(self, version: int) -> AgreementInput:
        s = self.state
        share = (100 - s.timetable.management_top_slice) / max(len(s.active_partners()), 1)

        def party(org: str) -> dict:
            written = [k for k, sec in s.sections.items() if sec.assigned_to == org]
            return {"id": org, "name": s.name_of(org), "sections": written, "share": f"{share:.2f}"}

        return AgreementInput(
            bid_id=s.bid_id,
            version=version,
            title=s.notice.title,
            funder=s.notice.funder,
            value=s.notice.value,
            currency=s.notice.currency,
            lead=party(s.lead_id or ""),
            partners=[party(p.organisation_id) for p in s.active_partners() if p.status != "lead"],
            management_top_slice=s.timetable.management_top_slice,
        )

    # --- its Updates ----------------------------------------------------------------------

    async def comment_on_agreement(self, input: a.AgreementCommentInput) -> None:
        agreement = self.state.agreement
        assert agreement is not None
        agreement.comments.append(
            AgreementComment(
                version=input.version,
                organisation_id=input.actor,
                text=input.text,
                at=workflow.now(),
            )
        )
        self.fx.record(
            input.actor, "agreement_commented", input.actor, version=input.version, text=input.text
        )

    async def sign_agreement(self, input: a.SignatureInput) -> None:
        s, fx = self.state, self.fx
        agreement = s.agreement
        assert agreement is not None
        record = SignatureRecord(
            organisation_id=input.actor,
            signer_name=input.signer_name,
            signer_role=input.signer_role,
            version=agreement.version,
            version_hash=agreement.version_hash,
            at=workflow.now(),
        )
        agreement.signatures[input.actor] = record
        self.reminders.answered(
            f"signature:{input.actor}", f"You signed version {agreement.version} of the agreement."
        )
        row = SignatureRow(
            bid_id=s.bid_id,
            organisation_id=input.actor,
            agreement_version=record.version,
            agreement_hash=record.version_hash,
            signer_name=record.signer_name,
            signer_role=record.signer_role,
            signed_at=record.at,
        )
        await fx.store("the signature", STORE.run_local(BidStoreActivities.record_signature, row))
        fx.record(
            input.actor,
            "agreement_signed",
            input.actor,
            version=record.version,
            version_hash=record.version_hash,
            signer=record.signer_name,
            role=record.signer_role,
        )
