"""ETL speed: load the demo's 1,000,000-grant 360Giving CSV through the pipeline into SQLite and
into PostgreSQL, beside each one's floor: ``pandas.read_csv`` plus ``DataFrame.to_sql`` of the
same file into a bare SQLite table, and psycopg ``COPY`` of the same file into a bare
PostgreSQL table of text columns.

Writing the demo, each floor and each pipeline load run in a process of their own, so each
one's peak memory is its own and no step inherits another's caches. PostgreSQL is a throw-away
cluster (``fsync=off``, as in the tests) made for the run.

    python -m benchmarks.etl_load [--scale 1000000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from benchmarks.common import postgres_bin, postgres_cluster, record
from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.extract import Source
from data_pipeline.formats import detect_format
from data_pipeline.load import load_file
from warehouse.db import make_engine, upgrade_schema

# seconds, rows or files, peak resident memory in GB, CPU seconds of the process
Timing = tuple[float, int, float, float]
TARGET_RATIO = 1.5


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux gives KiB


def _cpu_seconds() -> float:
    """User and system CPU time of this process: unlike the wall clock, hardly moved by other
    work on a shared machine (a PostgreSQL server's own CPU is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_files(folder: Path, scale: int) -> Timing:
    start, cpu = time.perf_counter(), _cpu_seconds()
    files = write_demo(folder, scale=scale)
    return time.perf_counter() - start, len(files), _peak_gb(), _cpu_seconds() - cpu


def grants_csv(folder: Path) -> Path:
    for path in sorted(folder.iterdir()):
        fmt = detect_format(Source.from_path(path))
        if fmt is not None and fmt.id == "360giving-csv":
            return path
    raise SystemExit("the demo wrote no 360Giving CSV")


def time_pipeline(path: Path, url: str) -> Timing:
    engine = make_engine(url)
    upgrade_schema(engine)
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = load_file(engine, path, load_config())
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    engine.dispose()
    if result.rejected_whole or result.rejected:
        raise SystemExit(f"the pipeline rejected rows: {result.problems[:3]}")
    return elapsed, result.inserted, _peak_gb(), cpu


def time_pandas_floor(path: Path, database: Path) -> Timing:
    connection = sqlite3.connect(database)
    start, cpu = time.perf_counter(), _cpu_seconds()
    frame = pd.read_csv(path)
    frame.to_sql("bare_grants", connection, index=False)
    connection.commit()
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    connection.close()
    return elapsed, len(frame), _peak_gb(), cpu


def time_copy_floor(path: Path, url: str) -> Timing:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{i}" text' for i in range(len(header)))
    with psycopg.connect(dsn) as connection:
        connection.execute(f"CREATE TABLE bare_grants ({columns})")
        start, cpu = time.perf_counter(), _cpu_seconds()
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY bare_grants FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as source,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        connection.commit()
        elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        rows = connection.execute("SELECT count(*) FROM bare_grants").fetchone()
    return elapsed, int(rows[0]) if rows else 0, _peak_gb(), cpu


def in_own_process(task: Callable[..., Timing], *args: object) -> Timing:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(task, *args).result()


def _row(label: str, timing: Timing) -> str:
    seconds, rows, gb, cpu = timing
    return (
        f"| {label} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | {cpu:.1f} | {gb:.2f} GB |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None, help="reuse the demo files here")
    parser.add_argument("--quick", action="store_true", help="(accepted; nothing to shorten)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-etl-") as tmp:
        folder = Path(tmp)
        demo = (args.workdir or folder) / f"demo-{args.scale}"
        if demo.is_dir() and any(demo.iterdir()):
            print(f"demo --scale {args.scale:,}: files reused from the work folder ({demo.name})")
        else:
            written_s, file_count, written_gb, _ = in_own_process(write_files, demo, args.scale)
            print(
                f"demo --scale {args.scale:,}: wrote {file_count} files in {written_s:.1f} s, "
                f"peak memory {written_gb:.2f} GB"
            )
        path = grants_csv(demo)
        print(f"grants CSV: {path.name}, {path.stat().st_size / 1e6:.0f} MB\n")
        sqlite_floor = in_own_process(time_pandas_floor, path, folder / "floor.db")
        sqlite_pipe = in_own_process(time_pipeline, path, f"sqlite:///{folder / 'pipeline.db'}")
        pg_floor = pg_pipe = None
        if postgres_bin() is not None:
            with postgres_cluster() as url:
                pg_floor = in_own_process(time_copy_floor, path, url)
                pg_pipe = in_own_process(time_pipeline, path, url)
    print("| load | rows | seconds | rows/s | CPU seconds (client) | peak memory |")
    print("|---|---:|---:|---:|---:|---:|")
    print(_row("SQLite floor: pandas read_csv + to_sql", sqlite_floor))
    print(_row("SQLite pipeline (validate, transform, upsert, marts)", sqlite_pipe))
    if pg_floor and pg_pipe:
        print(_row("PostgreSQL floor: psycopg COPY", pg_floor))
        print(_row("PostgreSQL pipeline (validate, transform, upsert, marts)", pg_pipe))
    print()
    sqlite_ratio = sqlite_pipe[0] / sqlite_floor[0]
    print(f"SQLite ratio pipeline/floor: {sqlite_ratio:.2f}x (target <= {TARGET_RATIO}x)")
    cpu_ratio = sqlite_pipe[3] / sqlite_floor[3]
    print(f"SQLite ratio pipeline/floor in CPU seconds: {cpu_ratio:.2f}x (both run in-process)")
    record("ETL SQLite", sqlite_pipe[1] / sqlite_pipe[0], "rows/s", ratio=sqlite_ratio)
    record("ETL SQLite floor", sqlite_floor[1] / sqlite_floor[0], "rows/s")
    if pg_floor and pg_pipe:
        pg_ratio = pg_pipe[0] / pg_floor[0]
        print(f"PostgreSQL ratio pipeline/COPY: {pg_ratio:.2f}x (target <= {TARGET_RATIO}x)")
        record("ETL PostgreSQL", pg_pipe[1] / pg_pipe[0], "rows/s", ratio=pg_ratio)
        record("ETL PostgreSQL floor", pg_floor[1] / pg_floor[0], "rows/s")
    else:
        print("PostgreSQL is not installed: its ETL figures were skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
