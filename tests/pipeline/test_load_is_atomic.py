"""Nothing lost, nothing half-done: whole-file rejections, killed loads and reloads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.extract import Source
from data_pipeline.formats import detect_format
from data_pipeline.load import load_file
from tests.conftest import ROOT
from tests.pipeline.warehouse_state import warehouse_state
from warehouse.schema import fct_grants, meta_load_runs

KILL_SCALE = 200_000


def _grants_file(folder: Path, scale: int) -> Path:
    """The 360Giving grants CSV that the demo writes at this scale."""
    for path in write_demo(folder, scale=scale):
        fmt = detect_format(Source.from_path(path))
        if fmt is not None and fmt.id == "360giving-csv":
            return path
    raise AssertionError("the demo wrote no 360Giving CSV")


@pytest.fixture(scope="module")
def big_grants_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _grants_file(tmp_path_factory.mktemp("big"), KILL_SCALE)


@pytest.fixture(scope="module")
def small_grants_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _grants_file(tmp_path_factory.mktemp("small"), 300)


def test_a_file_rejected_whole_changes_no_data_and_keeps_its_refused_run(
    engine: Engine, small_grants_csv: Path, tmp_path: Path
) -> None:
    load_file(engine, small_grants_csv, load_config())
    before = warehouse_state(engine)
    broken = tmp_path / "broken.json"
    broken.write_text('{"grants": [ {"id": "360G-x", ', encoding="utf-8")

    result = load_file(engine, broken, load_config())

    assert result.rejected_whole
    assert "broken.json" in str(result.problems[0])
    after = warehouse_state(engine)
    runs_before, runs_after = before.pop("meta_load_runs"), after.pop("meta_load_runs")
    assert after == before
    assert runs_after[0] == runs_before[0] + 1
    with engine.connect() as conn:
        status, message = conn.execute(
            select(meta_load_runs.c.status, meta_load_runs.c.message).where(
                meta_load_runs.c.load_run_id == result.load_run_id
            )
        ).one()
    assert (status, message) == ("rejected", str(result.problems[0]))


def test_loading_the_same_file_twice_changes_nothing(
    engine: Engine, small_grants_csv: Path
) -> None:
    first = load_file(engine, small_grants_csv, load_config())
    after_first = warehouse_state(engine, include_meta=False)
    second = load_file(engine, small_grants_csv, load_config())

    assert (first.inserted, first.rejected) == (300, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 300)
    assert warehouse_state(engine, include_meta=False) == after_first


def test_a_corrected_file_updates_rows_instead_of_adding(
    engine: Engine, small_grants_csv: Path, tmp_path: Path
) -> None:
    load_file(engine, small_grants_csv, load_config())
    lines = small_grants_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].split(",")
    title_column = header.index("Title")
    fields = lines[1].split(",")
    grant_id = fields[0]
    fields[title_column] = "A corrected title"
    corrected = tmp_path / small_grants_csv.name
    corrected.write_text(lines[0] + ",".join(fields) + "".join(lines[2:]), encoding="utf-8")

    result = load_file(engine, corrected, load_config())

    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 299)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fct_grants)).scalar_one() == 300
        title = conn.execute(
            select(fct_grants.c.title).where(fct_grants.c.grant_id == grant_id)
        ).scalar_one()
    assert title == "A corrected title"


def _kill_when(proc: subprocess.Popen[bytes], started_writing: object, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("the load finished before it could be killed; use a bigger file")
        if started_writing():  # type: ignore[operator]
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the load never started writing")


def test_a_load_killed_halfway_leaves_the_warehouse_as_it_was(
    engine: Engine, database_url: str, small_grants_csv: Path, big_grants_csv: Path
) -> None:
    load_file(engine, small_grants_csv, load_config())
    before = warehouse_state(engine)

    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        wal = Path(engine.url.database + "-wal")  # type: ignore[operator]

        def started_writing() -> bool:
            return wal.exists() and wal.stat().st_size > 4_000_000

    else:

        def started_writing() -> bool:
            with engine.connect() as conn:
                return bool(
                    conn.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                            "AND query ILIKE 'INSERT INTO fct_grants%'"
                        )
                    ).scalar_one()
                )

    env = {**os.environ, "DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "data_pipeline", "load", str(big_grants_csv)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kill_when(proc, started_writing, limit=300)

    engine.dispose()
    assert warehouse_state(engine) == before

    result = load_file(engine, big_grants_csv, load_config())
    assert result.rejected == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fct_grants)).scalar_one() >= KILL_SCALE
        statuses = conn.execute(select(meta_load_runs.c.status)).scalars().all()
    assert "running" not in statuses
