"""The /data section listing every fetched source: last fetch, status, period, next run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from components.format import date_time
from components.views import quality_tables as q

SOURCES = "quality-fetched-sources"
HEADING = "quality-fetched-sources-heading"

STATUS_LABELS = {
    "loaded": "Loaded",
    "partial": "Loaded, some rows rejected",
    "unchanged": "Unchanged",
    "failed": "Failed",
    "rejected": "Rejected whole",
    "skipped": "Not loaded",
}


def section() -> Any:
    return q.section(
        "Fetched sources",
        "Every source the scheduled refresh fetches (the 360Giving registry's publishers and "
        "the council's own files by URL): its last fetch, what happened, the period its data "
        "covers and when it is fetched next. A source that fails keeps the data it loaded "
        "before.",
        SOURCES,
        HEADING,
    )


def sources_table(records: Sequence[Mapping[str, Any]]) -> Any:
    if not records:
        return html.P(
            "No source is fetched by URL yet: list them in observatory.toml ([registry] and "
            "[[sources]]) and run the refresh.",
            className="text-body-secondary",
        )
    rows = [
        html.Tr(
            [
                html.Td(
                    [
                        html.A(r["title"], href=r["url"]),
                        html.Div(r.get("publisher") or "", className="small"),
                    ]
                ),
                html.Td(r.get("licence") or ""),
                html.Td(date_time(r.get("last_fetch_at"))),
                html.Td(
                    [
                        html.Span(
                            STATUS_LABELS.get(str(r.get("last_status")), r.get("last_status")),
                            className=f"fetch-status fetch-status-{r.get('last_status')}",
                        ),
                        html.Div(r.get("last_reason") or "", className="small"),
                    ]
                ),
                html.Td(
                    f"{date_time(r.get('period_start'))} to {date_time(r.get('period_end'))}"
                    if r.get("period_start")
                    else ""
                ),
                html.Td(date_time(r.get("next_run_at"))),
            ]
        )
        for r in records
    ]
    header = ["Source", "Licence", "Last fetch", "Status", "Period covered", "Next run"]
    return html.Div(
        html.Table(
            [
                html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
                html.Tbody(rows),
            ],
            className="table table-sm",
        ),
        className="table-responsive",
        tabIndex=0,
        role="region",
        title="Fetched sources",
    )
