"""A large file is parsed in a process of its own while the loader writes (SQLite): what the
warehouse holds afterwards (grants, rejects, warnings, money) is exactly what a parse in the
loader's own process gives, for every real 360Giving file and for a file of several batches
whose problems straddle them; a parse that dies or a write that fails leaves the warehouse as
it was, and the other process is not left running."""

from __future__ import annotations

import csv
import pickle
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, Table
from sqlalchemy.exc import OperationalError

from data_pipeline import load, parse_apart
from data_pipeline.config import load_config
from data_pipeline.errors import FileRejected, Problem
from data_pipeline.formats import format_by_id, threesixtygiving
from data_pipeline.load import LoadResult, load_file
from tests.conftest import FIXTURES
from tests.pipeline.test_threesixtygiving_batches import HEADER, _hostile_rows, _loaded_state
from tests.pipeline.warehouse_state import warehouse_state
from warehouse.db import make_engine, upgrade_schema

# Real published files (their sources are in tests/fixtures/real/SOURCES.md).
GRANTS = FIXTURES / "real" / "360giving"
REAL = sorted(p for p in GRANTS.rglob("*") if p.is_file() and p.parent.name != "registry")


@pytest.fixture
def parsed_apart(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every file of any size is parsed apart; the processes started, as they are started."""
    monkeypatch.setattr(parse_apart, "APART_FROM_BYTES", 0)
    monkeypatch.setattr(parse_apart, "_cores", lambda: 2)
    started: list[subprocess.Popen[bytes]] = []
    real_init = parse_apart._ParseProcess.__init__

    def noted(
        self: parse_apart._ParseProcess, process: subprocess.Popen[bytes], *a: object
    ) -> None:
        started.append(process)
        real_init(self, process, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(parse_apart._ParseProcess, "__init__", noted)
    return started


def _load(path: Path, folder: Path) -> tuple[LoadResult, dict[str, object]]:
    """The load's result, and what the warehouse holds after it: every table (the marts
    too), and the grants, rejects, warnings and money of the load."""
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'warehouse.db'}")
    upgrade_schema(engine)
    try:
        result = load_file(engine, path, load_config())
        return result, {**_loaded_state(engine), **warehouse_state(engine, include_meta=False)}
    finally:
        engine.dispose()


def _comparable(result: LoadResult) -> tuple[object, ...]:
    return (
        result.format_id,
        result.rows_read,
        result.inserted,
        result.rejected,
        result.rejected_whole,
        result.problems,
        result.warnings,
        result.money,
        result.pence_loaded,
    )


def _loaded_both_ways(
    path: Path,
    tmp_path: Path,
    parsed_apart: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> LoadResult:
    """Load ``path`` parsed apart, then parsed in this process, into fresh warehouses; check
    that both give the same result and warehouse, and that the rows and pence reconcile."""
    apart, apart_state = _load(path, tmp_path / "apart")
    assert len(parsed_apart) == 1, "the file was not parsed in a process of its own"
    monkeypatch.setattr(parse_apart, "APART_FROM_BYTES", 2**62)
    here, here_state = _load(path, tmp_path / "here")
    assert len(parsed_apart) == 1, "the second load was parsed apart too"
    assert _comparable(apart) == _comparable(here)
    assert apart_state == here_state
    if not apart.rejected_whole:
        assert apart.loaded + apart.rejected == apart.rows_read
    if apart.money is not None:
        loaded = apart.pence_loaded or 0
        assert loaded + apart.money.rejected_pence == apart.money.read_pence
    return here


@pytest.mark.parametrize("path", REAL, ids=[str(p.relative_to(FIXTURES / "real")) for p in REAL])
def test_a_real_file_parsed_apart_loads_what_it_loads_parsed_here(
    path: Path,
    tmp_path: Path,
    parsed_apart: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _loaded_both_ways(path, tmp_path, parsed_apart, monkeypatch)
    assert parsed_apart[0].returncode is not None


@pytest.fixture
def batches_csv(tmp_path: Path) -> Path:
    """Three batches of 25,000 grants: the hostile rows' problems at the start and the end
    (repeats of ids and rows, rejects, a slash date settled by the last row), plain grants
    between them."""
    hostile = _hostile_rows()
    plain = [
        [
            f"360G-P-{n}",
            f"Grant {n}",
            "GBP",
            str(100 + n % 997),
            "2024-04-01",
            "",
            "GB-CHC-7",
            "Org 7",
            "GB-COH-1",
            "Funder",
        ]
        for n in range(2 * threesixtygiving.ROWS_PER_BATCH + 100)
    ]
    path = tmp_path / "grants.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([HEADER, *hostile[:60], *plain, *hostile[60:], hostile[7]])
    return path


def test_a_file_of_several_batches_parsed_apart_loads_what_it_loads_parsed_here(
    batches_csv: Path,
    tmp_path: Path,
    parsed_apart: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = _loaded_both_ways(batches_csv, tmp_path, parsed_apart, monkeypatch)
    assert here.rows_read > 2 * threesixtygiving.ROWS_PER_BATCH
    assert here.rejected and here.warnings  # the hostile rows are in the file


REASONS = {
    # killed, as the system kills a process for memory, once the first batch is written
    "the parse dies": "the process parsing the file ended before it had read it all",
    "a write fails": "disk I/O error",  # the second batch's, as on a full disk
}


@pytest.mark.parametrize("failure", REASONS)
def test_a_failure_part_way_leaves_the_warehouse_as_it_was_and_the_parse_stopped(
    failure: str,
    sqlite_engine: Engine,
    batches_csv: Path,
    parsed_apart: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = warehouse_state(sqlite_engine)
    real_upsert = load._upsert
    written: list[str] = []

    def failing(conn: Connection, table: Table, *a: object) -> object:
        written.append(table.name)
        if failure == "a write fails" and len(written) == 2:
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        counts = real_upsert(conn, table, *a)  # type: ignore[arg-type]
        if failure == "the parse dies":
            parsed_apart[0].kill()
        return counts

    monkeypatch.setattr(load, "_upsert", failing)
    result = load_file(sqlite_engine, batches_csv, load_config())

    assert result.rejected_whole and REASONS[failure] in str(result.problems[0])
    assert parsed_apart[0].poll() is not None, "the parse was left running"
    after = warehouse_state(sqlite_engine)
    runs_before, runs_after = before.pop("meta_load_runs"), after.pop("meta_load_runs")
    assert after == before
    assert runs_after[0] == runs_before[0] + 1  # the refused run, with its reason


def test_a_parse_that_cannot_start_is_reported_and_nothing_is_written(
    sqlite_engine: Engine,
    batches_csv: Path,
    parsed_apart: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Python that exits at once (as one missing the pipeline's packages would)."""
    before = warehouse_state(sqlite_engine, include_meta=False)
    monkeypatch.setattr(parse_apart.sys, "executable", "/bin/false")
    result = load_file(sqlite_engine, batches_csv, load_config())

    assert result.rejected_whole
    assert "ended before it had read it all (exit code 1)" in str(result.problems[0])
    assert parsed_apart[0].returncode == 1
    assert warehouse_state(sqlite_engine, include_meta=False) == before


def test_a_file_rejected_in_the_other_process_is_rejected_with_its_own_reason() -> None:
    rejected = FileRejected("grants.csv", "is not text in UTF-8", 12, "Amount Awarded")
    crossed = pickle.loads(pickle.dumps(rejected))
    assert isinstance(crossed, FileRejected)
    assert crossed.problem == Problem("grants.csv", 12, "Amount Awarded", "is not text in UTF-8")
    assert str(crossed) == str(rejected)


def test_a_large_file_is_parsed_apart_only_where_it_pays(tmp_path: Path) -> None:
    fmt = format_by_id("360giving-csv")
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(b"x" * 1024)
    with large.open("wb") as out:
        out.truncate(parse_apart.APART_FROM_BYTES)
    two_cores = parse_apart._cores() >= 2
    assert parse_apart.worth_parsing_apart(fmt, large, "sqlite") is two_cores
    assert not parse_apart.worth_parsing_apart(fmt, small, "sqlite")
    # PostgreSQL overlaps the parse with its COPY already, in the loader's own process.
    assert not parse_apart.worth_parsing_apart(fmt, large, "postgresql")
