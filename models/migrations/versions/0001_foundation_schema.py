"""The foundation schema: organisations, opportunities, bids, audit log, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:26:56.933294
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Two statements: asyncpg runs one statement per call.
APPEND_ONLY = (
    """
    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()
    """,
)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("bid_id", sa.String(length=100), nullable=True),
        sa.Column("organisation_id", sa.String(length=64), nullable=True),
        sa.Column("detail", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("key", name=op.f("uq_audit_log_key")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(op.f("ix_audit_log_bid_id"), "audit_log", ["bid_id"], unique=False)
    op.create_index(
        op.f("ix_audit_log_organisation_id"), "audit_log", ["organisation_id"], unique=False
    )
    op.create_table(
        "opportunities",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("funder", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("themes", JSONB, nullable=False),
        sa.Column("localities", JSONB, nullable=False),
        sa.Column("submission_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interest_cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("required_sections", JSONB, nullable=False),
        sa.Column("min_partners", sa.Integer(), nullable=False),
        sa.Column("max_partners", sa.Integer(), nullable=True),
        sa.Column("la_signoff_required", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_form", sa.String(length=80), nullable=True),
        sa.Column("charity_number", sa.String(length=20), nullable=True),
        sa.Column("company_number", sa.String(length=20), nullable=True),
        sa.Column("locality", sa.String(length=80), nullable=True),
        sa.Column("localities", JSONB, nullable=False),
        sa.Column("themes", JSONB, nullable=False),
        sa.Column("annual_turnover", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("volunteers", sa.Integer(), nullable=True),
        sa.Column("willing_to_lead", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("proforma", JSONB, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(op.f("ix_organisations_status"), "organisations", ["status"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("message_id", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("bid_id", sa.String(length=100), nullable=True),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    op.create_index(op.f("ix_outbox_bid_id"), "outbox", ["bid_id"], unique=False)
    op.create_index(op.f("ix_outbox_to_address"), "outbox", ["to_address"], unique=False)
    op.create_table(
        "bids",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("opportunity_id", sa.String(length=64), nullable=False),
        sa.Column("lead_organisation_id", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outstanding_tasks", sa.Integer(), nullable=False),
        sa.Column("state", JSONB, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bids_lead_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_bids_opportunity_id_opportunities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
    )
    op.create_index(op.f("ix_bids_deadline"), "bids", ["deadline"], unique=False)
    op.create_index(op.f("ix_bids_opportunity_id"), "bids", ["opportunity_id"], unique=False)
    op.create_index(op.f("ix_bids_stage"), "bids", ["stage"], unique=False)
    op.create_table(
        "contacts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contacts_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("organisation_id", "email", name=op.f("uq_contacts_organisation_id")),
    )
    op.create_index(
        op.f("ix_contacts_organisation_id"), "contacts", ["organisation_id"], unique=False
    )
    op.create_table(
        "bid_partners",
        sa.Column("bid_id", sa.String(length=100), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("budget_share", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_bid_partners_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bid_partners_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("bid_id", "organisation_id", name=op.f("pk_bid_partners")),
    )
    op.create_table(
        "contributions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("bid_id", sa.String(length=100), nullable=False),
        sa.Column("section_key", sa.String(length=80), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_name", sa.String(length=255), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review", sa.String(length=20), nullable=True),
        sa.Column("review_comments", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_contributions_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contributions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
        sa.UniqueConstraint(
            "bid_id", "section_key", "version", name=op.f("uq_contributions_bid_id")
        ),
    )
    op.create_index(op.f("ix_contributions_bid_id"), "contributions", ["bid_id"], unique=False)
    op.create_table(
        "sections",
        sa.Column("bid_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("assigned_to", sa.String(length=64), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["organisations.id"],
            name=op.f("fk_sections_assigned_to_organisations"),
        ),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_sections_bid_id_bids")),
        sa.PrimaryKeyConstraint("bid_id", "key", name=op.f("pk_sections")),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("bid_id", sa.String(length=100), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("agreement_hash", sa.String(length=64), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_role", sa.String(length=120), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_signatures_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_signatures_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint(
            "bid_id", "organisation_id", "agreement_hash", name=op.f("uq_signatures_bid_id")
        ),
    )
    op.create_index(op.f("ix_signatures_bid_id"), "signatures", ["bid_id"], unique=False)
    for statement in APPEND_ONLY:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION audit_log_is_append_only()")
    op.drop_index(op.f("ix_signatures_bid_id"), table_name="signatures")
    op.drop_table("signatures")
    op.drop_table("sections")
    op.drop_index(op.f("ix_contributions_bid_id"), table_name="contributions")
    op.drop_table("contributions")
    op.drop_table("bid_partners")
    op.drop_index(op.f("ix_contacts_organisation_id"), table_name="contacts")
    op.drop_table("contacts")
    op.drop_index(op.f("ix_bids_stage"), table_name="bids")
    op.drop_index(op.f("ix_bids_opportunity_id"), table_name="bids")
    op.drop_index(op.f("ix_bids_deadline"), table_name="bids")
    op.drop_table("bids")
    op.drop_index(op.f("ix_outbox_to_address"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_bid_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_organisations_status"), table_name="organisations")
    op.drop_table("organisations")
    op.drop_table("opportunities")
    op.drop_index(op.f("ix_audit_log_organisation_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_bid_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
