"""Layout pieces of board snapshots: the list and the freeze form, a snapshot's page (its frozen
figures, then what changed since), and the overview's "What changed since the last board"
panel. Everything here renders the typed snapshot data of ``warehouse.snapshot_data`` (the
frozen ``Figures``, the ``Changes`` since, a ``SnapshotSummary``) by its attributes; the
classes are not named here because components never import the warehouse (an import-linter
contract). Money is exact pounds (committee papers quote it), never abbreviated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.cards import headline_card
from components.format import long_date, money, signed_money
from components.views.recommendation_cards import rag_badge, recommendation_href, status_badge

FREEZE_ERRORS = {
    "name-empty": ("name", "Give the snapshot a name, e.g. Health and Wellbeing Board."),
    "name-long": ("name", "Keep the name under 120 characters."),
    "date": ("as_of", "Write the date as YYYY-MM-DD, e.g. 2026-03-05."),
}
HOME_ROLE_LABELS = {"council": "Council", "nhs": "NHS", "hdrc": "HDRC"}
DIRECTION_LABELS = {"received": "Received", "awarded": "Awarded", "external": "External"}


def snapshot_href(snapshot_id: str, view: str | None = None) -> str:
    href = f"/snapshots/{quote(str(snapshot_id), safe='')}"
    return f"{href}?view={view}" if view else href


def _moment(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return f"{long_date(value.date())} at {value:%H:%M} UTC"
    return ""


def _grants(count: int) -> str:
    return f"{count:,} grant{'s' if count != 1 else ''}"


def _table(
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    caption: str,
    class_name: str = "",
    min_width: str | None = None,
) -> dbc.Table:
    """A striped table in a horizontally scrolling box; ``min_width`` keeps wide tables
    readable on a phone (they scroll rather than squeeze their text into slivers)."""
    return dbc.Table(
        [
            html.Caption(caption, className="caption-top small text-body-secondary"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        size="sm",
        striped=True,
        responsive=True,
        className=f"mb-3 {class_name}".strip(),
        style={"minWidth": min_width} if min_width else None,
    )


def _none(text: str) -> html.P:
    return html.P(text, className="text-body-secondary snapshot-none")


# -- The list and the form -------------------------------------------------------------------


def snapshot_list(rows: Sequence[Any]) -> html.Div:
    """Every snapshot, newest board first, each linked to its citable page."""
    if not rows:
        return html.Div(_none("No snapshot has been frozen yet."), className="snapshot-list")
    table = _table(
        ["Snapshot", "Board date", "Frozen", "Frozen by"],
        [
            [
                dcc.Link(row.name, href=snapshot_href(row.snapshot_id)),
                long_date(row.as_of),
                _moment(row.created_at),
                row.frozen_by,
            ]
            for row in rows
        ],
        f"{len(rows)} snapshot{'s' if len(rows) != 1 else ''}, newest board first",
        "snapshot-list-table",
    )
    return html.Div(table, className="snapshot-list")


def _field(
    field_id: str,
    name: str,
    label: str,
    value: str,
    hint: str,
    error: str | None,
    **extra: Any,
) -> html.Div:
    """A labelled text field. dbc.Input takes no aria attributes, so an error is also in the
    label (hidden from sight): screen readers announce it with the field."""
    return html.Div(
        [
            html.Label(
                [label, html.Span(f" ({error})", className="visually-hidden") if error else None],
                htmlFor=field_id,
                className="form-label",
            ),
            dbc.Input(
                id=field_id,
                name=name,
                type="text",
                value=value,
                invalid=bool(error),
                **extra,
            ),
            html.Div(error, id=f"{field_id}-error", className="invalid-feedback d-block")
            if error
            else None,
            html.Div(hint, id=f"{field_id}-hint", className="form-text"),
        ],
        className="mb-3",
    )


def freeze_form(
    token: str, today: date, *, name: str = "", as_of: str = "", error_code: str = ""
) -> html.Section:
    """Leadership's form: a name and the board's date; it posts to ``/snapshots/new``."""
    field, message = FREEZE_ERRORS.get(error_code, ("", ""))
    return html.Section(
        [
            html.H2("Freeze a snapshot", className="h5"),
            html.P(
                "A snapshot copies the published figures on the overview, funding and "
                "recommendations pages as they are now. It never changes afterwards, and it "
                "gets a web address to cite in committee papers.",
                className="small",
            ),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=token),
                    dbc.Row(
                        [
                            dbc.Col(
                                _field(
                                    "snapshot-name",
                                    "name",
                                    "Name",
                                    name,
                                    "For example: Health and Wellbeing Board",
                                    message if field == "name" else None,
                                    maxLength=200,
                                    autoComplete="off",
                                    required=True,
                                ),
                                md=7,
                            ),
                            dbc.Col(
                                _field(
                                    "snapshot-date",
                                    "as_of",
                                    "Board date",
                                    as_of or today.isoformat(),
                                    "YYYY-MM-DD; today unless you change it",
                                    message if field == "as_of" else None,
                                    maxLength=10,
                                    inputMode="numeric",
                                ),
                                md=5,
                            ),
                        ]
                    ),
                    html.Button(
                        "Freeze a snapshot",
                        type="submit",
                        id="snapshot-freeze-submit",
                        className="btn btn-primary",
                    ),
                ],
                method="POST",
                action="/snapshots/new",
                noValidate=True,
            ),
        ],
        id="freeze",
        className="border rounded p-3 mb-4 snapshot-freeze",
        **{"aria-label": "Freeze a snapshot"},
    )


# -- A snapshot's frozen figures -------------------------------------------------------------


def headline_value(unit: str, value: Any) -> str:
    if value is None:
        return "No data"
    if unit == "pence":
        return money(value)
    if unit == "share":
        return f"{float(value):.0%}"
    if unit == "days":
        return f"{float(value):.0f} days"
    return f"{int(value):,}"


def _headline_change(headline: Any, previous_year: str | None) -> str:
    now, before, unit = headline.value, headline.previous, headline.unit
    if not headline.series:
        return "Count on the day it was frozen"
    if previous_year is None or before is None:
        return "No figure for the year before"
    now = now or 0
    if now == before:
        return f"No change on {previous_year}"
    difference = now - before
    arrow = "▲" if difference > 0 else "▼"
    if unit == "pence":
        shown = signed_money(difference)
    elif unit == "share":
        shown = f"{difference * 100:+.1f} percentage points"
    elif unit == "days":
        shown = f"{difference:+.0f} days"
    else:
        shown = f"{difference:+,}"
    return f"{arrow} {shown} on {previous_year}"


def _headlines(figures: Any) -> html.Section:
    year, previous = figures.financial_year, figures.previous_year
    cards = [
        dbc.Col(
            headline_card(
                h.label,
                headline_value(h.unit, h.value),
                h.detail,
                _headline_change(h, previous),
                None,
                None,
            ),
            xs=12,
            sm=6,
            lg=4,
            xl=3,
        )
        for h in figures.headlines
    ]
    return html.Section(
        [
            html.H2(
                f"Headline figures, {year}" if year else "Headline figures", className="h4 mt-3"
            ),
            html.P(
                f"Financial year {year}: the year of the board date, or the latest year with "
                "grants before it. Each figure is set against the year before.",
                className="small text-body-secondary",
            )
            if year
            else None,
            dbc.Row(cards, className="g-3 mb-4") if year else _none("No grants had been loaded."),
        ],
        className="snapshot-headlines",
    )


def _funding(figures: Any) -> html.Section:
    funding = figures.funding
    pc_rows = funding.pc_by_year
    # The table's columns, in the order of DIRECTION_LABELS (received first) and of the
    # Council before the NHS; the research collaboration's own money is not a column.
    columns = [
        (direction, role)
        for direction in DIRECTION_LABELS
        for role in ("council", "nhs")
        if any(r.direction == direction and r.home_role == role for r in pc_rows)
    ]
    years = sorted({r.financial_year for r in pc_rows})
    amounts = {(r.financial_year, r.direction, r.home_role): r for r in pc_rows}

    def cell(year: str, direction: str, role: str) -> str:
        row = amounts.get((year, direction, role))
        return money(row.amount_pence) if row else "£0"

    pc_table = (
        _table(
            [
                "Financial year",
                *[f"{DIRECTION_LABELS[d]} by the {HOME_ROLE_LABELS[r]}" for d, r in columns],
            ],
            [[year, *[cell(year, d, r) for d, r in columns]] for year in years],
            "P&C research funding received and awarded by the Council and the NHS, £, by "
            "financial year",
            "snapshot-pc-funding",
            min_width="36rem",
        )
        if years and columns
        else _none("No P&C research funding had been loaded.")
    )
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for row in funding.by_year:
        key = (row.financial_year, row.direction)
        grants, pence = totals.get(key, (0, 0))
        totals[key] = (grants + int(row.grants), pence + int(row.amount_pence))
    all_years = sorted({year for year, _ in totals})
    directions = [d for d in DIRECTION_LABELS if any(k[1] == d for k in totals)]
    all_table = (
        _table(
            ["Financial year", *[f"{DIRECTION_LABELS[d]} (grants)" for d in directions]],
            [
                [
                    year,
                    *[
                        f"{money(totals.get((year, d), (0, 0))[1])} "
                        f"({totals.get((year, d), (0, 0))[0]:,})"
                        for d in directions
                    ],
                ]
                for year in all_years
            ],
            "All grants in pounds sterling by financial year and direction: amount and "
            "number of grants",
            "snapshot-all-funding",
        )
        if all_years
        else None
    )
    return html.Section(
        [
            html.H2("Funding", className="h4 mt-3"),
            pc_table,
            html.H3("All grants", className="h6 mt-3") if all_table else None,
            all_table,
        ],
        className="snapshot-funding",
    )


def _milestone_summary(milestones: Sequence[Any]) -> str:
    if not milestones:
        return "None"
    done = sum(1 for m in milestones if m.done_date)
    return f"{done} of {len(milestones)} met"


def _recommendations(figures: Any) -> html.Section:
    recommendations = figures.recommendations
    if not recommendations:
        return html.Section(
            [html.H2("Recommendations", className="h4 mt-3"), _none("No recommendations.")]
        )
    table = _table(
        [
            "Id",
            "Recommendation",
            "Workstream",
            "Status",
            "Delivery confidence",
            "Progress",
            "Milestones",
        ],
        [
            [
                dcc.Link(r.recommendation_id, href=recommendation_href(r.recommendation_id)),
                r.text,
                f"{r.workstream_number}. {r.workstream_name}",
                status_badge(r.status),
                rag_badge(r.rag),
                f"{r.progress_pct}%" if r.progress_pct is not None else "Not given",
                _milestone_summary(r.milestones),
            ]
            for r in recommendations
        ],
        f"The {len(recommendations)} recommendations as they stood",
        "snapshot-recommendations",
        min_width="52rem",
    )
    milestones = [
        [
            r.recommendation_id,
            m.title,
            long_date(m.due_date) or "No date",
            long_date(m.done_date) or "Open",
        ]
        for r in recommendations
        for m in r.milestones
    ]
    details = (
        html.Details(
            [
                html.Summary(f"Milestones ({len(milestones)})"),
                _table(
                    ["Recommendation", "Milestone", "Due", "Met"],
                    milestones,
                    "Every milestone with its due date and the date it was met",
                ),
            ],
            className="mb-3",
        )
        if milestones
        else None
    )
    return html.Section(
        [html.H2("Recommendations", className="h4 mt-3"), table, details],
        className="snapshot-recommendations-section",
    )


def _decisions(figures: Any) -> html.Section:
    decisions = figures.policy_decisions
    rows = [
        [d.decision_id, d.title, d.decision_body, long_date(d.decision_date)]
        for d in reversed(decisions)
    ]
    return html.Section(
        [
            html.H2("Policy decisions informed", className="h4 mt-3"),
            html.P(f"{len(decisions):,} published decisions informed by P&C research."),
            html.Details(
                [
                    html.Summary("List the decisions"),
                    _table(
                        ["Id", "Decision", "By", "Date"],
                        rows,
                        "Published policy decisions, newest first",
                    ),
                ]
            )
            if rows
            else None,
        ],
        className="snapshot-decisions",
    )


def frozen_figures(figures: Any) -> html.Div:
    return html.Div(
        [_headlines(figures), _funding(figures), _recommendations(figures), _decisions(figures)],
        className="snapshot-figures",
    )


# -- What changed since ----------------------------------------------------------------------


def _move(before: Any, after: Any, show: Any) -> Any:
    if before == after:
        return show(after)
    return html.Span([show(before), " → ", show(after)], className="text-nowrap")


def _percent(value: Any) -> str:
    return f"{value}%" if value is not None else "Not given"


def _status_moves(moves: Sequence[Any]) -> Any:
    if not moves:
        return _none("No recommendation changed status, delivery confidence or progress.")
    return _table(
        ["Recommendation", "Status", "Delivery confidence", "Progress"],
        [
            [
                html.Span(
                    [
                        dcc.Link(
                            m.recommendation_id, href=recommendation_href(m.recommendation_id)
                        ),
                        " ",
                        m.text,
                    ]
                ),
                _move(m.status_from, m.status_to, status_badge),
                _move(m.rag_from, m.rag_to, rag_badge),
                _move(m.progress_from, m.progress_to, _percent),
            ]
            for m in moves
        ],
        "Recommendations whose status, delivery confidence or progress moved: then → now",
        "snapshot-status-moves",
        min_width="44rem",
    )


def _signed(pence: int) -> str:
    return signed_money(pence) if pence else "No change"


def _funding_changes(funding: Any, as_of: str) -> list[Any]:
    totals = funding.totals
    table = (
        _table(
            ["Money", "Then", "Now", "Change"],
            [
                [
                    f"{DIRECTION_LABELS[t.direction]} by the "
                    f"{HOME_ROLE_LABELS.get(t.home_role, t.home_role)}",
                    f"{money(t.pence_before)} ({_grants(t.grants_before)})",
                    f"{money(t.pence_now)} ({_grants(t.grants_now)})",
                    _signed(int(t.change_pence)),
                ]
                for t in totals
            ],
            "P&C research funding, all years, then and now",
            "snapshot-funding-changes",
        )
        if totals
        else _none("No P&C research funding, then or now.")
    )
    new = funding.new_awards
    count = int(new.grants)
    listed = new.listed
    awards: Any
    if count:
        awards = [
            html.P(
                f"{count:,} P&C research grant{'s' if count != 1 else ''} received or awarded "
                f"after {long_date(as_of)}, {money(new.amount_pence)} in all.",
                className="snapshot-new-awards-total",
            ),
            _table(
                ["Awarded", "Grant", "Funder", "Recipient", "Amount"],
                [
                    [
                        long_date(a.award_date),
                        a.title,
                        a.funder or "",
                        a.recipient or "An individual",
                        money(a.amount_pence),
                    ]
                    for a in listed
                ],
                "New awards, newest first"
                + (f" (the latest {len(listed)})" if len(listed) < count else ""),
                "snapshot-new-awards",
                min_width="44rem",
            ),
        ]
    else:
        awards = _none(f"No P&C research grant awarded after {long_date(as_of)}.")
    return [table, html.H4("New awards", className="h6 mt-2"), awards]


def _milestones(rows: Sequence[Any], empty: str, caption: str, kind: str) -> Any:
    if not rows:
        return _none(empty)
    header = ["Recommendation", "Milestone", "Due", "Met" if kind != "overdue" else "Overdue by"]

    def last(m: Any) -> str:
        if kind == "overdue":
            days = int(m.days_overdue or 0)
            return f"{days:,} day{'s' if days != 1 else ''}"
        if not m.done_date:
            return "Not yet"
        late = "" if m.on_time in (True, None) else " (late)"
        return long_date(m.done_date) + late

    return _table(
        header,
        [
            [
                dcc.Link(m.recommendation_id, href=recommendation_href(m.recommendation_id)),
                m.title,
                long_date(m.due_date) or "No date",
                last(m),
            ]
            for m in rows
        ],
        caption,
        f"snapshot-milestones-{kind}",
    )


def _new_decisions(decisions: Sequence[Any]) -> Any:
    if not decisions:
        return _none("No new published policy decisions.")
    return _table(
        ["Date", "Decision", "By"],
        [[long_date(d.decision_date), d.title, d.decision_body] for d in decisions],
        "Published policy decisions the snapshot did not hold, newest first",
        "snapshot-new-decisions",
    )


def changes_view(changes: Any, name: str) -> html.Div:
    """The five sections of "What changed since <snapshot>"."""
    as_of = changes.as_of
    return html.Div(
        [
            html.P(
                f"The published figures today ({long_date(changes.today)}) against "
                f"“{name}” (board date {long_date(as_of)}).",
                className="mt-3",
            ),
            html.Section(
                [html.H3("Status moves", className="h5"), _status_moves(changes.status_moves)],
                className="mb-4",
            ),
            html.Section(
                [
                    html.H3("New awards and the change in £", className="h5"),
                    *_funding_changes(changes.funding, as_of),
                ],
                className="mb-4",
            ),
            html.Section(
                [
                    html.H3("Milestones met and missed", className="h5"),
                    html.H4(f"Met since {long_date(as_of)}", className="h6"),
                    _milestones(
                        changes.milestones_met,
                        "No milestone met since the snapshot.",
                        "Milestones met since the board date, or open then and met now",
                        "met",
                    ),
                    html.H4(f"Missed since {long_date(as_of)}", className="h6"),
                    _milestones(
                        changes.milestones_missed,
                        "No milestone fell due and was missed since the snapshot.",
                        "Milestones due since the board date and not met by their due date",
                        "missed",
                    ),
                ],
                className="mb-4",
            ),
            html.Section(
                [
                    html.H3("New policy decisions", className="h5"),
                    _new_decisions(changes.new_decisions),
                ],
                className="mb-4",
            ),
            html.Section(
                [
                    html.H3("Overdue today", className="h5"),
                    _milestones(
                        changes.overdue,
                        "Nothing is overdue.",
                        "Open milestones past their due date, most overdue first "
                        "(recommendations themselves have no due date)",
                        "overdue",
                    ),
                ],
                className="mb-4",
            ),
        ],
        className="snapshot-changes",
    )


# -- The page --------------------------------------------------------------------------------


def _views(snapshot_id: str, name: str, changes_shown: bool) -> html.Nav:
    """Two views of one snapshot, each with its own address (``?view=changes``)."""

    def view_link(label: str, view: str | None, current: bool) -> html.Li:
        extra = {"aria-current": "page"} if current else {}
        return html.Li(
            html.A(
                label,
                href=snapshot_href(snapshot_id, view),
                className="nav-link" + (" active" if current else ""),
                **extra,
            ),
            className="nav-item",
        )

    return html.Nav(
        html.Ul(
            [
                view_link("Frozen figures", None, not changes_shown),
                view_link(f"What changed since {name}", "changes", changes_shown),
            ],
            className="nav nav-tabs mb-3 snapshot-views",
        ),
        **{"aria-label": "Views of this snapshot"},
    )


def _last_loaded(figures: Any) -> str:
    loaded = figures.data_last_loaded_at
    return f"Data last loaded before freezing: {_moment(loaded)}." if loaded else ""


def snapshot_page(snapshot: Any, changes: Any | None, *, url: str, view: str) -> html.Div:
    """A snapshot's citable page: what it is, how to cite it, and either its frozen figures or
    (``view="changes"``) what changed since."""
    figures = snapshot.figures
    frozen_on = _moment(snapshot.created_at)
    changes_shown = view == "changes" and changes is not None
    cite = (
        f"{snapshot.name}, board snapshot of {long_date(snapshot.as_of)}, "
        f"frozen on {frozen_on}. {url}"
    )
    return html.Div(
        [
            html.H1(snapshot.name, className="h2 snapshot-name"),
            html.P(
                [
                    "Board date ",
                    html.Strong(long_date(snapshot.as_of)),
                    f". Frozen by {snapshot.frozen_by}.",
                ],
                className="mb-2",
            ),
            dbc.Alert(
                [
                    html.Strong(f"Frozen on {frozen_on} — figures do not change."),
                    " Loads of new data since then change the live pages, never this snapshot. "
                    + _last_loaded(figures),
                ],
                color="info",
                className="snapshot-frozen-banner",
            ),
            html.P(
                [html.Strong("Cite this: "), html.Span(cite, className="snapshot-cite")],
                className="small border-start border-3 ps-2 mb-4",
            ),
            _views(snapshot.snapshot_id, snapshot.name, changes_shown),
            changes_view(changes, snapshot.name)
            if changes is not None and changes_shown
            else frozen_figures(figures),
        ],
        className="snapshot-page",
    )


def snapshot_not_found(snapshot_id: str) -> html.Div:
    return html.Div(
        [
            html.H1("Snapshot not found", className="h2"),
            html.P(f"There is no board snapshot with the id “{snapshot_id}”."),
            html.P(dcc.Link("See all snapshots", href="/snapshots")),
        ],
        className="snapshot-not-found",
    )


# -- The overview's panel --------------------------------------------------------------------


def _several(count: int, thing: str) -> str:
    return f"{count:,} {thing}{'s' if count != 1 else ''}"


def overview_panel(summary: Any | None, changes: Any | None) -> Any:
    """A one-card summary of what changed since the last board, linking to the details."""
    if summary is None or changes is None:
        return None
    money_change = sum(int(t.change_pence) for t in changes.funding.totals)
    awards = int(changes.funding.new_awards.grants)
    money_text = "no change" if money_change == 0 else _signed(money_change)
    facts = [
        _several(len(changes.status_moves), "status move"),
        f"{_several(awards, 'new award')} ({money_text} in P&C research funding)",
        f"{_several(len(changes.milestones_met), 'milestone')} met, "
        f"{len(changes.milestones_missed):,} missed",
        _several(len(changes.new_decisions), "new policy decision"),
        f"{_several(len(changes.overdue), 'milestone')} overdue",
    ]
    return dbc.Alert(
        [
            html.H2("What changed since the last board", className="h6 mb-1"),
            html.P(
                [
                    f"Since “{summary.name}” ({long_date(summary.as_of)}): ",
                    "; ".join(facts),
                    ". ",
                    dcc.Link(
                        "See what changed",
                        href=snapshot_href(summary.snapshot_id, "changes"),
                        className="alert-link",
                    ),
                ],
                className="mb-0 small",
            ),
        ],
        color="light",
        className="border overview-snapshot-panel mb-3",
    )
