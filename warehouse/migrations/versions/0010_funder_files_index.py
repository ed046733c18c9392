"""the grants' files by funder and year read from one index: ix_fct_grants_funder_files
(funder, financial year, source file, currency) in place of ix_fct_grants_funder_org_id

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:50:00
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fct_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fct_grants_funder_files",
            ["funder_org_id", "financial_year", "source_file_id", "currency"],
            unique=False,
        )
        batch_op.drop_index("ix_fct_grants_funder_org_id")


def downgrade() -> None:
    with op.batch_alter_table("fct_grants", schema=None) as batch_op:
        batch_op.create_index("ix_fct_grants_funder_org_id", ["funder_org_id"], unique=False)
        batch_op.drop_index("ix_fct_grants_funder_files")
