"""Two loads at once: the second waits for the first to commit, then writes as if it had come
after it (an upload and a scheduled refresh of the same file, say). Before, the second decided
what to write from a warehouse without the first's uncommitted rows, and failed on a unique
key: the file's record written twice, or its grants written straight into a table it had seen
empty."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import Engine, event, func, select, text

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from warehouse.schema import fct_grants

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name"
)
GRANTS = 40
WAIT_S = 60.0


def _grants_csv(path: Path) -> Path:
    rows = [
        f"360G-c-{n},Grant {n},Peer research,GBP,{100 + n},2024-05-01,GB-CHC-{n},Group {n},"
        "GB-LAE-XYZ,A Council"
        for n in range(GRANTS)
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _waits_on_postgresql(engine: Engine) -> bool:
    """Whether another session of this database waits for a lock."""
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(waiting)


def test_a_load_that_starts_while_a_first_load_runs_waits_and_then_succeeds(
    engine: Engine, tmp_path: Path
) -> None:
    path = _grants_csv(tmp_path / "grants.csv")
    second: dict[str, LoadResult] = {}
    first_wrote = threading.Event()
    second_sent: list[str] = []

    def second_load() -> None:
        first_wrote.wait(WAIT_S)
        second["result"] = load_file(engine, path, Config())

    @event.listens_for(engine, "before_cursor_execute")
    def keep(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if threading.current_thread() is other:
            second_sent.append(statement)

    def second_waits() -> bool:
        if engine.dialect.name == "postgresql":
            return _waits_on_postgresql(engine)
        # SQLite shows no waiting connection: the second load is taken to wait once it has
        # asked for the write lock (and given half a second to read a table if it would).
        return "BEGIN IMMEDIATE" in second_sent

    def hold_the_first_open(stage: str, fraction: float) -> None:
        # Called inside the first load's transaction once its rows are written: keep it open
        # until the second load is seen waiting, as it would be behind a slow first load.
        if stage != "loading" or fraction <= 0.6 or first_wrote.is_set():
            return
        first_wrote.set()
        deadline = time.monotonic() + WAIT_S
        while not second_waits() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)

    other = threading.Thread(target=second_load)
    other.start()
    first = load_file(engine, path, Config(), progress=hold_the_first_open)
    other.join(WAIT_S * 2)

    assert first_wrote.is_set(), "the first load never reported its rows written"
    assert (first.status, first.inserted, first.problems) == ("loaded", GRANTS, [])
    result = second["result"]
    assert result.problems == [], result.problems
    assert (result.status, result.inserted, result.unchanged) == ("loaded", 0, GRANTS)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fct_grants)).scalar_one() == GRANTS
