"""The grants grid: its columns are the ones the query can sort and filter, each with the right
kind of filter, and the grid pages on the server."""

from __future__ import annotations

from components.grants_table import GRANT_COLUMNS, grants_table
from components.ids import FUNDING_GRANTS_GRID, grid_part
from components.server_grid import column_def
from warehouse.queries.grants_table import GRID_COLUMNS


def test_every_grid_column_is_a_column_the_query_sorts_and_filters() -> None:
    fields = [column.field for column in GRANT_COLUMNS]
    assert len(fields) == len(set(fields))
    assert set(fields) == set(GRID_COLUMNS)


def test_columns_filter_by_their_kind() -> None:
    filters = {
        "money": ("agNumberColumnFilter", {"number"}),
        "date": ("agDateColumnFilter", {"date"}),
        "text": ("agTextColumnFilter", {"text", "boolean"}),
    }
    for column in GRANT_COLUMNS:
        grid_filter, query_kinds = filters[column.kind]
        assert column_def(column)["filter"] == grid_filter, column.field
        assert GRID_COLUMNS[column.field].kind in query_kinds, column.field


def test_money_shows_pounds_unless_the_row_has_another_currency() -> None:
    amount = column_def(next(c for c in GRANT_COLUMNS if c.field == "amount"))
    formatter = str(amount["valueFormatter"])
    assert "'£'" in formatter and "params.data.currency" in formatter
    assert amount["type"] == "rightAligned"


def test_the_grid_asks_the_server_for_each_page() -> None:
    card = grants_table()
    grid = next(
        node
        for node in card._traverse()
        if getattr(node, "id", None) == grid_part(FUNDING_GRANTS_GRID, "grid")
    )
    assert grid.rowModelType == "infinite"
    options = grid.dashGridOptions
    assert options["pagination"] is True
    assert options["cacheBlockSize"] == options["paginationPageSize"]
    link = next(
        node
        for node in card._traverse()
        if getattr(node, "id", None) == grid_part(FUNDING_GRANTS_GRID, "csv")
    )
    assert link.download == "grants.csv"
