"""Opportunities keep the local authority's approver and the stage windows the coordinator
registers with them: a bid started from the web builds its input from the opportunity's row,
and without these it always asked the coordinator to sign off and ran on the default windows.

Rows registered before it read no approver and `{}` (the default windows).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("opportunities", sa.Column("local_authority_email", sa.String(254)))
    op.add_column(
        "opportunities",
        sa.Column(
            "stage_windows",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
    )


def downgrade() -> None:
    op.drop_column("opportunities", "stage_windows")
    op.drop_column("opportunities", "local_authority_email")
