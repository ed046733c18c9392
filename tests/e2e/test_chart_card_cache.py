"""A chart card's answers are cached per load and its table is built only when it is opened.

Through the real app: the draw callback's answer is served from the cache while the warehouse
is unchanged, and a load run in another process (a new load generation) makes the next answer
show the new numbers. In Chromium: no table is rendered (nor asked for) while it is collapsed;
opening it shows the chart's numbers, and changing the filters while it is open updates them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, Request, expect

from components.ids import FILTER_STATE, THEME_STORE, VIEWPORT_STORE, chart_part
from figures.table_view import readable_table
from tests.e2e.conftest import ConsoleErrors
from tests.pipeline.served_warehouse import (
    COUNCIL,
    changed_grant_file,
    load_demo,
    load_in_another_process,
)
from warehouse.db import make_engine, upgrade_schema
from warehouse.queries.charts import CHART_QUERIES
from warehouse.queries.filters import Filters

CHART = "funding-by-year"
DRAW_OUTPUTS = [
    ("graph", "figure"),
    ("graph", "className"),
    ("graph", "style"),
    ("message", "children"),
    ("message", "is_open"),
    ("n", "children"),
    ("updated", "children"),
]


def _post(client: FlaskClient, body: dict[str, Any]) -> Any:
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_json()["response"]


def draw(client: FlaskClient, chart_id: str, filters: dict[str, Any]) -> dict[str, Any]:
    """POST the callback that draws the chart as Dash's renderer does (it may draw other
    charts too); the chart's outputs by "part.prop"."""
    import dash
    from dash._callback import GLOBAL_CALLBACK_MAP  # the app's, until its first request

    figure = f"{chart_part(chart_id, 'graph')}.figure"
    callbacks = {**GLOBAL_CALLBACK_MAP, **dash.get_app().callback_map}
    key, spec = next(
        (key, spec) for key, spec in callbacks.items() if figure in key.strip(".").split("...")
    )
    outputs = [
        {"id": name, "property": prop}
        for name, prop in (o.rsplit(".", 1) for o in key.strip(".").split("..."))
    ]
    values = {FILTER_STATE: filters, THEME_STORE: "light", VIEWPORT_STORE: "wide"}
    response = _post(
        client,
        {
            "output": key,
            "outputs": outputs,
            "inputs": [
                {"id": i["id"], "property": i["property"], "value": values[i["id"]]}
                for i in spec["inputs"]
            ],
            "changedPropIds": [f"{FILTER_STATE}.data"],
            "state": [],
        },
    )
    return {
        f"{part}.{prop}": response[chart_part(chart_id, part)][prop] for part, prop in DRAW_OUTPUTS
    }


def table_cells(client: FlaskClient, chart_id: str, filters: dict[str, Any]) -> list[list[str]]:
    """POST the table callback (as the open table asks for it); the rendered rows' cells."""
    table_id = chart_part(chart_id, "table")
    response = _post(
        client,
        {
            "output": f"{table_id}.children",
            "outputs": {"id": table_id, "property": "children"},
            "inputs": [
                {
                    "id": chart_part(chart_id, "table-wanted"),
                    "property": "data",
                    "value": {"filters": filters},
                }
            ],
            "changedPropIds": [f"{chart_part(chart_id, 'table-wanted')}.data"],
            "state": [],
        },
    )
    return [_texts(row) for row in _rows(response[table_id]["children"])]


def _rows(component: Any) -> list[Any]:
    """Every <tr> in a serialised Dash component tree."""
    if isinstance(component, list):
        return [row for child in component for row in _rows(child)]
    if not isinstance(component, dict):
        return []
    if component.get("type") == "Tr":
        return [component]
    return _rows(component.get("props", {}).get("children"))


def _texts(row: Any) -> list[str]:
    cells = row["props"]["children"]
    return [str(cell["props"]["children"]) for cell in cells]


def expected_cells(frame: pd.DataFrame) -> list[list[str]]:
    readable = readable_table(frame)
    return [list(readable.columns)] + [[str(v) for v in row] for row in readable.values.tolist()]


def test_a_cached_chart_answer_is_served_until_a_new_load_then_shows_the_new_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    demo = load_demo(engine, tmp_path / "demo")
    monkeypatch.setenv("DATABASE_URL", url)
    from app import server

    client = server.test_client()
    filters = {"funder": [COUNCIL]}
    before = draw(client, CHART, filters)
    assert before["graph.className"] == "chart-graph" and before["graph.figure"]["data"]
    numbers_before = CHART_QUERIES[CHART](engine, Filters.from_values(filters))
    assert table_cells(client, CHART, filters) == expected_cells(numbers_before)

    # While nothing is loaded, the answer comes from the cache: the query is not run again.
    query = CHART_QUERIES[CHART]

    def must_not_run(*_args: object) -> pd.DataFrame:
        raise AssertionError("the chart's query ran although its answer was cached")

    monkeypatch.setitem(CHART_QUERIES, CHART, must_not_run)
    assert draw(client, CHART, filters) == before
    assert table_cells(client, CHART, filters) == expected_cells(numbers_before)
    monkeypatch.setitem(CHART_QUERIES, CHART, query)

    # A load in another process (the CLI) starts a new generation: the next answers are new.
    changed_grant_file(demo, tmp_path / "changed.csv")
    load_in_another_process(url, tmp_path / "changed.csv")
    numbers_after = query(engine, Filters.from_values(filters))
    assert not numbers_after.equals(numbers_before)
    after = draw(client, CHART, filters)
    assert after["graph.figure"] != before["graph.figure"]
    assert table_cells(client, CHART, filters) == expected_cells(numbers_after)
    # The new answer is cached in turn.
    monkeypatch.setitem(CHART_QUERIES, CHART, must_not_run)
    assert draw(client, CHART, filters) == after
    engine.dispose()


def test_the_table_is_built_only_when_opened_and_follows_the_filters(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    asked: list[str] = []

    def keep(request: Request) -> None:
        if request.method == "POST" and "/_dash-update-component" in request.url:
            body = json.loads(request.post_data or "{}")
            asked.append(str(body.get("output")))

    page.on("request", keep)
    engine = make_engine(os.environ["DATABASE_URL"])
    page.goto(live_server + "/funding?direction=awarded")
    graph = page.locator(f"#{chart_part(CHART, 'graph')} .main-svg").first
    expect(graph).to_be_visible()
    table_div = page.locator(f"#{chart_part(CHART, 'table')}")
    table = table_div.locator("table")
    expect(table).to_have_count(0)
    assert not [output for output in asked if "-table.children" in output]

    page.locator(f"#{chart_part(CHART, 'table-toggle')}").click()
    expect(table).to_be_visible()
    awarded = CHART_QUERIES[CHART](engine, Filters(direction=("awarded",)))
    assert _shown(table) == expected_cells(awarded)
    table_output = f"{chart_part(CHART, 'table')}.children"
    assert {o for o in asked if "-table.children" in o} == {table_output}

    # Open: clearing the filters redraws the table with every direction's numbers.
    page.get_by_role("button", name="Clear filters").click()
    everything = CHART_QUERIES[CHART](engine, Filters())
    assert len(everything) > len(awarded)
    expect(table.locator("tbody tr")).to_have_count(len(everything))
    assert _shown(table) == expected_cells(everything)

    # Closed again: the table hides, and other cards' tables were never built.
    page.locator(f"#{chart_part(CHART, 'table-toggle')}").click()
    expect(table).to_be_hidden()
    built = {o for o in asked if "-table.children" in o}
    assert built == {table_output}
    assert page.locator(f"#{chart_part('funding-flow', 'table')} table").count() == 0
    assert console_errors == []
    engine.dispose()


def _shown(table: Any) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tr").all()
    ]
