"""The contract's outside world: its read model (contracts, returns, payments) and the
documents it generates (subcontracts, combined returns with their CSV, the final report),
rendered as the consortium agreement is (activities/agreement.py) and hashed."""

import csv
import hashlib
import io
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.bids import _upsert as upsert
from activities.errors import classify_errors
from models.contract import ContractState
from models.contract_rows import DocumentInput, DocumentOutput
from models.tables import Contract, ContractDocument, ContractPayment, ContractReturn

TEMPLATES = Path(__file__).resolve().parent / "templates" / "contract"
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)


def render_document(input: DocumentInput) -> tuple[str, str | None, str]:
    """Pure: (text, csv, sha256 of the text)."""
    text = _ENV.get_template(input.template).render(**input.context)
    table = None
    if input.csv_rows is not None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(input.csv_rows)
        table = out.getvalue()
    return text, table, hashlib.sha256(text.encode()).hexdigest()


def returns_overdue(state: ContractState) -> int:
    return sum(t.overdue for t in state.schedule.values() if t.kind == "quarterly_return")


@classify_errors
class ContractActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def generate_document(self, input: DocumentInput) -> DocumentOutput:
        """Render and keep one document; the same name twice keeps the first (a retry)."""
        text, table, digest = render_document(input)
        row = {
            "contract_id": input.contract_id,
            "name": input.name,
            "kind": input.kind,
            "version_hash": digest,
            "text": text,
            "csv": table,
        }
        async with self._sessions() as session, session.begin():
            await session.execute(insert(ContractDocument).values(row).on_conflict_do_nothing())
        return DocumentOutput(name=input.name, version_hash=digest)

    @activity.defn
    async def save_contract(self, state: ContractState) -> None:
        """Upsert the contract's row, its returns and its payments; safe to repeat."""
        s = state
        due = [t.due for t in s.schedule.values() if not t.overdue]
        row = {
            "id": s.contract_id,
            "bid_id": s.bid_id,
            "title": s.title,
            "funder": s.funder,
            "lead_organisation_id": s.lead_id,
            "stage": s.stage,
            "period": s.period,
            "term_periods": s.term_periods,
            "starts_at": s.starts,
            "ends_at": s.ends(),
            "value": s.value,
            "value_delivered_pence": s.value_delivered_pence(),
            "owed_pence": s.owed_pence(),
            "outputs_achieved": s.outputs_achieved(),
            "returns_due": sum(r.status in ("due", "returned") for r in s.returns.values()),
            "returns_overdue": returns_overdue(s),
            "next_due": min(due, default=None),
            "parties": [
                p.model_dump(mode="json", include={"organisation_id", "name", "role", "status"})
                for p in s.parties.values()
            ],
            "closed_at": s.closed_at,
        }
        async with self._sessions() as session, session.begin():
            await upsert_all(session, Contract, [row], ["id"])
            await upsert_all(
                session,
                ContractReturn,
                [
                    {**r.model_dump(exclude={"key", "archived"}), "contract_id": s.contract_id}
                    for r in s.returns.values()
                    if not r.archived  # saved with its text before it was archived
                ],
                ["contract_id", "period", "organisation_id"],
            )
            await upsert_all(
                session,
                ContractPayment,
                [
                    {
                        "contract_id": s.contract_id,
                        "number": p.number,
                        "reference": p.reference,
                        "received_on": p.received_on,
                        **p.split.model_dump(),
                        "paid": {k: v.isoformat() for k, v in p.paid.items()},
                    }
                    for p in s.payments
                ],
                ["contract_id", "number"],
            )


async def upsert_all(session: AsyncSession, table: type, rows: list[dict], keys: list[str]) -> None:
    """Every column but the key changes (the bid's `_upsert`, told which)."""
    if rows:
        await upsert(session, table, keys, rows, tuple(c for c in rows[0] if c not in keys))
