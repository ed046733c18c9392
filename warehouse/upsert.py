"""Fast, counted upserts of DataFrames into warehouse tables, the same on SQLite and PostgreSQL.

Rows go first into a temporary staging table (executemany on SQLite, COPY on
PostgreSQL), then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` moves them in. Rows whose
``row_hash`` is unchanged are left alone, so a file loaded twice changes nothing.

A first load (the table holds no row yet, in this transaction) writes the rows straight into
the table, one plain ``INSERT`` on SQLite and one COPY on PostgreSQL: every row is new, so
the staging table and the counting join would only copy them once more. A large first load also
drops the table's non-unique secondary indexes and builds them again afterwards, from the very
statements that made them: sorting once beats updating each index row by row. The unique ones
stay, so a key written twice still stops the load with their error. All of it is in the caller's
transaction: a failure rolls back the rows and the dropped indexes alike.
"""

from __future__ import annotations

import io
import sqlite3
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    literal_column,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from warehouse.db import sqlite_page_cache

LINEAGE = ("source_file_id", "load_run_id", "row_hash")
_STAGE_ROWS = 50_000
_REBUILD_INDEXES_ROWS = 10_000
"""From this many rows, a first load builds the secondary indexes after the rows (measured on
SQLite's grants table: 12% less time for the insert at 100,000 rows, about even at 10,000)."""


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def natural_key(table: Table) -> list[str]:
    """The columns loads upsert on: the ``uq_<table>_key`` constraint, else the primary key."""
    for constraint in table.constraints:
        if constraint.name == f"uq_{table.name}_key":
            return [c.name for c in constraint.columns]  # type: ignore[attr-defined]
    return [c.name for c in table.primary_key.columns]


def content_columns(table: Table) -> list[str]:
    """Columns that hold the row's content (not lineage)."""
    return [c.name for c in table.columns if c.name not in LINEAGE]


_MISSING_TEXT = "\x00"
"""What a missing value hashes as."""
_ONE_KIND = frozenset(
    {"string", "boolean", "integer", "floating", "date", "datetime", "datetime64", "empty"}
)
"""Kinds of object column whose equal values (``pd.factorize``'s) always read the same as text:
not mixed ones, where 1, 1.0 and True are equal but read differently."""


def _text_hashes(values: pd.Series) -> np.ndarray:
    """``pd.util.hash_array`` of each value as ``astype("string")`` writes it (a missing value
    as ``_MISSING_TEXT``). Each distinct value is turned into text and hashed once: a file
    holds few distinct dates, amounts or names, and turning a million values into text one by
    one is most of the time of hashing them."""
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in _ONE_KIND:
        every = values.astype("string").fillna(_MISSING_TEXT).to_numpy(dtype=object)
        return pd.util.hash_array(every)
    codes, uniques = pd.factorize(values)
    distinct = pd.Series(uniques).astype("string").fillna(_MISSING_TEXT).tolist()
    # Code -1, a missing value, picks the hash of the missing text at the end.
    texts = np.array([*distinct, _MISSING_TEXT], dtype=object)
    return pd.util.hash_array(texts, categorize=False)[codes]


def _combined(column_hashes: list[np.ndarray], rows: int) -> np.ndarray:
    """The row hashes ``pd.util.hash_pandas_object`` makes of a frame from its columns' hashes
    (pandas' ``combine_hash_arrays``, which is not public: CPython's hash of a tuple)."""
    out = np.full(rows, 0x345678, dtype=np.uint64)
    multiplier = np.uint64(1000003)
    for position, hashes in enumerate(column_hashes):
        inverse = len(column_hashes) - position
        out ^= hashes
        out *= multiplier
        multiplier += np.uint64(82520 + inverse + inverse)
    out += np.uint64(97531)
    return out


def row_hashes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A stable hash of each row's content, as 16 hex digits: the hash ``pd.util.
    hash_pandas_object`` gives the row with every value as text, a missing one as
    ``_MISSING_TEXT`` (stored rows keep theirs, so it must never change)."""
    hashes = _combined([_text_hashes(frame[c]) for c in columns], len(frame))
    digits = hashes.astype(">u8").tobytes().hex()
    return pd.Series(
        [digits[i : i + 16] for i in range(0, len(digits), 16)], index=frame.index, dtype=object
    )


def _column_values(column: Column[object], values: pd.Series, dialect: str) -> list[object]:
    """Python values for the DBAPI: None for missing, ISO strings for dates on SQLite."""
    kind = column.type
    if isinstance(kind, DateTime):
        stamps = pd.to_datetime(values, errors="coerce", utc=True)
        if dialect == "sqlite":
            text = stamps.dt.tz_convert(None).dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        else:
            text = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        return text.astype(object).where(stamps.notna(), None).tolist()
    if isinstance(kind, Date):
        codes, days = _distinct_days(values)
        iso = [None if day is None else day.isoformat() for day in days]
        spread: list[object] = np.array([*iso, None], dtype=object)[codes].tolist()
        return spread
    if isinstance(kind, Boolean):
        return [None if pd.isna(v) else bool(v) for v in values]
    series = values.astype(object)
    return series.where(pd.notna(series), None).tolist()


def _distinct_days(values: pd.Series) -> tuple[np.ndarray, list[date | None]]:
    """The codes of ``pd.factorize`` and each distinct value as a day: a date-time's date, and
    None for a value that is no date (a file holds few distinct dates, so each is read once)."""
    codes, uniques = pd.factorize(values.astype(object))
    days = [
        v.date() if isinstance(v, datetime) else v if isinstance(v, date) else None for v in uniques
    ]
    return codes, days


def _staging_table(table: Table, columns: list[str]) -> Table:
    return Table(
        f"stage_{table.name}",
        MetaData(),
        *[Column(name, table.c[name].type) for name in columns],
        prefixes=["TEMPORARY"],
    )


def _python_values(column: Column[object], values: pd.Series) -> list[object]:
    """Python values of ``column``'s own type: None for missing, a value that is no date
    missing in a date column, and an integer, number or text column's values made that type
    (a 12.0 in an integer column is 12, a number in a text one is written as ``str()`` does)."""
    kind = column.type
    if isinstance(kind, DateTime):
        stamps = pd.to_datetime(values, errors="coerce", utc=True).dt.floor("us")
        return stamps.astype(object).where(stamps.notna(), None).tolist()
    if isinstance(kind, Date):
        codes, days = _distinct_days(values)
        spread: list[object] = np.array([*days, None], dtype=object)[codes].tolist()
        return spread
    if isinstance(kind, Boolean):
        return [None if pd.isna(v) else bool(v) for v in values]
    series = values.astype(object)
    plain = series.where(pd.notna(series), None).tolist()
    python_type = next((t for k, t in _PYTHON_TYPES.items() if isinstance(kind, k)), None)
    if python_type is None:
        return plain
    return [v if v is None or type(v) is python_type else python_type(v) for v in plain]


_PYTHON_TYPES: dict[type, type] = {Integer: int, Float: float, String: str}
_ARROW_TYPES: dict[type, pa.DataType] = {
    Boolean: pa.bool_(),
    Integer: pa.int64(),
    Float: pa.float64(),
    Date: pa.date32(),
    DateTime: pa.timestamp("us", tz="UTC"),
    String: pa.large_string(),
}


def _arrow_values(column: Column[object], values: pd.Series) -> pa.Array:
    """``values`` as an Arrow array of ``column``'s type. Columns that already hold that type
    (nearly all) are converted in Arrow; the others, and dates, go through ``_python_values``."""
    arrow_type = next((t for k, t in _ARROW_TYPES.items() if isinstance(column.type, k)), None)
    if arrow_type is None:
        raise TypeError(f"no Arrow type for {column.name} ({column.type})")
    if not isinstance(column.type, (Date, DateTime)):
        with suppress(pa.ArrowException, TypeError, ValueError):
            return pa.array(values, type=arrow_type, from_pandas=True)
    return pa.array(_python_values(column, values), type=arrow_type)


def _fill_staging(conn: Connection, stage: Table, frame: pd.DataFrame) -> None:
    dialect = conn.dialect.name
    columns = [c.name for c in stage.columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    if dialect == "postgresql":
        # The staging table is TEMPORARY, so already unlogged.
        _copy_rows(conn, stage, columns, frame)
        return
    prepared = {name: _column_values(stage.c[name], frame[name], dialect) for name in columns}
    placeholders = ", ".join("?" for _ in columns)
    _insert_rows(conn, f"INSERT INTO {stage.name} ({quoted}) VALUES ({placeholders})", prepared)


def _copy_rows(
    conn: Connection,
    table: Table,
    columns: list[str],
    frame: pd.DataFrame,
    *,
    in_background: bool = False,
) -> None:
    """COPY of ``frame``'s ``columns`` into the PostgreSQL ``table``, as CSV written by Arrow
    from typed columns: no Python value a cell. Binary COPY needs a Python value of each cell
    for psycopg to write; for 100,000 grants that took 1.4 client CPU seconds, this 0.45.
    Arrow quotes every text, so a missing value (unquoted, empty) and an empty text ("") stay
    apart as PostgreSQL's CSV form reads them. ``in_background``: in a first load in batches,
    send it from a second thread (``_copies_in_background``), to be waited for by the next
    write; only where nothing else runs on ``conn`` before that."""
    typed = pa.table([_arrow_values(table.c[name], frame[name]) for name in columns], columns)
    rows = io.BytesIO()
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    pa_csv.write_csv(typed, rows, options)
    quoted = ", ".join(f'"{c}"' for c in columns)
    name = conn.dialect.identifier_preparer.format_table(table)
    statement = f"COPY {name} ({quoted}) FROM STDIN (FORMAT CSV)"
    send = partial(_send_copy, conn.connection.dbapi_connection, statement, rows, conn.dialect)
    copier = conn.info.get(_COPIER) if in_background else None
    if copier is None:
        send()
        return
    _wait_for_copy(conn)
    conn.info[_COPY_IN_FLIGHT] = copier.submit(send)


def _send_copy(raw: Any, statement: str, rows: io.BytesIO, dialect: Dialect) -> None:
    import psycopg

    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(rows.getbuffer())
    except psycopg.Error as error:
        # The error SQLAlchemy would raise (IntegrityError for a key written twice, ...).
        raise DBAPIError.instance(statement, None, error, psycopg.Error, dialect=dialect) from error


_COPIER = "observatory_copier"
"""``Connection.info`` key: the thread that sends a first load's COPYs, while it lasts."""
_COPY_IN_FLIGHT = "observatory_copy_in_flight"
"""``Connection.info`` key: the COPY of the last batch, as sent to the copier (a Future)."""


def _wait_for_copy(conn: Connection) -> None:
    """Wait until the COPY sent in the background has finished, and raise its error if any."""
    in_flight = conn.info.pop(_COPY_IN_FLIGHT, None)
    if in_flight is not None:
        in_flight.result()


@contextmanager
def _copies_in_background(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send each batch's COPY from a second thread, so that the server takes in
    one batch while this thread parses the next (the second thread waits for the server
    without Python's lock). psycopg's connection lock keeps
    the statements in order: one run meanwhile waits for the COPY to finish. A COPY's error is
    raised when the next batch is written or when the block ends; an error raised in the
    block itself goes on, once the COPY in flight has finished."""
    if conn.dialect.name != "postgresql":
        yield
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="observatory-copy") as copier:
        conn.info[_COPIER] = copier
        try:
            yield
        except BaseException:
            with suppress(Exception):
                _wait_for_copy(conn)
            raise
        finally:
            conn.info.pop(_COPIER, None)
        _wait_for_copy(conn)


def _transaction_failed(conn: Connection) -> bool:
    """True when a failed statement has aborted ``conn``'s PostgreSQL transaction: it runs
    nothing more until rolled back (which undoes the temporary tables and dropped indexes)."""
    if conn.dialect.name != "postgresql":
        return False
    from psycopg.pq import TransactionStatus

    raw = conn.connection.dbapi_connection
    return bool(raw.info.transaction_status == TransactionStatus.INERROR)  # type: ignore[union-attr]


@contextmanager
def _temporary(conn: Connection, table: Table) -> Iterator[None]:
    """Create the temporary ``table``, and drop it after. After a failure, only where the
    transaction can still run it: on PostgreSQL the drop would fail with "current transaction
    is aborted" and hide the error that aborted it (the rollback removes the table anyway)."""
    table.create(conn)
    try:
        yield
    except BaseException:
        if not _transaction_failed(conn):
            with suppress(DBAPIError):
                table.drop(conn)
        raise
    table.drop(conn)


def _insert_rows(conn: Connection, statement: str, prepared: dict[str, list[object]]) -> None:
    """Run ``statement`` (one ``?`` per column of ``prepared``, in order) for every row."""
    # Straight to sqlite3, which takes an iterator (SQLAlchemy wants a list): each row's tuple
    # is made as SQLite asks for it and freed after, so the rows never all exist at once and
    # the garbage collector never walks them (a third of the time of a 100,000-row list).
    cursor = cast(sqlite3.Connection, conn.connection.dbapi_connection).cursor()
    try:
        cursor.executemany(statement, zip(*prepared.values(), strict=True))
    except sqlite3.Error as error:
        # The error SQLAlchemy would raise (IntegrityError, ...), as callers catch.
        raise DBAPIError.instance(
            statement, None, error, sqlite3.Error, dialect=conn.dialect, ismulti=True
        ) from error
    finally:
        cursor.close()


def upsert_frame(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    *,
    source_file_id: int | None,
    load_run_id: int | None,
) -> UpsertCounts:
    """Insert new rows and update changed ones of ``frame`` into ``table``; count each kind.

    ``frame`` holds the table's content columns. Keys must be unique within ``frame``.
    """
    if frame.empty:
        return UpsertCounts()
    _wait_for_copy(conn)  # its error first, and no statement is queued behind it
    conn.info.get(_ANALYZED, {}).pop(table.name, None)
    key = natural_key(table)
    content = [c for c in content_columns(table) if c in frame.columns]
    frame = frame[content].copy()
    # A key twice in the frame (which the docstring rules out) takes the staged path, where
    # the upsert decides as it always has.
    in_first_load = table.name in conn.info.get(_FIRST_LOADS, ())
    first_load = (
        conn.dialect.name in ("sqlite", "postgresql")
        and (in_first_load or _is_empty(conn, table))
        and not frame.duplicated(key).any()
    )
    if _fillable(table, content):
        # A frame may leave out columns it knows nothing about (a lookup's parent, a name). Keep
        # their stored values and hash whole rows, so a row's hash never depends on which file
        # wrote it last and reloading a file after another one finds it unchanged.
        frame = _with_stored_values(conn, table, frame, key, content, look_up=not first_load)
        content = content_columns(table)
    frame["row_hash"] = row_hashes(frame, content)
    frame["source_file_id"] = source_file_id
    frame["load_run_id"] = load_run_id
    columns = [*content, "row_hash", "source_file_id", "load_run_id"]

    if first_load:
        _insert_first_load(conn, table, frame, columns, rebuild_indexes=not in_first_load)
        # No stored row to match: every row is new, as the counting join would find.
        return UpsertCounts(inserted=len(frame))
    stage = _staging_table(table, columns)
    with _temporary(conn, stage):
        _fill_staging(conn, stage, frame)
        inserted, updated = _count_new_and_changed(conn, table, stage, key)
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = dialect_insert(table).from_select(
            columns, select(*[stage.c[c] for c in columns]).where(true())
        )
        updatable = [c for c in columns if c not in key]
        set_: dict[str, Any] = {c: statement.excluded[c] for c in updatable}
        if "version" in table.c and "version" not in columns:
            # Editors name the version they read (warehouse.editing): a load that rewrites a
            # row changes it under them like any other edit, so it moves the counter on too.
            set_["version"] = table.c.version + 1
        statement = statement.on_conflict_do_update(
            index_elements=key,
            set_=set_,
            where=table.c.row_hash != statement.excluded.row_hash,
        )
        conn.execute(statement)
    return UpsertCounts(
        inserted=int(inserted), updated=int(updated), unchanged=len(frame) - inserted - updated
    )


def _is_empty(conn: Connection, table: Table) -> bool:
    return conn.execute(select(literal_column("1")).select_from(table).limit(1)).first() is None


def _insert_first_load(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    columns: list[str],
    *,
    rebuild_indexes: bool,
) -> None:
    """Write ``frame``, whose keys are unique, straight into the empty ``table``: a COPY
    on PostgreSQL; on SQLite one prepared plain ``INSERT`` (an ``ON CONFLICT ... DO UPDATE``
    clause, though it never fires here, doubles SQLite's time per row)."""
    rows = len(frame) if rebuild_indexes else 0
    if conn.dialect.name == "postgresql":
        with _secondary_indexes_rebuilt(conn, table, rows):
            # The last statement of the batch's upsert: the next one waits for it.
            _copy_rows(conn, table, columns, frame, in_background=True)
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    placeholders = ", ".join("?" for _ in columns)
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})'
    prepared = {name: _column_values(table.c[name], frame[name], "sqlite") for name in columns}
    with _secondary_indexes_rebuilt(conn, table, rows):
        _insert_rows(conn, statement, prepared)


_FIRST_LOADS = "observatory_first_loads"
"""``Connection.info`` key: the tables a ``first_load_in_batches`` is writing."""


@contextmanager
def first_load_in_batches(conn: Connection, table: Table) -> Iterator[None]:
    """For a load that writes ``table`` a batch at a time, in one transaction. When the table
    is empty as it begins, every batch ``upsert_frame`` writes goes straight in, as the first
    one would alone, and the secondary indexes are dropped once and built once at the end. A
    file's batches never share a key (its lines sharing an id are told apart); a key written
    twice would stop the load with the unique index's error.

    On PostgreSQL, dropping the indexes locks the table (``ACCESS EXCLUSIVE``) until the load
    commits: readers of the table wait for it rather than see it empty."""
    if conn.dialect.name not in ("sqlite", "postgresql") or not _is_empty(conn, table):
        yield
        return
    loading = conn.info.setdefault(_FIRST_LOADS, set())
    with (
        _secondary_indexes_rebuilt(conn, table, _REBUILD_INDEXES_ROWS),
        _copies_in_background(conn),
    ):
        loading.add(table.name)
        try:
            yield
        finally:
            loading.discard(table.name)


@contextmanager
def _secondary_indexes_rebuilt(conn: Connection, table: Table, rows: int) -> Iterator[None]:
    """For ``rows`` or more, drop the table's non-unique indexes and create them again
    afterwards from their own ``CREATE INDEX`` text, so they end exactly as they were. Unique
    ones stay: the upsert's ``ON CONFLICT`` needs them, and a key written twice must fail.
    On PostgreSQL the table is analyzed afterwards, so what follows in the same transaction
    (the marts) is planned from its statistics, which autovacuum would gather only after the
    commit: at 1,000,000 grants the ANALYZE takes 1-2 s and the recipients mart's query 3.4 s
    after it, 7-12 s without it."""
    if rows < _REBUILD_INDEXES_ROWS or not _transactional_ddl(conn):
        yield
        return
    made = _secondary_indexes(conn, table)
    for name, _sql in made:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    try:
        yield
    except BaseException:
        # The rollback that follows puts them back anyway; where the transaction still runs
        # statements, build them at once, but never hide the error with one of our own.
        if not _transaction_failed(conn):
            with suppress(DBAPIError):
                for _name, sql in made:
                    conn.exec_driver_sql(sql)
        raise
    building = (
        sqlite_page_cache(conn, INDEX_BUILD_CACHE_KIB)
        if conn.dialect.name == "sqlite"
        else nullcontext()
    )
    with building:
        for _name, sql in made:
            conn.exec_driver_sql(sql)
    if conn.dialect.name == "postgresql":
        analyze(conn, table)


_ANALYZED = "observatory_analyzed"
"""``Connection.info`` key: for each table, the transaction in which ``analyze`` last ran on
it (a weak reference). ``upsert_frame`` forgets a table it writes to."""


def analyze(conn: Connection, table: Table) -> None:
    """Refresh the planner's statistics of ``table``, unless this transaction already did and
    has not upserted into it since: a PostgreSQL first load analyzes the grants when it has built
    their indexes, and the marts' refresh would analyze them again (1-2 s a time at 1,000,000
    grants) with nothing written in between."""
    analyzed = conn.info.setdefault(_ANALYZED, {})
    transaction = conn.get_transaction()
    earlier = analyzed.get(table.name)
    if transaction is not None and earlier is not None and earlier() is transaction:
        return
    conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.format_table(table)}")
    if transaction is not None:
        analyzed[table.name] = weakref.ref(transaction)


INDEX_BUILD_CACHE_KIB = 8 * 1024
"""SQLite's page cache while the indexes are built again after a first load. SQLite sorts an
index's keys in memory up to the page cache's size (64 MB in a load, ``bulk_load_settings``)
on top of the full cache itself, then merges sorted runs from a temporary file: at 1,000,000
grants the build took 60 MB more than the load before it. An 8 MB cache frees the cached
pages (the sort takes their memory) and sorts in 8 MB runs."""


def _transactional_ddl(conn: Connection) -> bool:
    """True when DDL run now is part of the caller's transaction, so a rollback undoes it."""
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        # psycopg begins a transaction before any statement, DDL too, unless in autocommit.
        return not raw.autocommit  # type: ignore[union-attr]
    # Outside a transaction, Python's sqlite3 would run the DDL on its own, committed at once.
    return cast(sqlite3.Connection, raw).in_transaction


def _secondary_indexes(conn: Connection, table: Table) -> list[tuple[str, str]]:
    """The table's non-unique indexes made by ``CREATE INDEX``, each as its quoted name and
    the statement that makes it again."""
    if conn.dialect.name == "postgresql":
        # pg_get_indexdef is what pg_indexes.indexdef shows. Indexes behind a constraint (an
        # exclusion constraint's are not unique) belong to the constraint: left alone.
        query = text(
            "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid)"
            " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = CAST(:table AS regclass) AND NOT x.indisunique"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname"
        )
        named = conn.dialect.identifier_preparer.format_table(table)
        return [(r[0], r[1]) for r in conn.execute(query, {"table": named})]
    listed = conn.exec_driver_sql(f'PRAGMA index_list("{table.name}")').mappings().all()
    names = [r["name"] for r in listed if not r["unique"] and r["origin"] == "c"]
    made = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name = ? AND name IN ({', '.join('?' for _ in names)})",
        (table.name, *names),
    ).all()
    return [(f'"{name}"', sql) for name, sql in made]


def _count_new_and_changed(
    conn: Connection, table: Table, stage: Table, key: list[str]
) -> tuple[int, int]:
    """Staged rows with no stored row of their key, and those whose stored hash differs: one
    pass over the staging table."""
    matches = and_(*[table.c[k] == stage.c[k] for k in key])
    stored = table.c[key[0]].is_not(None)  # a stored row matched this staged row's key
    changed = and_(stored, table.c.row_hash != stage.c.row_hash)
    row = conn.execute(
        select(
            func.coalesce(func.sum(case((stored, 0), else_=1)), 0),
            func.coalesce(func.sum(case((changed, 1), else_=0)), 0),
        ).select_from(stage.outerjoin(table, matches))
    ).one()
    return int(row[0]), int(row[1])


def _fillable(table: Table, content: list[str]) -> bool:
    """True when the frame lacks columns and each can take a stored value or null."""
    missing = [table.c[c] for c in content_columns(table) if c not in content]
    return bool(missing) and all(c.nullable and c.default is None for c in missing)


def _with_stored_values(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    key: list[str],
    content: list[str],
    *,
    look_up: bool = True,
) -> pd.DataFrame:
    """``frame`` with the columns it lacks taken from the stored rows (null for new rows).
    ``look_up=False`` says the table is empty: every row is new, so none is looked up."""
    missing = [c for c in content_columns(table) if c not in content]
    if not look_up:
        filled = frame.reset_index(drop=True)
        for column in missing:
            filled[column] = np.full(len(filled), None, dtype=object)
        return filled[content_columns(table)]
    keys = Table(
        f"stage_keys_{table.name}",
        MetaData(),
        Column("stage_position", Integer),
        *[Column(name, table.c[name].type) for name in key],
        prefixes=["TEMPORARY"],
    )
    filled = frame.reset_index(drop=True)
    staged = filled[key].assign(stage_position=np.arange(len(filled)))
    with _temporary(conn, keys):
        _fill_staging(conn, keys, staged)
        matches = and_(*[table.c[k] == keys.c[k] for k in key])
        stored = conn.execute(
            select(keys.c.stage_position, *[table.c[c] for c in missing]).select_from(
                keys.join(table, matches)
            )
        ).all()
    positions = np.array([row[0] for row in stored], dtype=np.int64)
    for offset, column in enumerate(missing, start=1):
        values = np.full(len(filled), None, dtype=object)
        values[positions] = [row[offset] for row in stored]
        filled[column] = values
    return filled[content_columns(table)]


def delete_stale_links(
    conn: Connection,
    table: Table,
    parent_column: str,
    parent_ids: list[str],
    keep: pd.DataFrame,
) -> int:
    """Delete links of the given parents that ``keep`` no longer lists. Returns rows deleted."""
    if not parent_ids:
        return 0
    key = natural_key(table)
    deleted = 0
    for start in range(0, len(parent_ids), 500):
        chunk = parent_ids[start : start + 500]
        statement = table.delete().where(table.c[parent_column].in_(chunk))
        if not keep.empty:
            pairs = [tuple(row) for row in keep[key].itertuples(index=False, name=None)]
            statement = statement.where(tuple_(*[table.c[k] for k in key]).not_in(pairs))
        deleted += conn.execute(statement).rowcount or 0
    return deleted
