"""How heavy and how quick are the public pages on a phone? Lighthouse 12 (its default mobile
profile: simulated slow 4G, 4x CPU slowdown) in Debian's Chromium against ``gunicorn -w 2`` over
the demo warehouse, on ``/``, ``/funding``, ``/research``, ``/recommendations`` and one embed:
the performance score, cumulative layout shift, largest contentful paint and the bytes a first
visit transfers. Beside it, Chromium driven by Playwright gives the bytes of a first and of a
repeat visit (the same browser cache, as a resident who comes back), counted from the network's
own encoded lengths, so compression and caching show.

Lighthouse's score moves by 10 or more points between runs and with the machine's load, so each
page is run ``--runs`` times (2 by default) and every run is shown; bytes and layout shift are
steady. ``--peer COMMIT`` serves that commit's code (``git archive``) beside this one, in the
same run, with the same warehouse, as the before of a change: by default the code before issue 19
made the pages light.

    python -m benchmarks.lighthouse [--scale 5000] [--runs 2] [--peer COMMIT|none] [--workdir DIR]

Lighthouse is installed with npm into the work folder on first use (``lighthouse@12``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.common import build_warehouse, free_port, record, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = ("/", "/funding", "/research", "/recommendations", "/embed/funding-by-year")
# The code before issue 19 made the pages light: measured beside this code as the "before".
BEFORE_ISSUE_19 = "fdf38dd"
TARGETS = {"score": 80, "cls": 0.1, "first": 1_000_000, "repeat": 100_000, "embed": 200_000}


def _lighthouse(workdir: Path) -> Path:
    """The lighthouse command, installed into ``workdir`` with npm if it is not there yet."""
    folder = workdir / "lighthouse-12"
    command = folder / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(folder), "lighthouse@12"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return command


@contextmanager
def gunicorn(code: Path, database_url: str) -> Iterator[str]:
    """``gunicorn app:server`` from the folder ``code``, as README's production command."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(str(Path(sys.executable).parent / "gunicorn"), "app:server"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
            "--no-control-socket",
        ],
        cwd=code,
        env={**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(code)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, 90)
        for path in PAGES:  # each worker's first answer builds its caches: not a phone's wait
            for _ in range(2):
                urllib.request.urlopen(base + path, timeout=60).read()
        if (code / "assets" / "first_view.js").exists():
            wait_for_first_views(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_first_views(base: str, within: float = 300) -> None:
    """Until every page's first view is drawn in both workers (web/first_view.py draws them in
    the background after the first request): the page a visitor gets once a load has settled."""
    deadline = time.monotonic() + within
    for path in PAGES:
        drawn_in_a_row = 0
        while drawn_in_a_row < 6 and time.monotonic() < deadline:
            page = urllib.request.urlopen(base + path, timeout=60).read()
            if b"observatory-app-scripts" in page or path.startswith("/embed/"):
                drawn_in_a_row += 1
            else:
                drawn_in_a_row = 0
                time.sleep(2)


@contextmanager
def peer_code(commit: str) -> Iterator[Path]:
    """The product's code at ``commit``, unpacked into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    try:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def lighthouse_run(command: Path, url: str, out: Path) -> dict[str, Any] | None:
    """One Lighthouse run of ``url``: scores, layout shift, LCP and bytes. On a loaded machine
    Lighthouse now and then gives up on a page (its Chromium did not answer in time): that run
    is tried again, twice at most, and then reported as failed (None)."""
    for attempt in range(3):
        done = subprocess.run(
            [
                str(command),
                url,
                "--quiet",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility,best-practices,seo",
            ],
            check=False,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode == 0:
            break
        print(f"  Lighthouse failed on {url} (attempt {attempt + 1}): {done.stderr[-300:]}")
    else:
        return None
    report = json.loads(out.read_text())
    audits, categories = report["audits"], report["categories"]
    requests = audits["network-requests"]["details"]["items"]
    return {
        "performance": round(100 * (categories["performance"]["score"] or 0)),
        "accessibility": round(100 * (categories["accessibility"]["score"] or 0)),
        "best-practices": round(100 * (categories["best-practices"]["score"] or 0)),
        "seo": round(100 * (categories["seo"]["score"] or 0)),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "bytes": audits["total-byte-weight"]["numericValue"],
        "requests": len(requests),
    }


def visit_bytes(base: str, path: str) -> tuple[int, int]:
    """Bytes on the wire (headers and encoded bodies) for a first visit to ``path`` and for a
    repeat visit in the same browser, each counted once the page is idle."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 375, "height": 800})
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        received: list[int] = []
        cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        totals = []
        for _ in range(2):
            received.clear()
            tab.goto(base + path, wait_until="networkidle")
            count = -1
            while count != len(received):  # until a second and a half passes with no fetch
                count = len(received)
                tab.wait_for_timeout(1500)
            totals.append(int(sum(received)))
        browser.close()
    return totals[0], totals[1]


def measure(command: Path, base: str, runs: int, folder: Path) -> dict[str, dict[str, Any]]:
    """Every page of ``PAGES`` on the server at ``base``: Lighthouse ``runs`` times, then the
    first and repeat visit's bytes."""
    results: dict[str, dict[str, Any]] = {}
    for path in PAGES:
        tried = [
            lighthouse_run(command, base + path, folder / f"lh-{len(results)}-{run}.json")
            for run in range(runs)
        ]
        found = [run for run in tried if run is not None]
        first, repeat = visit_bytes(base, path)
        results[path] = {"runs": found, "first": first, "repeat": repeat}
    return results


def _kb(value: float) -> str:
    return f"{value / 1000:,.0f} kB"


def table(label: str, results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        f"### {label}",
        "",
        "| page | performance | CLS | LCP (s) | Lighthouse bytes | requests | first visit "
        "| repeat visit | accessibility / best practices / SEO |",
        "|---|---|---|---|---:|---:|---:|---:|---|",
    ]
    for path, found in results.items():
        runs = found["runs"]
        if not runs:
            lines.append(
                f"| `{path}` | Lighthouse failed | | | | | {_kb(found['first'])} "
                f"| {_kb(found['repeat'])} | |"
            )
            continue
        lines.append(
            f"| `{path}` | {' / '.join(str(r['performance']) for r in runs)} "
            f"| {max(r['cls'] for r in runs):.3f} "
            f"| {' / '.join(format(r['lcp'], '.1f') for r in runs)} "
            f"| {_kb(max(r['bytes'] for r in runs))} | {max(r['requests'] for r in runs)} "
            f"| {_kb(found['first'])} | {_kb(found['repeat'])} "
            f"| {runs[0]['accessibility']} / {runs[0]['best-practices']} / {runs[0]['seo']} |"
        )
    return [*lines, ""]


def verdicts(results: dict[str, dict[str, Any]]) -> list[str]:
    pages = [path for path in results if not path.startswith("/embed/")]
    embeds = [path for path in results if path.startswith("/embed/")]
    worst_score = min(
        (r["performance"] for found in results.values() for r in found["runs"]), default=0
    )
    worst_cls = max((r["cls"] for found in results.values() for r in found["runs"]), default=1.0)
    worst_first = max(results[path]["first"] for path in pages)
    worst_repeat = max(results[path]["repeat"] for path in pages)
    worst_embed = max(results[path]["first"] for path in embeds)
    checks = [
        ("performance >= 80 on every page", f"lowest {worst_score}", worst_score >= 80),
        ("CLS <= 0.1", f"highest {worst_cls:.3f}", worst_cls <= TARGETS["cls"]),
        ("first visit <= 1 MB", f"heaviest {_kb(worst_first)}", worst_first <= 1_000_000),
        ("repeat visit <= 100 kB", f"heaviest {_kb(worst_repeat)}", worst_repeat <= 100_000),
        ("embed <= 200 kB", f"{_kb(worst_embed)}", worst_embed <= 200_000),
    ]
    record("lighthouse lowest performance", worst_score, "score", met=worst_score >= 80)
    record("lighthouse highest CLS", worst_cls, "CLS", met=worst_cls <= TARGETS["cls"])
    record("first visit heaviest", worst_first, "bytes", met=worst_first <= 1_000_000)
    record("repeat visit heaviest", worst_repeat, "bytes", met=worst_repeat <= 100_000)
    record("embed first visit", worst_embed, "bytes", met=worst_embed <= 200_000)
    return [f"{what}: {got} ({'met' if met else 'missed'})" for what, got, met in checks]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=5000, help="grants in the demo borough")
    parser.add_argument("--runs", type=int, default=2, help="Lighthouse runs per page")
    parser.add_argument(
        "--peer",
        default=BEFORE_ISSUE_19,
        help="also measure this commit's code, as the before ('none': only this code)",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="one run per page")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    with tempfile.TemporaryDirectory(prefix="bench-lh-") as tmp:
        workdir = (args.workdir or Path(tmp)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        url, _ = build_warehouse(workdir, args.scale)
        command = _lighthouse(workdir)
        reports = Path(tmp)
        print(
            f"Lighthouse 12, mobile profile, gunicorn -w 2, {args.scale:,} grants, "
            f"{runs} run(s) per page; bytes: first and repeat visit in Chromium at 375 px\n"
        )
        if args.peer and args.peer != "none":
            with peer_code(args.peer) as code, gunicorn(code, url) as base:
                before = measure(command, base, runs, reports)
            print("\n".join(table(f"before: commit {args.peer}", before)))
        with gunicorn(ROOT, url) as base:
            after = measure(command, base, runs, reports)
        print("\n".join(table("this code", after)))
        print("\n".join(f"- {line}" for line in verdicts(after)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
