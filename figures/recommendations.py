"""Recommendations tracker figure: how many recommendations of each workstream are in each
status, as stacked horizontal bars (workstream 1 at the top)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.registry import Chart
from figures.style import apply_style
from figures.summaries import status_count_summary

STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "paused": "Paused",
    "achieved": "Achieved",
}
# The same hues as the status badges of the tracker.
STATUS_COLOURS = {
    "not_started": "#6c757d",
    "in_progress": "#0d6efd",
    "paused": "#ffc107",
    "achieved": "#198754",
}


def _wrapped(number: object, name: object, width: int = 16) -> str:
    """``1. Research Collaborative`` broken into lines of about ``width`` characters, so the
    labels leave room for the bars on a phone."""
    first, *rest = str(name).split() or [""]
    lines = [f"{number}. {first}"]  # the number stays with the first word
    for word in rest:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


def status_by_workstream_figure(data: pd.DataFrame, theme: str) -> go.Figure:
    """Stacked bars: recommendations per workstream, split by status."""
    figure = go.Figure()
    if not data.empty:
        ordered = data.sort_values("workstream_number")
        names = list(
            dict.fromkeys(
                _wrapped(n, w)
                for n, w in zip(ordered["workstream_number"], ordered["workstream"], strict=True)
            )
        )
        present = list(dict.fromkeys(ordered["status"]))
        statuses = [s for s in STATUS_LABELS if s in present] + [
            s for s in present if s not in STATUS_LABELS
        ]
        for status in statuses:
            rows = ordered[ordered["status"] == status]
            label = STATUS_LABELS.get(status, str(status).replace("_", " ").capitalize())
            figure.add_bar(
                y=[
                    _wrapped(n, w)
                    for n, w in zip(rows["workstream_number"], rows["workstream"], strict=True)
                ],
                x=rows["recommendations"],
                orientation="h",
                name=label,
                marker_color=STATUS_COLOURS.get(status, "#7f8c8d"),
                hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x}} recommendations<extra></extra>",
            )
        figure.update_yaxes(categoryorder="array", categoryarray=names[::-1])
    figure = apply_style(figure, theme, height=320)
    # The legend reads in the order work moves: not started, in progress, paused, achieved.
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    figure.update_xaxes(dtick=1, rangemode="tozero")
    return figure


CHARTS = [
    Chart(
        chart_id="recommendations-progress",
        title="Recommendations by workstream and status",
        description="How many of each workstream's recommendations are not started, in "
        "progress, paused or achieved, as their owners last recorded.",
        units="Number of recommendations",
        source="Recommendations register",
        page="/recommendations",
        build=status_by_workstream_figure,
        count_column="recommendations",
        summary=status_count_summary,
    ),
]
