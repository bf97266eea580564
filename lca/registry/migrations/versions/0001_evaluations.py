"""Revision 1: evaluations with their input files (content-addressed blobs), requirement outcomes, stage
results, declared values and an append-only audit log.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "sqlite": ["CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
               "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"],
    "postgresql": ["CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"],
}


def _parent() -> sa.Column:
    """The key column of a table holding part of an evaluation."""
    return sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)


def upgrade() -> None:
    op.create_table("blobs", sa.Column("sha256", sa.String(64), primary_key=True),
                    sa.Column("size", sa.Integer, nullable=False), sa.Column("content", sa.LargeBinary, nullable=False))
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("identity", sa.String(64), nullable=False, unique=True),
        sa.Column("product_id", sa.String(200), nullable=False, index=True),
        sa.Column("product_name", sa.Text, nullable=False),
        sa.Column("manufacturer", sa.String(200), nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("spec_id", sa.String(200), nullable=False),
        sa.Column("spec_version", sa.String(100), nullable=False),
        sa.Column("spec_sha256", sa.String(64), nullable=False),
        sa.Column("standard", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("manifest", sa.String(500), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("background_data_version", sa.String(64), nullable=False),
        sa.Column("indicator_set", sa.String(100), nullable=False),
        sa.Column("indicator_set_version", sa.String(64), nullable=False),
        sa.Column("software_version", sa.String(100), nullable=False),
        sa.Column("evaluator", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_evaluations_filter", "evaluations", ["category", "status", "verdict"])
    op.create_index("ix_evaluations_status", "evaluations", ["status"])
    op.create_index("ix_evaluations_verdict", "evaluations", ["verdict"])
    op.create_table("input_files", _parent(), sa.Column("path", sa.String(500), primary_key=True),
                    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False))
    op.create_table(
        "requirements", _parent(),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("requirement", sa.String(200), nullable=False),
        sa.Column("indicator", sa.String(200)), sa.Column("stage", sa.String(40)),
        sa.Column("operator", sa.String(4)), sa.Column("threshold", sa.Double), sa.Column("unit", sa.String(100)),
        sa.Column("value", sa.Double), sa.Column("margin_pct", sa.Double),
        sa.Column("status", sa.String(40), nullable=False), sa.Column("document", sa.Text),
        sa.Column("reason", sa.Text),
    )
    op.create_table("stage_results", _parent(), sa.Column("position", sa.Integer, primary_key=True),
                    sa.Column("indicator", sa.String(200), nullable=False),
                    sa.Column("stage", sa.String(40), nullable=False), sa.Column("unit", sa.String(100), nullable=False),
                    sa.Column("value", sa.Double))
    op.create_table("declared_values", _parent(),
                    sa.Column("indicator", sa.String(200), primary_key=True),
                    sa.Column("value", sa.Double, nullable=False), sa.Column("unit", sa.String(100), nullable=False),
                    sa.Column("document", sa.Text, nullable=False))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False), sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20)), sa.Column("to_status", sa.String(20)),
        sa.Column("reason", sa.Text), sa.Column("detail", sa.JSON),
    )
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
