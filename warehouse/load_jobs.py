"""Load runs that run in the background (an upload's): the run row is written at once as
``queued``, carries its stage and fraction while it loads, and is finished by the load itself
(``data_pipeline.load.load_file`` with ``load_run_id``).

A background load lives in one server process, named in the run's ``worker`` column as
``host:pid``. If that process dies (a gunicorn worker killed or restarted, the server
stopped) the run would stay ``queued`` or ``running`` for ever, so ``fail_stale_runs`` marks
it ``failed``: when the process that owns it is this one but no longer runs it, when it is on
this host and gone, or (on any host) when it has run longer than ``STALE_AFTER``. Servers call
it at start-up and whenever a run's page is shown.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from warehouse.schema import meta_load_runs

UNFINISHED = ("queued", "running")
STALE_AFTER = timedelta(hours=6)
STOPPED = (
    "the load stopped before it finished (the server restarted or was stopped); "
    "nothing was loaded. Upload the file again."
)

_lock = threading.Lock()
_active: set[int] = set()  # the runs this process is loading (or has queued)


def this_worker() -> str:
    """``host:pid`` of this process (read at each call: gunicorn forks its workers)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def mark_active(load_run_id: int) -> None:
    with _lock:
        _active.add(load_run_id)


def mark_done(load_run_id: int) -> None:
    with _lock:
        _active.discard(load_run_id)


def is_active(load_run_id: int) -> bool:
    with _lock:
        return load_run_id in _active


def queue_run(engine: Engine, file_name: str, sha256: str) -> int:
    """A new run, ``queued`` in this process; its id."""
    with engine.begin() as conn:
        load_run_id = conn.execute(
            insert(meta_load_runs)
            .values(
                file_name=file_name,
                sha256=sha256,
                started_at=datetime.now(UTC),
                status="queued",
                stage="queued",
                fraction=0.0,
                worker=this_worker(),
                rows_read=0,
                rows_inserted=0,
                rows_updated=0,
                rows_unchanged=0,
                rows_rejected=0,
            )
            .returning(meta_load_runs.c.load_run_id)
        ).scalar_one()
    mark_active(int(load_run_id))
    return int(load_run_id)


def set_progress(engine: Engine, load_run_id: int, stage: str, fraction: float) -> None:
    """Record how far an unfinished run has got (a finished run is left as it is)."""
    runs = meta_load_runs.c
    with engine.begin() as conn:
        conn.execute(
            update(meta_load_runs)
            .where(runs.load_run_id == load_run_id, runs.status.in_(UNFINISHED))
            .values(status="running", stage=stage, fraction=max(0.0, min(1.0, fraction)))
        )


def fail_run(engine: Engine, load_run_id: int, message: str) -> None:
    """Mark an unfinished run ``failed`` with the reason (a finished run is left as it is)."""
    runs = meta_load_runs.c
    with engine.begin() as conn:
        conn.execute(
            update(meta_load_runs)
            .where(runs.load_run_id == load_run_id, runs.status.in_(UNFINISHED))
            .values(
                status="failed",
                finished_at=datetime.now(UTC),
                stage=None,
                fraction=None,
                message=message,
            )
        )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except OSError:
        return False
    return True


def _stale(load_run_id: int, worker: str | None, started_at: datetime, now: datetime) -> bool:
    if started_at.tzinfo is None:  # SQLite gives naive UTC
        started_at = started_at.replace(tzinfo=UTC)
    if now - started_at > STALE_AFTER:
        return True
    host, _, pid_text = (worker or "").rpartition(":")
    if not pid_text.isdigit() or host != socket.gethostname():
        return not worker  # another host's run is judged by its age alone
    pid = int(pid_text)
    if pid == os.getpid():
        return not is_active(load_run_id)
    return not _process_alive(pid)


def fail_stale_runs(engine: Engine, load_run_id: int | None = None) -> list[int]:
    """Mark ``failed`` every unfinished run (or just ``load_run_id``) whose process is gone;
    the ids marked."""
    runs = meta_load_runs.c
    statement = select(runs.load_run_id, runs.worker, runs.started_at).where(
        runs.status.in_(UNFINISHED)
    )
    if load_run_id is not None:
        statement = statement.where(runs.load_run_id == load_run_id)
    with engine.connect() as conn:
        unfinished = conn.execute(statement).all()
    now = datetime.now(UTC)
    stale = [
        int(r.load_run_id)
        for r in unfinished
        if _stale(int(r.load_run_id), r.worker, r.started_at, now)
    ]
    for stale_id in stale:
        fail_run(engine, stale_id, STOPPED)
    return stale
