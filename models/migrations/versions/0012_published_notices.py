"""Published notices (OCDS): each release imported once, each contracting process with the
opportunity and the bid it became; the pollers' sources as they last left them; the quarterly
newsletter's editable introduction.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = postgresql.JSONB(astext_type=sa.Text())
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "ocds_releases",
        sa.Column("ocid", sa.String(200), nullable=False),
        sa.Column("release_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("effect", sa.String(500), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("ocid", "release_id", name=op.f("pk_ocds_releases")),
    )
    op.create_index(op.f("ix_ocds_releases_source"), "ocds_releases", ["source"])
    op.create_table(
        "ocds_processes",
        sa.Column("ocid", sa.String(200), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("opportunity_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("buyer", sa.String(200), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value", sa.Numeric(14, 2), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vcse", sa.Boolean(), nullable=True),
        sa.Column("sme", sa.Boolean(), nullable=True),
        sa.Column("notice", JSON, nullable=True),
        sa.Column("documents", JSON, nullable=False),
        sa.Column("lots", JSON, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("bid_id", sa.String(100), nullable=True),
        sa.Column("awards", JSON, nullable=False),
        sa.Column("last_release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("ocid", name=op.f("pk_ocds_processes")),
    )
    for column in ("source", "opportunity_id", "deadline", "status"):
        op.create_index(op.f(f"ix_ocds_processes_{column}"), "ocds_processes", [column])
    op.create_table(
        "feed_sources",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("cursor", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_imported", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_feed_sources")),
    )
    op.create_table(
        "newsletters",
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("workflow_id", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("sent_to", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("quarter", name=op.f("pk_newsletters")),
    )


def downgrade() -> None:
    op.drop_table("newsletters")
    op.drop_table("feed_sources")
    op.drop_table("ocds_processes")
    op.drop_table("ocds_releases")
