"""unchanged reloads: a load run's loader fingerprint, the run an unchanged reload points to,
and the unchanged status

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATUS_BEFORE = (
    "queued or running (an upload's background load), then loaded, partial, rejected, or "
    "failed (the load stopped: the server restarted or it broke)"
)
STATUS = (
    "queued or running (an upload's background load), then loaded, partial, rejected, "
    "unchanged (the same file as an earlier run's, nothing written) or failed (the load "
    "stopped: the server restarted or it broke)"
)


def upgrade() -> None:
    with op.batch_alter_table("meta_load_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "loader_fingerprint",
                sa.String(length=64),
                nullable=True,
                comment="Hash of the loader's code, the configuration and the format asked "
                "for: the same file loaded again under the same fingerprint is unchanged",
            )
        )
        batch_op.add_column(
            sa.Column(
                "unchanged_since",
                sa.Integer(),
                nullable=True,
                comment="For an unchanged run, the load run that wrote what the file holds",
            )
        )
        batch_op.alter_column(
            "status",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=STATUS,
            existing_comment=STATUS_BEFORE,
        )


def downgrade() -> None:
    with op.batch_alter_table("meta_load_runs", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=STATUS_BEFORE,
            existing_comment=STATUS,
        )
        batch_op.drop_column("unchanged_since")
        batch_op.drop_column("loader_fingerprint")
