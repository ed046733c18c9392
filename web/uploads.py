"""The data officer's upload (admin only): ``POST /data/upload`` loads one file through the
pipeline and answers 303 to ``/data/loads/<load_run_id>``, the page with the load summary and
the rejected rows; ``GET /data/loads/<load_run_id>/rejected.csv`` and ``GET
/data/rejected.csv`` stream rejected rows (one run's, or every run's) as CSV.

The form (on ``/data``, shown to admin only) is a plain multipart POST carrying the hidden
``csrf_token`` field, checked by ``web.auth`` before the view runs. The file is saved in a
fresh temporary folder under its own name made safe (``secure_filename``), because the loader
records the name, and a corrected file reloaded under the same name replaces its earlier
rejects. ``load_file`` writes in one transaction and refreshes the marts in it; the new load
run changes ``load_generation``, so the API and embed caches (``web.caching``) and the search
index drop their old answers on the next request.

A file rejected whole writes no data; the loader keeps the attempt as a load run with status
``rejected`` and its reason (``meta_load_runs.message``), so the data officer's page can say
why. Every upload is written to the audit log with who made it.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, redirect, request, stream_with_context
from flask.blueprints import BlueprintSetupState
from sqlalchemy import Engine, insert
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from data_pipeline.config import load_config
from data_pipeline.formats import all_formats
from data_pipeline.load import LoadResult, load_file
from warehouse.db import shared_engine
from warehouse.queries.load_runs import load_run, rejected_csv_chunks, rejected_csv_name
from warehouse.schema import meta_audit_log
from web.auth import _page, current_user, require_role

log = logging.getLogger(__name__)

UPLOAD_PATH = "/data/upload"
# The largest upload (the whole multipart request). Bigger files load from the command line.
UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024
# Where the upload form finds the formats it offers: (format id, label) pairs.
FORMATS_CONFIG_KEY = "OBSERVATORY_UPLOAD_FORMATS"
NO_STORE = "no-store, private"

uploads = Blueprint("uploads", __name__)


@uploads.record_once
def _configure(state: BlueprintSetupState) -> None:
    app = state.app
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = UPLOAD_LIMIT_BYTES
    app.config[FORMATS_CONFIG_KEY] = [(fmt.id, fmt.label) for fmt in all_formats()]


def size_text(limit: int) -> str:
    """A byte count as people read it: 200 MB, 512 kB, 200 bytes."""
    for unit, size in (("MB", 1024 * 1024), ("kB", 1024)):
        if limit >= size:
            return f"{limit / size:,.0f} {unit}"
    return f"{limit:,} bytes"


_PROBLEM = """<h1 class="h2 mb-3">The file was not loaded</h1>
<div class="alert alert-danger" role="alert">{{ message }}</div>
<p><a href="/data">Back to Sources and quality</a> to choose another file.</p>"""


def _problem(message: str, status: int) -> tuple[str, int]:
    """A page saying why the upload was refused, with a way back to the form."""
    return _page("Upload refused", _PROBLEM, user=current_user(), message=message), status


@uploads.app_errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    if request.path != UPLOAD_PATH:
        return error
    from flask import current_app

    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or UPLOAD_LIMIT_BYTES)
    return _problem(
        f"The file is larger than {size_text(limit)}, the most one upload may be. Split it "
        "into smaller files, or load it with the command line (python -m data_pipeline load).",
        413,
    )


def stored_name(original: str) -> str:
    """The upload's own file name, made safe for the file system; ``upload`` plus the
    original suffix when nothing of the name survives."""
    original = re.split(r"[\\/]", original)[-1]  # old browsers send the whole path
    name = secure_filename(original)
    suffix = secure_filename(Path(original).suffix.lstrip(".")).lower()
    if not name or name.startswith(".") or (suffix and not name.lower().endswith("." + suffix)):
        return f"upload.{suffix}" if suffix else "upload"
    return name


def _audit(engine: Engine, user_id: int, load_run_id: int, result: LoadResult) -> None:
    detail = {
        "file_name": result.file_name,
        "format": result.format_id,
        "status": result.status,
        "rows_read": result.rows_read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }
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


@uploads.post(UPLOAD_PATH)
@require_role("admin")
def upload() -> Any:
    """Load the file in the form's ``file`` field (as ``format`` if given) and show its run."""
    from flask import current_app

    user = current_user()
    assert user is not None  # require_role admitted a signed-in admin
    chosen = request.files.get("file")
    if chosen is None or not chosen.filename:
        return _problem("Choose a file to upload.", 400)
    format_id = (request.form.get("format") or "").strip() or None
    known = dict(current_app.config.get(FORMATS_CONFIG_KEY) or [])
    if format_id is not None and format_id not in known:
        return _problem(
            f"{format_id} is not a format the pipeline knows; choose one from the list "
            "or let the pipeline detect it.",
            400,
        )
    engine = shared_engine()
    with tempfile.TemporaryDirectory(prefix="observatory-upload-") as folder:
        path = Path(folder) / stored_name(chosen.filename)
        chosen.save(path)
        result = load_file(engine, path, load_config(), format_id=format_id)
    load_run_id = result.load_run_id
    if load_run_id is None:  # rejected whole, and the warehouse could not record even that
        return _problem("; ".join(str(problem) for problem in result.problems), 500)
    _audit(engine, user.user_id, load_run_id, result)
    log.info(
        "upload: user %s loaded %s as run %s (%s)",
        user.user_id,
        result.file_name,
        load_run_id,
        result.status,
    )
    return redirect(f"/data/loads/{load_run_id}", 303)


def _csv(chunks: Iterator[str], file_name: str) -> Response:
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name}"',
            "Cache-Control": NO_STORE,
        },
    )


@uploads.get("/data/loads/<int:load_run_id>/rejected.csv")
@require_role("admin")
def run_rejected_csv(load_run_id: int) -> Response:
    """The rejected rows of one load run: load_run_id, file_name, row_number, field, reason,
    raw."""
    engine = shared_engine()
    run = load_run(engine, load_run_id)
    if run is None:
        abort(404)
    return _csv(rejected_csv_chunks(engine, load_run_id), rejected_csv_name(run))


@uploads.get("/data/rejected.csv")
@require_role("admin")
def all_rejected_csv() -> Response:
    """Every rejected row in the warehouse (the whole ``meta_rejected_rows``)."""
    return _csv(rejected_csv_chunks(shared_engine()), "rejected-rows.csv")
