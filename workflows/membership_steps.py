"""The membership workflow's steps: change the state, then write the read model, the audit
log and the e-mail, each keyed by the step so a retry or a replay does it once."""

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.email import EmailActivities
    from activities.members import MemberActivities
    from activities.store import StoreActivities
    from models.audit import AuditRecord
    from models.email import SendEmailInput
    from models.entry_criteria import renewal_dates
    from models.framework import Framework
    from models.membership import (
        Assessment,
        Leave,
        MemberRecord,
        MembershipInput,
        MembershipState,
        Override,
        Proforma,
    )
    from workflows.membership_timers import Timer, all_timers
    from workflows.policies import EMAIL, STORE

OUTCOME_EMAIL = {
    "full": "member_welcome",
    "associate": "member_associate",
    "signposted": "member_signposted",
    "suspended": "member_suspended",
}


def _day(when: Any) -> str:
    return f"{when:%-d %B %Y}" if when is not None else ""


class MembershipSteps:
    """Runs inside MembershipWorkflow; `state` is the workflow's own, changed in place."""

    def __init__(self, state: MembershipState, input: MembershipInput) -> None:
        self._state = state
        self.framework = input.framework  # replaced when the coordinator adopts a new one
        self._coordinator = input.coordinator_email
        self._public_url = input.public_url.rstrip("/")

    def _key(self, step: str) -> str:
        s = self._state
        return f"membership:{s.organisation_id}:{s.membership_id[:12]}:{step}"

    def _set_status(self, status: str) -> str:
        s, previous = self._state, self._state.status
        now = workflow.now()
        if status != previous:
            s.status, s.status_since = status, now  # type: ignore[assignment]
        if status == "signposted":
            s.signposted_at = now
        if status != "suspended":
            s.suspended_reason = ""
        s.bump(now)
        return previous

    async def take_assessment(
        self, proforma: Proforma, assessment: Assessment, action: str
    ) -> None:
        s = self._state
        s.proforma, s.assessment, s.override_reason = proforma, assessment, ""
        s.submissions += 1
        previous = self._set_status(assessment.outcome)
        live = {t.key for t in all_timers(s, self.framework)}
        s.fired = [key for key in s.fired if key in live]
        await self._save()
        detail: dict[str, object] = {"outcome": assessment.outcome, "previous": previous}
        detail["missing"] = [m.key for m in assessment.missing]
        await self._audit(action, s.proforma.contacts[0].email, detail)
        if action == "proforma_updated":
            kind = "member_updated" if assessment.outcome != "signposted" else "member_signposted"
        else:
            kind = OUTCOME_EMAIL[assessment.outcome]
        await self._email(kind, {"previous": previous})

    async def override(self, override: Override) -> None:
        previous = self._set_status(override.status)
        self._state.override_reason = override.reason
        if override.status == "suspended":
            self._state.suspended_reason = f"suspended by the coordinator: {override.reason}"
        await self._save()
        detail = {"from": previous, "to": override.status, "reason": override.reason}
        await self._audit("assessment_overridden", override.by, detail)
        await self._email(OUTCOME_EMAIL[override.status], {"reason": override.reason})

    async def leave(self, leave: Leave) -> None:
        previous = self._set_status("left")
        if self._state.proforma is not None:
            await self._save()
            await self._email("member_left", {"reason": leave.reason})
        await self._audit("member_left", leave.by, {"previous": previous, "reason": leave.reason})

    async def adopt(self, framework: Framework, by: str) -> None:
        self.framework = framework
        self._state.bump(workflow.now())
        await self._audit("framework_adopted", by, {"framework": framework.name})

    async def remind_to_resubmit(self, timer: Timer) -> None:
        self._state.bump(workflow.now())
        await self._email("member_resubmit_reminder", {}, step=timer.key)
        await self._audit("resubmit_reminder_sent", "system", {}, step=timer.key)

    async def remind_to_renew(self, timer: Timer) -> None:
        self._state.bump(workflow.now())
        days = (timer.due - workflow.now().date()).days if timer.due else 0
        context = {"item": timer.item, "due": _day(timer.due), "days_left": days}
        await self._email("member_renewal_reminder", context, step=timer.key)
        await self._audit("renewal_reminder_sent", "system", context, step=timer.key)

    async def suspend(self, timer: Timer) -> None:
        self._set_status("suspended")
        self._state.suspended_reason = f"its {timer.item} lapsed on {_day(timer.due)}"
        await self._save()
        detail = {"item": timer.item, "due": str(timer.due)}
        await self._audit("member_suspended", "system", detail, step=timer.key)
        await self._email("member_suspended", {"item": timer.item}, step=timer.key)

    # Activities ------------------------------------------------------------------------

    async def _save(self) -> None:
        s = self._state
        assert s.proforma is not None
        dates = [d for d in renewal_dates(s.proforma).values()]
        record = MemberRecord(
            organisation_id=s.organisation_id,
            status=s.status,
            proforma=s.proforma,
            assessment=s.assessment,
            renewal_due=min(dates) if dates else None,
            version=s.version,
        )
        await STORE.run(MemberActivities.save_member, record)

    async def _audit(self, action: str, actor: str, detail: dict, step: str = "") -> None:
        s = self._state
        record = AuditRecord(
            key=self._key(step or f"v{s.version}:{action}"),
            at=workflow.now(),
            actor=actor,
            action=action,
            organisation_id=s.organisation_id,
            detail=detail,
        )
        await STORE.run(StoreActivities.record_audit, record)

    async def _email(self, kind: str, extra: dict, step: str = "") -> None:
        s = self._state
        if s.proforma is None or not s.proforma.contacts:
            return
        contact = s.proforma.contacts[0]
        context = self._context(contact.name, extra)
        message = SendEmailInput(
            key=self._key(f"{step or f'v{s.version}'}:{kind}"),
            kind=kind,
            to=contact.email,
            context=context,
        )
        await EMAIL.run(EmailActivities.send_email, message)

    def _context(self, contact_name: str, extra: dict) -> dict[str, Any]:
        s = self._state
        assert s.proforma is not None
        missing = s.assessment.missing if s.assessment else []
        return {
            "organisation": s.proforma.name,
            "contact_name": contact_name,
            "framework": self.framework.name,
            "status": s.status,
            "missing": [m.model_dump() for m in missing],
            "suspended_reason": s.suspended_reason,
            "coordinator_email": self._coordinator,
            "renewals": {k: _day(v) for k, v in renewal_dates(s.proforma).items()},
            "today": _day(workflow.now().date()),
            # The web's page that e-mails the main contact its proforma, filled in, to renew.
            "renew_url": f"{self._public_url}/join/renew/{s.organisation_id}"
            if self._public_url
            else "",
            **extra,
        }
