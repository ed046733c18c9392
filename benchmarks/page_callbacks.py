"""Callbacks, page load and worker memory at ``--scale`` grants.

1. **Page load.** The app runs under ``gunicorn -w 2``; Chromium (Playwright) opens the funding
   page and the time from navigation until every chart card on it is drawn (its plot holds
   data and its ``.main-svg`` is there; a card that shows a message instead is done too) is
   taken, on a first visit (empty browser cache) and as the median of later visits. The
   browser asks for the interactive page (the ``observatory_view=app`` cookie, as a visitor
   who chose it or anyone signed in), since a public visitor's page arrives drawn on the
   server once its first view is ready (``web/first_view.py``) and Dash's page before that:
   timing both in one median measured neither. Visits are timed once both workers have
   warmed their caches and drawn the first views (``wait_for_warming``): that work follows a
   load or a server start, competes for the processor with the visits, and is over before
   most visitors come. The output says how long that took. Beside it, not instead of it, the
   page a public visitor on a wide screen gets (no cookie): seconds until its charts are shown
   (drawn on the server) and until Dash's charts are drawn over them.
2. **Callbacks.** While Chromium opens the funding, research and gaps pages, every
   ``/_dash-update-component`` request the browser sends is recorded: these are the real
   payloads of every callback that runs when those pages open. Each is then replayed in
   process through Flask's test client, and timed (median, 95th percentile). The SQL each
   callback runs is captured (SQLAlchemy ``before_cursor_execute``) and run again straight
   through the DB-API cursor, fetching every row: that is the callback's floor.
3. **Memory.** A separate ``gunicorn -w 1`` serves every page of the site to Chromium (so
   its one worker runs every chart's callback); the worker's peak RSS (``VmHWM``) is read
   from ``/proc``.
4. **First visitor after a load.** A new load generation is recorded (a load run of a file
   refused whole: the data stay as they were, and the run is removed afterwards). The
   process then warms its cache as a server process's warming thread does when it sees the
   new generation (``web.caching.warm_for_this_load``, timed), and each recorded callback is
   asked once, as the first visitor's browser would: no callback should take over 50 ms.

    python -m benchmarks.page_callbacks [--scale 1000000] [--repeat 10] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import build_warehouse, free_port, record

CALLBACK_PAGES = ("/", "/funding", "/research", "/gaps")
CALLBACK_MEDIAN_TARGET_MS = 50.0
FLOOR_RATIO_TARGET = 2.0
RSS_TARGET_MB = 400.0
PAGE_LOAD_TARGET_S = 1.5
# Seconds both workers must be idle before the funding page's visits are timed.
QUIET = 3.0
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Every chart card's graph is drawn (data and an SVG) or hidden because the card shows a message.
CHARTS_DRAWN = """() => {
  const graphs = Array.from(document.querySelectorAll('[id^="chart-"][id$="-graph"]'));
  if (!graphs.length) return false;
  return graphs.every(g => g.classList.contains('d-none') || (() => {
    const plot = g.querySelector('.js-plotly-plot');
    const svg = g.querySelector('.main-svg');
    return plot && plot.data && plot.data.length > 0
      && svg && svg.getBoundingClientRect().height > 0;
  })());
}"""
# The overview has no chart cards: its headline cards (or the alert that replaces them) are there.
HEADLINES_DRAWN = """() => document.querySelector(
  '#overview-headlines .headline-card, #overview-headlines .alert') !== null"""
PAGE_DRAWN = {"/": HEADLINES_DRAWN}
# Every chart card shows a chart: the first view's SVG drawn on the server, or Plotly's. The
# answer says which ("first view" while the server's page is shown), or false.
CHARTS_SHOWN = """() => {
  const graphs = Array.from(document.querySelectorAll('[id^="chart-"][id$="-graph"]'));
  if (!graphs.length) return false;
  const shown = graphs.every(g => g.classList.contains('d-none')
    || Array.from(g.querySelectorAll('svg')).some(s => s.getBoundingClientRect().height > 0));
  if (!shown) return false;
  return document.querySelector('#react-entry-point.first-view') ? 'first view' : 'app';
}"""
BENCHMARK_RUN = "benchmarks.page_callbacks: a new load generation"


@contextmanager
def gunicorn(url: str, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "app:server", "--workers", str(workers)),
            *("--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"),
            *("--timeout", "300"),
        ],
        env={**os.environ, "DATABASE_URL": url},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=60)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def open_page(page: Any, url: str) -> float:
    """Seconds from navigation until every chart on the page is drawn."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(CHARTS_DRAWN, timeout=120_000, polling=20)
    return time.perf_counter() - start


def open_public_page(page: Any, url: str) -> tuple[float, float, str]:
    """Seconds from navigation until every chart on the page is shown (drawn on the server or
    by Plotly), which of the two it was, and seconds until Dash's charts are drawn."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    shown_as = page.wait_for_function(CHARTS_SHOWN, timeout=120_000, polling=20).json_value()
    shown = time.perf_counter() - start
    page.wait_for_function(CHARTS_DRAWN, timeout=120_000, polling=20)
    return shown, str(shown_as), time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds() -> float:
    """Processor seconds used so far by this process's Chromium (every process below this
    one whose command names chromium; other sessions' browsers are not counted)."""
    parents: dict[int, int] = {}
    commands: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parents[int(entry.name)] = int(
                (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            )
            commands[int(entry.name)] = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
    ours, total = os.getpid(), 0.0
    for pid, command in commands.items():
        ancestor = parents.get(pid, 0)
        while ancestor > 1 and ancestor != ours:
            ancestor = parents.get(ancestor, 0)
        if ancestor == ours and b"chrom" in command:
            try:
                total += _cpu_seconds(pid)
            except OSError:
                continue
    return total


def wait_for_warming(base: str, workers: list[int], within: float = 600) -> float:
    """Seconds until both workers have warmed their caches and drawn the first views: every
    first view comes drawn six times in a row (``benchmarks.lighthouse``; a worker starts
    warming with its first request and draws the first views after it), and then neither
    worker uses the processor for ``QUIET`` seconds."""
    from benchmarks.lighthouse import wait_for_first_views

    start = time.monotonic()
    deadline = start + within
    wait_for_first_views(base, within)
    used = {pid: _cpu_seconds(pid) for pid in workers}
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < QUIET and time.monotonic() < deadline:
        time.sleep(0.5)
        now = {pid: _cpu_seconds(pid) for pid in workers}
        if any(now[pid] - used[pid] > 0.05 for pid in workers):
            quiet_since = time.monotonic()
        used = now
    return time.monotonic() - start


@dataclass(frozen=True)
class PageLoads:
    """The funding page's load times (the first on an empty browser cache), the seconds spent
    waiting for the workers' warming before them, and the load average around them."""

    seconds: list[float]
    warming_waited: float
    load_average: tuple[float, float]
    # Processor seconds of each later visit, in Chromium and in the two workers: unlike the
    # seconds on the clock, they hardly change with what else the machine is running.
    browser_cpu: list[float]
    server_cpu: list[float]


@dataclass(frozen=True)
class PublicLoads:
    """The funding page as a public visitor on a wide screen gets it (no cookie): seconds until
    its charts are shown (the server's first view, or Dash's page before the first view is
    drawn), what showed them, seconds until Dash's charts are drawn over it, and Chromium's
    processor seconds a visit; the first visit (its cache still holds the app's scripts from
    the interactive visits) is left out."""

    shown: list[float]
    shown_as: list[str]
    interactive: list[float]
    browser_cpu: list[float]


def public_loads(browser: Any, base: str, visits: int) -> PublicLoads:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    shown: list[float] = []
    shown_as: list[str] = []
    interactive: list[float] = []
    browser_cpu: list[float] = []
    for _ in range(visits + 1):
        used = browser_cpu_seconds()
        seconds, what, drawn = open_public_page(page, base + "/funding")
        browser_cpu.append(browser_cpu_seconds() - used)
        shown.append(seconds)
        shown_as.append(what)
        interactive.append(drawn)
    context.close()
    return PublicLoads(shown[1:], shown_as[1:], interactive[1:], browser_cpu[1:])


def record_and_load(
    url: str, visits: int
) -> tuple[dict[str, list[dict[str, Any]]], PageLoads, PublicLoads, float]:
    """The callback requests each page's opening sends, the funding page's load times (the
    interactive page, then the public visitor's), and the larger peak RSS (MB) of the two
    workers."""
    from web.first_view import INTERACTIVE, VIEW_COOKIE

    recorded: dict[str, list[dict[str, Any]]] = defaultdict(list)
    loads: list[float] = []
    with gunicorn(url, workers=2) as (base, server), chromium() as browser:
        waited = wait_for_warming(base, worker_pids(server.pid))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": VIEW_COOKIE, "value": INTERACTIVE, "url": base}])
        page = context.new_page()
        workers = worker_pids(server.pid)
        before = os.getloadavg()[0]
        browser_cpu: list[float] = []
        server_cpu: list[float] = []
        for _ in range(visits + 1):
            used = browser_cpu_seconds(), sum(_cpu_seconds(pid) for pid in workers)
            loads.append(open_page(page, base + "/funding"))
            browser_cpu.append(browser_cpu_seconds() - used[0])
            server_cpu.append(sum(_cpu_seconds(pid) for pid in workers) - used[1])
        timed = PageLoads(
            loads, waited, (before, os.getloadavg()[0]), browser_cpu[1:], server_cpu[1:]
        )
        public = public_loads(browser, base, visits)
        for path in CALLBACK_PAGES:
            current = path

            def keep(request: Any, current: str = current) -> None:
                if request.method == "POST" and "/_dash-update-component" in request.url:
                    recorded[current].append(request.post_data_json)

            page.on("request", keep)
            page.goto(base + path, wait_until="networkidle")
            # The network can fall idle while Chromium parses plotly.min.js, before the charts'
            # callbacks are sent (when the callbacks before them answer fast): wait for the charts.
            page.wait_for_function(PAGE_DRAWN.get(path, CHARTS_DRAWN), timeout=120_000, polling=50)
            page.wait_for_timeout(500)
            page.wait_for_load_state("networkidle")
            page.remove_listener("request", keep)
        context.close()
        rss = max(peak_rss_mb(pid) for pid in worker_pids(server.pid))
    return recorded, timed, public, rss


def every_page_rss(url: str, only: tuple[str, ...] = ()) -> tuple[float, int]:
    """Peak RSS (MB) of a lone gunicorn worker after it served every page (or ``only``
    these) to Chromium."""
    paths = list(only) or sorted(
        {
            str(p["path"])
            for p in _page_registry()
            if "<" not in str(p["path"])  # pages with a path variable need a record id
        }
    )
    with gunicorn(url, workers=1) as (base, server), chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in paths:
            page.goto(base + path, wait_until="networkidle", timeout=300_000)
            page.wait_for_timeout(300)
            page.wait_for_load_state("networkidle", timeout=300_000)
        (worker,) = worker_pids(server.pid)
        return peak_rss_mb(worker), len(paths)


def _page_registry() -> list[dict[str, Any]]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, dash, app; "
            "print(json.dumps([{'path': p['path']} for p in dash.page_registry.values()]))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return list(json.loads(out.strip().splitlines()[-1]))


def label(body: dict[str, Any]) -> str:
    output = str(body.get("output", "?")).strip(".")
    first = output.split("...")[0]
    more = output.count("...")
    return first + (f" (+{more} outputs)" if more else "")


@dataclass(frozen=True)
class Warming:
    """Seconds until the default views' callbacks were warmed, and until the first views
    (drawn in the background) were too; the SQL statements run meanwhile."""

    callbacks: float
    everything: float
    statements: int


class SqlCapture:
    """The SQL statements this process runs while ``on`` (SQLAlchemy ``before_cursor_execute``)."""

    def __init__(self) -> None:
        from sqlalchemy import Engine, event

        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(Engine, "before_cursor_execute", self._keep)

    def _keep(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.on:
            self.statements.append((statement, parameters))

    @contextmanager
    def capturing(self) -> Iterator[list[tuple[str, Any]]]:
        self.statements = []
        self.on = True
        try:
            yield self.statements
        finally:
            self.on = False

    def close(self) -> None:
        from sqlalchemy import Engine, event

        event.remove(Engine, "before_cursor_execute", self._keep)


def in_process_app(url: str) -> Any:
    """The app's Flask server in this process, over ``url``. No warming thread: the replay
    times cold first runs, and ``first_visitor`` runs the warming step itself."""
    os.environ["DATABASE_URL"] = url
    os.environ["CACHE_WARM_INTERVAL"] = "0"
    from app import server

    return server


def browser_client(server: Any) -> tuple[Any, dict[str, str]]:
    """A test client holding a visitor's session, and the CSRF header its renderer sends. It
    asks for the interactive page, so its first GET puts no first view (kaleido, seconds of
    work in a background thread) in hand while callbacks are timed."""
    from web.first_view import INTERACTIVE, VIEW_COOKIE

    client = server.test_client()
    client.set_cookie(VIEW_COOKIE, INTERACTIVE)
    client.get("/")  # the session and the CSRF cookie the renderer echoes as a header
    cookie = client.get_cookie("_csrf_token")
    return client, ({"X-CSRFToken": cookie.value} if cookie else {})


def distinct(recorded: dict[str, list[dict[str, Any]]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each page's recorded requests, each once."""
    for page, bodies in recorded.items():
        seen: set[str] = set()
        for body in bodies:
            key = json.dumps(body, sort_keys=True)
            if key not in seen:
                seen.add(key)
                yield page, body


def replay(
    url: str, recorded: dict[str, list[dict[str, Any]]], repeat: int
) -> list[dict[str, Any]]:
    """Time every recorded callback in process and beside the SQL it runs."""
    server = in_process_app(url)
    from warehouse.db import shared_engine

    sql = SqlCapture()
    client, headers = browser_client(server)
    raw = shared_engine().raw_connection()
    rows = []
    for page, body in distinct(recorded):
        with sql.capturing() as captured:
            start = time.perf_counter()
            warm = client.post("/_dash-update-component", json=body, headers=headers)
            first = time.perf_counter() - start
        assert warm.status_code in (200, 204), warm.get_data(as_text=True)[:300]
        statements = list(captured)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.post("/_dash-update-component", json=body, headers=headers)
            times.append(time.perf_counter() - start)
            assert response.status_code in (200, 204)
        floors = []
        for _ in range(repeat):
            start = time.perf_counter()
            for statement, parameters in statements:
                cursor = raw.cursor()
                cursor.execute(statement, parameters)
                cursor.fetchall()
                cursor.close()
            floors.append(time.perf_counter() - start)
        rows.append(
            {
                "page": page,
                "callback": label(body),
                "first": first,
                "median": statistics.median(times),
                "p95": statistics.quantiles(times, n=20, method="inclusive")[18],
                "statements": len(statements),
                "floor": statistics.median(floors) if statements else None,
            }
        )
    raw.close()
    sql.close()
    return rows


@contextmanager
def new_load_generation(url: str) -> Iterator[None]:
    """A new load generation, as any load run makes: a run of a file refused whole, which
    writes no data. The run is removed afterwards, so the warehouse (kept in ``--workdir`` for
    the other benchmarks) is left as it was."""
    from datetime import UTC, datetime

    from sqlalchemy import delete, insert

    from warehouse.db import make_engine
    from warehouse.schema import meta_load_runs

    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        run = conn.execute(
            insert(meta_load_runs)
            .values(
                file_name=BENCHMARK_RUN,
                sha256="0" * 64,
                started_at=now,
                finished_at=now,
                status="rejected",
            )
            .returning(meta_load_runs.c.load_run_id)
        ).scalar_one()
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(delete(meta_load_runs).where(meta_load_runs.c.load_run_id == run))
        engine.dispose()


def background_drawings_done() -> None:
    """Wait until the first views the warmers put in hand (``web.first_view``: drawn by one
    background thread, in order) are drawn."""
    from web import caching

    for warm in list(caching._warmers):
        pool = getattr(getattr(warm, "__self__", None), "pool", None)
        if pool is not None:
            pool.submit(lambda: None).result(timeout=1800)


def first_visitor(
    url: str, recorded: dict[str, list[dict[str, Any]]]
) -> tuple[Warming, list[dict[str, Any]]]:
    """After a new load generation: how long the process's warming took and the SQL it ran,
    then each recorded callback asked once by a new visitor (its time and SQL)."""
    server = in_process_app(url)
    from warehouse.db import shared_engine
    from web.caching import seen_generation, warm_for_this_load

    sql = SqlCapture()
    rows = []
    with new_load_generation(url):
        before = seen_generation()
        with sql.capturing() as warming_sql:
            start = time.perf_counter()
            warmed = warm_for_this_load(server, shared_engine())
            callbacks_warmed = time.perf_counter() - start
            background_drawings_done()
            everything_warmed = time.perf_counter() - start
        assert warmed is not None and warmed != before, "the process saw a new generation"
        warming = Warming(callbacks_warmed, everything_warmed, len(warming_sql))
        client, headers = browser_client(server)
        for page, body in distinct(recorded):
            with sql.capturing() as captured:
                start = time.perf_counter()
                response = client.post("/_dash-update-component", json=body, headers=headers)
                first = time.perf_counter() - start
            assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
            rows.append(
                {"page": page, "callback": label(body), "first": first, "statements": len(captured)}
            )
    sql.close()
    return warming, rows


def print_first_visitor(scale: int, warming: Warming, rows: list[dict[str, Any]]) -> None:
    print(f"\n### First visitor after a load at {scale:,} grants\n")
    print(
        "A new load generation is recorded (a run of a file refused whole: no data change); "
        "the process warms its cache as its warming thread does on a new generation "
        "(`web.caching.warm_for_this_load`), then a new visitor asks each recorded callback "
        "once, in process through Flask's test client.\n"
    )
    print(
        f"warming: {warming.callbacks:.2f} s for the default views' callbacks "
        f"(`warm_for_this_load`), {warming.everything:.2f} s with the first views drawn "
        f"in the background; {warming.statements:,} SQL statements\n"
    )
    print("| page | callback | first visitor ms | SQL statements |")
    print("|---|---|---:|---:|")
    for row in rows:
        print(f"| {row['page']} | {row['callback']} | {_ms(row['first'])} | {row['statements']} |")
    over = [r for r in rows if r["first"] * 1000 > CALLBACK_MEDIAN_TARGET_MS]
    slowest = max(rows, key=lambda r: r["first"]) if rows else None
    print(
        f"\n{len(over)} of {len(rows)} callbacks over {CALLBACK_MEDIAN_TARGET_MS:.0f} ms "
        "for the first visitor after a load"
    )
    if slowest:
        print(f"slowest: {slowest['page']} {slowest['callback']} {_ms(slowest['first'])} ms")
    record(
        "first visitor after a load",
        slowest["first"] if slowest else 0.0,
        "s",
        slowest_name=f"{slowest['page']} {slowest['callback']}" if slowest else "",
        over_target=len(over),
        count=len(rows),
        warming=warming.callbacks,
        warming_with_first_views=warming.everything,
        warming_statements=warming.statements,
    )


def print_public(public: PublicLoads) -> None:
    """What a public visitor on a wide screen gets: the page drawn on the server, with Dash
    loaded over it straight away (web/first_view.py). Beside the interactive page's figure,
    never instead of it: Dash's page is still what every signed-in visitor gets."""
    shown, drawn = public.shown, public.interactive
    kinds = ", ".join(f"{public.shown_as.count(k)} {k}" for k in sorted(set(public.shown_as)))
    print(
        f"\nA public visitor's page (no cookie, 1280 px), {len(shown)} visits after a first "
        f"one; charts shown by: {kinds}\n"
    )
    print("| seconds until | median | fastest | slowest |")
    print("|---|---:|---:|---:|")
    print(
        f"| every chart is shown | {statistics.median(shown):.2f} | {min(shown):.2f} "
        f"| {max(shown):.2f} |"
    )
    print(
        f"| Dash's charts are drawn over it | {statistics.median(drawn):.2f} | {min(drawn):.2f} "
        f"| {max(drawn):.2f} |"
    )
    cpu = statistics.median(public.browser_cpu)
    print(f"\nChromium's processor seconds a visit (median): {cpu:.2f}")
    record(
        "page load /funding public",
        statistics.median(shown),
        "s",
        shown_as=kinds,
        interactive=statistics.median(drawn),
        browser_cpu=cpu,
    )


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each callback")
    parser.add_argument("--visits", type=int, default=15, help="warm visits of the funding page")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the warehouse here")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.visits = 2, 1
    with tempfile.TemporaryDirectory(prefix="bench-callbacks-") as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        url, built = build_warehouse(folder, args.scale)
        if built:
            print(f"warehouse of {args.scale:,} grants built in {built:.0f} s")
        step = time.perf_counter()
        recorded, page_loads, public, two_worker_rss = record_and_load(url, args.visits)
        print(
            f"recorded callbacks and page loads in {time.perf_counter() - step:.0f} s", flush=True
        )
        if args.quick:  # no separate one-worker pass: the larger of the two workers above
            rss, pages, workers = two_worker_rss, len(CALLBACK_PAGES), "the larger of 2 workers"
        else:
            step = time.perf_counter()
            rss, pages = every_page_rss(url)
            workers = "one gunicorn worker (-w 1)"
            print(f"served every page to one worker in {time.perf_counter() - step:.0f} s")
        step = time.perf_counter()
        rows = replay(url, recorded, args.repeat)
        print(f"replayed the callbacks in {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
        warming, first_rows = first_visitor(url, recorded)
        print(
            f"a new load generation, the warming and its first visitor in "
            f"{time.perf_counter() - step:.0f} s\n",
            flush=True,
        )

    loads = page_loads.seconds
    first, warm = loads[0], statistics.median(loads[1:])
    print(f"### Page load: /funding at {args.scale:,} grants (gunicorn -w 2, Chromium)\n")
    print(
        "The interactive page (cookie observatory_view=app). Timed after both workers had "
        f"warmed their caches and drawn the first views ({page_loads.warming_waited:.0f} s "
        "after the server answered); load average "
        f"{page_loads.load_average[0]:.2f} before the visits, "
        f"{page_loads.load_average[1]:.2f} after.\n"
    )
    print("| visit | seconds until every chart is drawn |")
    print("|---|---:|")
    print(f"| first (empty browser cache) | {first:.2f} |")
    print(f"| later visits, median of {len(loads) - 1} | {warm:.2f} |")
    print(f"| later visits, fastest and slowest | {min(loads[1:]):.2f}, {max(loads[1:]):.2f} |")
    print(
        f"\nProcessor seconds of a later visit (median): Chromium "
        f"{statistics.median(page_loads.browser_cpu):.2f}, the two workers "
        f"{statistics.median(page_loads.server_cpu):.2f}"
    )
    record(
        "page load /funding",
        warm,
        "s",
        first=first,
        slowest=max(loads[1:]),
        target=PAGE_LOAD_TARGET_S,
        warming_waited=page_loads.warming_waited,
        load_average=page_loads.load_average[0],
        browser_cpu=statistics.median(page_loads.browser_cpu),
        server_cpu=statistics.median(page_loads.server_cpu),
    )
    print_public(public)

    print(f"\n### Worker memory: {workers} that served {pages} pages\n")
    print(f"peak RSS (VmHWM): {rss:,.0f} MB (target <= {RSS_TARGET_MB:.0f} MB)")
    record("worker peak RSS", rss, "MB", target=RSS_TARGET_MB)

    print(
        f"\n### Callbacks at {args.scale:,} grants: {len(rows)} requests, {args.repeat} runs each"
    )
    print(
        "In process through Flask's test client; floor = the same SQL run straight on the cursor.\n"
    )
    print(
        "The median and p95 are of the runs after the first; the first run is also shown, since "
        "chart and filter answers are cached per load (a first run fills the cache).\n"
    )
    print(
        "| page | callback | first run ms | median ms | p95 ms | SQL statements | SQL floor ms "
        "| ratio |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        ratio = f"{row['median'] / row['floor']:.1f}" if row["floor"] else "–"
        print(
            f"| {row['page']} | {row['callback']} | {_ms(row['first'])} | {_ms(row['median'])} "
            f"| {_ms(row['p95'])} | "
            f"{row['statements']} | {_ms(row['floor'])} | {ratio} |"
        )
    with_sql = [r for r in rows if r["floor"]]
    medians = [r["median"] for r in rows]
    overall = statistics.median(medians) if medians else 0.0
    slowest = max(rows, key=lambda r: r["median"]) if rows else None
    over = [r for r in rows if r["median"] * 1000 > CALLBACK_MEDIAN_TARGET_MS]
    ratios = [r["median"] / r["floor"] for r in with_sql]
    worst_ratio = max(ratios) if ratios else 0.0
    over_ratio = [r for r in with_sql if r["median"] / r["floor"] > FLOOR_RATIO_TARGET]
    print(
        f"\nmedian of the callbacks' medians: {overall * 1000:.1f} ms; "
        f"{len(over)} of {len(rows)} callbacks over {CALLBACK_MEDIAN_TARGET_MS:.0f} ms; "
        f"{len(over_ratio)} of {len(with_sql)} over {FLOOR_RATIO_TARGET:.0f}x their SQL floor"
    )
    if slowest:
        print(f"slowest: {slowest['page']} {slowest['callback']} {_ms(slowest['median'])} ms")
    record(
        "callbacks",
        overall,
        "s",
        slowest=slowest["median"] if slowest else 0.0,
        slowest_name=f"{slowest['page']} {slowest['callback']}" if slowest else "",
        over_target=len(over),
        count=len(rows),
        worst_ratio=worst_ratio,
        over_ratio=len(over_ratio),
        with_sql=len(with_sql),
    )
    print_first_visitor(args.scale, warming, first_rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
