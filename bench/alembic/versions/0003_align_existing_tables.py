"""align existing tables (runs sql/0003_align_existing_tables.up.sql itself,
so that both tools apply the same SQL)

Revision ID: 0003
Revises: 0002
"""
import pathlib

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQL = pathlib.Path(__file__).resolve().parents[3] / "sql" / "0003_align_existing_tables.up.sql"


def upgrade() -> None:
    op.execute(SQL.read_text())


def downgrade() -> None:
    pass
