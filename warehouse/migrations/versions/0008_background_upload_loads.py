"""background upload loads: a load run's stage, fraction and worker, and the queued, running
and failed statuses

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 22:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STATUS = (
    "queued or running (an upload's background load), then loaded, partial, rejected, or "
    "failed (the load stopped: the server restarted or it broke)"
)


def upgrade() -> None:
    with op.batch_alter_table("meta_load_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "stage",
                sa.Text(),
                nullable=True,
                comment="Where a queued or running load has got to, e.g. validating",
            )
        )
        batch_op.add_column(
            sa.Column(
                "fraction",
                sa.Float(),
                nullable=True,
                comment="How far a queued or running load has got, 0 to 1",
            )
        )
        batch_op.add_column(
            sa.Column(
                "worker",
                sa.Text(),
                nullable=True,
                comment="host:pid of the server process running a background load",
            )
        )
        batch_op.alter_column(
            "status",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=STATUS,
            existing_comment="loaded, partial or rejected",
        )


def downgrade() -> None:
    with op.batch_alter_table("meta_load_runs", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment="loaded, partial or rejected",
            existing_comment=STATUS,
        )
        batch_op.drop_column("worker")
        batch_op.drop_column("fraction")
        batch_op.drop_column("stage")
