"""The gap page's panels beside its charts: the column-axis switch, what the need bars show,
the ranked gap list with its score, the projects of a clicked cell, and the equity sentence.

Renderers take plain rows (lists of dicts), so callbacks stay wiring only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.format import money

PAGE = "gaps"
AXIS_CONTROL = ids.filter_control(PAGE, "axis")
AXIS_CHOICES = [
    {"label": "Wards", "value": "ward"},
    {"label": "Population groups", "value": "population"},
]
NEED_NOTE = "gaps-need-note"
GAP_LIST = "gaps-ranked-list"
CELL_PROJECTS = "gaps-cell-projects"
CELL_TOPIC = "gaps-cell-topic"
CELL_COLUMN = "gaps-cell-column"
EQUITY_SUMMARY = "gaps-equity-summary"
MATRIX_GRAPH = ids.chart_part("gaps-matrix", "graph")

GAP_SCORE_RULE = (
    "Gap score = need percentile ÷ (1 + projects in the cell). The need percentile ranks the "
    "wards by the chosen indicator: 100 is the neediest ward, 0 the least needy. So 100 is the "
    "neediest ward with no published research on that topic; one project halves the score."
)
POPULATION_RULE = (
    "No area indicator applies to population groups, so every group counts as need 100 and "
    "the gap score is 100 ÷ (1 + projects in the cell): gaps are ranked by coverage alone."
)
CELL_PROMPT = (
    "Click a cell of the matrix, or choose a topic and a column above, to list its projects. "
    "Each links to its page in the research library."
)


def cell_chooser() -> dbc.Row:
    """A topic and a column to pick a cell with the keyboard, as clicking the matrix does."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(
                        "The cell's topic",
                        html_for=CELL_TOPIC,
                        id=f"{CELL_TOPIC}-label",
                        className="small mb-1",
                    ),
                    dcc.Dropdown(id=CELL_TOPIC, placeholder="Choose a topic"),
                ],
                sm=6,
            ),
            dbc.Col(
                [
                    dbc.Label(
                        "The cell's ward or group",
                        html_for=CELL_COLUMN,
                        id=f"{CELL_COLUMN}-label",
                        className="small mb-1",
                    ),
                    dcc.Dropdown(id=CELL_COLUMN, placeholder="Choose a column"),
                ],
                sm=6,
            ),
        ],
        className="g-2 mb-3",
    )


def axis_switch(value: str | None) -> html.Fieldset:
    """Radio buttons choosing the matrix's columns; kept in the URL as ``axis``."""
    return html.Fieldset(
        [
            html.Legend("Columns of the matrix", className="small fw-semibold mb-1 float-none"),
            dbc.RadioItems(
                id=AXIS_CONTROL,
                options=AXIS_CHOICES,
                value=value if value in ("ward", "population") else "ward",
                inline=True,
                className="gap-axis",
            ),
        ],
        className="border rounded px-3 py-2 mb-3 bg-body-tertiary",
    )


def need_note(axis: str, indicator: str) -> list[Any]:
    """What the bars above the matrix show, or why there are none."""
    if axis == "population":
        return [html.Strong("Need: "), POPULATION_RULE]
    return [
        html.Strong("Need: "),
        f"the bars above the matrix show each ward's {indicator}. Wards run from the "
        "neediest on the left to the least needy on the right. ",
        html.Strong("Reading a cell: "),
        "5 (2) means 5 published projects, 2 of them ongoing or planned; amber cells marked "
        "'gap' have none. Hover a cell for its participation levels.",
    ]


def _need_value(row: Mapping[Any, Any]) -> str:
    need = row.get("need")
    return "n/a" if need is None or need != need else f"{float(need):,.2f}"


def _need_percentile(row: Mapping[Any, Any]) -> str:
    percentile = row.get("need_percentile")
    return "n/a" if percentile is None or percentile != percentile else f"{float(percentile):.0f}"


# On a phone the rank and need columns give way, so the gap score stays in sight (the list is
# in rank order, and the matrix shows need).
WIDE_ONLY = "d-none d-md-table-cell"


def gap_list(rows: Sequence[Mapping[Any, Any]], axis: str) -> list[Any]:
    """The ranked gaps as a table, with the score's rule above it."""
    rule = POPULATION_RULE if axis == "population" else GAP_SCORE_RULE
    column = "Population group" if axis == "population" else "Ward"
    field = "population_group" if axis == "population" else "ward"
    if not rows:
        return [html.P(rule, className="small"), html.P("No cells match these filters.")]
    with_need = axis != "population"
    need_headers = (
        [
            html.Th("Need", scope="col", className=f"text-end {WIDE_ONLY}"),
            html.Th("Need percentile", scope="col", className=f"text-end {WIDE_ONLY}"),
        ]
        if with_need
        else []
    )
    header = html.Thead(
        html.Tr(
            [
                html.Th("Rank", scope="col", className=WIDE_ONLY),
                html.Th("Topic", scope="col"),
                html.Th(column, scope="col"),
                html.Th("Projects", scope="col", className="text-end"),
                *need_headers,
                html.Th("Gap score", scope="col", className="text-end"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(str(rank), className=WIDE_ONLY),
                    html.Td(str(row["topic"])),
                    html.Td(str(row[field])),
                    html.Td(
                        "0 (gap)" if int(row["projects"]) == 0 else str(int(row["projects"])),
                        className="text-end",
                    ),
                    *(
                        [
                            html.Td(_need_value(row), className=f"text-end {WIDE_ONLY}"),
                            html.Td(_need_percentile(row), className=f"text-end {WIDE_ONLY}"),
                        ]
                        if with_need
                        else []
                    ),
                    html.Td(f"{float(row['gap_score']):.1f}", className="text-end fw-semibold"),
                ]
            )
            for rank, row in enumerate(rows, start=1)
        ]
    )
    return [
        html.P(rule, className="small"),
        html.Div(
            dbc.Table(
                [header, body], size="sm", hover=True, striped=True, className="mb-0 gap-table"
            ),
            className="table-responsive",
        ),
    ]


STATUS_LABELS = {"planned": "Planned", "ongoing": "Ongoing", "completed": "Completed"}


def cell_projects(topic: str, column: str, rows: Sequence[Mapping[Any, Any]], limit: int) -> Any:
    """The projects of one cell, each linking to /research/<id>."""
    heading = html.H3(f"{topic} · {column}", className="h6")
    if not rows:
        return [
            heading,
            html.P(
                "No published project covers this cell: an absolute gap.",
                className="mb-0 gap-none",
            ),
        ]
    items = [
        html.Li(
            [
                dcc.Link(str(row["title"]), href=f"/research/{row['project_id']}"),
                html.Span(
                    f" · {STATUS_LABELS.get(str(row['status']), str(row['status']))}"
                    f" · {row.get('participation_level') or 'participation not recorded'}",
                    className="small text-body-secondary",
                ),
            ],
            className="mb-1",
        )
        for row in rows
    ]
    more = (
        [html.P(f"Showing the first {limit}.", className="small mb-0")]
        if len(rows) >= limit
        else []
    )
    count = len(rows)
    return [
        heading,
        html.P(f"{count} published project{'' if count == 1 else 's'}:", className="small"),
        html.Ul(items, className="mb-2 gap-project-list"),
        *more,
    ]


def equity_summary(sentence: str, wards: int, placed_pence: int) -> list[Any]:
    """The concentration index sentence and how it was measured."""
    # The verdict stands out; what 0 and ±1 mean follows in plain weight.
    verdict, _, scale = sentence.partition(". ")
    return [
        html.P(
            [html.Strong(verdict + ("." if scale else "")), " " + scale if scale else ""],
            className="mb-2",
        ),
        html.P(
            f"Measured over {wards} wards and {money(placed_pence, whole_pounds=True)} of P&C "
            "research grants placed in a ward.",
            className="small mb-2",
        ),
        html.P(
            "How it is worked out: wards are lined up from the most deprived (highest IMD "
            "score) to the least, each taking a share of the line equal to its share of the "
            "borough's residents. The index compares each ward's funding per resident with "
            "its place in that line: it is twice the population-weighted covariance of "
            "funding per head and place, divided by the borough's funding per head.",
            className="small mb-2",
        ),
        html.P(
            "A ward's deprivation decile is the population-weighted mean of its small areas' "
            "national IMD deciles, rounded to a whole decile. Grants whose beneficiary is the "
            "whole borough cannot be placed in a ward and are left out.",
            className="small mb-0",
        ),
    ]
