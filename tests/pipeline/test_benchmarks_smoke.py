"""The benchmark suite runs end to end at 10,000 grants and writes its report (issue 7).

A smoke test only: it checks that every benchmark runs and that the report holds its tables,
never the timings. wrk and Datasette parts are skipped by the suite itself when the tools are
missing; PostgreSQL's ETL figures when PostgreSQL is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.common import postgres_bin
from benchmarks.run import benchmark_modules

ROOT = Path(__file__).resolve().parents[2]
SCALE = 10_000
TARGET_ROWS = (
    "ETL into SQLite within 1.5x the floor",
    "ETL into PostgreSQL within 1.5x the floor",
    "Callbacks: median <= 50 ms",
    "Callbacks within 2x their SQL floor",
    "cached embed: at least Datasette's requests/s",
    "chart JSON: at least Datasette's requests/s",
    "Worker RSS <= 400 MB",
    "Funding page drawn in <= 1.5 s",
    "ETL into SQLite <= 1.0x the floor (issue 21)",
    "ETL into PostgreSQL <= 3.0x a COPY of the file (issue 21)",
    "First visit after a load: every callback <= 50 ms (issue 21)",
    "Funding page drawn in <= 1.0 s, median (issue 21)",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (make chromium)")
    workdir = tmp_path_factory.mktemp("bench")
    out = workdir / "benchmarks.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--scale",
            str(SCALE),
            "--quick",
            "--workdir",
            str(workdir),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1500,  # every benchmark at 10,000 grants, Lighthouse and a refresh included
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, out.read_text(encoding="utf-8")


def test_every_benchmark_runs_and_prints_its_table(report: tuple[str, str]) -> None:
    printed, written = report
    for module in benchmark_modules():
        assert f"## {module}\n" in written
        assert f"## {module} (FAILED" not in written
    assert "| target (issue 7) | measured | compared with | verdict |" in printed
    assert (
        "| page | callback | first run ms | median ms | p95 ms | SQL statements | SQL floor ms "
        "| ratio |"
    ) in written
    assert "| load | rows | seconds | rows/s | CPU seconds (client) | peak memory |" in written


def test_the_report_has_every_target_the_machine_and_the_date(report: tuple[str, str]) -> None:
    _, written = report
    targets = written.split("## Targets", 1)[1].split("## Machine", 1)[0]
    for row in TARGET_ROWS:
        assert f"| {row} |" in targets
    measured = [
        "ETL into SQLite within 1.5x the floor",
        "Callbacks: median <= 50 ms",
        "Worker RSS <= 400 MB",
        "Funding page drawn in <= 1.5 s",
        "ETL into SQLite <= 1.0x the floor (issue 21)",
        "First visit after a load: every callback <= 50 ms (issue 21)",
        "Funding page drawn in <= 1.0 s, median (issue 21)",
    ]
    if postgres_bin() is not None:
        measured.append("ETL into PostgreSQL within 1.5x the floor")
        measured.append("ETL into PostgreSQL <= 3.0x a COPY of the file (issue 21)")
    if shutil.which("wrk"):
        measured.append("chart JSON: at least Datasette's requests/s")
    for row in measured:
        line = next(line for line in targets.splitlines() if line.startswith(f"| {row} |"))
        assert line.endswith(("| met |", "| **missed** |")) or "Datasette not run" in line, line
    machine = written.split("## Machine", 1)[1]
    for key in ("CPU", "cores", "RAM", "OS", "Python", "SQLite", "PostgreSQL"):
        assert f"| {key} |" in machine
    assert f"at {SCALE:,} grants" in written
    assert "Measured by `make bench`" in written
