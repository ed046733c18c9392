"""The contracts table of the commissioning page: sortable headers, a page of rows at a time
(the rows come from SQL with LIMIT, through callbacks/commissioning.py), a pager, and a CSV of
every row the filters match."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.empty_state import is_filtered, reason_text
from components.format import money, present, short_date

CARD = "commissioning-contracts"
BODY = "commissioning-contracts-body"
SUMMARY = "commissioning-contracts-summary"
PREVIOUS = "commissioning-contracts-previous"
NEXT = "commissioning-contracts-next"
STATE = "commissioning-contracts-state"
CSV = "commissioning-contracts-csv"
CSV_DOWNLOAD = "commissioning-contracts-csv-download"
SORT = "commissioning-contracts-sort"
SORT_MARK = "commissioning-contracts-sort-mark"
HEADER = "commissioning-contracts-header"

DEFAULT_SORT = "award_date"


@dataclass(frozen=True)
class Column:
    key: str  # the sort key (``warehouse.queries.commissioning.CONTRACT_SORTS``), or a plain name
    label: str
    sortable: bool = True
    numeric: bool = False


COLUMNS = (
    Column("title", "Commission"),
    Column("buyer", "Buyer"),
    Column("stage", "Stage"),
    Column("route", "Route"),
    Column("procurement_method", "Procurement method"),
    Column("cpv", "CPV"),
    Column("suppliers", "Suppliers"),
    Column("value", "Value", numeric=True),
    Column("award_date", "Awarded"),
)
# Newest and largest first on a first click; text A to Z.
DESCENDING_FIRST = frozenset({"value", "award_date"})


def sort_id(key: str) -> dict[str, str]:
    return {"type": SORT, "column": key}


def mark_id(key: str) -> dict[str, str]:
    return {"type": SORT_MARK, "column": key}


def header_id(key: str) -> dict[str, str]:
    return {"type": HEADER, "column": key}


def initial_state() -> dict[str, Any]:
    return {"sort": DEFAULT_SORT, "descending": True, "page": 0, "filters": {}}


def aria_sort(key: str, state: Mapping[str, Any]) -> str:
    """The header's aria-sort value for a column under the table's state."""
    if key != state.get("sort"):
        return "none"
    return "descending" if state.get("descending") else "ascending"


def sort_mark(key: str, state: Mapping[str, Any]) -> str:
    """The arrow shown beside a sortable header."""
    return {"none": "↕", "ascending": "▲", "descending": "▼"}[aria_sort(key, state)]


def _header(column: Column) -> html.Th:
    state = initial_state()
    if not column.sortable:
        return html.Th(column.label, scope="col", className="fw-semibold")
    return html.Th(
        html.Button(
            [
                column.label,
                " ",
                html.Span(
                    sort_mark(column.key, state),
                    id=mark_id(column.key),
                    className="sort-mark",
                    **{"aria-hidden": "true"},
                ),
            ],
            id=sort_id(column.key),
            type="button",
            className="btn btn-link p-0 text-reset text-decoration-none fw-semibold sort-button",
            title=f"Sort by {column.label.lower()}",
            n_clicks=0,
        ),
        id=header_id(column.key),
        scope="col",
        className="text-end" if column.numeric else None,
        **{"aria-sort": aria_sort(column.key, state)},
    )


def contracts_table() -> dbc.Card:
    """The card holding the table; callbacks fill the rows, the summary and the pager."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2("Contracts and awards", className="h5 mb-1"),
                    html.P(
                        "One row per award, with its procurement method and CPV code; a "
                        "commission not yet awarded has one row, valued at the buyer's estimate."
                        " Source: OCDS commissioning releases.",
                        className="small text-body-secondary mb-0",
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    dcc.Store(id=STATE, data=initial_state()),
                    html.P(id=SUMMARY, className="small mb-2", **{"aria-live": "polite"}),
                    html.Div(
                        html.Table(
                            [
                                html.Caption(
                                    "Contracts and awards under the filters above; choose a "
                                    "column heading to sort.",
                                    className="visually-hidden",
                                ),
                                html.Thead(html.Tr([_header(c) for c in COLUMNS])),
                                html.Tbody(id=BODY),
                            ],
                            className="table table-sm table-hover align-middle mb-0 "
                            "contracts-table",
                        ),
                        className="table-responsive",
                        tabIndex=0,
                        role="region",
                        **{"aria-label": "Contracts and awards table"},
                    ),
                ]
            ),
            dbc.CardFooter(
                html.Div(
                    [
                        dbc.Button(
                            "‹ Previous",
                            id=PREVIOUS,
                            size="sm",
                            color="secondary",
                            outline=True,
                            n_clicks=0,
                            disabled=True,
                        ),
                        dbc.Button(
                            "Next ›",
                            id=NEXT,
                            size="sm",
                            color="secondary",
                            outline=True,
                            n_clicks=0,
                            disabled=True,
                        ),
                        dbc.Button(
                            "CSV",
                            id=CSV,
                            size="sm",
                            color="secondary",
                            outline=True,
                            n_clicks=0,
                            title="Download every contract and award under these filters as CSV",
                            className="ms-auto",
                        ),
                        dcc.Download(id=CSV_DOWNLOAD),
                    ],
                    className="d-flex flex-wrap gap-2",
                )
            ),
        ],
        id=CARD,
        className="chart-card",
    )


def summary_text(offset: int, shown: int, total: int, reason: str | None = None) -> Any:
    """ "Rows 21–40 of 214", or why there are none (``reason``: nothing loaded, every row
    rejected, or the filters)."""
    if total == 0 and not is_filtered(reason):
        return reason_text(str(reason))
    if total == 0:
        return "No contracts or awards match these filters. Clear a filter to see more."
    return f"Rows {offset + 1:,}–{offset + shown:,} of {total:,} contracts and awards"


def _text(value: Any) -> str:
    return "—" if value is None or value != value or value == "" else str(value)


def _suppliers(value: Any) -> str:
    text = _text(value)
    return text.replace(";", "; ") if text != "—" else text


def contract_rows(records: Sequence[Mapping[str, Any]]) -> list[html.Tr]:
    """Table rows for one page of contracts (records as ``contracts_page`` returns them)."""
    rows = []
    for record in records:
        cpv = _text(record.get("cpv_code"))
        cpv_description = _text(record.get("cpv_description"))
        value = (
            money(record["value_pence"], record.get("currency"), whole_pounds=True)
            if present(record.get("value_pence"))
            else "—"
        )
        method_details = _text(record.get("procurement_method_details"))
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(_text(record.get("title")), className="d-block"),
                            html.Span(
                                _text(record.get("ocid")),
                                className="small text-body-secondary font-monospace",
                            ),
                        ],
                        className="contracts-title",
                    ),
                    html.Td(_text(record.get("buyer_name")), className="contracts-buyer"),
                    html.Td(_text(record.get("stage")).capitalize()),
                    html.Td(
                        [
                            _text(record.get("route")).capitalize(),
                            html.Span(
                                "Collaborative-working condition",
                                className="d-block small text-body-secondary",
                            )
                            if record.get("has_collaboration_condition")
                            else None,
                        ],
                        className="contracts-route",
                    ),
                    html.Td(
                        [
                            html.Span(_text(record.get("procurement_method")).capitalize()),
                            html.Span(method_details, className="d-block small text-body-secondary")
                            if method_details != "—"
                            else None,
                        ]
                    ),
                    html.Td(
                        [
                            html.Span(cpv, className="font-monospace"),
                            html.Span(
                                cpv_description, className="d-block small text-body-secondary"
                            )
                            if cpv_description != "—"
                            else None,
                        ],
                        className="contracts-cpv",
                    ),
                    html.Td(
                        _suppliers(record.get("supplier_names")), className="contracts-suppliers"
                    ),
                    html.Td(
                        [
                            value,
                            html.Span(" (estimate)", className="small text-body-secondary")
                            if record.get("value_is_estimate") and value != "—"
                            else None,
                        ],
                        className="text-end text-nowrap",
                    ),
                    html.Td(short_date(record.get("award_date")) or "—", className="text-nowrap"),
                ]
            )
        )
    return rows
