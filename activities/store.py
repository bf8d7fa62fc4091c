"""Persistence the workflows ask for: the audit log (more read-model writes join it later).

Every method is idempotent: it upserts by a natural key, so a retried activity changes
nothing twice.
"""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.errors import classify_errors
from models.audit import AuditRecord
from models.tables import AuditEntry


@classify_errors
class StoreActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def record_audit(self, input: AuditRecord) -> None:
        """Append one audit entry; the same key twice records once."""
        await self.record_audits([input])

    @activity.defn
    async def record_audits(self, records: list[AuditRecord]) -> None:
        """Append several audit entries of one answer (a partner invited each) in one
        statement; a key recorded before is skipped."""
        async with self._sessions() as session, session.begin():
            await insert_audits(session, records)


async def insert_audits(session: AsyncSession, records: list[AuditRecord]) -> None:
    """One statement; a key recorded before is skipped (the log is append-only)."""
    if records:
        await session.execute(_INSERT_AUDITS, [record.model_dump() for record in records])


# Built once: the rows go as parameters, so one compiled statement serves any number of them
# (rows in the statement's text compiled it anew for each count).
_INSERT_AUDITS = insert(
    AuditEntry.metadata.tables[AuditEntry.__tablename__]
).on_conflict_do_nothing(index_elements=["key"])
