"""Alembic environment: runs on the connection handed over by ``warehouse.db.upgrade_schema``,
or on ``DATABASE_URL`` when Alembic is called from the command line."""

from __future__ import annotations

from alembic import context

from warehouse.db import make_engine
from warehouse.schema import metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or None
    with make_engine(url).begin() as conn:
        _run(conn)
