"""Where the numbers came from: attached to every API answer and download."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_pipeline.config import load_config
from figures.provenance import ChartProvenance, filters_text, period_covered
from figures.registry import Chart
from warehouse.queries.filters import Filters
from warehouse.queries.overview import last_load_time
from warehouse.queries.quality import source_files
from web.chart_sources import chart_attribution


def _iso(moment: Any) -> str | None:
    if moment is None or not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return str(moment.astimezone(UTC).isoformat(timespec="seconds"))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def provenance(engine: Engine) -> dict[str, Any]:
    """The sources loaded, the licence, the time of the last load and the time of this answer."""
    files = source_files(engine)
    sources = [
        {
            "file_name": _text(row.file_name),
            "format": _text(row.detected_format),
            "publisher": _text(row.publisher),
            "licence": _text(row.licence),
            "sha256": _text(row.sha256),
            "last_loaded_at": _iso(row.last_loaded_at),
        }
        for row in files.itertuples(index=False)
    ]
    return {
        "sources": sources,
        "licence": load_config().default_licence,
        "last_loaded_at": _iso(last_load_time(engine)),
        "generated_at": _iso(datetime.now(UTC)),
    }


def provenance_headers(engine: Engine) -> dict[str, str]:
    """The same facts as HTTP headers, for CSV and image answers that have no room for them."""
    facts = provenance(engine)
    publishers = sorted({s["publisher"] for s in facts["sources"] if s["publisher"]})
    headers = {
        "X-Data-Licence": facts["licence"],
        "X-Data-Sources": "; ".join(publishers) or "none loaded",
        "X-Data-Last-Loaded": facts["last_loaded_at"] or "never",
        "X-Data-Generated-At": facts["generated_at"],
        "Link": '</api/v1/provenance>; rel="describedby"',
    }
    # Header values must be Latin-1; a publisher's name may not be.
    return {
        name: value.encode("latin-1", "replace").decode("latin-1")
        for name, value in headers.items()
    }


def chart_provenance(
    engine: Engine, chart: Chart, filters: Filters, data: pd.DataFrame, url: str
) -> ChartProvenance:
    """What a chart's download says about itself: its title, units and source, the licence,
    the period its rows cover, when the warehouse was last loaded and where to find it
    (``url``: the chart's page with these filters). A chart of grants names their publishers
    and their licences (``web.chart_sources``); the site's licence is for the rest."""
    site_licence = load_config().default_licence
    credit = chart_attribution(engine, chart, filters, site_licence)
    return ChartProvenance(
        title=chart.title,
        units=chart.units,
        source=credit.source,
        licence=credit.licence or site_licence,
        period=period_covered(data, filters.fy_from, filters.fy_to),
        loaded=last_load_time(engine),
        url=url,
        filters=filters_text(filters.to_query()),
        publishers=credit.publishers,
    )
