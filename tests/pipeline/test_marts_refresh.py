"""A load rebuilds the marts its rows feed, in its own transaction, and no others.

The pages read ``mart_`` tables, so after every load each mart must equal a rebuild from the
fact tables; and a file that cannot change a mart (a register, an unchanged reload) must not pay
for rebuilding it (at a million grants the grant marts take most of a minute).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.extract import Source
from data_pipeline.formats import detect_format
from data_pipeline.load import load_file
from tests.pipeline.warehouse_state import warehouse_state
from warehouse.marts import refresh_marts

GRANT_MARTS = ("mart_grants_by_year", "mart_grants_by_recipient", "mart_grants_by_facet")
NEED_MART = "mart_ward_need"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's files at 300 grants, by detected format id."""
    found: dict[str, Path] = {}
    for path in write_demo(tmp_path_factory.mktemp("demo"), scale=300):
        fmt = detect_format(Source.from_path(path))
        assert fmt is not None, path.name
        found.setdefault(fmt.id, path)
    return found


@contextmanager
def marts_written(engine: Engine) -> Iterator[set[str]]:
    """The names of the marts that statements run inside the block wrote to."""
    written: set[str] = set()
    marts = (*GRANT_MARTS, NEED_MART)

    def record(*args: object) -> None:
        statement = str(args[2]).lower()
        if statement.lstrip().startswith(("insert", "delete", "update")):
            written.update(m for m in marts if m in statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield written
    finally:
        event.remove(engine, "before_cursor_execute", record)


def marts_state(engine: Engine) -> dict[str, tuple[int, str]]:
    state = warehouse_state(engine)
    return {name: state[name] for name in (*GRANT_MARTS, NEED_MART)}


def rebuilt_marts_state(engine: Engine) -> dict[str, tuple[int, str]]:
    """The marts as a full rebuild from the fact tables makes them (then put back as they were)."""
    with engine.begin() as conn:
        refresh_marts(conn)
    return marts_state(engine)


def test_every_load_leaves_the_marts_equal_to_a_full_rebuild(
    engine: Engine, demo_files: dict[str, Path]
) -> None:
    for path in sorted(demo_files.values(), key=lambda p: p.name):
        result = load_file(engine, path, load_config())
        assert not result.rejected_whole, result.problems
        after_load = marts_state(engine)
        assert after_load == rebuilt_marts_state(engine), path.name
    counts = marts_state(engine)
    assert all(counts[name][0] > 0 for name in (*GRANT_MARTS, NEED_MART)), counts


def test_a_grants_file_rebuilds_the_grant_marts_and_only_them(
    engine: Engine, demo_files: dict[str, Path]
) -> None:
    with marts_written(engine) as written:
        load_file(engine, demo_files["360giving-csv"], load_config())
    assert written == set(GRANT_MARTS)
    assert marts_state(engine)["mart_grants_by_year"][0] > 0


def test_an_area_lookup_rebuilds_the_ward_need_mart_only(
    engine: Engine, demo_files: dict[str, Path]
) -> None:
    lookup = next(path for fmt, path in demo_files.items() if fmt.startswith("area-lookup"))
    with marts_written(engine) as written:
        load_file(engine, lookup, load_config())
    assert written == {NEED_MART}


def test_registers_and_unchanged_reloads_rebuild_no_mart(
    engine: Engine, demo_files: dict[str, Path]
) -> None:
    load_file(engine, demo_files["360giving-csv"], load_config())
    registers = [path for fmt, path in demo_files.items() if fmt.startswith("register-")]
    assert registers
    with marts_written(engine) as written:
        for path in registers:
            assert not load_file(engine, path, load_config()).rejected_whole
        again = load_file(engine, demo_files["360giving-csv"], load_config())
    assert (again.inserted, again.updated) == (0, 0)
    assert written == set()
    assert marts_state(engine) == rebuilt_marts_state(engine)
