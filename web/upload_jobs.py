"""An upload's load, run in the background of the server process that took the upload, so a
large file never holds the request (where gunicorn's timeout would kill the worker).

``start`` records the run at once as ``queued`` (``warehouse.load_jobs``) and hands the load to
a pool of one thread in this process: loads from one worker run one after another, and each
gunicorn worker has its own pool (made after the fork). The thread records the stage and
fraction in the run row, the load finishes the run in its own transaction, and the thread then
writes the audit entry and removes the stored file. A load that breaks marks its run
``failed``; a process that dies leaves its runs to ``warehouse.load_jobs.fail_stale_runs``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.exc import SQLAlchemyError

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from warehouse.load_jobs import fail_run, mark_done, queue_run, set_progress
from warehouse.schema import meta_audit_log

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_futures: dict[int, Future[None]] = {}


def _executor() -> ThreadPoolExecutor:
    """This process's pool (a forked worker makes its own: threads do not survive a fork)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload-load")
            _pool_pid = os.getpid()
            _futures.clear()
        return _pool


def start(
    engine: Engine,
    path: Path,
    sha256: str,
    name: str,
    config: Config,
    *,
    format_id: str | None,
    user_id: int,
) -> int:
    """Queue the load of the stored file ``path`` (reported as ``name``); the run's id, at once.
    The file's folder is removed when the load ends."""
    load_run_id = queue_run(engine, name, sha256)
    future = _executor().submit(_run, engine, load_run_id, path, name, config, format_id, user_id)
    with _lock:
        _futures[load_run_id] = future
    return load_run_id


def wait(load_run_id: int, timeout: float | None = None) -> None:
    """Wait for this process's load of the run to end (for tests and the command line)."""
    with _lock:
        future = _futures.get(load_run_id)
    if future is not None:
        future.result(timeout)


def _run(
    engine: Engine,
    load_run_id: int,
    path: Path,
    name: str,
    config: Config,
    format_id: str | None,
    user_id: int,
) -> None:
    def progress(stage: str, fraction: float) -> None:
        try:
            set_progress(engine, load_run_id, stage, fraction)
        except SQLAlchemyError as error:  # progress is a courtesy: the load goes on
            log.warning("upload: run %s: progress not recorded (%s)", load_run_id, error)

    detail: dict[str, object] = {"file_name": name, "format": format_id}
    try:
        result = load_file(
            engine,
            path,
            config,
            format_id=format_id,
            progress=progress,
            name=name,
            load_run_id=load_run_id,
        )
        detail = _detail(result)
        if result.load_run_id is None:  # the warehouse could not record even the rejection
            fail_run(engine, load_run_id, "; ".join(str(p) for p in result.problems))
        log.info(
            "upload: user %s loaded %s as run %s (%s)", user_id, name, load_run_id, result.status
        )
    except Exception as error:  # a fault in the pipeline: the run says so, never "running"
        log.exception("upload: run %s broke", load_run_id)
        reason = f"{name}: the load broke ({error.__class__.__name__}); nothing was loaded"
        detail["status"] = "failed"
        try:
            fail_run(engine, load_run_id, reason)
        except SQLAlchemyError:
            log.exception("upload: run %s could not be marked failed", load_run_id)
    finally:
        mark_done(load_run_id)
        shutil.rmtree(path.parent, ignore_errors=True)
    try:
        _audit(engine, user_id, load_run_id, detail)
    except SQLAlchemyError:
        log.exception("upload: run %s: the audit entry was not written", load_run_id)


def _detail(result: LoadResult) -> dict[str, object]:
    return {
        "file_name": result.file_name,
        "format": result.format_id,
        "status": result.status,
        "rows_read": result.rows_read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }


def _audit(engine: Engine, user_id: int, load_run_id: int, detail: dict[str, object]) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(meta_audit_log).values(
                changed_at=datetime.now(UTC),
                user_id=user_id,
                action="data.uploaded",
                entity="meta_load_runs",
                entity_id=str(load_run_id),
                detail=json.dumps(detail),
            )
        )
