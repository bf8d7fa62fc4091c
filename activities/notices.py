"""What a published notice's release makes happen: a new opportunity (circulated, or offered to
the coordinator), a moved deadline, a cancellation, an award. The bid hears of each through
the Update a person would send, as `SYSTEM_ACTOR`, under an Update id made from the release:
Temporal applies an Update id once, so an import that runs again changes nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

import starter
from activities.directory import DirectoryActivities
from activities.email import EmailActivities
from activities.mailer import Mailer
from models import bid_answers as a
from models.bid import CLOSED_STAGES, BidState
from models.bid_updates import SYSTEM_ACTOR
from models.directory import MatchInput, provider_key
from models.email import SendEmailInput
from models.feeds import FeedSourceConfig
from models.ocds import Award, Release
from models.ocds_mapping import ImportRules, opportunity_id, to_notice
from models.opportunity import OpportunityNotice
from models.tables import OcdsProcess, Organisation
from settings import Settings


class NoticeEffects:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], settings: Settings, client: Client
    ) -> None:
        self._sessions, self._settings, self._client = sessions, settings, client
        self._rules = ImportRules(
            cpv_themes=settings.ocds_cpv_themes,
            localities=settings.ocds_localities,
            interest_window=timedelta(days=settings.ocds_interest_days),
        )
        self._directory = DirectoryActivities(sessions)
        self._email: EmailActivities | None = None  # made when a letter goes: needs SMTP_HOST

    async def apply(self, release: Release, source: FeedSourceConfig) -> str:
        """Make the release happen; what it did, in words (kept on the release's row)."""
        async with self._sessions() as session:
            process = await session.get(OcdsProcess, release.ocid)
        said: list[str] = []
        if process is None:
            process, first = await self._new(release, source)
            said.append(first)
        elif release.deadline is not None and release.deadline != process.deadline:
            said.append(await self._move(process, release))
        if release.cancels and process.status != "cancelled":
            said.append(await self._cancel(process, release))
        awards = release.decided_awards()
        if awards:
            said.append(await self._award(process, release, awards))
        process.last_release_at = max(process.last_release_at, release.date)
        async with self._sessions() as session, session.begin():
            await session.merge(process)
        return "; ".join(said) or "nothing changed"

    async def start(self, notice: OpportunityNotice) -> str:
        """Start the bid on a notice (the coordinator's one click, or a trusted source); a bid
        already running for it is left as it is."""
        settings = self._settings
        bid_input = starter.bid_input(f"bid-{notice.id}", notice, settings.coordinator_email)
        try:
            await starter.start_bid(
                self._client, bid_input, settings.temporal_task_queue, settings.mail_task_queue
            )
        except WorkflowAlreadyStartedError:
            pass
        return bid_input.bid_id

    # --- a new process --------------------------------------------------------------------

    async def _new(self, release: Release, source: FeedSourceConfig) -> tuple[OcdsProcess, str]:
        tender = release.tender
        value = tender.value if tender else None
        process = OcdsProcess(
            ocid=release.ocid,
            source=source.name,
            opportunity_id=opportunity_id(release.ocid),
            title=(tender.title if tender else "") or release.ocid,
            buyer=release.buyer.name if release.buyer else "",
            deadline=release.deadline,
            value=value.amount.quantize(Decimal("0.01")) if value and value.amount else None,
            currency=(value.currency if value else None) or "GBP",
            vcse=tender.suitability.vcse if tender and tender.suitability else None,
            sme=tender.suitability.sme if tender and tender.suitability else None,
            documents=[d.model_dump() for d in tender.documents] if tender else [],
            lots=[lot.model_dump(mode="json") for lot in tender.lots] if tender else [],
            awards=[],
            last_release_at=release.date,
        )
        try:
            notice = to_notice(release, self._rules, datetime.now(UTC))
        except ValueError as error:
            process.status = "closed"
            return process, f"kept for the record, not circulated: {error}"
        process.notice = notice.model_dump(mode="json")
        process.status, why = await self._circulation(notice, process, source)
        if process.status == "circulated":
            process.bid_id = await self.start(notice)
            return process, f"circulated as {process.bid_id}"
        if process.status == "ready":
            await self._offer(process)
            return process, "offered to the coordinator to circulate"
        return process, f"not circulated: {why}"

    async def _circulation(
        self, notice: OpportunityNotice, process: OcdsProcess, source: FeedSourceConfig
    ) -> tuple[str, str]:
        """circulated (trusted), ready (for the coordinator) or not_matched, and why."""
        if source.vcse_only and not process.vcse:
            return "not_matched", "the notice is not flagged suitable for VCSE organisations"
        if not notice.themes:
            return "not_matched", "none of its CPV codes maps to a theme (OCDS_CPV_THEMES)"
        wanted = MatchInput(themes=notice.themes, localities=notice.localities)
        if not await self._directory.match_members(wanted):
            return "not_matched", f"no member works on {', '.join(notice.themes)} there"
        return ("circulated" if source.trusted else "ready"), ""

    async def _offer(self, process: OcdsProcess) -> None:
        s = self._settings
        deadline = f"{process.deadline:%d %B %Y}" if process.deadline else "not given"
        self._email = self._email or EmailActivities(self._sessions, Mailer(s), s)
        await self._email.send_email(
            SendEmailInput(
                key=f"ocds-ready:{process.ocid}"[:250],
                kind="notice",
                to=s.coordinator_email,
                context={
                    "subject": f"Ready to circulate: {process.title}",
                    "body": f"{process.buyer} published '{process.title}' (closing {deadline}),"
                    " suitable for VCSE organisations and matching members' themes.",
                    "action_url": f"{s.public_url}/feeds",
                    "action_label": "Circulate it",
                },
            )
        )

    # --- a later release ------------------------------------------------------------------

    async def _move(self, process: OcdsProcess, release: Release) -> str:
        old, new = process.deadline, release.deadline
        assert new is not None
        process.deadline = new
        was = f"{old:%d %B %Y %H:%M}" if old else "none"
        said = f"deadline moved from {was} to {new:%d %B %Y %H:%M}"
        if process.bid_id is None:
            # Not circulated yet: the notice to circulate is the amended one (its cut-off too).
            try:
                notice = to_notice(release, self._rules, datetime.now(UTC))
                process.notice = notice.model_dump(mode="json")
            except ValueError as error:
                process.notice, process.status = None, "closed"
                return f"{said}; not to be circulated: {error}"
            return said
        move = a.DeadlineMove(actor=SYSTEM_ACTOR, submission_deadline=new)
        return f"{said}: {await self._update(process.bid_id, 'move_deadline', move, release)}"

    async def _cancel(self, process: OcdsProcess, release: Release) -> str:
        process.status = "cancelled"
        if process.bid_id is None:
            return "cancelled by the buyer"
        details = release.tender.status_details if release.tender else ""
        reason = f"{process.buyer or 'The buyer'} cancelled the tender '{process.title}'."
        cancel = a.Cancellation(actor=SYSTEM_ACTOR, reason=f"{reason} {details}".strip())
        return f"cancelled: {await self._update(process.bid_id, 'cancel', cancel, release)}"

    async def _award(self, process: OcdsProcess, release: Release, awards: list[Award]) -> str:
        process.status = "awarded"
        process.awards = [*process.awards, *(_award_row(w, process) for w in awards)]
        names = ", ".join(s.name or s.id or "?" for w in awards for s in w.suppliers)
        said = f"awarded to {names}"
        if process.bid_id is None:
            return said
        state = await self._state(process.bid_id)
        if state is None or state.stage in CLOSED_STAGES:
            return f"{said}; the bid is over"
        ours = await self._ours(state, awards)
        if state.stage == "award":
            outcome = _outcome(awards, ours, names, process)
            sent = await self._update(process.bid_id, "record_outcome", outcome, release)
            return f"{said}: {sent}"
        if ours:
            return f"{said}, this consortium, but no submission is recorded: record it"
        cancel = a.Cancellation(actor=SYSTEM_ACTOR, reason=f"The contract was awarded to {names}.")
        return f"{said}: {await self._update(process.bid_id, 'cancel', cancel, release)}"

    async def _ours(self, state: BidState, awards: list[Award]) -> bool:
        """Is any supplier in the consortium: by name, or by its charity or company number at
        the end of the supplier's identifier (GB-CHC-1234567, GB-COH-01234567)?"""
        ids = [p.organisation_id for p in state.active_partners()]
        async with self._sessions() as session:
            query = select(Organisation).where(Organisation.id.in_(ids))
            orgs = list(await session.scalars(query))
        names = {provider_key(p.name) for p in state.active_partners()}
        numbers = {n for o in orgs for n in (o.charity_number, o.company_number) if n}
        for supplier in (s for w in awards for s in w.suppliers):
            if provider_key(supplier.name) in names:
                return True
            if supplier.id and any(supplier.id.endswith(f"-{n}") for n in numbers):
                return True
        return False

    async def _state(self, bid_id: str) -> BidState | None:
        try:
            handle = self._client.get_workflow_handle(bid_id)
            return await handle.query("state", result_type=BidState)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise

    async def _update(self, bid_id: str, name: str, answer: a.Answer, release: Release) -> str:
        handle = self._client.get_workflow_handle(bid_id)
        key = f"ocds:{release.ocid}:{release.id}:{name}"
        try:
            await handle.execute_update(name, answer, id=key)
        except WorkflowUpdateFailedError as error:
            return f"{bid_id} refused it: {getattr(error.cause, 'message', None) or error}"
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                return f"{bid_id} is no longer running"
            raise
        return f"sent to {bid_id}"


def _award_row(award: Award, process: OcdsProcess) -> dict[str, Any]:
    value = award.value.amount if award.value else None
    return {
        "id": award.id,
        "date": award.date.isoformat() if award.date else None,
        "value": str(value.quantize(Decimal("0.01"))) if value is not None else None,
        "currency": (award.value.currency if award.value else None) or process.currency,
        "suppliers": [s.name or s.id or "" for s in award.suppliers],
    }


def _outcome(awards: list[Award], ours: bool, names: str, process: OcdsProcess) -> a.OutcomeInput:
    """The funder's decision as the award release gives it: the value and the start of the
    contract (the award's date when no contract period is given)."""
    if not ours:
        return a.OutcomeInput(actor=SYSTEM_ACTOR, awarded=False, feedback=f"Awarded to {names}.")
    values = [w.value.amount for w in awards if w.value and w.value.amount is not None]
    value = sum(values, Decimal(0)) if values else (process.value or Decimal(0))
    return a.OutcomeInput(
        actor=SYSTEM_ACTOR,
        awarded=True,
        value=value.quantize(Decimal("0.01")),
        start_date=_start(awards),
        feedback=f"Awarded to {names}.",
    )


def _start(awards: list[Award]) -> date:
    for w in awards:
        if w.contract_period and w.contract_period.start:
            return w.contract_period.start.date()
    return next((w.date.date() for w in awards if w.date), datetime.now(UTC).date())
