"""The recommendations chart: stacked bars of recommendations per workstream and status, in
the order work moves, with workstream 1 at the top; an empty frame gives an empty figure."""

from __future__ import annotations

import pandas as pd

from figures.charts import REGISTRY
from figures.recommendations import status_by_workstream_figure
from figures.registry import records_counted

DATA = pd.DataFrame(
    {
        "workstream": ["Collaboration", "Collaboration", "Infrastructure", "Infrastructure"],
        "workstream_number": [1, 1, 2, 2],
        "status": ["achieved", "in_progress", "not_started", "in_progress"],
        "recommendations": [1, 2, 1, 3],
    }
)


def test_bars_are_stacked_by_status_in_the_order_work_moves() -> None:
    figure = status_by_workstream_figure(DATA, "light")
    assert figure.layout.barmode == "stack"
    assert [t.name for t in figure.data] == ["Not started", "In progress", "Achieved"]
    in_progress = figure.data[1]
    assert in_progress.orientation == "h"
    assert list(in_progress.y) == ["1. Collaboration", "2. Infrastructure"]
    # Long names wrap so the bars keep their room on a phone.
    assert (
        status_by_workstream_figure(DATA.assign(workstream="Dissemination and Influence"), "light")
        .data[0]
        .y[0]
        == "2. Dissemination<br>and Influence"
    )
    assert list(in_progress.x) == [2, 3]
    # Workstream 1 is drawn at the top of the horizontal bars.
    assert list(figure.layout.yaxis.categoryarray) == ["2. Infrastructure", "1. Collaboration"]


def test_theme_changes_the_template() -> None:
    light = status_by_workstream_figure(DATA, "light")
    dark = status_by_workstream_figure(DATA, "dark")
    assert light.layout.template != dark.layout.template


def test_unknown_status_is_still_drawn_with_a_readable_name() -> None:
    data = pd.concat(
        [
            DATA,
            pd.DataFrame(
                {
                    "workstream": ["Collaboration"],
                    "workstream_number": [1],
                    "status": ["on_hold"],
                    "recommendations": [1],
                }
            ),
        ]
    )
    figure = status_by_workstream_figure(data, "light")
    assert "On hold" in [t.name for t in figure.data]


def test_empty_data_gives_an_empty_figure() -> None:
    empty = pd.DataFrame(columns=["workstream", "workstream_number", "status", "recommendations"])
    figure = status_by_workstream_figure(empty, "light")
    assert len(figure.data) == 0


def test_card_counts_recommendations() -> None:
    chart = REGISTRY["recommendations-progress"]
    assert chart.page == "/recommendations"
    assert records_counted(chart, DATA) == 7
    assert "recommendations" in chart.units.lower()
