"""The data officer's pieces (admin only): the "Upload a file" form on ``/data``, every rejected
row with its reason, and a load run's page (summary and rejected rows). callbacks/data_upload.py
fills them after checking the role; they take plain records and return components.

The form is a plain multipart POST to ``/data/upload`` (web/uploads.py), not a Dash callback:
the file goes to the pipeline as it is, and the browser follows the answer to the run's page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.format import date_time

Record = Mapping[str, Any]
UPLOAD_ACTION = "/data/upload"
ALL_REJECTED_CSV = "/data/rejected.csv"
DETECT = "Detect it from the file's content"
STATUS_LABELS = {
    "loaded": ("Loaded", "success"),
    "partial": ("Loaded, with rejected rows", "warning"),
    "rejected": ("Rejected whole: nothing was loaded", "danger"),
    "queued": ("Waiting to load", "secondary"),
    "running": ("Still loading", "secondary"),
    "failed": ("Failed: nothing was loaded", "danger"),
}
UNFINISHED = ("queued", "running")
STAGES = {
    "queued": "waiting for the loader",
    "reading": "reading the file",
    "validating": "checking every row",
    "loading": "writing to the warehouse",
}
GRID_PAGE = 20


def run_path(load_run_id: Any) -> str:
    return f"/data/loads/{load_run_id}"


def run_csv_path(load_run_id: Any) -> str:
    return f"/data/loads/{load_run_id}/rejected.csv"


def upload_card(token: str, formats: Sequence[tuple[str, str]], limit_mb: int) -> dbc.Card:
    """The upload form: the file, its format (detected unless chosen), and Load."""
    format_options = [html.Option(DETECT, value="")] + [
        html.Option(label, value=format_id) for format_id, label in formats
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Upload a file", id="data-upload-heading", className="h5"),
                html.P(
                    [
                        "Load a register, 360Giving, OCDS, spend or need file into the "
                        "observatory. Rows that break a rule are kept aside with the reason; the "
                        "others load. Loading the same file again changes nothing, and a "
                        "corrected file under the same name replaces its earlier rejected rows. "
                        f"Up to {limit_mb:,} MB. Templates for the registers are in ",
                        html.Code("docs/templates"),
                        ".",
                    ],
                    className="text-body-secondary small",
                ),
                html.Form(
                    [
                        dcc.Input(type="hidden", name="csrf_token", value=token),
                        dbc.Row(
                            [
                                dbc.Col(
                                    [
                                        dbc.Label(
                                            "File (CSV, XLSX or JSON)",
                                            html_for=ids.DATA_UPLOAD_FILE,
                                        ),
                                        dbc.Input(
                                            id=ids.DATA_UPLOAD_FILE,
                                            type="file",
                                            name="file",
                                            required=True,
                                        ),
                                    ],
                                    md=5,
                                ),
                                dbc.Col(
                                    [
                                        dbc.Label("Format", html_for=ids.DATA_UPLOAD_FORMAT),
                                        html.Select(
                                            format_options,
                                            id=ids.DATA_UPLOAD_FORMAT,
                                            name="format",
                                            className="form-select",
                                        ),
                                    ],
                                    md=5,
                                ),
                                dbc.Col(
                                    html.Button(
                                        "Upload and load",
                                        id=ids.DATA_UPLOAD_SUBMIT,
                                        type="submit",
                                        className="btn btn-primary w-100",
                                    ),
                                    md=2,
                                    className="d-flex align-items-end",
                                ),
                            ],
                            className="g-3",
                        ),
                        # Says what is happening while the file uploads and loads (a large file
                        # takes minutes and the browser shows nothing else meanwhile).
                        html.P(
                            id=ids.DATA_UPLOAD_PROGRESS,
                            role="status",
                            className="small text-body-secondary mt-2 mb-0",
                        ),
                    ],
                    method="POST",
                    action=UPLOAD_ACTION,
                    encType="multipart/form-data",
                    id=ids.DATA_UPLOAD_FORM,
                    **{"aria-labelledby": "data-upload-heading"},
                ),
            ]
        ),
        className="data-upload-card border-primary",
    )


def _grid(grid_id: str, rows: Sequence[Record], columns: list[dict[str, Any]]) -> dag.AgGrid:
    """A client-side grid over a LIMITed set of rows, 20 to a page, rows growing to fit their
    reasons."""
    return dag.AgGrid(
        id=grid_id,
        rowData=[dict(row) for row in rows],
        columnDefs=columns,
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "filter": True,
            "wrapText": True,
            "autoHeight": True,
        },
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": GRID_PAGE,
            "paginationPageSizeSelector": False,
            "ensureDomOrder": True,
            # Every column in the DOM: screen readers and find-in-page see them all.
            "suppressColumnVirtualisation": True,
            "domLayout": "autoHeight",
        },
        style={"width": "100%"},
        className="data-rejected-grid",
    )


_ROW = {
    "field": "row_number",
    "headerName": "Row",
    "width": 90,
    "type": "rightAligned",
    "filter": "agNumberColumnFilter",
}
_FIELD = {"field": "field", "headerName": "Field", "width": 160}
_REASON = {"field": "reason", "headerName": "Reason", "flex": 1, "minWidth": 240}


def _count_line(total: int, shown: int, what: str) -> str:
    line = f"{total:,} rejected row{'' if total == 1 else 's'} {what}"
    return line + (f"; the first {shown:,} are listed." if shown < total else ".")


def _problems_line(problems: int, shown: int, rows: int) -> str:
    line = (
        f"{problems:,} problems on {rows:,} rejected row{'' if rows == 1 else 's'}, "
        "each problem with its reason"
    )
    return line + (f"; the first {shown:,} are listed." if shown < problems else ".")


def _csv_link(label: str, href: str, file_name: str, link_id: str) -> html.A:
    return html.A(
        label,
        href=href,
        download=file_name,
        id=link_id,
        className="btn btn-sm btn-outline-secondary mt-2",
    )


def run_rejected_rows(
    rows: Sequence[Record],
    total: int,
    csv_href: str,
    csv_name: str,
    rejected_rows: int | None = None,
) -> html.Div | html.P:
    """One run's rejected rows (row, field, reason) and the CSV of all of them with raw.
    ``total`` counts problems (a grid line each); ``rejected_rows`` the rows they are on."""
    if not total:
        return html.P("No rows were rejected.", className="mb-0", id=ids.DATA_LOAD_NO_REJECTS)
    return html.Div(
        [
            html.P(
                "Fix these rows in the file and upload it again under the same name: its "
                "earlier rejected rows are then replaced.",
                className="text-body-secondary small",
            ),
            html.P(
                _count_line(total, len(rows), "in this file, each with the reason")
                if rejected_rows in (None, total)
                else _problems_line(total, len(rows), int(rejected_rows or 0)),
                className="small mb-2",
            ),
            _grid(ids.DATA_LOAD_GRID, rows, [_ROW, _FIELD, _REASON]),
            _csv_link(
                "Download the rejected rows (CSV, with their contents)",
                csv_href,
                csv_name,
                ids.DATA_LOAD_CSV,
            ),
        ]
    )


def _figure(label: str, value: Any, key: str) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="small text-body-secondary"),
                html.Div(f"{int(value or 0):,}", className="fs-4 fw-semibold"),
            ],
            className="border rounded p-2 h-100",
            id=f"data-load-{key}",
        ),
        xs=6,
        md=True,
    )


def _format_text(format_id: Any, label: str | None) -> Any:
    if not format_id:
        return "not recognised"
    if not label:
        return html.Code(str(format_id))
    return [label, " ", html.Code(str(format_id), className="small")]


def load_summary(run: Record, format_label: str | None = None) -> html.Div:
    """A run's file, format (its label, if known, and id), status, when, the row counts and,
    if rejected whole, why."""
    label, tone = STATUS_LABELS.get(str(run["status"]), (str(run["status"]), "secondary"))
    if run["status"] == "rejected" and run["rows_read"]:
        label = "Rejected: every row was rejected, so nothing was loaded"
    facts = [
        ("File", html.Code(str(run["file_name"]), id=ids.DATA_LOAD_FILE)),
        ("Format", _format_text(run["detected_format"], format_label)),
        ("When", date_time(run["finished_at"] or run["started_at"], "UTC")),
        ("sha256", html.Code(str(run["sha256"]), className="text-break")),
    ]
    parts: list[Any] = [
        dbc.Alert(label, color=tone, id=ids.DATA_LOAD_STATUS, className="mb-3"),
        html.Dl(
            [
                item
                for name, value in facts
                for item in (
                    html.Dt(name, className="col-sm-3 col-lg-2"),
                    html.Dd(value, className="col-sm-9 col-lg-10"),
                )
            ],
            className="row data-load-facts mb-2",
        ),
    ]
    if run["status"] in ("rejected", "failed"):
        parts.append(
            html.Div(
                [
                    html.Strong("Why: "),
                    html.Span(str(run["message"] or "the file could not be read")),
                    html.Br(),
                    "Correct the file and upload it again on ",
                    dcc.Link("Sources and quality", href="/data", className="alert-link"),
                    ".",
                ],
                id=ids.DATA_LOAD_MESSAGE,
                className="alert alert-danger mb-3"
                if run["rows_read"]
                else "alert alert-danger mb-0",
            )
        )
        if not run["rows_read"]:
            return html.Div(parts)
    parts.append(
        dbc.Row(
            [
                _figure("Rows read", run["rows_read"], "read"),
                _figure("Inserted", run["rows_inserted"], "inserted"),
                _figure("Updated", run["rows_updated"], "updated"),
                _figure("Unchanged", run["rows_unchanged"], "unchanged"),
                _figure("Rejected", run["rows_rejected"], "rejected"),
            ],
            className="g-2",
            id=ids.DATA_LOAD_COUNTS,
        )
    )
    return html.Div(parts)


def load_page(
    run: Record,
    rejected: Any,
    format_label: str | None = None,
    quality: Sequence[Any] = (),
) -> html.Div:
    """The run's page: heading, summary and (unless the file was rejected whole, when there
    are none) the quality report's sections, or else the rejected rows alone."""
    heading = html.H1(f"Load {run['load_run_id']}: {run['file_name']}", className="h2 text-break")
    summary = dbc.Card(dbc.CardBody(load_summary(run, format_label)), className="mb-4")
    if run["status"] in ("rejected", "failed") and not run["rows_read"]:
        return html.Div([heading, summary])
    if quality:
        return html.Div([heading, summary, *quality])
    return html.Div(
        [
            heading,
            summary,
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2("Rejected rows", className="h5"),
                        rejected,
                    ]
                )
            ),
        ]
    )


def load_progress(run: Record) -> html.Div:
    """An unfinished run's page: its file, stage and how far it has got; the page re-reads it
    until it ends, then shows its summary."""
    fraction = float(run.get("fraction") or 0.0)
    stage = STAGES.get(str(run.get("stage") or "queued"), str(run.get("stage") or ""))
    label, tone = STATUS_LABELS[str(run["status"])]
    percent = round(fraction * 100)
    return html.Div(
        [
            html.H1(f"Load {run['load_run_id']}: {run['file_name']}", className="h2 text-break"),
            dbc.Alert(label, color=tone, id=ids.DATA_LOAD_STATUS, className="mb-3"),
            html.P(
                [
                    html.Code(str(run["file_name"]), id=ids.DATA_LOAD_FILE),
                    f": {stage} ({percent}%). This page shows the load summary when it is "
                    "done; you may leave it and come back.",
                ]
            ),
            html.Progress(
                f"{percent}%",
                value=str(percent),
                max="100",
                id=ids.DATA_LOAD_PROGRESS,
                className="w-100 mb-3",
                **{"aria-label": f"Load {run['load_run_id']}: {stage}"},
            ),
        ]
    )


def load_not_found(load_run_id: str) -> html.Div:
    return html.Div(
        [
            html.H1("Load not found", className="h2"),
            html.P(
                [
                    f"There is no load run {load_run_id!r}. ",
                    dcc.Link("See the loaded files", href="/data"),
                    ".",
                ]
            ),
        ],
        id=ids.DATA_LOAD_NOT_FOUND,
    )


def admins_only(path: str) -> html.Div:
    """What anyone but an admin sees on a load run's page."""
    return html.Div(
        [
            html.H1("Load details", className="h2"),
            dbc.Alert(
                [
                    "Load details and rejected rows are for the data team. ",
                    html.A(
                        "Sign in as an administrator",
                        href="/sign-in?" + urlencode({"next": path}),
                        className="alert-link",
                    ),
                    " to see them. ",
                    dcc.Link("Sources and quality", href="/data", className="alert-link"),
                    " shows how many rows were rejected and why.",
                ],
                color="info",
                id=ids.DATA_LOAD_ADMINS_ONLY,
            ),
        ]
    )


def all_rejected_rows(rows: Sequence[Record], total: int) -> dbc.Card:
    """Every rejected row in the warehouse, latest run first, each linking to its run."""
    body: list[Any] = [
        html.H2("All rejected rows (admin)", id="data-all-rejected-heading", className="h5"),
        html.P(
            "Each rejected row with its unmasked reason. The public sees only the counts "
            "below. The CSV holds every row with its contents.",
            className="text-body-secondary small",
        ),
    ]
    if not total:
        body.append(html.P("No rows have been rejected.", className="mb-0"))
    else:
        records = [
            {**row, "run": f"[{row['load_run_id']}]({run_path(row['load_run_id'])})"}
            for row in rows
        ]
        run_column = {
            "field": "run",
            "headerName": "Load",
            "width": 90,
            "cellRenderer": "markdown",
            "filter": False,
        }
        file_column = {"field": "file_name", "headerName": "File", "width": 280}
        body += [
            html.P(
                _count_line(total, len(rows), "in all, latest load first"), className="small mb-2"
            ),
            _grid(
                ids.DATA_ALL_REJECTED_GRID,
                records,
                [run_column, file_column, _ROW, _FIELD, _REASON],
            ),
            _csv_link(
                "Download every rejected row (CSV, with their contents)",
                ALL_REJECTED_CSV,
                "rejected-rows.csv",
                ids.DATA_ALL_REJECTED_CSV,
            ),
        ]
    return dbc.Card(dbc.CardBody(body), className="data-all-rejected")


def admin_section(upload: Any, rejected: Any) -> html.Div:
    return html.Div([upload, rejected], className="d-grid gap-4 mb-4")
