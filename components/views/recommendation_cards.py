"""Layout pieces of the recommendations tracker: status and delivery-confidence badges with
their legends, progress bars, a recommendation's card, the roll-up table per workstream and a
recommendation's page (timeline, milestones, projects and funding).

The two vocabularies are fixed (docs/registers/recommendations.md); each value has one
defined sentence, shown in the legends, so a badge always means the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.format import long_date, money
from components.links import project_href

STATUS_MEANINGS: dict[str, tuple[str, str, str]] = {
    # status: (label, meaning, Bootstrap badge classes)
    "not_started": (
        "Not started",
        "No work has begun yet: no owner action, milestone or update has been recorded.",
        "text-bg-secondary",
    ),
    "in_progress": (
        "In progress",
        "Work has begun and is under way; at least one milestone is open.",
        "text-bg-primary",
    ),
    "achieved": (
        "Achieved",
        "The recommendation has been delivered and the owner has recorded the evidence.",
        "text-bg-success",
    ),
    "paused": (
        "Paused",
        "Work has stopped for now, for a reason given in the latest update.",
        "text-bg-warning",
    ),
}

RAG_MEANINGS: dict[str, tuple[str, str, str]] = {
    # rag: (label, defined sentence, colour of the marker)
    "green": (
        "Green",
        "Delivery on time and to plan appears highly likely; there are no major issues.",
        "linear-gradient(90deg, #1e7b34 50%, #1e7b34 50%)",
    ),
    "amber_green": (
        "Amber/green",
        "Delivery appears probable, but some risks need attention so they do not grow.",
        "linear-gradient(90deg, #d98c00 50%, #1e7b34 50%)",
    ),
    "amber": (
        "Amber",
        "Delivery appears feasible, but significant issues exist and need management action.",
        "linear-gradient(90deg, #d98c00 50%, #d98c00 50%)",
    ),
    "amber_red": (
        "Amber/red",
        "Delivery is in doubt: major risks or issues need urgent action to resolve them.",
        "linear-gradient(90deg, #d98c00 50%, #b3261e 50%)",
    ),
    "red": (
        "Red",
        "Delivery appears unachievable unless the plan, scope or resources are changed.",
        "linear-gradient(90deg, #b3261e 50%, #b3261e 50%)",
    ),
}


def recommendation_href(recommendation_id: str) -> str:
    return f"/recommendations/{quote(str(recommendation_id), safe='')}"


def present(value: Any) -> bool:
    """True for a value that is there: not None, NaN, NaT or pandas' NA."""
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _percent(value: Any) -> int:
    return int(value) if present(value) else 0


def status_label(status: Any) -> str:
    known = STATUS_MEANINGS.get(str(status))
    return known[0] if known else str(status).replace("_", " ").capitalize()


def status_badge(status: Any) -> html.Span:
    classes = STATUS_MEANINGS.get(str(status), ("", "", "text-bg-light"))[2]
    return html.Span(status_label(status), className=f"badge {classes} recommendation-status")


def _rag_marker(rag: str) -> html.Span:
    colour = RAG_MEANINGS[rag][2]
    return html.Span(
        className="me-1 align-middle",
        style={
            "display": "inline-block",
            "width": "0.85rem",
            "height": "0.85rem",
            "borderRadius": "50%",
            "background": colour,
            "border": "1px solid rgba(0,0,0,.25)",
        },
        **{"aria-hidden": "true"},
    )


def rag_badge(rag: Any) -> html.Span:
    """Delivery confidence: a coloured marker and its label (the label carries the meaning,
    so the colour is never the only cue)."""
    if not present(rag) or str(rag) not in RAG_MEANINGS:
        return html.Span("Not rated", className="small text-body-secondary")
    return html.Span(
        [_rag_marker(str(rag)), RAG_MEANINGS[str(rag)][0]],
        className="recommendation-rag text-nowrap",
        title=RAG_MEANINGS[str(rag)][1],
    )


def progress_bar(value: Any, label: str) -> html.Div:
    """A labelled progress bar (0 to 100%)."""
    pct = max(0, min(100, _percent(value)))
    return html.Div(
        html.Div(
            f"{pct}%",
            className="progress-bar",
            style={"width": f"{pct}%", "minWidth": "2.5rem" if pct else "0"},
        ),
        className="progress",
        role="progressbar",
        style={"height": "1.1rem"},
        **{
            "aria-label": label,
            "aria-valuenow": str(pct),
            "aria-valuemin": "0",
            "aria-valuemax": "100",
        },
    )


def legends() -> dbc.Row:
    """What each status and each delivery-confidence level means."""

    def _list(items: Sequence[tuple[Any, str]]) -> html.Dl:
        children: list[Any] = []
        for term, meaning in items:
            children.append(html.Dt(term, className="col-sm-4 fw-normal"))
            children.append(html.Dd(meaning, className="col-sm-8 small"))
        return html.Dl(children, className="row mb-0")

    return dbc.Row(
        [
            dbc.Col(
                html.Section(
                    [
                        html.H2("Status", className="h6"),
                        _list([(status_badge(s), m[1]) for s, m in STATUS_MEANINGS.items()]),
                    ],
                    className="border rounded p-3 h-100",
                    **{"aria-label": "Status legend"},
                ),
                lg=6,
            ),
            dbc.Col(
                html.Section(
                    [
                        html.H2("Delivery confidence (RAG)", className="h6"),
                        _list([(rag_badge(r), m[1]) for r, m in RAG_MEANINGS.items()]),
                    ],
                    className="border rounded p-3 h-100",
                    **{"aria-label": "Delivery confidence legend"},
                ),
                lg=6,
            ),
        ],
        className="g-3 mb-4 recommendation-legends",
    )


def _next_milestone(row: Mapping[str, Any]) -> list[Any]:
    if not present(row.get("next_milestone")):
        return ["No open milestone"]
    parts: list[Any] = [str(row["next_milestone"])]
    if present(row.get("next_milestone_due")):
        parts.append(f", due {long_date(row['next_milestone_due'])}")
    if row.get("overdue"):
        parts.append(" ")
        parts.append(html.Span("Overdue", className="badge text-bg-danger recommendation-overdue"))
    return parts


def recommendation_card(row: Mapping[str, Any]) -> html.Article:
    rid = str(row["recommendation_id"])
    last = long_date(row["last_update"]) if present(row.get("last_update")) else "None yet"
    facts = [
        ("Owner", row["owner"] if present(row.get("owner")) else "Not named"),
        ("Delivery confidence", rag_badge(row.get("rag"))),
        ("Next milestone", _next_milestone(row)),
        ("Last update", last),
    ]
    return html.Article(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        [
                            html.H3(
                                dcc.Link(f"Recommendation {rid}", href=recommendation_href(rid)),
                                className="h6 mb-0 me-auto",
                            ),
                            status_badge(row["status"]),
                        ],
                        className="d-flex flex-wrap gap-2 align-items-center mb-2",
                    ),
                    html.Blockquote(str(row["text"]), className="recommendation-text mb-3"),
                    progress_bar(row.get("progress_pct"), f"Progress of recommendation {rid}"),
                    html.Dl(
                        [
                            item
                            for term, value in facts
                            for item in (
                                html.Dt(term, className="col-sm-4 small text-body-secondary"),
                                html.Dd(value, className="col-sm-8 small mb-1"),
                            )
                        ],
                        className="row mt-3 mb-0",
                    ),
                ]
            ),
            className="h-100",
        ),
        className="recommendation-card h-100",
        id=f"recommendation-{rid}",
    )


def tracker_view(rows: pd.DataFrame, rollup: pd.DataFrame) -> html.Div:
    """The recommendations under their workstreams, each workstream with its rolled-up
    progress."""
    if rows.empty:
        return html.P("No recommendations match these filters.", className="text-body-secondary")
    sections = []
    for workstream in rollup.to_dict("records"):
        members = rows[rows["workstream_id"] == workstream["workstream_id"]]
        heading = f"Workstream {workstream['workstream_number']}: {workstream['workstream_name']}"
        sections.append(
            html.Section(
                [
                    html.H2(heading, className="h4 mt-4"),
                    html.Div(
                        [
                            html.Span(
                                f"{workstream['recommendations']} recommendations, "
                                f"{workstream['achieved']} achieved; mean progress",
                                className="small text-body-secondary text-nowrap",
                            ),
                            html.Div(
                                progress_bar(
                                    workstream["progress_pct"], f"Mean progress of {heading}"
                                ),
                                className="flex-grow-1",
                                style={"minWidth": "10rem"},
                            ),
                        ],
                        className="d-flex flex-wrap gap-2 align-items-center mb-3",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(recommendation_card(row), lg=6)
                            for row in members.to_dict("records")
                        ],
                        className="g-3",
                    ),
                ],
                className="recommendation-workstream",
                **{"aria-label": heading},
            )
        )
    return html.Div(sections)


def rollup_table(rollup: pd.DataFrame) -> Any:
    """Recommendations per workstream: not started, in progress, achieved (and paused)."""
    if rollup.empty:
        return html.P("No recommendations match these filters.", className="text-body-secondary")
    # A soft hyphen lets the long heading break on a phone instead of widening the table.
    header = [
        "Workstream",
        "Recom\u00admendations",
        "Not started",
        "In progress",
        "Achieved",
        "Paused",
    ]
    body = [
        html.Tr(
            [
                html.Th(
                    f"{r['workstream_number']}. {r['workstream_name']}",
                    scope="row",
                    className="fw-normal",
                ),
                *[
                    html.Td(f"{r[c]:,}", className="text-end")
                    for c in ("recommendations", "not_started", "in_progress", "achieved", "paused")
                ],
            ]
        )
        for r in rollup.to_dict("records")
    ]
    totals = html.Tr(
        [
            html.Th("All workstreams", scope="row"),
            *[
                html.Td(f"{int(rollup[c].sum()):,}", className="text-end fw-semibold")
                for c in ("recommendations", "not_started", "in_progress", "achieved", "paused")
            ],
        ]
    )
    table = dbc.Table(
        [
            html.Caption("Recommendations by workstream and status", className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th(h, scope="col", className="" if i == 0 else "text-end")
                        for i, h in enumerate(header)
                    ]
                )
            ),
            html.Tbody([*body, totals]),
        ],
        striped=True,
        hover=True,
        size="sm",
        class_name="recommendations-rollup mb-0",
    )
    return _scrollable(table, "Roll-up by workstream")


# --- a recommendation's page ------------------------------------------------------------------


def _section(title: str, *children: Any, section_id: str) -> html.Section:
    return html.Section([html.H2(title, className="h5 mt-4"), *children], id=section_id)


def _status_change(update: Mapping[str, Any]) -> Any:
    """The status and delivery confidence an update moved, if it moved them."""
    moves = []
    if present(update.get("status_to")):
        before = status_label(update["status_from"]) if present(update.get("status_from")) else "—"
        moves.append(
            html.Div(
                ["Status: ", before, " → ", status_badge(update["status_to"])],
                className="small mt-1",
            )
        )
    if present(update.get("rag_to")) and str(update["rag_to"]) in RAG_MEANINGS:
        rag_from = str(update.get("rag_from"))
        before = RAG_MEANINGS[rag_from][0] if rag_from in RAG_MEANINGS else "—"
        moves.append(
            html.Div(
                ["Delivery confidence: ", before, " → ", rag_badge(update["rag_to"])],
                className="small mt-1",
            )
        )
    return html.Div(moves) if moves else None


def timeline(updates: pd.DataFrame) -> Any:
    """Published updates, oldest first; nothing is edited or removed, only added."""
    if updates.empty:
        return html.P("No published updates yet.", className="text-body-secondary")
    note = html.P(
        "Oldest first. Updates are added as the work moves on; earlier ones are never edited.",
        className="small text-body-secondary",
    )
    items = []
    for update in updates.to_dict("records"):
        evidence = (
            html.A(
                "Evidence",
                href=str(update["evidence_url"]),
                className="small",
                title=f"Evidence for the update of {long_date(update['update_date'])}",
            )
            if present(update.get("evidence_url"))
            else html.Span("No evidence link", className="small text-body-secondary")
        )
        progress = (
            html.Span(f" · progress {int(update['progress_pct'])}%", className="small")
            if present(update.get("progress_pct"))
            else None
        )
        items.append(
            html.Li(
                [
                    html.Div(
                        [
                            html.Time(
                                long_date(update["update_date"]),
                                dateTime=str(update["update_date"]),
                                className="fw-semibold",
                            ),
                            html.Span(f" · {update['author']}", className="small"),
                            progress,
                        ]
                    ),
                    html.P(str(update["note"]), className="mb-1"),
                    _status_change(update),
                    evidence,
                ],
                className="recommendation-update border-start border-3 ps-3 pb-3",
            )
        )
    return html.Div([note, html.Ol(items, className="list-unstyled recommendation-timeline")])


def _scrollable(table: dbc.Table, label: str) -> html.Div:
    """A table that scrolls sideways on narrow screens; focusable so keyboards can scroll it."""
    return html.Div(
        table, className="table-responsive", tabIndex="0", role="region", **{"aria-label": label}
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str) -> html.Div:
    return _scrollable(_table_only(header, rows, caption), caption)


def _table_only(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str) -> dbc.Table:
    return dbc.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        size="sm",
        striped=True,
    )


def milestones_table(milestones: pd.DataFrame) -> Any:
    if milestones.empty:
        return html.P("No milestones recorded.", className="text-body-secondary")
    rows = []
    for m in milestones.to_dict("records"):
        if present(m.get("done_date")):
            state: Any = html.Span("Done", className="badge text-bg-success")
        elif m.get("overdue"):
            state = html.Span("Overdue", className="badge text-bg-danger recommendation-overdue")
        else:
            state = html.Span("Open", className="badge text-bg-light border")
        rows.append(
            [
                str(m["title"]),
                long_date(m["due_date"]) if present(m.get("due_date")) else "No date",
                long_date(m["done_date"]) if present(m.get("done_date")) else "—",
                state,
            ]
        )
    return _table(["Milestone", "Due", "Met", "State"], rows, "Milestones")


def _projects(projects: pd.DataFrame) -> Any:
    if projects.empty:
        return html.P("No published project is linked yet.", className="text-body-secondary")
    count = len(projects)
    return html.Div(
        [
            html.P(
                f"{count:,} published project{'s' if count != 1 else ''} help deliver it.",
                className="small text-body-secondary mb-1",
            ),
            _project_list(projects),
        ]
    )


def _project_list(projects: pd.DataFrame) -> html.Ul:
    return html.Ul(
        [
            html.Li(
                [
                    dcc.Link(str(p["title"]), href=project_href(str(p["project_id"]))),
                    html.Span(f" · {str(p['status']).capitalize()}", className="small"),
                ]
            )
            for p in projects.to_dict("records")
        ]
    )


def _funding(grants: pd.DataFrame, total_pence: int) -> Any:
    if grants.empty:
        return html.P(
            "No grant is linked to the projects that deliver it.", className="text-body-secondary"
        )
    rows = [
        [
            str(g["title"]),
            str(g["funder_name"]) if present(g.get("funder_name")) else "Not named",
            html.Span(long_date(g["award_date"]), className="text-nowrap"),
            html.Span(money(g["amount_awarded_pence"], g["currency"]), className="text-nowrap"),
        ]
        for g in grants.to_dict("records")
    ]
    return html.Div(
        [
            html.P(
                [
                    html.Strong(money(total_pence)),
                    f" awarded in {len(grants):,} grant{'s' if len(grants) != 1 else ''} to the "
                    "projects that deliver this recommendation (each grant counted once).",
                ],
                className="recommendation-funding-total",
            ),
            _table(["Grant", "Funder", "Awarded", "Amount"], rows, "Grants"),
        ]
    )


def recommendation_page(
    recommendation: Mapping[str, Any],
    *,
    updates: pd.DataFrame,
    milestones: pd.DataFrame,
    projects: pd.DataFrame,
    grants: pd.DataFrame,
    funding_pence: int,
) -> html.Article:
    rid = str(recommendation["recommendation_id"])
    facts = [
        (
            "Workstream",
            f"{recommendation['workstream_number']}. {recommendation['workstream_name']}",
        ),
        (
            "Owner",
            recommendation["owner"] if present(recommendation.get("owner")) else "Not named",
        ),
        ("Status", status_badge(recommendation["status"])),
        ("Delivery confidence", rag_badge(recommendation.get("rag"))),
    ]
    return html.Article(
        [
            html.H1(f"Recommendation {rid}", className="h2"),
            html.Blockquote(str(recommendation["text"]), className="recommendation-text lead"),
            progress_bar(recommendation.get("progress_pct"), f"Progress of recommendation {rid}"),
            html.Dl(
                [
                    item
                    for term, value in facts
                    for item in (
                        html.Dt(term, className="col-sm-3"),
                        html.Dd(value, className="col-sm-9 mb-1"),
                    )
                ],
                className="row mt-3",
            ),
            _section(
                "Timeline of updates", timeline(updates), section_id="recommendation-timeline"
            ),
            _section(
                "Milestones", milestones_table(milestones), section_id="recommendation-milestones"
            ),
            _section(
                "Projects that deliver it",
                _projects(projects),
                section_id="recommendation-projects",
            ),
            _section(
                "Funding", _funding(grants, funding_pence), section_id="recommendation-funding"
            ),
        ],
        className="recommendation-page",
    )


def recommendation_not_found(recommendation_id: str) -> html.Div:
    return html.Div(
        [
            html.H1("Recommendation not found", className="h2"),
            html.P(f"There is no recommendation with the id “{recommendation_id}”."),
            html.P(dcc.Link("See all recommendations", href="/recommendations")),
        ],
        className="recommendation-not-found",
    )
