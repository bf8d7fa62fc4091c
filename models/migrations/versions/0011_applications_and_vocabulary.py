"""Applications to join filled in on the web (saved as the applicant goes, resumed from an
e-mailed link), and the coordinator's framework vocabulary (themes, localities, synonyms).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=True),
        sa.Column("draft", JSONB, nullable=False),
        sa.Column("assessment", JSONB, nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index(
        op.f("ix_applications_organisation_id"), "applications", ["organisation_id"], unique=False
    )
    op.create_table(
        "framework_vocabulary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("themes", JSONB, nullable=False),
        sa.Column("localities", JSONB, nullable=False),
        sa.Column("synonyms", JSONB, nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_vocabulary")),
    )


def downgrade() -> None:
    op.drop_table("framework_vocabulary")
    op.drop_index(op.f("ix_applications_organisation_id"), table_name="applications")
    op.drop_table("applications")
