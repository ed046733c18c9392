"""ETL speed: load the demo's 1,000,000-grant 360Giving CSV through the pipeline into SQLite and
into PostgreSQL, beside each one's floor: ``pandas.read_csv`` plus ``DataFrame.to_sql`` of the
same file into a bare SQLite table, and psycopg ``COPY`` of the same file into a bare
PostgreSQL table of text columns.

Writing the demo, each floor and each pipeline load run in a process of their own, so each
one's peak memory is its own and no step inherits another's caches. PostgreSQL is a throw-away
cluster (``fsync=off``, as in the tests) made for the run.

Also: the same file loaded again (found unchanged: it must take under a tenth of the first
load), and the growth table: the SQLite pipeline at 10,000 and 100,000 grants beside
``--scale`` (rows/s, seconds per 100,000 grants and peak memory, each load in its own process).

    python -m benchmarks.etl_load [--scale 1000000] [--workdir DIR] [--growth 10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import os
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
SQLITE_TARGET = 1.0  # issue 21: the pipeline against pandas read_csv + to_sql
POSTGRES_TARGET = 3.0  # issue 21: the pipeline against a psycopg COPY of the file
RELOAD_TARGET = 0.1


def _peak_gb() -> float:
    """The process's peak resident memory, plus the largest of its children's: a SQLite load
    of a large file parses it in a process of its own (``data_pipeline.parse_apart``), which
    runs beside the loader, so the sum is what the machine must have at most."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024**2  # Linux gives KiB


def _cpu_seconds() -> float:
    """User and system CPU time of this process and its children (a parse in a process of
    its own): unlike the wall clock, hardly moved by other work on a shared machine (a
    PostgreSQL server's own CPU is not in it)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


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


def time_reload(path: Path, url: str) -> Timing:
    """The same file loaded again into the warehouse it was just loaded into: unchanged."""
    engine = make_engine(url)
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = load_file(engine, path, load_config())
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    engine.dispose()
    if result.status != "unchanged":
        raise SystemExit(f"the reload was not found unchanged: {result.status}")
    return elapsed, result.unchanged, _peak_gb(), cpu


def demo_grants(workdir: Path, scale: int) -> Path:
    """The demo's grants CSV at ``scale``, written unless a run before left it in ``workdir``."""
    demo = workdir / f"demo-{scale}"
    if demo.is_dir() and any(demo.iterdir()):
        print(f"demo --scale {scale:,}: files reused from the work folder ({demo.name})")
    else:
        written_s, file_count, written_gb, _ = in_own_process(write_files, demo, scale)
        print(
            f"demo --scale {scale:,}: wrote {file_count} files in {written_s:.1f} s, "
            f"peak memory {written_gb:.2f} GB"
        )
    return grants_csv(demo)


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


def growth_table(timings: dict[int, Timing]) -> list[str]:
    """Rows/s and peak memory of the SQLite pipeline by size: cost linear in rows keeps the
    seconds per 100,000 rows level; memory bounded by the batch keeps peak memory level."""
    smallest = min(timings)
    lines = [
        "| grants | seconds | rows/s | seconds per 100,000 grants | peak memory | "
        f"memory / {smallest:,} grants' |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in sorted(timings):
        seconds, rows, gb, _cpu = timings[scale]
        lines.append(
            f"| {scale:,} | {seconds:.1f} | {rows / seconds:,.0f} | "
            f"{seconds / rows * 100_000:.2f} | {gb:.2f} GB | {gb / timings[smallest][2]:.2f}x |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None, help="reuse the demo files here")
    parser.add_argument("--quick", action="store_true", help="no growth table (one size only)")
    parser.add_argument(
        "--growth",
        default="10000,100000",
        help="other sizes for the growth table, comma-separated (with --scale itself)",
    )
    args = parser.parse_args()
    sizes = [] if args.quick else [int(s) for s in args.growth.split(",") if s.strip()]
    sizes = sorted({*sizes, args.scale})
    with tempfile.TemporaryDirectory(prefix="bench-etl-") as tmp:
        folder = Path(tmp)
        workdir = args.workdir or folder
        path = demo_grants(workdir, args.scale)
        print(f"grants CSV: {path.name}, {path.stat().st_size / 1e6:.0f} MB\n")
        sqlite_floor = in_own_process(time_pandas_floor, path, folder / "floor.db")
        sqlite_url = f"sqlite:///{folder / 'pipeline.db'}"
        sqlite_pipe = in_own_process(time_pipeline, path, sqlite_url)
        sqlite_reload = in_own_process(time_reload, path, sqlite_url)
        pg_floor = pg_pipe = pg_reload = None
        if postgres_bin() is not None:
            with postgres_cluster() as url:
                pg_floor = in_own_process(time_copy_floor, path, url)
                pg_pipe = in_own_process(time_pipeline, path, url)
                pg_reload = in_own_process(time_reload, path, url)
        growth = {args.scale: sqlite_pipe}
        for scale in sizes:
            if scale != args.scale:
                other = demo_grants(workdir, scale)
                database = folder / f"growth-{scale}.db"
                growth[scale] = in_own_process(time_pipeline, other, f"sqlite:///{database}")
    print("| load | rows | seconds | rows/s | CPU seconds (client) | peak memory |")
    print("|---|---:|---:|---:|---:|---:|")
    print(_row("SQLite floor: pandas read_csv + to_sql", sqlite_floor))
    print(_row("SQLite pipeline (validate, transform, upsert, marts)", sqlite_pipe))
    print(_row("SQLite pipeline: the same file again (unchanged)", sqlite_reload))
    if pg_floor and pg_pipe and pg_reload:
        print(_row("PostgreSQL floor: psycopg COPY", pg_floor))
        print(_row("PostgreSQL pipeline (validate, transform, upsert, marts)", pg_pipe))
        print(_row("PostgreSQL pipeline: the same file again (unchanged)", pg_reload))
    print()
    sqlite_ratio = sqlite_pipe[0] / sqlite_floor[0]
    print(f"SQLite ratio pipeline/floor: {sqlite_ratio:.2f}x (target <= {SQLITE_TARGET}x)")
    cpu_ratio = sqlite_pipe[3] / sqlite_floor[3]
    print(
        f"SQLite ratio pipeline/floor in CPU seconds: {cpu_ratio:.2f}x "
        "(the pipeline's with its parse process)"
    )
    reload_ratio = sqlite_reload[0] / sqlite_pipe[0]
    print(
        f"SQLite reload of the unchanged file / first load: {reload_ratio:.3f}x "
        f"(target <= {RELOAD_TARGET}x)"
    )
    record(
        "ETL SQLite",
        sqlite_pipe[1] / sqlite_pipe[0],
        "rows/s",
        ratio=sqlite_ratio,
        cpu_ratio=cpu_ratio,
    )
    record("ETL SQLite floor", sqlite_floor[1] / sqlite_floor[0], "rows/s")
    record("ETL reload SQLite", sqlite_reload[0], "s", ratio=reload_ratio, first=sqlite_pipe[0])
    if pg_floor and pg_pipe and pg_reload:
        pg_ratio = pg_pipe[0] / pg_floor[0]
        print(f"PostgreSQL ratio pipeline/COPY: {pg_ratio:.2f}x (target <= {POSTGRES_TARGET}x)")
        pg_reload_ratio = pg_reload[0] / pg_pipe[0]
        print(
            f"PostgreSQL reload of the unchanged file / first load: {pg_reload_ratio:.3f}x "
            f"(target <= {RELOAD_TARGET}x)"
        )
        record("ETL PostgreSQL", pg_pipe[1] / pg_pipe[0], "rows/s", ratio=pg_ratio)
        record("ETL PostgreSQL floor", pg_floor[1] / pg_floor[0], "rows/s")
        record("ETL reload PostgreSQL", pg_reload[0], "s", ratio=pg_reload_ratio, first=pg_pipe[0])
    else:
        print("PostgreSQL is not installed: its ETL figures were skipped")
    if len(growth) > 1:
        print("\n### Growth: the SQLite pipeline by size (each in a process of its own)\n")
        print("\n".join(growth_table(growth)))
        smallest, largest = min(growth), max(growth)
        per_row = [growth[s][0] / growth[s][1] for s in (smallest, largest)]
        memory = growth[largest][2] / growth[smallest][2]
        print(
            f"\nseconds per grant at {largest:,} / at {smallest:,}: {per_row[1] / per_row[0]:.2f}x "
            f"(1.0 is linear); peak memory {memory:.2f}x"
        )
        record(
            "ETL growth",
            growth[largest][1] / growth[largest][0],
            "rows/s",
            per_row_ratio=per_row[1] / per_row[0],
            peak_gb=growth[largest][2],
            memory_ratio=growth[largest][2] / growth[sorted(growth)[-2]][2],
            sizes=sorted(growth),
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average (1, 5, 15 min) at the end: {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
