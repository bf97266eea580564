"""Revision 2: sampling inspection — drawn batches and their items, and on each evaluation the run of
conforming inspections and the exemption it earned.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("conforming_streak", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("exempt_from", sa.Date))
        batch.add_column(sa.Column("exempt_until", sa.Date))
    op.create_table(
        "inspection_batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("drawn_at", sa.DateTime, nullable=False), sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("share", sa.Double, nullable=False), sa.Column("category", sa.String(200)),
        sa.Column("seed", sa.BigInteger, nullable=False), sa.Column("population", sa.Integer, nullable=False),
    )
    op.create_table(
        "inspection_items",
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("inspection_batches.id"), primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), primary_key=True),
        sa.Column("outcome", sa.String(20)), sa.Column("inspected_at", sa.DateTime), sa.Column("reasons", sa.JSON),
    )
