"""The audit log: idempotent appends, and no way to rewrite history."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from activities.store import StoreActivities
from models.audit import AuditRecord
from models.tables import AuditEntry


def record(key: str) -> AuditRecord:
    return AuditRecord(
        key=key,
        at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
        actor="lead:durham-cvs",
        action="section_approved",
        bid_id="bid-1",
        detail={"section": "Budget"},
    )


async def test_the_same_audit_entry_written_twice_is_recorded_once(sessions):
    key = f"audit-{uuid.uuid4()}"
    store = StoreActivities(sessions)
    await store.record_audit(record(key))
    await store.record_audit(record(key))  # a retried activity
    async with sessions() as session:
        count = await session.scalar(select(func.count()).where(AuditEntry.key == key))
    assert count == 1


async def test_several_entries_of_one_answer_are_written_together_and_once(sessions):
    run = uuid.uuid4().hex[:8]
    keys = [f"audit-{run}-{i}" for i in range(3)]
    store = StoreActivities(sessions)
    await store.record_audit(record(keys[0]))  # one of them was written before
    await store.record_audits([record(k) for k in keys])
    await store.record_audits([record(k) for k in keys])  # a retried activity
    async with sessions() as session:
        rows = await session.execute(
            select(AuditEntry.key, func.count())
            .where(AuditEntry.key.in_(keys))
            .group_by(AuditEntry.key)
        )
    assert dict(rows.all()) == {k: 1 for k in keys}


@pytest.mark.parametrize(
    "change",
    [
        lambda key: update(AuditEntry).where(AuditEntry.key == key).values(actor="someone else"),
        lambda key: delete(AuditEntry).where(AuditEntry.key == key),
    ],
    ids=["update", "delete"],
)
async def test_the_audit_log_refuses_updates_and_deletes(sessions, change):
    key = f"audit-{uuid.uuid4()}"
    await StoreActivities(sessions).record_audit(record(key))
    with pytest.raises(DBAPIError, match="append-only"):
        async with sessions() as session, session.begin():
            await session.execute(change(key))
    async with sessions() as session:
        entry = (await session.scalars(select(AuditEntry).where(AuditEntry.key == key))).one()
    assert entry.actor == "lead:durham-cvs"
