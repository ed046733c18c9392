"""ETL speed: load the demo's 360Giving grants CSV into SQLite through the pipeline, beside the
floor of ``pandas.read_csv`` plus ``DataFrame.to_sql`` of the same file into a bare table.

Writing the demo, the floor and the pipeline each run in a process of their own, so each one's
peak memory is its own and no step inherits another's caches.

    python -m benchmarks.etl_load [--scale 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.extract import Source
from data_pipeline.formats import detect_format
from data_pipeline.load import load_file
from warehouse.db import make_engine, upgrade_schema

# seconds, rows or files, peak resident memory in GB
Timing = tuple[float, int, float]


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux gives KiB


def write_files(folder: Path, scale: int) -> Timing:
    start = time.perf_counter()
    files = write_demo(folder, scale=scale)
    return time.perf_counter() - start, len(files), _peak_gb()


def grants_csv(folder: Path) -> Path:
    for path in sorted(folder.iterdir()):
        fmt = detect_format(Source.from_path(path))
        if fmt is not None and fmt.id == "360giving-csv":
            return path
    raise SystemExit("the demo wrote no 360Giving CSV")


def time_pipeline(path: Path, folder: Path) -> Timing:
    engine = make_engine(f"sqlite:///{folder / 'pipeline.db'}")
    upgrade_schema(engine)
    start = time.perf_counter()
    result = load_file(engine, path, load_config())
    elapsed = time.perf_counter() - start
    engine.dispose()
    if result.rejected_whole or result.rejected:
        raise SystemExit(f"the pipeline rejected rows: {result.problems[:3]}")
    return elapsed, result.inserted, _peak_gb()


def time_pandas_floor(path: Path, folder: Path) -> Timing:
    connection = sqlite3.connect(folder / "floor.db")
    start = time.perf_counter()
    frame = pd.read_csv(path)
    frame.to_sql("bare_grants", connection, index=False)
    connection.commit()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed, len(frame), _peak_gb()


def in_own_process(task: Callable[..., Timing], *args: object) -> Timing:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(task, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = folder / "demo"
        written_s, file_count, written_gb = in_own_process(write_files, demo, args.scale)
        path = grants_csv(demo)
        size_mb = path.stat().st_size / 1e6
        floor_s, floor_rows, floor_gb = in_own_process(time_pandas_floor, path, folder)
        pipe_s, pipe_rows, pipe_gb = in_own_process(time_pipeline, path, folder)
    print(
        f"demo --scale {args.scale:,}: wrote {file_count} files in {written_s:.1f} s, "
        f"peak memory {written_gb:.2f} GB (grants CSV {size_mb:.0f} MB)"
    )
    print("| load | rows | seconds | rows/s | peak memory |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| pandas read_csv + to_sql (floor) | {floor_rows:,} | {floor_s:.1f} | "
        f"{floor_rows / floor_s:,.0f} | {floor_gb:.2f} GB |"
    )
    print(
        f"| pipeline load (validate, transform, upsert) | {pipe_rows:,} | {pipe_s:.1f} | "
        f"{pipe_rows / pipe_s:,.0f} | {pipe_gb:.2f} GB |"
    )
    print(f"ratio pipeline/floor: {pipe_s / floor_s:.2f}x")


if __name__ == "__main__":
    main()
