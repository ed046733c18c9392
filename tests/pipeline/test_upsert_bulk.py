"""Bulk writes keep the upsert's behaviour, on both engines: a first load into an empty table
(written straight into it, a plain INSERT on SQLite and a COPY on PostgreSQL, its
secondary indexes built afterwards) stores and counts the same rows as a load through the
staging table; the same frame again is unchanged; a changed row is updated; batches in one
transaction see each other's rows; the indexes end as the schema made them; a key written twice
or a failed batch fails with the database's own error and leaves the table as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, delete, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.sql_statements import statements_sent
from warehouse.marts_grants import refresh_grant_facets
from warehouse.schema import fct_grants
from warehouse.upsert import (
    _REBUILD_INDEXES_ROWS,
    UpsertCounts,
    first_load_in_batches,
    upsert_frame,
)

# Enough rows for the first load on SQLite to drop and rebuild the secondary indexes.
ROWS = _REBUILD_INDEXES_ROWS


def grants(count: int, start: int = 0) -> pd.DataFrame:
    """Grants as the pipeline's transform hands them over, with gaps, text and every type.
    ``description`` is left out: the upsert fills it from the stored rows (none, here)."""
    numbers = range(start, start + count)
    return pd.DataFrame(
        {
            "grant_id": pd.array([f"G-{n:06d}" for n in numbers], dtype="string"),
            "title": pd.array([f'Grant "{n}", line\nbreak' for n in numbers], dtype="string"),
            "currency": "GBP",
            "amount_awarded_pence": pd.array(
                [None if n % 7 == 0 else n * 101 for n in numbers], dtype="Int64"
            ),
            "award_date": [date(2020 + n % 5, 1 + n % 12, 1 + n % 28) for n in numbers],
            "financial_year": pd.array(
                [f"{2019 + n % 5}/{(20 + n % 5) % 100:02d}" for n in numbers], dtype="string"
            ),
            "duration_months": pd.array(
                [None if n % 3 else n / 4 for n in numbers], dtype="Float64"
            ),
            "funder_org_id": pd.array([f"GB-F-{n % 13}" for n in numbers], dtype="string"),
            "recipient_name": pd.array(
                [None if n % 5 == 0 else "" if n % 5 == 1 else f"Org {n}" for n in numbers],
                dtype="string",
            ),
            "recipient_is_individual": [n % 2 == 0 for n in numbers],
            "route": "grant",
            "direction": pd.array(
                ["awarded" if n % 4 else "received" for n in numbers], dtype="string"
            ),
            "is_pc_research": [n % 3 == 0 for n in numbers],
            "date_modified": pd.to_datetime(
                [datetime(2024, 1, 1, n % 24, n % 60, tzinfo=UTC) for n in numbers], utc=True
            ),
        }
    )


def stored(conn: Connection) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(select(fct_grants).order_by(fct_grants.c.grant_id))]


def load(conn: Connection, frame: pd.DataFrame) -> UpsertCounts:
    return upsert_frame(conn, fct_grants, frame, source_file_id=None, load_run_id=None)


def indexes(conn: Connection) -> list[dict[str, Any]]:
    """Every index of the grants table as the database describes it (and on SQLite, the
    statement that made each one)."""
    found = sorted(inspect(conn).get_indexes(fct_grants.name), key=lambda i: str(i["name"]))
    if conn.dialect.name == "sqlite":
        listed = conn.exec_driver_sql(f"PRAGMA index_list({fct_grants.name})").all()
        made = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
            (fct_grants.name,),
        ).all()
        return [*[dict(i) for i in found], {"index_list": sorted(listed)}, {"sql": sorted(made)}]
    made = conn.exec_driver_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %(table)s",
        {"table": fct_grants.name},
    ).all()
    return [*[dict(i) for i in found], {"indexdef": sorted(made)}]


def staged(sent: list[str]) -> list[str]:
    """Those of ``sent`` that made a staging table or upserted from one."""
    return [s for s in sent if "stage_" in s or "ON CONFLICT" in s.upper()]


def unique_violation(error: BaseException) -> bool:
    """The error a key written twice raises, on either engine, and not one that hides it."""
    message = str(error)
    said = "UNIQUE constraint failed" in message or "duplicate key value" in message
    return isinstance(error, IntegrityError) and said and "aborted" not in message


def test_a_first_load_stores_and_counts_what_the_staged_upsert_does(engine: Engine) -> None:
    frame = grants(ROWS)
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))  # the load's transaction has begun, as in the pipeline
        first = load(conn, frame)
        first_rows = stored(conn)
    with engine.begin() as conn:
        again = load(conn, frame)
        assert stored(conn) == first_rows
    assert (first.inserted, first.updated, first.unchanged) == (ROWS, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, ROWS)

    # The same rows loaded into a table that already holds one go through the staging table.
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))
        load(conn, grants(1, start=ROWS))
        staged = load(conn, frame)
        staged_rows = stored(conn)[:-1]
    assert (staged.inserted, staged.updated, staged.unchanged) == (ROWS, 0, 0)
    assert staged_rows == first_rows
    assert first_rows[0][fct_grants.c.keys().index("description")] is None


def test_a_changed_row_is_updated_and_the_rest_unchanged(engine: Engine) -> None:
    frame = grants(ROWS)
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))
        load(conn, frame)
    changed = frame.copy()
    changed.loc[5, "title"] = "A new title"
    with engine.begin() as conn:
        counts = load(conn, changed)
        title = conn.execute(
            select(fct_grants.c.title).where(fct_grants.c.grant_id == "G-000005")
        ).scalar_one()
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, ROWS - 1)
    assert title == "A new title"


def test_batches_in_one_transaction_see_the_rows_of_the_first(engine: Engine) -> None:
    """The pipeline upserts a large file in batches inside one transaction: only the first
    finds the table empty, and a later batch that repeats a row finds it unchanged."""
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))
        first = load(conn, grants(ROWS))
        second = load(conn, grants(100, start=ROWS - 40))
        count = len(stored(conn))
    assert (first.inserted, first.updated, first.unchanged) == (ROWS, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (60, 0, 40)
    assert count == ROWS + 60


def test_the_indexes_exist_as_the_schema_made_them_after_a_first_load(engine: Engine) -> None:
    with engine.connect() as conn:
        before = indexes(conn)
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))
        load(conn, grants(ROWS))
    with engine.connect() as conn:
        after = indexes(conn)
    assert after == before
    names = {str(i["name"]) for i in after if "name" in i}
    assert {str(i.name) for i in fct_grants.indexes} <= names


def test_a_failed_first_load_leaves_the_indexes_in_place(engine: Engine) -> None:
    with engine.connect() as conn:
        before = indexes(conn)
    frame = grants(ROWS)
    frame.loc[ROWS - 1, "route"] = None  # route is required: the last row fails the insert
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(delete(fct_grants))
        load(conn, frame)
    with engine.connect() as conn:
        assert indexes(conn) == before
        assert stored(conn) == []


def test_a_first_load_in_batches_goes_straight_into_the_table(engine: Engine) -> None:
    """No staging table, no ON CONFLICT: each batch is written straight in, the indexes are
    built once at the end as they were, and the same batches again find every row unchanged."""
    with engine.connect() as conn:
        before = indexes(conn)
    batches = [grants(ROWS, start=0), grants(ROWS // 2, start=ROWS), grants(7, start=2 * ROWS)]
    with engine.begin() as conn, statements_sent(conn) as sent:
        conn.execute(delete(fct_grants))
        with first_load_in_batches(conn, fct_grants):
            counts = [load(conn, batch) for batch in batches]
        first_rows = stored(conn)
    assert staged(sent) == []
    assert [(c.inserted, c.updated, c.unchanged) for c in counts] == [
        (len(b), 0, 0) for b in batches
    ]
    total = sum(len(b) for b in batches)
    assert len(first_rows) == total
    with engine.connect() as conn:
        assert indexes(conn) == before
        if conn.dialect.name == "postgresql":
            # Analyzed in the load's transaction, so the marts after it are planned from it.
            analyzed = conn.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE relname = 'fct_grants'"
            ).scalar_one()
            assert analyzed == total

    with engine.begin() as conn, statements_sent(conn) as sent:
        with first_load_in_batches(conn, fct_grants):
            again = [load(conn, batch) for batch in batches]
        assert stored(conn) == first_rows
    assert staged(sent) != []  # the table held rows: the upsert, as ever
    assert [(c.inserted, c.updated, c.unchanged) for c in again] == [
        (0, 0, len(b)) for b in batches
    ]


def test_the_grants_are_analyzed_once_unless_written_again(engine: Engine) -> None:
    """A first load and the marts' refresh after it, in one transaction, analyze the grants
    once (PostgreSQL's first load analyzes them when it has built their indexes; SQLite's
    marts refresh does); a write after that makes the next refresh analyze them again."""

    def analyzes(sent: list[str]) -> int:
        return sum(s.strip().upper().startswith("ANALYZE") for s in sent)

    with engine.begin() as conn, statements_sent(conn) as sent:
        conn.execute(delete(fct_grants))
        with first_load_in_batches(conn, fct_grants):
            load(conn, grants(ROWS))
        refresh_grant_facets(conn)
        assert analyzes(sent) == 1
        load(conn, grants(3, start=ROWS))
        refresh_grant_facets(conn)
        assert analyzes(sent) == 2
    with engine.begin() as conn, statements_sent(conn) as sent:
        refresh_grant_facets(conn)  # a new transaction
    assert analyzes(sent) == 1


def test_a_single_first_load_goes_straight_into_the_table(engine: Engine) -> None:
    with engine.begin() as conn, statements_sent(conn) as sent:
        conn.execute(delete(fct_grants))
        counts = load(conn, grants(50))
    assert staged(sent) == []
    assert (counts.inserted, counts.updated, counts.unchanged) == (50, 0, 0)


def test_values_of_another_type_are_stored_as_their_column_s_type(engine: Engine) -> None:
    """A frame column of Python objects that are not the table column's type (a 12.0 in an
    integer column, numbers in a text one, a date-time in a date one) is stored as that type,
    missing values as missing, whether it goes straight in or through the staging table."""
    frame = grants(3, start=2 * ROWS)
    frame["recipient_name"] = pd.Series([5, None, 7.5], dtype=object)
    frame["amount_awarded_pence"] = pd.Series([12.0, None, 3], dtype=object)
    frame["planned_start_date"] = pd.Series(
        [datetime(2021, 3, 4, 5, 6), None, "no date"], dtype=object
    )
    ids = frame["grant_id"].tolist()
    expected = [(ids[0], "5", 12, date(2021, 3, 4)), (ids[1], None, None, None)]
    expected.append((ids[2], "7.5", 3, None))
    columns = [
        fct_grants.c[n]
        for n in ("grant_id", "recipient_name", "amount_awarded_pence", "planned_start_date")
    ]
    for earlier_rows in (0, 1):
        with engine.begin() as conn:
            conn.execute(delete(fct_grants))
            load(conn, grants(earlier_rows, start=ROWS))  # one stored row: the staging table
            load(conn, frame)
            got = conn.execute(select(*columns).where(fct_grants.c.grant_id.in_(ids))).all()
        assert sorted(tuple(r) for r in got) == expected


def test_a_key_repeated_in_a_later_batch_fails_with_the_unique_violation(engine: Engine) -> None:
    with engine.connect() as conn:
        before = indexes(conn)
    with pytest.raises(DBAPIError) as raised, engine.begin() as conn:
        conn.execute(delete(fct_grants))
        with first_load_in_batches(conn, fct_grants):
            load(conn, grants(ROWS))
            load(conn, grants(10, start=ROWS - 3))  # three keys the first batch wrote
    assert unique_violation(raised.value), raised.value
    with engine.connect() as conn:
        assert stored(conn) == []
        assert indexes(conn) == before


def test_a_failure_in_a_later_batch_leaves_the_table_as_it_was(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))
        load(conn, grants(3, start=5 * ROWS))  # a table with rows already: reloaded below
    with engine.connect() as conn:
        before, rows_before = indexes(conn), stored(conn)
    with pytest.raises(MemoryError), engine.begin() as conn:
        conn.execute(delete(fct_grants))
        with first_load_in_batches(conn, fct_grants):
            for number in range(4):
                if number == 3:
                    raise MemoryError("the machine ran out of memory")
                load(conn, grants(ROWS // 2, start=number * ROWS))
    failing = grants(20, start=ROWS)
    failing.loc[19, "route"] = None  # route is required: the last row fails
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(delete(fct_grants))
        with first_load_in_batches(conn, fct_grants):
            load(conn, grants(ROWS))
            load(conn, failing)
    with engine.connect() as conn:
        assert indexes(conn) == before
        assert stored(conn) == rows_before


def test_a_failed_upsert_through_the_staging_table_raises_its_own_error(engine: Engine) -> None:
    """The staging table is dropped only while the transaction can still drop it: on
    PostgreSQL, a drop after the failed statement would fail with "current transaction is
    aborted" and hide the error that aborted it."""
    with engine.begin() as conn:
        conn.execute(delete(fct_grants))
        load(conn, grants(5))
    failing = grants(10)
    failing.loc[9, "route"] = None
    with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
        load(conn, failing)
    message = str(raised.value)
    said = "NOT NULL" in message.upper().replace("-", " ")  # "not-null" on PostgreSQL
    assert said and "aborted" not in message, message
    with engine.connect() as conn:
        assert len(stored(conn)) == 5
