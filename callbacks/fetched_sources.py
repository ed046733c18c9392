"""Fills the /data page's "Fetched sources" section."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from components.views import fetched_sources as view
from components.views import quality_tables as tables
from warehouse.db import shared_engine
from warehouse.queries.fetched_sources import fetched_sources


@callback(Output(view.SOURCES, "children"), Input(tables.LOADED, "data"))
def fill_sources(_loaded: Any) -> Any:
    frame = fetched_sources(shared_engine())
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return view.sources_table([{str(k): v for k, v in r.items()} for r in records])
