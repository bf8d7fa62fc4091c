"""Membership: the organisation's read-model version and next lapse date; known providers.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "organisations",
        sa.Column("membership_version", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.add_column("organisations", sa.Column("renewal_due", sa.Date(), nullable=True))
    op.create_table(
        "known_providers",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("charity_number", sa.String(length=20), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_known_providers")),
    )
    op.create_index(
        op.f("ix_known_providers_charity_number"),
        "known_providers",
        ["charity_number"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_known_providers_charity_number"), table_name="known_providers")
    op.drop_table("known_providers")
    op.drop_column("organisations", "renewal_due")
    op.drop_column("organisations", "membership_version")
