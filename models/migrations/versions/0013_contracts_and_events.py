"""After the award and around the bids: contracts (their returns, payments and generated
documents) and engagement events (with attendance), the read model of the contract and event
workflows.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
NOW = sa.text("now()")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("bid_id", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("funder", sa.String(200), nullable=False),
        sa.Column("lead_organisation_id", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("term_periods", sa.Integer(), nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        sa.Column("value", sa.Numeric(14, 2), nullable=True),
        sa.Column("value_delivered_pence", sa.BigInteger(), nullable=False),
        sa.Column("owed_pence", sa.BigInteger(), nullable=False),
        sa.Column("outputs_achieved", sa.Integer(), nullable=False),
        sa.Column("returns_due", sa.Integer(), nullable=False),
        sa.Column("returns_overdue", sa.Integer(), nullable=False),
        _at("next_due", nullable=True),
        sa.Column("parties", JSON, nullable=False),
        _at("closed_at", nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_index(op.f("ix_contracts_bid_id"), "contracts", ["bid_id"])
    op.create_index(
        op.f("ix_contracts_lead_organisation_id"), "contracts", ["lead_organisation_id"]
    )
    op.create_table(
        "contract_returns",
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _at("due"),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("outputs", JSON, nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("case_studies", sa.Text(), nullable=False),
        sa.Column("spend_pence", sa.BigInteger(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        _at("submitted_at", nullable=True),
        sa.PrimaryKeyConstraint(
            "contract_id", "period", "organisation_id", name=op.f("pk_contract_returns")
        ),
    )
    op.create_table(
        "contract_payments",
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_pence", sa.BigInteger(), nullable=False),
        sa.Column("top_slice_pence", sa.BigInteger(), nullable=False),
        sa.Column("remainder_pence", sa.BigInteger(), nullable=False),
        sa.Column("shares", JSON, nullable=False),
        sa.Column("paid", JSON, nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "number", name=op.f("pk_contract_payments")),
    )
    op.create_table(
        "contract_documents",
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("version_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("csv", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "name", name=op.f("pk_contract_documents")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("outputs", JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_starts_at"), "events", ["starts_at"])
    op.create_table(
        "event_attendance",
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rsvp", sa.String(10), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "organisation_id", name=op.f("pk_event_attendance")),
    )


def downgrade() -> None:
    for table in (
        "event_attendance",
        "events",
        "contract_documents",
        "contract_payments",
        "contract_returns",
        "contracts",
    ):
        op.drop_table(table)
