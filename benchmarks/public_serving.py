"""How many requests a second do the public embeds and the chart API answer under
``gunicorn -w 2``? Driven by ``wrk`` on loopback, over a demo warehouse of ``--scale`` grants.
Beside them, in the same run, the peer: Datasette serving the same aggregate (the chart's own
GROUP BY, captured from the query layer) as JSON from the same SQLite file, as a canned query.
Datasette lives in a venv of its own under the work folder (it pins packages the project must
not share). Also the size of one embed page and of what it loads.

    python -m benchmarks.public_serving [--scale 1000000] [--seconds 10] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from benchmarks.common import build_warehouse, record, wait_until_up

CHART = "funding-by-year"
TARGETS = {
    "cached embed": f"/embed/{CHART}",
    "chart JSON": f"/api/v1/charts/{CHART}.json",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _requests_per_second(url: str, seconds: int) -> tuple[float, str]:
    """wrk's requests/sec and average latency for ``url``."""
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = re.search(r"Latency\s+(\S+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} answers were errors")
    return float(rate.group(1)) if rate else 0.0, latency.group(1) if latency else "?"


class _Loads(HTMLParser):
    """The scripts, style sheets and images a page asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(str(found["src"]))
        elif tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.urls.append(str(found["href"]))
        elif tag == "img" and found.get("src"):
            self.urls.append(str(found["src"]))


def _page_weight(base: str, path: str) -> list[tuple[str, int]]:
    with urllib.request.urlopen(base + path) as answer:
        html = answer.read()
    loads = _Loads()
    loads.feed(html.decode("utf-8"))
    sizes = [(path, len(html))]
    for url in loads.urls:
        if url.startswith("/"):
            with urllib.request.urlopen(base + url) as answer:
                sizes.append((url, len(answer.read())))
        else:
            sizes.append((url, 0))
    return sizes


def _canned_sql(url: str) -> str:
    """The aggregate the chart's query runs (its GROUP BY), with its parameters inlined."""
    from sqlalchemy import Engine, event

    from warehouse.db import make_engine
    from warehouse.queries.charts import CHART_QUERIES
    from warehouse.queries.filters import Filters

    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _k: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    engine = make_engine(url)
    event.listen(Engine, "before_cursor_execute", capture)
    try:
        CHART_QUERIES[CHART](engine, Filters())
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
        engine.dispose()
    statement, parameters = next((s, p) for s, p in statements if "GROUP BY" in s)
    for value in parameters or ():
        literal = (
            repr(value)
            if isinstance(value, (int, float))
            else "'" + str(value).replace("'", "''") + "'"
        )
        statement = statement.replace("?", literal, 1)
    return statement


def _datasette(folder: Path, url: str, *, quick: bool) -> Any:
    """A context manager serving the canned query with Datasette; yields its JSON URL.
    None if Datasette is not installed and this is a quick run."""
    venv = folder / "datasette-venv"
    binary = venv / "bin" / "datasette"
    if not binary.exists():
        if quick:
            return None
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "datasette"], check=True)
    database = Path(url.removeprefix("sqlite:///"))
    sql = _canned_sql(url)
    metadata = folder / "datasette-metadata.json"
    metadata.write_text(
        json.dumps({"databases": {database.stem: {"queries": {"funding_by_year": {"sql": sql}}}}})
    )

    @contextmanager
    def serve() -> Iterator[str]:
        port = _free_port()
        process = subprocess.Popen(
            [
                str(binary),
                "serve",
                str(database),
                "--metadata",
                str(metadata),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("datasette did not start") from None
                    time.sleep(0.3)
            yield f"{base}/{database.stem}/funding_by_year.json?_shape=array"
        finally:
            process.terminate()
            process.wait(timeout=30)

    return serve()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--quick", action="store_true", help="short runs; no Datasette unless already installed"
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds = 2
    if not shutil.which("wrk"):
        print("wrk is not installed (make bench installs it); skipped")
        return 0
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="bench-serving-"))
    url, _ = build_warehouse(folder, args.scale)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "app:server", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"),
        ],
        env={**os.environ, "DATABASE_URL": url},
    )
    peer = _datasette(folder, url, quick=args.quick)
    try:
        wait_until_up(base)
        print(f"{args.scale:,} grants, gunicorn -w 2, wrk -t2 -c16 -d{args.seconds}s on loopback")
        print("| what | path | requests/s | mean latency |")
        print("|---|---|---:|---:|")
        rates = {}
        for label, path in TARGETS.items():
            urllib.request.urlopen(base + path).read()  # warm the cache
            rate, latency = _requests_per_second(base + path, args.seconds)
            rates[label] = rate
            print(f"| {label} | {path} | {rate:,.0f} | {latency} |", flush=True)
        if peer is not None:
            with peer as peer_url:
                urllib.request.urlopen(peer_url).read()
                rate, latency = _requests_per_second(peer_url, args.seconds)
            path = peer_url.split(":", 2)[2].split("/", 1)[1]
            print(f"| Datasette canned query (peer) | /{path} | {rate:,.0f} | {latency} |")
            print()
            for label, mine in rates.items():
                print(f"{label} / Datasette: {mine / rate:.2f}x (target >= 1x)")
                record(f"serving {label}", mine, "req/s", peer=rate, ratio=mine / rate)
        else:
            print("\nDatasette is not installed here (quick run): the peer was skipped")
            for label, mine in rates.items():
                record(f"serving {label}", mine, "req/s")
        sizes = _page_weight(base, TARGETS["cached embed"])
        total = sum(size for _, size in sizes)
        print(f"\nEmbed page weight: {total / 1024:,.1f} kB in {len(sizes)} files")
        for name, size in sizes:
            print(f"- {name}: {size / 1024:,.1f} kB")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
