"""The data officer's upload (admin only): ``POST /data/upload`` stores one file, queues its
load in the background (``web.upload_jobs``) and answers 303 to ``/data/loads/<load_run_id>``
at once; that page shows the load's stage and fraction until it ends, then the load summary
and the rejected rows. ``GET /data/loads/<load_run_id>/rejected.csv`` and ``GET
/data/rejected.csv`` stream rejected rows (one run's, or every run's) as CSV.

The form (on ``/data``, shown to admin only) is a plain multipart POST carrying the hidden
``csrf_token`` field, checked by ``web.auth`` before the view runs. The file is saved in a
fresh private temporary folder under a name the server chooses (``stored_name``: random, with
a safe suffix), so nothing in the browser's name can reach the file system. The browser's name,
cleaned of folders and control characters (``display_name``), is the name the loader records
and the pages show: a corrected file reloaded under the same name replaces its earlier
rejects. ``load_file`` writes in one transaction and refreshes the marts in it; the finished
run changes ``load_generation``, so the API and embed caches (``web.caching``) and the search
index drop their old answers on the next request.

A file rejected whole writes no data; the loader keeps the attempt as a load run with status
``rejected`` and its reason (``meta_load_runs.message``), so the data officer's page can say
why. Every upload is written to the audit log with who made it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, redirect, request, stream_with_context
from flask.blueprints import BlueprintSetupState
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from data_pipeline.config import load_config
from data_pipeline.formats import all_formats
from warehouse.access import roles_with
from warehouse.db import shared_engine
from warehouse.load_jobs import fail_stale_runs
from warehouse.queries.load_runs import load_run, rejected_csv_chunks, rejected_csv_name
from web import upload_jobs
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


DISPLAY_NAME_LIMIT = 200


def display_name(original: str) -> str:
    """The name the upload is recorded and shown by: the browser's name without its folders
    (old browsers send the whole path), control and format characters (NUL, newlines,
    bidirectional overrides) or surrounding spaces, at most 200 characters; ``upload`` when
    nothing is left. Pages show it as text, so what remains is harmless."""
    name = re.split(r"[\\/]", original)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    if len(name) > DISPLAY_NAME_LIMIT:
        _stem, dot, suffix = name.rpartition(".")
        keep = suffix if dot and len(suffix) <= 10 else ""
        name = name[: DISPLAY_NAME_LIMIT - len(keep) - 1] + ("." + keep if keep else "")
    return name or "upload"


def stored_name(original: str) -> str:
    """The name the server stores an upload under: random, with the original's suffixes
    (``.csv``, ``.csv.gz``) when they are plain letters and digits. Nothing else of the
    browser's name is used."""
    suffixes = [
        s.lower()
        for s in Path(display_name(original)).suffixes[-2:]
        if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", s)
    ]
    return uuid.uuid4().hex + "".join(suffixes)


_startup_checked: set[int] = set()


@uploads.before_app_request
def _fail_stale_runs_once() -> None:
    """At a process's first request: mark ``failed`` the background loads whose process is
    gone (a worker killed or restarted mid-load), so none stays ``running`` for ever."""
    import os

    if os.getpid() in _startup_checked:
        return
    _startup_checked.add(os.getpid())
    try:
        fail_stale_runs(shared_engine())
    except SQLAlchemyError as error:  # no warehouse yet: nothing to mark
        log.warning("uploads: stale load runs not checked (%s)", error)


@uploads.post(UPLOAD_PATH)
@require_role(*roles_with("manages_data"))
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
    name = display_name(chosen.filename)
    folder = Path(tempfile.mkdtemp(prefix="observatory-upload-"))  # private to this user
    try:
        path = folder / stored_name(chosen.filename)
        chosen.save(path)
        with path.open("rb") as stream:
            sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
        load_run_id = upload_jobs.start(
            engine, path, sha256, name, load_config(), format_id=format_id, user_id=user.user_id
        )
    except (OSError, SQLAlchemyError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        log.exception("upload: %s could not be stored or queued", name)
        return _problem(f"{name} could not be stored or queued for loading ({error}).", 500)
    log.info("upload: user %s queued %s as run %s", user.user_id, name, load_run_id)
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
@require_role(*roles_with("manages_data"))
def run_rejected_csv(load_run_id: int) -> Response:
    """The rejected rows of one load run: load_run_id, file_name, row_number, field, reason,
    raw."""
    engine = shared_engine()
    run = load_run(engine, load_run_id)
    if run is None:
        abort(404)
    return _csv(rejected_csv_chunks(engine, load_run_id), rejected_csv_name(run))


@uploads.get("/data/rejected.csv")
@require_role(*roles_with("manages_data"))
def all_rejected_csv() -> Response:
    """Every rejected row in the warehouse (the whole ``meta_rejected_rows``)."""
    return _csv(rejected_csv_chunks(shared_engine()), "rejected-rows.csv")
