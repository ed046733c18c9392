"""What a registered chart is. The registry itself is ``figures.charts.REGISTRY``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

FigureBuilder = Callable[[pd.DataFrame, str], go.Figure]
Summariser = Callable[[pd.DataFrame], str]
# Below this width (Bootstrap's "sm" breakpoint) a chart with a narrow form is drawn in it.
NARROW_PX = 576


@dataclass(frozen=True)
class Chart:
    """What a card needs to show a chart and say what it counts."""

    chart_id: str
    title: str
    description: str
    units: str
    source: str
    page: str
    build: FigureBuilder
    count_column: str | None = None  # column summed for n; None means n = number of rows
    # The same numbers drawn for a phone (narrower than NARROW_PX), for a chart whose own form
    # cannot be read there (a Sankey's columns of labels); None draws ``build`` at every width.
    narrow_build: FigureBuilder | None = None
    # The chart's own plain-English sentence; None uses figures.summaries' generic rule.
    summary: Summariser | None = None


def records_counted(chart: Chart, data: pd.DataFrame) -> int:
    """The n shown on the card: the records behind the chart."""
    if data.empty:
        return 0
    if chart.count_column is None:
        return len(data)
    # Suppressed counts are text ("fewer than 5") and add nothing to n.
    return int(pd.to_numeric(data[chart.count_column], errors="coerce").fillna(0).sum())
