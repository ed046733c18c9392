"""Shared fixtures: a fresh warehouse on SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set
(``make test`` always sets it)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from data_pipeline.config import Config, HomeOrganisation
from warehouse.db import make_engine, upgrade_schema

ROOT = Path(__file__).resolve().parent.parent
# No background cache warming in the processes tests start (web.caching): a test that wants it
# runs its step itself, so no thread computes answers beside the test's own requests.
os.environ.setdefault("CACHE_WARM_INTERVAL", "0")
FIXTURES = ROOT / "tests" / "fixtures"
REAL = FIXTURES / "real"


def _postgres_database() -> Iterator[str]:
    admin_url = os.environ["TEST_POSTGRES_URL"]
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    if not os.environ.get("TEST_POSTGRES_URL"):
        pytest.skip("TEST_POSTGRES_URL is not set; `make test` starts a throw-away PostgreSQL")
    yield from _postgres_database()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A warehouse with the schema created through the migrations, on each engine."""
    eng = make_engine(database_url)
    upgrade_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    eng = make_engine(sqlite_url)
    upgrade_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def trafford_config() -> Config:
    """Trafford Council as the home organisation, for its real published files."""
    return Config(
        home_organisations=(
            HomeOrganisation("GB-LAE-TRF", "Trafford Metropolitan Borough Council", "council"),
        )
    )


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(tmp_path: Path) -> object:
    """Run ``python -m data_pipeline`` in a subprocess against a given database URL."""

    def run(
        *args: str, database_url: str, config: Path | None = None, stdin: str | None = None
    ) -> CliResult:
        env = {**os.environ, "DATABASE_URL": database_url}
        if config is not None:
            env["OBSERVATORY_CONFIG"] = str(config)
        proc = subprocess.run(
            [sys.executable, "-m", "data_pipeline", *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=env,
            cwd=ROOT,
            timeout=600,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throw-away Redis on a free port, when the machine has redis-server."""
    import shutil
    import socket
    import subprocess
    import time

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
