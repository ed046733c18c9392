"""The engine, made from ``DATABASE_URL``, and the schema's creation through Alembic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'observatory.db'}"


def database_url() -> str:
    """The configured database URL: ``DATABASE_URL``, else the project's SQLite file."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``database_url()``), with SQLite set up for safety."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the dashboard read while a load writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


BULK_CACHE_KIB = 64 * 1024
"""SQLite's page cache during a load: the grants table's indexes at a million rows are far
bigger than the default 2 MB, and each upserted row touches a page of each of them. At a
million grants 64 MB loads as fast as 256 MB did (a first load 147 s against 143 s, a reload
of every row through the upsert 109 s against 118 s) and peaks 0.25 GB lower, since the
cache grows with the table until it is full."""


@contextmanager
def bulk_load_settings(conn: Connection) -> Iterator[None]:
    """Settings for one large write transaction on ``conn``, put back when it ends.

    On SQLite, a 64 MB page cache (pages are taken only as they are used, and given back
    when the size is restored, so a dashboard worker that runs an upload keeps a small cache).
    Durability is unchanged: WAL with ``synchronous=NORMAL``, as every connection has; the
    load still commits or rolls back whole. Temporary tables stay on disk, so a million staged
    rows never sit in memory. PostgreSQL needs nothing here.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    with sqlite_page_cache(conn, BULK_CACHE_KIB):
        yield


@contextmanager
def sqlite_page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """SQLite's page cache on ``conn`` at ``kib`` KiB until the block ends, then as it was."""
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        # After a failed statement the connection may be unusable; the pool discards it then.
        with suppress(DBAPIError):
            conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


LOAD_LOCK_KEY = 3602126
"""The PostgreSQL advisory lock a load holds for its transaction (any fixed number)."""
LOAD_WAIT_MS = 15 * 60 * 1000
"""How long a load on SQLite waits for another load to commit before it gives up."""


@contextmanager
def one_load_at_a_time(conn: Connection) -> Iterator[None]:
    """Wait until no other load's transaction is open, and make later loads wait for this
    one: call it first in a load's transaction, before anything is read.

    Two loads at once would each decide what to write from a warehouse without the other's
    uncommitted rows: the same file's record written twice, or a first load's rows written
    straight into a table the other load has just filled; the second load then fails on a
    unique key. On PostgreSQL the load takes a transaction-level advisory lock, released when
    it commits or rolls back. On SQLite it begins its transaction by taking the write lock
    (``BEGIN IMMEDIATE``; the driver would begin only at the first write, after the reads),
    waiting up to ``LOAD_WAIT_MS`` for it rather than the connection's 30 s."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOAD_LOCK_KEY})")
        yield
        return
    raw = conn.connection.dbapi_connection
    if conn.dialect.name != "sqlite" or raw is None or raw.in_transaction:
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOAD_WAIT_MS}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {before}")
    yield


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade the schema to the latest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_shared: dict[str, Engine] = {}


def shared_engine() -> Engine:
    """One engine per process for the dashboard, made on first use."""
    url = database_url()
    if url not in _shared:
        _shared[url] = make_engine(url)
    return _shared[url]
