"""ETL speed: load the demo's 360Giving grants CSV into SQLite through the pipeline, beside the
floor of ``pandas.read_csv`` plus ``DataFrame.to_sql`` of the same file into a bare table.

    python -m benchmarks.etl_load [--scale 1000000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import pandas as pd

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.extract import Source
from data_pipeline.formats import detect_format
from data_pipeline.load import load_file
from warehouse.db import make_engine, upgrade_schema


def grants_csv(folder: Path, scale: int) -> Path:
    for path in write_demo(folder, scale=scale):
        fmt = detect_format(Source.from_path(path))
        if fmt is not None and fmt.id == "360giving-csv":
            return path
    raise SystemExit("the demo wrote no 360Giving CSV")


def time_pipeline(path: Path, folder: Path) -> tuple[float, int]:
    engine = make_engine(f"sqlite:///{folder / 'pipeline.db'}")
    upgrade_schema(engine)
    start = time.perf_counter()
    result = load_file(engine, path, load_config())
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, result.inserted


def time_pandas_floor(path: Path, folder: Path) -> tuple[float, int]:
    connection = sqlite3.connect(folder / "floor.db")
    start = time.perf_counter()
    frame = pd.read_csv(path)
    frame.to_sql("bare_grants", connection, index=False)
    connection.commit()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed, len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        path = grants_csv(folder / "demo", args.scale)
        written = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        floor_s, floor_rows = time_pandas_floor(path, folder)
        pipe_s, pipe_rows = time_pipeline(path, folder)
    print(
        f"demo --scale {args.scale}: wrote the files in {written:.1f} s "
        f"(grants CSV {size_mb:.0f} MB)"
    )
    print("| load | rows | seconds | rows/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| pandas read_csv + to_sql (floor) | {floor_rows:,} | {floor_s:.1f} | "
        f"{floor_rows / floor_s:,.0f} |"
    )
    print(
        f"| pipeline load (validate, transform, upsert) | {pipe_rows:,} | {pipe_s:.1f} | "
        f"{pipe_rows / pipe_s:,.0f} |"
    )
    print(f"ratio pipeline/floor: {pipe_s / floor_s:.2f}x")


if __name__ == "__main__":
    main()
