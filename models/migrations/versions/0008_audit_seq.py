"""The audit log in the bid's own order: each bid entry's place in its timeline.

Entries of one workflow task share a timestamp; ordering by the clock showed "lead candidates
ranked" before "bid decided". The dashboard orders a bid's entries by `seq`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("seq", sa.Integer(), nullable=True))
    op.create_index("ix_audit_log_bid_id_seq", "audit_log", ["bid_id", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_bid_id_seq", table_name="audit_log")
    op.drop_column("audit_log", "seq")
