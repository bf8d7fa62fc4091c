"""Opportunities keep the notice's `allow_fewer_partners`: a bid started from the web builds
its notice from the opportunity's row, and lost the term without it (a consortium below the
minimum could then only be abandoned, never allowed to proceed).

Rows registered before it read false, the notice's own default.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "opportunities",
        sa.Column("allow_fewer_partners", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("opportunities", "allow_fewer_partners")
