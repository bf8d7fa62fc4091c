"""The dashboard's bid list in SQL: each bid's earliest outstanding due date, and an index in
the list's order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Bids written before this column: the earliest due date in the summary's outstanding list,
# or, where a summary has none, among the sections still owed (what the dashboard showed).
BACKFILL = """
UPDATE bids SET next_due = CASE
    WHEN jsonb_typeof(state -> 'outstanding') = 'array' THEN (
        SELECT min((task ->> 'due')::timestamptz)
        FROM jsonb_array_elements(state -> 'outstanding') AS task
        WHERE task ->> 'due' IS NOT NULL
    )
    ELSE (
        SELECT min(sections.due) FROM sections
        WHERE sections.bid_id = bids.id
            AND sections.status IN ('assigned', 'returned')
            AND sections.assigned_to IS NOT NULL
    )
END
"""


def upgrade() -> None:
    op.add_column("bids", sa.Column("next_due", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    # The list reads each of its groups (open and overdue, open, closed) in deadline, id
    # order and stops at the page's end; the old index on deadline alone is its prefix.
    op.create_index("ix_bids_deadline_id", "bids", ["deadline", "id"], unique=False)
    op.drop_index(op.f("ix_bids_deadline"), table_name="bids")


def downgrade() -> None:
    op.create_index(op.f("ix_bids_deadline"), "bids", ["deadline"], unique=False)
    op.drop_index("ix_bids_deadline_id", table_name="bids")
    op.drop_column("bids", "next_due")
