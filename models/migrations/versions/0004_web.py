"""The web: single-use magic sign-in links.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_links",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_sign_in_links")),
    )
    op.create_index(op.f("ix_sign_in_links_email"), "sign_in_links", ["email"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_links_email"), table_name="sign_in_links")
    op.drop_table("sign_in_links")
