"""The data officer's wiring (admin only): the upload form and every rejected row on ``/data``,
and a load run's page. Anyone but an admin gets nothing on ``/data`` and a "sign in as an
administrator" message on a run's page; the role is read from the session, never from the
browser.

The upload itself is a Flask view (web/uploads.py): callbacks never import the pipeline. The
formats the form offers are the ones that view put in the app's config.
"""

from __future__ import annotations

from typing import Any

import flask
from dash import Input, Output, callback, html

from components import ids
from components.views import quality_report
from components.views import quality_tables as quality
from components.views import upload_card as card
from warehouse import load_jobs
from warehouse.db import shared_engine
from warehouse.queries import file_quality, load_runs
from web.auth import csrf_token, current_user

FORMATS_CONFIG_KEY = "OBSERVATORY_UPLOAD_FORMATS"  # set by web/uploads.py
MEGABYTE = 1024 * 1024


def _records(frame: Any) -> list[dict[str, Any]]:
    return list(frame.astype(object).where(frame.notna(), None).to_dict("records"))


@callback(Output(ids.DATA_ADMIN, "children"), Input(quality.LOADED, "data"))
def show_admin_tools(_loaded: Any) -> Any:
    user = current_user()
    if user is None or not user.is_admin:
        return None
    config = flask.current_app.config
    formats = [(str(i), str(label)) for i, label in config.get(FORMATS_CONFIG_KEY) or []]
    limit_mb = int((config.get("MAX_CONTENT_LENGTH") or 0) // MEGABYTE)
    engine = shared_engine()
    return card.admin_section(
        card.upload_card(csrf_token(), formats, limit_mb),
        card.all_rejected_rows(
            _records(load_runs.rejected_rows(engine)), load_runs.count_rejected_rows(engine)
        ),
    )


@callback(
    Output(ids.DATA_LOAD_DETAIL, "children"),
    Output(ids.DATA_LOAD_POLL, "disabled"),
    Input(ids.DATA_LOAD_ID, "data"),
    Input(ids.DATA_LOAD_POLL, "n_intervals"),
)
def show_load_while_it_runs(load_run_id: str | None, _ticks: Any) -> tuple[html.Div, bool]:
    """The run's page; while its load is queued or running, its progress, re-read by the
    page's interval until it ends (a load whose server process is gone is marked failed)."""
    wanted = str(load_run_id or "")
    user = current_user()
    if user is not None and user.is_admin and wanted.isdigit():
        engine = shared_engine()
        load_jobs.fail_stale_runs(engine, int(wanted))
        run = load_runs.load_run(engine, int(wanted))
        if run is not None and run["status"] in card.UNFINISHED:
            return card.load_progress(run), False
    return show_load(load_run_id), True


def show_load(load_run_id: str | None) -> html.Div:
    wanted = str(load_run_id or "")
    user = current_user()
    if user is None or not user.is_admin:
        return card.admins_only(card.run_path(wanted))
    if not wanted.isdigit():
        return card.load_not_found(wanted)
    engine = shared_engine()
    run = load_runs.load_run(engine, int(wanted))
    if run is None:
        return card.load_not_found(wanted)
    total = load_runs.count_rejected_rows(engine, int(wanted))
    rows = _records(load_runs.rejected_rows(engine, int(wanted))) if total else []
    csv_name = load_runs.rejected_csv_name(run)
    labels = dict(flask.current_app.config.get(FORMATS_CONFIG_KEY) or [])
    report = file_quality.quality_report(engine, int(wanted))
    if report is not None:  # a run that loaded nothing is "rejected", never "partial"
        run = {**run, "status": report.status}
    rejected = card.run_rejected_rows(
        rows,
        total,
        card.run_csv_path(wanted),
        csv_name,
        report.rows.rejected if report is not None else None,
    )
    quality = quality_report.quality_sections(report.as_dict(), rejected) if report else []
    return card.load_page(run, rejected, labels.get(run["detected_format"]), quality)
