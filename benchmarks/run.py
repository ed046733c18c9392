"""Run every benchmark in this folder, one after the other, each in its own process so that one
benchmark's memory and caches never colour the next one's figures, and write
``docs/benchmarks.md``: the figures against the targets of issue 7, the machine and the date,
then each benchmark's own tables.

``make bench`` calls this. ``--scale N`` runs at another size; ``--quick`` shortens every run
(the smoke test in ``make test`` uses it at 10,000 grants; its timings mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_ENV, build_warehouse, machine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"


def benchmark_modules() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        f"benchmarks.{module.name}"
        for module in pkgutil.iter_modules([str(folder)])
        if module.name not in ("run", "common")
    )


def run_module(module: str, extra: list[str], results: Path) -> tuple[int, str, float]:
    """Run one benchmark; its output is shown as it comes and kept for the report."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", module, *extra],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, RESULTS_ENV: str(results)},
        cwd=ROOT,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return process.wait(), "".join(lines), time.perf_counter() - start


def _figures(folder: Path) -> dict[str, dict[str, Any]]:
    rows = [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    return {row["name"]: row for row in rows}


def _verdict(met: bool | None) -> str:
    return "not measured" if met is None else ("met" if met else "**missed**")


def targets_table(figures: dict[str, dict[str, Any]]) -> list[str]:
    """One line per target of issue 7: what was measured, against what, and the verdict."""
    lines = [
        "| target (issue 7) | measured | compared with | verdict |",
        "|---|---|---|---|",
    ]
    for store in ("SQLite", "PostgreSQL"):
        got, floor = figures.get(f"ETL {store}"), figures.get(f"ETL {store} floor")
        what = "pandas read_csv + to_sql" if store == "SQLite" else "psycopg COPY"
        if got and floor:
            lines.append(
                f"| ETL into {store} within 1.5x the floor | {got['value']:,.0f} rows/s "
                f"({got['ratio']:.2f}x the floor's time) | {what}: {floor['value']:,.0f} rows/s "
                f"| {_verdict(got['ratio'] <= 1.5)} |"
            )
        else:
            lines.append(f"| ETL into {store} within 1.5x the floor | – | {what} | not measured |")
    lines += issue_21_rows(figures)
    calls = figures.get("callbacks")
    if calls:
        lines.append(
            f"| Callbacks: median <= 50 ms | median of medians {calls['value'] * 1000:.1f} ms; "
            f"{calls['over_target']} of {calls['count']} callbacks over 50 ms; slowest "
            f"{calls['slowest'] * 1000:,.0f} ms ({calls['slowest_name']}) | – | "
            f"{_verdict(calls['over_target'] == 0)} |"
        )
        lines.append(
            f"| Callbacks within 2x their SQL floor | {calls['over_ratio']} of "
            f"{calls['with_sql']} callbacks that run SQL are over 2x; worst "
            f"{calls['worst_ratio']:,.1f}x | the same SQL on the DB-API cursor | "
            f"{_verdict(calls['over_ratio'] == 0)} |"
        )
    else:
        lines.append("| Callbacks: median <= 50 ms, within 2x SQL | – | – | not measured |")
    for label in ("cached embed", "chart JSON"):
        got = figures.get(f"serving {label}")
        if got and "peer" in got:
            lines.append(
                f"| {label}: at least Datasette's requests/s | {got['value']:,.0f} req/s "
                f"({got['ratio']:.2f}x) | Datasette canned query: {got['peer']:,.0f} req/s | "
                f"{_verdict(got['ratio'] >= 1)} |"
            )
        elif got:
            lines.append(
                f"| {label}: at least Datasette's requests/s | {got['value']:,.0f} req/s | "
                "Datasette not run | not measured |"
            )
        else:
            lines.append(f"| {label}: at least Datasette's requests/s | – | – | not measured |")
    rss = figures.get("worker peak RSS")
    lines.append(
        f"| Worker RSS <= 400 MB | {rss['value']:,.0f} MB peak | – | "
        f"{_verdict(rss['value'] <= 400)} |"
        if rss
        else "| Worker RSS <= 400 MB | – | – | not measured |"
    )
    load = figures.get("page load /funding")
    lines.append(
        f"| Funding page drawn in <= 1.5 s | {load['value']:.2f} s (median of later visits; "
        f"first visit {load['first']:.2f} s) | – | {_verdict(load['value'] <= 1.5)} |"
        if load
        else "| Funding page drawn in <= 1.5 s | – | – | not measured |"
    )
    for name, target in LIGHTHOUSE_TARGETS.items():
        got = figures.get(name)
        if got is None:
            lines.append(f"| {target} (issue 19) | – | – | not measured |")
            continue
        value = got["value"]
        shown = f"{value / 1000:,.0f} kB" if got["unit"] == "bytes" else f"{value:g}"
        lines.append(f"| {target} (issue 19) | {shown} | – | {_verdict(bool(got['met']))} |")
    return lines


ISSUE_21_ETL = {"SQLite": (1.0, "the floor"), "PostgreSQL": (3.0, "a COPY of the file")}


def issue_21_rows(figures: dict[str, dict[str, Any]]) -> list[str]:
    """Issue 21's targets: the ETL against its floors, an unchanged reload, cost and memory as
    the file grows, the first visitor after a load and the funding page."""
    lines = []
    for store, (target, floor_name) in ISSUE_21_ETL.items():
        row = f"ETL into {store} <= {target:.1f}x {floor_name} (issue 21)"
        got = figures.get(f"ETL {store}")
        if got is None:
            lines.append(f"| {row} | – | – | not measured |")
            continue
        cpu = f"; {got['cpu_ratio']:.2f}x in client CPU seconds" if "cpu_ratio" in got else ""
        lines.append(
            f"| {row} | {got['ratio']:.2f}x the floor's time{cpu} | "
            f"{'pandas read_csv + to_sql' if store == 'SQLite' else 'psycopg COPY'} | "
            f"{_verdict(got['ratio'] <= target)} |"
        )
    for store in ("SQLite", "PostgreSQL"):
        got = figures.get(f"ETL reload {store}")
        lines.append(
            f"| Reload of an unchanged file <= 0.1x the first load, {store} (issue 21) | "
            f"{got['value']:.2f} s ({got['ratio']:.3f}x) | first load: {got['first']:.1f} s | "
            f"{_verdict(got['ratio'] <= 0.1)} |"
            if got
            else f"| Reload of an unchanged file <= 0.1x the first load, {store} (issue 21) "
            "| – | – | not measured |"
        )
    growth = figures.get("ETL growth")
    if growth:
        sizes = ", ".join(f"{size:,}" for size in growth["sizes"])
        lines.append(
            f"| Cost linear in rows (issue 21) | seconds per grant at the largest size "
            f"{growth['per_row_ratio']:.2f}x that at the smallest | SQLite pipeline at {sizes} "
            f"grants | {_verdict(growth['per_row_ratio'] <= 1.2)} |"
        )
        met = growth["peak_gb"] <= 1.0 and growth["memory_ratio"] <= 1.3
        lines.append(
            f"| Peak memory <= 1 GB at the largest size, within 1.3x of the next (issue 21) | "
            f"{growth['peak_gb']:.2f} GB ({growth['memory_ratio']:.2f}x) | SQLite pipeline | "
            f"{_verdict(met)} |"
        )
    else:
        lines.append("| Cost and memory as the file grows (issue 21) | – | – | not measured |")
    first = figures.get("first visitor after a load")
    row = "First visit after a load: every callback <= 50 ms (issue 21)"
    lines.append(
        f"| {row} | {first['count'] - first['over_target']} of {first['count']} within 50 ms; "
        f"slowest {first['value'] * 1000:,.1f} ms ({first['slowest_name']}) | – | "
        f"{_verdict(first['over_target'] == 0)} |"
        if first
        else f"| {row} | – | – | not measured |"
    )
    load = figures.get("page load /funding")
    row = "Funding page drawn in <= 1.0 s, median (issue 21)"
    lines.append(
        f"| {row} | {load['value']:.2f} s (first visit {load['first']:.2f} s) | – | "
        f"{_verdict(load['value'] <= 1.0)} |"
        if load
        else f"| {row} | – | – | not measured |"
    )
    return lines


LIGHTHOUSE_TARGETS = {
    "lighthouse lowest performance": "Lighthouse mobile performance >= 80, lowest page",
    "lighthouse highest CLS": "Cumulative layout shift <= 0.1, highest page",
    "first visit heaviest": "First visit <= 1 MB, heaviest page",
    "repeat visit heaviest": "Repeat visit <= 100 kB, heaviest page",
    "embed first visit": "Embed <= 200 kB",
}


def write_report(
    out: Path,
    notes: list[str],
    scale: int,
    figures: dict[str, dict[str, Any]],
    sections: list[tuple[str, str, float, int]],
) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`python -m benchmarks.run`) on {when}, at {scale:,} grants "
        "(the demo borough, `demo --scale`). Every comparison was measured side by side in the "
        "same run, so read the ratios before the absolute figures.",
        "",
        "## Targets",
        "",
        *targets_table(figures),
        "",
        *(f"{note}\n" for note in notes),
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine().items()),
        "| load average (1, 5, 15 min) when written | "
        + ", ".join(f"{load:.1f}" for load in os.getloadavg())
        + " |",
        "",
    ]
    for module, output, seconds, code in sections:
        status = "" if code == 0 else f" (FAILED, exit {code})"
        body = output.rstrip()
        if "|---" not in body:  # plain-text tables keep their columns in a code block
            body = f"```\n{body}\n```"
        lines += [f"## {module}{status}", "", f"_{seconds:.0f} s_", "", body, ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="grants in the demo borough")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the warehouse here")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the report to write")
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these modules")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the output of modules already run into --workdir at this scale",
    )
    parser.add_argument(
        "--note", action="append", default=[], help="a paragraph to add under the targets"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = (args.workdir or Path(tmp)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        folder = workdir / f"results-{args.scale}"
        folder.mkdir(exist_ok=True)
        _, built = build_warehouse(workdir, args.scale)
        note = f"built in {built:.0f} s" if built else "reused"
        print(f"warehouse of {args.scale:,} grants: {note}")
        extra = ["--scale", str(args.scale), "--workdir", str(workdir)]
        extra += ["--quick"] if args.quick else []
        sections = []
        modules = benchmark_modules()
        if args.only:
            modules = [m for m in modules if m.split(".")[-1] in args.only]
        for module in modules:
            saved = folder / f"{module}.json"
            if args.resume and saved.exists():
                print(f"\n## {module}: kept from an earlier run in {folder}")
                sections.append(tuple(json.loads(saved.read_text())))
                continue
            print(f"\n## {module}", flush=True)
            figures_file = folder / f"{module}.jsonl"
            figures_file.unlink(missing_ok=True)
            code, output, seconds = run_module(module, extra, figures_file)
            sections.append((module, output, seconds, code))
            saved.write_text(json.dumps([module, output, seconds, code]))
        figures = _figures(folder)
        write_report(args.out, args.note, args.scale, figures, sections)
    print(f"\nwrote {args.out}")
    print("\n".join(targets_table(figures)))
    return 1 if any(section[3] for section in sections) else 0


if __name__ == "__main__":
    raise SystemExit(main())
