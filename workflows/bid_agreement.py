"""Stage 5 of a bid, the consortium agreement: generate a version, hold the comment period,
then chase every party to sign that exact version; a partner leaving makes a new version.
Its Updates: comment_on_agreement, sign_agreement."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.agreement import AgreementActivities
    from activities.bids import BidStoreActivities
    from models import bid_answers as a
    from models.bid import AgreementComment, AgreementState, SignatureRecord
    from models.bid_rows import AgreementInput, SignatureRow
    from workflows import bid_rules as rules
    from workflows.bid_effects import BidEffects, Summary
    from workflows.bid_rules import when
    from workflows.bid_view import summary
    from workflows.policies import STORE


class BidAgreementStage(BidEffects):
    _agreement_stale: bool

    async def _sign_agreement(self) -> None:
        s = self._state
        self._set_stage("agreement")
        while True:
            self._agreement_stale = False
            if await self._new_agreement_version():
                await self._comment_period()
            done = self._all_signed_or_stale
            await self._chase_signatures()
            while not await self._wait(done, lambda: s.deadlines["signatures"]):
                unsigned = [
                    self._name(p) for p in s.agreement.parties if p not in s.agreement.signatures
                ]
                reason = f"Not signed by {when(s.deadlines['signatures'])}: {', '.join(unsigned)}."
                await self._escalate("agreement", reason, ["extend", "abandon"], resolved=done)
            await self._finish_chases(lambda c: "/signature/" in c)
            if not self._agreement_stale:
                return

    def _all_signed_or_stale(self) -> bool:
        a = self._state.agreement
        assert a is not None
        return self._agreement_stale or all(p in a.signatures for p in a.parties)

    async def _new_agreement_version(self) -> bool:
        """Generate the agreement; False when nothing changed since the signed version."""
        s, t = self._state, self._state.timetable
        if s.agreement is not None:
            # Rendered under the signed version's number: the same text means nothing changed.
            same = await workflow.execute_activity_method(
                AgreementActivities.generate_agreement,
                self._agreement_input(s.agreement.version),
                **STORE,
            )
            if same.version_hash == s.agreement.version_hash:
                return False
        version = (s.agreement.version + 1) if s.agreement else 1
        doc = await workflow.execute_activity_method(
            AgreementActivities.generate_agreement, self._agreement_input(version), **STORE
        )
        parties = [p.organisation_id for p in s.active_partners()]
        comment_until = workflow.now() + t.comment_window
        s.agreement = AgreementState(
            version=version,
            version_hash=doc.version_hash,
            text=doc.text,
            parties=parties,
            comments=s.agreement.comments if s.agreement else [],  # each names its version
            comment_until=comment_until,
        )
        s.deadlines["agreement_comments"] = comment_until
        s.deadlines["signatures"] = comment_until + t.signing_window
        await self._record(
            "system", "agreement_generated", version=version, version_hash=doc.version_hash
        )
        await self._circulate_agreement()
        return True

    async def _circulate_agreement(self) -> None:
        """Every party gets the new version to read and comment on, then to sign."""
        s = self._state
        assert s.agreement is not None
        version, comment_until = s.agreement.version, s.agreement.comment_until
        letters = [
            self._letter(
                f"agreement-v{version}",
                s.email_of(p),
                f"Read the consortium agreement (version {version})",
                f"Comment by {when(comment_until)}; then every party signs this exact version.",
                kind="bid_task",
                task=self._link("agreement", p, str(version), comment_until),
                due=comment_until,
            )
            for p in s.agreement.parties
        ]
        await self._mail(f"agreement-v{version}", letters)

    async def _comment_period(self) -> None:
        s = self._state
        assert s.agreement is not None
        version = s.agreement.version
        await self._wait(lambda: self._agreement_stale, lambda: s.agreement.comment_until)
        if s.agreement.version == version:
            await self._record(
                "system",
                "agreement_comments_closed",
                version=version,
                comments=sum(c.version == version for c in s.agreement.comments),
            )

    async def _chase_signatures(self) -> None:
        s = self._state
        assert s.agreement is not None
        a = s.agreement
        for party in a.parties:
            if party not in a.signatures:
                await self._chase(
                    "signature",
                    party,
                    f"{party}-v{a.version}",
                    1,
                    s.deadlines["signatures"],
                    f"Sign the consortium agreement (version {a.version})",
                    f"Sign version {a.version} (hash {a.version_hash[:12]}) of the agreement.",
                )

    def _agreement_input(self, version: int) -> AgreementInput:
        s = self._state
        share = (100 - s.timetable.management_top_slice) / max(len(s.active_partners()), 1)

        def party(org: str) -> dict:
            written = [k for k, sec in s.sections.items() if sec.assigned_to == org]
            return {
                "id": org,
                "name": self._name(org),
                "sections": written,
                "share": f"{share:.2f}",
            }

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

    # --- its Updates (validators as in `bid_updates`) -----------------------------------

    @workflow.update
    async def comment_on_agreement(self, input: a.AgreementCommentInput) -> Summary:
        self._check(rules.check_comment, input)
        agreement = self._state.agreement
        assert agreement is not None
        comment = AgreementComment(
            version=input.version, organisation_id=input.actor, text=input.text, at=workflow.now()
        )
        agreement.comments.append(comment)
        await self._record(
            input.actor,
            "agreement_commented",
            input.actor,
            version=comment.version,
            text=input.text,
        )
        return summary(self._state)

    @comment_on_agreement.validator
    def _validate_comment(self, input: a.AgreementCommentInput) -> None:
        self._check(rules.check_comment, input)

    @workflow.update
    async def sign_agreement(self, input: a.SignatureInput) -> Summary:
        self._check(rules.check_signature, input)
        s = self._state
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
        await self._finish_chases(lambda c: f"/signature/{input.actor}-v{agreement.version}/" in c)
        row = SignatureRow(
            bid_id=s.bid_id,
            organisation_id=input.actor,
            agreement_version=record.version,
            agreement_hash=record.version_hash,
            signer_name=record.signer_name,
            signer_role=record.signer_role,
            signed_at=record.at,
        )
        save = self._store_row()
        await self._together(
            [
                save(BidStoreActivities.record_signature, row, **STORE),
                self._record(
                    input.actor,
                    "agreement_signed",
                    input.actor,
                    version=record.version,
                    version_hash=record.version_hash,
                    signer=record.signer_name,
                    role=record.signer_role,
                ),
            ]
        )
        return summary(s)

    @sign_agreement.validator
    def _validate_signature(self, input: a.SignatureInput) -> None:
        self._check(rules.check_signature, input)
