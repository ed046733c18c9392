"""A data grid whose rows stay on the server: AG Grid's infinite row model with pagination,
so sorting, column filters and paging each ask a callback for one page of rows (computed in
SQL), and a *Download CSV* link to every row the filters match.

The callbacks that feed a grid answer its ``getRowsRequest`` with ``getRowsResponse``
(``rowData`` and ``rowCount``), fill the count line and point the CSV link at the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from components.ids import grid_part

PAGE_SIZE = 20
TEXT_FILTERS = ["contains", "notContains", "equals", "notEqual", "startsWith", "endsWith"]
NUMBER_FILTERS = [
    "equals",
    "notEqual",
    "greaterThan",
    "greaterThanOrEqual",
    "lessThan",
    "lessThanOrEqual",
    "inRange",
]
DATE_FILTERS = ["equals", "greaterThan", "lessThan", "inRange"]
# Money with thousands separators, in pounds unless the row's currency says otherwise; the
# loading rows of the infinite model have no value yet.
MONEY_FORMAT = (
    "params.value == null ? '' : "
    "((params.data && params.data.currency && params.data.currency !== 'GBP') "
    "? params.data.currency + ' ' : '£') + d3.format(',.2f')(params.value)"
)


@dataclass(frozen=True)
class GridColumn:
    """One column: the row field, its header and how it filters (text, money, date)."""

    field: str
    header: str
    kind: str = "text"
    width: int | None = None
    pinned: bool = False


def column_def(column: GridColumn) -> dict[str, object]:
    """AG Grid's column definition for a column."""
    definition: dict[str, object] = {"field": column.field, "headerName": column.header}
    if column.kind == "money":
        definition.update(
            filter="agNumberColumnFilter",
            filterParams={
                "filterOptions": NUMBER_FILTERS,
                "maxNumConditions": 1,
                "debounceMs": 400,
            },
            valueFormatter={"function": MONEY_FORMAT},
            type="rightAligned",
        )
    elif column.kind == "date":
        definition.update(
            filter="agDateColumnFilter",
            filterParams={"filterOptions": DATE_FILTERS, "maxNumConditions": 1, "debounceMs": 400},
        )
    else:
        definition.update(
            filter="agTextColumnFilter",
            filterParams={"filterOptions": TEXT_FILTERS, "maxNumConditions": 1, "debounceMs": 400},
        )
    if column.width:
        definition["width"] = column.width
    else:
        definition["flex"] = 1
        definition["minWidth"] = 140
    if column.pinned:
        definition["pinned"] = "left"
    return definition


def server_grid(
    grid_id: str,
    title: str,
    columns: Sequence[GridColumn],
    *,
    description: str,
    csv_name: str,
    page_size: int = PAGE_SIZE,
) -> dbc.Card:
    """A card holding the grid, a line saying how many rows match, and the CSV link."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.H2(title, className="h5 mb-1"),
                    html.P(
                        [description, " ", html.Span("…", id=grid_part(grid_id, "count"))],
                        className="small text-body-secondary mb-0",
                        **{"aria-live": "polite"},
                    ),
                ]
            ),
            dbc.CardBody(
                dag.AgGrid(
                    id=grid_part(grid_id, "grid"),
                    rowModelType="infinite",
                    columnDefs=[column_def(column) for column in columns],
                    defaultColDef={"sortable": True, "resizable": True},
                    dashGridOptions={
                        "pagination": True,
                        "paginationPageSize": page_size,
                        "paginationPageSizeSelector": False,
                        "cacheBlockSize": page_size,
                        "maxBlocksInCache": 10,
                        "infiniteInitialRowCount": page_size,
                        "rowBuffer": 0,
                        "maxConcurrentDatasourceRequests": 1,
                        "ensureDomOrder": True,
                        "suppressMultiSort": True,
                        # Every column in the DOM: screen readers and find-in-page see them all.
                        "suppressColumnVirtualisation": True,
                    },
                    style={"height": f"{page_size * 42 + 110}px", "width": "100%"},
                    className="server-grid",
                ),
                className="p-2",
            ),
            dbc.CardFooter(
                html.A(
                    "Download CSV",
                    id=grid_part(grid_id, "csv"),
                    download=csv_name,
                    className="btn btn-sm btn-outline-secondary",
                    title=f"Download every row of {title} that the filters match, as CSV",
                )
            ),
        ],
        className="server-grid-card",
        id=f"card-{grid_id}",
    )
