"""Shared by the benchmarks: the machine's description, a throw-away PostgreSQL cluster, free
ports, the demo warehouse, and the figures each benchmark hands to ``benchmarks.run`` for the
targets table of ``docs/benchmarks.md``.

A benchmark records a figure with ``record(name, value, ...)``; ``benchmarks.run`` sets
``BENCH_RESULTS`` to a JSON-lines file and reads them back. Run alone, a benchmark only prints.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULTS_ENV = "BENCH_RESULTS"


def record(name: str, value: float, unit: str, **extra: Any) -> None:
    """Hand one figure to ``benchmarks.run`` (no-op when run alone)."""
    target = os.environ.get(RESULTS_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps({"name": name, "value": value, "unit": unit, **extra}) + "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, seconds: float = 60, path: str = "/healthz") -> None:
    """Wait until the server at ``base`` answers ``path``."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + path, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on {base}")


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throw-away PostgreSQL server (as ``tests/with_postgres.sh`` makes one); yields its
    SQLAlchemy URL. The server and its files are removed on exit."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed")
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    shutil.chown(folder, "postgres") if os.geteuid() == 0 else None
    port = free_port()
    data = folder / "data"
    subprocess.run(
        [
            *_as_postgres(str(binaries / "initdb"), "-D", str(data), "-U", "postgres"),
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *_as_postgres(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "pg.log")),
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def build_warehouse(folder: Path, scale: int) -> tuple[str, float]:
    """A demo warehouse of ``scale`` grants in ``folder`` (reused if already built); its
    files are kept in ``folder/demo-<scale>`` for the ETL benchmark."""
    import sys

    database = folder / f"warehouse-{scale}.db"
    url = f"sqlite:///{database}"
    done = folder / f"warehouse-{scale}.built"
    if database.exists() and done.exists():
        # Built by older code, perhaps: bring its schema up to this code's migrations.
        subprocess.run(
            [sys.executable, "-m", "data_pipeline", "--database-url", url, "init-db"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return url, 0.0
    database.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "data_pipeline", "--database-url", url, "demo"),
            *("--scale", str(scale), "--out", str(folder / f"demo-{scale}")),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.touch()
    return url, time.perf_counter() - start


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def _postgres_version() -> str:
    binaries = postgres_bin()
    if binaries is None:
        return "not installed"
    out = subprocess.run(
        [str(binaries / "postgres"), "--version"], capture_output=True, text=True, check=False
    ).stdout
    return out.strip().removeprefix("postgres (PostgreSQL) ") or "unknown"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{_ram_gb():.1f} GB",
        "OS": f"{_os_name()} (kernel {platform.release()})",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(),
    }
