"""Refresh at scale: ``refresh`` over a registry of 200 publishers' files holding 1,000,000
grants in all, served over HTTP on this machine, into a fresh SQLite warehouse.

The files are the demo's 360Giving CSV cut into equal parts, one per publisher, listed in a
registry of the datagetter's shape (open licence, grant counts and dates) and served by
``python -m http.server`` in a process of its own, so the server's memory is not the
refresh's. The area is two of the demo's wards and no organisation is "home": as for a
council reading national funders, most grants are read, placed and counted elsewhere, and a
few are stored.

Timers wrap the stages (the wrappers only time; they change nothing): downloading (``fetch``),
parsing (reading, validating and transforming, up to the area step), placing (the area rule
and the JSON location reader), writing (upsert, rejects, the load run) and the marts' rebuild;
the rest (source state, fetch records, alerts, the lock) is bookkeeping. Then a second refresh,
with nothing changed, asks each file again and loads nothing.

    python -m benchmarks.refresh [--scale 1000000] [--files 200] [--workdir DIR] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from benchmarks.common import free_port, record, wait_until_up
from data_pipeline import load as load_module
from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.fetch import refresh as refresh_module
from data_pipeline.fetch.settings import FetchSettings
from warehouse.db import make_engine, upgrade_schema

AREA_WARDS = ("E05900001", "E05900002")
QUICK_FILES = 5
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux gives KiB


def demo_grants(workdir: Path, scale: int) -> Path:
    """The demo's grants CSV at ``scale`` (reused from ``workdir/demo-<scale>``)."""
    demo = workdir / f"demo-{scale}"
    found = sorted(demo.glob("*_grants_360giving.csv")) if demo.is_dir() else []
    if found:
        return found[0]
    paths = write_demo(demo, scale=scale)
    return next(p for p in paths if p.name.endswith("_grants_360giving.csv"))


def split_into_files(grants: Path, folder: Path, files: int) -> list[tuple[str, int]]:
    """The grants CSV cut into ``files`` parts (each with the header); (name, grants) each.

    Rows are split on line ends: the demo writes no line break inside a cell."""
    folder.mkdir(parents=True, exist_ok=True)
    with grants.open("rb") as source:
        header = source.readline()
        rows = source.readlines()
    size = -(-len(rows) // files)
    written = []
    for number in range(files):
        part = rows[number * size : (number + 1) * size]
        if not part:
            break
        name = f"publisher-{number:03d}_grants.csv"
        (folder / name).write_bytes(header + b"".join(part))
        written.append((name, len(part)))
    return written


def prepare(workdir: Path, scale: int, files: int, public: Path) -> list[tuple[str, int]]:
    return split_into_files(demo_grants(workdir, scale), public, files)


def registry_entries(base: str, files: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """A registry of the datagetter's shape: one publisher per file, an open licence."""
    return [
        {
            "identifier": f"a00bench{number:04d}",
            "title": f"Grants of publisher {number:03d}",
            "license": LICENCE,
            "license_name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
            "publisher": {"name": f"Benchmark Trust {number:03d}", "prefix": f"360G-b{number:03d}"},
            "distribution": [{"downloadURL": f"{base}/{name}", "title": name}],
            "datagetter_metadata": {
                "acceptable_license": True,
                "downloads": True,
                "file_type": "csv",
            },
            "datagetter_aggregates": {"count": count},
        }
        for number, (name, count) in enumerate(files)
    ]


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP (Last-Modified, 304 on If-Modified-Since) in its own process."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, 30, "/")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class StageTimer:
    """Seconds spent inside wrapped functions, by stage; nested stages are not subtracted
    here (``shares`` does that)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)  # this process's CPU time, by stage
        self._undo: list[tuple[object, str, object]] = []

    def wrap(self, owner: object, name: str, stage: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start
                self.cpu[stage] += time.process_time() - cpu

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def undo(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def shares(got: dict[str, float], total: float) -> list[tuple[str, float]]:
    """The stages as exclusive seconds (wall or CPU, as ``got``), summing to ``total``."""
    marts = got["marts"]
    writing = got["write"] - marts
    placing = got["place"]
    parsing = got["load"] - got["write"] - placing
    downloading = got["download"]
    rest = total - downloading - parsing - placing - writing - marts
    return [
        ("downloading (HTTP, sha256)", downloading),
        ("parsing (read, validate, transform)", parsing),
        ("placing by area", placing),
        ("writing (upsert, rejects, load run)", writing),
        ("rebuilding the marts", marts),
        ("bookkeeping (state, fetch records, alerts, lock)", rest),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="grants in all")
    parser.add_argument("--files", type=int, default=200, help="publishers' files")
    parser.add_argument("--workdir", type=Path, default=None, help="reuse the demo files here")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_FILES} files (smoke test)")
    args = parser.parse_args()
    files = min(args.files, QUICK_FILES) if args.quick else args.files
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        public = folder / "public"
        # In a process of its own: the demo's memory must not count as the refresh's.
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            parts = pool.submit(prepare, args.workdir or folder, args.scale, files, public).result()
        total_grants = sum(count for _name, count in parts)
        size = sum((public / name).stat().st_size for name, _count in parts)
        print(
            f"{len(parts)} files, {total_grants:,} grants, {size / 1e6:,.0f} MB "
            f"(made in {time.perf_counter() - start:.0f} s)\n"
        )
        with served(public) as base:
            (public / "registry.json").write_text(json.dumps(registry_entries(base, parts)))
            url = f"sqlite:///{folder / 'refresh.db'}"
            engine = make_engine(url)
            upgrade_schema(engine)
            config = replace(load_config(), home_organisations=())
            settings = replace(
                FetchSettings(),
                registry_url=f"{base}/registry.json",
                publishers=("all",),
                area_codes=AREA_WARDS,
                timeout_seconds=120,
                retries=0,
            )
            timer = StageTimer()
            timer.wrap(refresh_module, "fetch", "download")
            timer.wrap(refresh_module, "load_file", "load")
            timer.wrap(refresh_module, "place_grants", "place")
            timer.wrap(refresh_module, "json_locations", "place")
            timer.wrap(load_module, "_write", "write")
            timer.wrap(load_module, "refresh_marts", "marts")
            memory_before = _peak_gb()
            start, cpu = time.perf_counter(), _cpu_seconds()
            report = refresh_module.refresh(engine, config, settings)
            first, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
            timer.undo()
            peak = _peak_gb()
            start = time.perf_counter()
            again = refresh_module.refresh(engine, config, settings)
            second = time.perf_counter() - start
            engine.dispose()
    statuses: dict[str, int] = defaultdict(int)
    for outcome in report.outcomes:
        statuses[outcome.status] += 1
    read = sum(o.placement.rows_read for o in report.outcomes if o.placement)
    kept = sum(o.placement.rows_in_area for o in report.outcomes if o.placement)
    unchanged = sum(1 for o in again.outcomes if o.status == "unchanged")
    print(
        "| refresh | files | grants read | grants stored | seconds | CPU seconds | grants/s "
        "| peak memory |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| first (every file new) | {len(report.outcomes)} | {read:,} | {kept:,} | "
        f"{first:.1f} | {cpu:.1f} | {read / first:,.0f} | {peak:.2f} GB "
        f"(before: {memory_before:.2f} GB) |"
    )
    print(
        f"| second (nothing changed: {unchanged} answered 304) | {len(again.outcomes)} | 0 | 0 "
        f"| {second:.1f} | – | – | – |"
    )
    print()
    print("| stage of the first refresh | seconds | share | CPU seconds | share of CPU |")
    print("|---|---:|---:|---:|---:|")
    by_cpu = dict(shares(timer.cpu, cpu))
    for stage, seconds in shares(timer.seconds, first):
        print(
            f"| {stage} | {seconds:.1f} | {seconds / first:.0%} | {by_cpu[stage]:.1f} "
            f"| {by_cpu[stage] / cpu:.0%} |"
        )
    print()
    print(
        f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("Statuses: " + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())))
    record("refresh grants/s", read / first, "grants/s", files=len(parts), seconds=first)
    record("refresh peak memory", peak, "GB")
    if statuses.keys() - {"loaded", "partial"} or unchanged != len(parts):
        print("some files did not load, or loaded again unchanged: see the statuses")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
