"""The ``/data`` page's pieces: the loaded-files table, rejected-row counts, the completeness
scorecards, the incomplete projects and the downloads list. The page lays out empty sections;
callbacks/quality.py fills them from warehouse/queries/quality.py with the functions below,
which take plain records (lists of dicts) and return components."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.format import short_date

LOADED = "quality-loaded"
FILES = "quality-files"
REJECTED = "quality-rejected"
REGISTERS = "quality-registers"
WORKSTREAMS = "quality-workstreams"
INCOMPLETE = "quality-incomplete"
DOWNLOADS = "quality-downloads"

Record = Mapping[str, Any]


def section(title: str, intro: str, body_id: str, heading_id: str) -> dbc.Card:
    """A card with a heading, a sentence saying what it shows, and a body filled by callback."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(title, id=heading_id, className="h5"),
                html.P(intro, className="text-body-secondary small"),
                dcc.Loading(html.Div(id=body_id, className="quality-body"), type="dot"),
            ]
        ),
        className="h-100",
    )


def _table(
    label: str, header: Sequence[str], rows: list[Any], numeric: Sequence[int] = ()
) -> html.Div:
    """A small table in a region that scrolls sideways on narrow screens (and can be scrolled
    from the keyboard)."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(label, scope="col", className="text-end" if i in numeric else None)
                for i, label in enumerate(header)
            ]
        )
    )
    return html.Div(
        dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="mb-0 align-middle"),
        className="table-responsive",
        tabIndex="0",
        role="region",
        **{"aria-label": label},
    )


def files_table(files: Sequence[Record]) -> html.Div | html.P:
    """Every loaded file: format, publisher, licence, rows, last loaded, sha256 (shortened,
    the full value in its title and in a hidden span for screen readers and copying)."""
    if not files:
        return html.P("No files have been loaded yet.", className="mb-0")
    rows = [
        html.Tr(
            [
                html.Td(f["file_name"], className="quality-file-name"),
                html.Td(f["detected_format"], className="quality-format"),
                html.Td(f["publisher"] or "not stated"),
                html.Td(_licence(f["licence"])),
                html.Td(f"{int(f['row_count']):,}", className="text-end"),
                html.Td(short_date(f["last_loaded_at"]), className="text-nowrap"),
                html.Td(
                    html.Code(
                        [
                            f["sha256"][:12] + "…",
                            html.Span(f" (sha256 {f['sha256']})", className="visually-hidden"),
                        ],
                        title=f["sha256"],
                        className="quality-sha",
                        **{"data-sha256": f["sha256"]},
                    )
                ),
            ],
            className="quality-file",
        )
        for f in files
    ]
    header = ["File", "Format", "Publisher", "Licence", "Rows", "Last loaded", "sha256"]
    return _table("Loaded files", header, rows, numeric=(4,))


def _licence(licence: str | None) -> Any:
    """The licence as named; a web address becomes a link."""
    if not licence:
        return "not stated"
    if licence.startswith(("https://", "http://")):
        return html.A(licence, href=licence, className="quality-licence-link")
    return licence


def rejected_table(counts: Sequence[Record]) -> html.Div | html.P:
    """Rejected rows, counted by file, field and reason. Never the rows themselves."""
    if not counts:
        return html.P("No rows were rejected in the loaded files.", className="mb-0")
    total = sum(int(c["rows"]) for c in counts)
    rows = [
        html.Tr(
            [
                html.Td(c["file_name"], className="quality-file-name"),
                html.Td(c["field"] or "—"),
                html.Td(c["reason"]),
                html.Td(f"{int(c['rows']):,}", className="text-end"),
            ],
            className="quality-rejected-row",
        )
        for c in counts
    ]
    return html.Div(
        [
            html.P(
                f"{total:,} row{'' if total == 1 else 's'} rejected in all.",
                className="small mb-2",
            ),
            _table("Rejected rows", ["File", "Field", "Reason", "Rows"], rows, numeric=(3,)),
        ]
    )


def _bar(filled: int, records: int, pct: float | None) -> html.Div:
    """``filled`` of ``records`` as a % with a small bar (the bar is decoration; the text says
    it all)."""
    if not records or pct is None:
        return html.Div("no records", className="text-body-secondary")
    tone = "bg-success" if pct >= 90 else "bg-warning" if pct >= 60 else "bg-danger"
    return html.Div(
        [
            html.Span(f"{pct:.0f}%", className="quality-pct"),
            html.Div(
                html.Div(className=f"quality-bar-fill {tone}", style={"width": f"{pct:.1f}%"}),
                className="quality-bar",
                **{"aria-hidden": "true"},
            ),
            html.Span(f"{filled:,} of {records:,}", className="text-body-secondary small"),
        ],
        className="quality-meter",
    )


def register_scorecard(rows: Sequence[Record]) -> html.Div:
    """Per register: its records, and for each field that matters how many records have it."""
    registers: dict[str, list[Record]] = {}
    for row in rows:
        registers.setdefault(str(row["register"]), []).append(row)
    cards = []
    for name, fields in registers.items():
        records = int(fields[0]["records"])
        body = [
            html.Tr(
                [
                    html.Th(f["field"], scope="row", className="fw-normal"),
                    html.Td(_bar(int(f["filled"]), records, f["pct"])),
                ]
            )
            for f in fields
        ]
        cards.append(
            dbc.Col(
                html.Div(
                    [
                        html.H3(
                            [name, html.Span(f" · {records:,} records", className="fw-normal")],
                            className="h6 mb-2",
                        ),
                        dbc.Table(html.Tbody(body), size="sm", borderless=True, className="mb-0"),
                    ],
                    className="quality-register border rounded p-2 h-100",
                ),
                md=6,
                xl=4,
            )
        )
    return dbc.Row(cards, className="g-3")


def workstream_table(rows: Sequence[Record]) -> html.Div | html.P:
    """Per workstream: recommendations with owner, progress and a recent published update;
    milestones with due dates."""
    if not rows:
        return html.P("No workstreams have been loaded yet.", className="mb-0")
    body = [
        html.Tr(
            [
                html.Th(f"{r['number']}. {r['name']}", scope="row", className="quality-workstream"),
                html.Td(f"{int(r['recommendations']):,}", className="text-end"),
                html.Td(
                    _bar(int(r["with_owner"]), int(r["recommendations"]), _pct(r, "with_owner"))
                ),
                html.Td(
                    _bar(
                        int(r["with_progress"]),
                        int(r["recommendations"]),
                        _pct(r, "with_progress"),
                    )
                ),
                html.Td(
                    _bar(
                        int(r["with_recent_update"]),
                        int(r["recommendations"]),
                        _pct(r, "with_recent_update"),
                    )
                ),
                html.Td(f"{int(r['milestones']):,}", className="text-end"),
                html.Td(
                    _bar(
                        int(r["milestones_with_due_date"]),
                        int(r["milestones"]),
                        _pct(r, "milestones_with_due_date", "milestones"),
                    )
                ),
            ]
        )
        for r in rows
    ]
    header = [
        "Workstream",
        "Recommendations",
        "With an owner",
        "With progress",
        "Updated in last 6 months",
        "Milestones",
        "With a due date",
    ]
    return _table("Completeness by workstream", header, body, numeric=(1, 5))


def _pct(row: Record, part: str, whole: str = "recommendations") -> float | None:
    total = int(row[whole])
    return round(100 * int(row[part]) / total, 1) if total else None


def incomplete_projects(rows: Sequence[Record], total: int) -> html.Div | html.P:
    """Published projects missing methodology, location or participation level, each linking
    to its page."""
    if not rows:
        return html.P(
            "Every published project has a methodology, a location and a participation level.",
            className="mb-0",
        )

    def missing(row: Record) -> str:
        gaps = [
            label
            for key, label in (
                ("missing_methodology", "methodology"),
                ("missing_location", "location"),
                ("missing_participation", "participation level"),
            )
            if row[key]
        ]
        return ", ".join(gaps)

    shown = len(rows)
    summary = f"{total:,} published project{'' if total == 1 else 's'} miss at least one."
    if shown < total:
        summary += f" The first {shown:,} by title are listed."
    body = [
        html.Tr(
            [
                html.Td(
                    [
                        dcc.Link(
                            r["title"],
                            href=f"/research/{quote(str(r['project_id']), safe='')}",
                        ),
                        html.Div(r["project_id"], className="small text-body-secondary"),
                    ]
                ),
                html.Td(missing(r)),
            ],
            className="quality-incomplete-row",
        )
        for r in rows
    ]
    return html.Div(
        [
            html.P(summary, className="small mb-2"),
            html.Div(
                _table("Projects to complete", ["Project", "Missing"], body),
                className="quality-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": "Projects to complete (scrolls)"},
            ),
        ]
    )


def downloads_list(datasets: Sequence[Record]) -> html.Ul:
    """Each full-dataset CSV: a link, what a row is and how many rows it holds."""
    return html.Ul(
        [
            html.Li(
                [
                    html.A(
                        [d["title"], " (CSV)"],
                        href=d["href"],
                        download=d["file_name"],
                        className="fw-semibold",
                        id=f"quality-download-{d['name']}",
                    ),
                    html.Span(
                        f" · {int(d['rows']):,} rows · one row per {d['row']}",
                        className="text-body-secondary small",
                    ),
                ],
                className="mb-1",
            )
            for d in datasets
        ],
        className="list-unstyled mb-0 quality-downloads",
    )
