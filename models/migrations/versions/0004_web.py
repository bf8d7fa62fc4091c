"""The web: single-use magic sign-in links, and files uploaded with contributions.

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
    op.create_table(
        "attachments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("bid_id", sa.String(length=100), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("section_key", sa.String(length=80), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint(
            "bid_id", "organisation_id", "sha256", name=op.f("uq_attachments_bid_id")
        ),
    )
    op.create_index(op.f("ix_attachments_bid_id"), "attachments", ["bid_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_attachments_bid_id"), table_name="attachments")
    op.drop_table("attachments")
    op.drop_index(op.f("ix_sign_in_links_email"), table_name="sign_in_links")
    op.drop_table("sign_in_links")
