"""The ``/data`` page: fills its sections when the page renders, and serves the full-dataset
CSVs at ``/download/data/<name>.csv``, streamed in chunks."""

from __future__ import annotations

from typing import Any

import flask
from dash import Input, Output, callback, hooks
from dash import get_relative_path as relative_path

from components.views import quality_tables as tables
from warehouse.db import shared_engine
from warehouse.queries import quality

ROUTE = "download/data/{name}.csv"


def _records(frame: Any) -> list[dict[str, Any]]:
    return list(frame.astype(object).where(frame.notna(), None).to_dict("records"))


@callback(
    Output(tables.FILES, "children"),
    Output(tables.REJECTED, "children"),
    Output(tables.REGISTERS, "children"),
    Output(tables.WORKSTREAMS, "children"),
    Output(tables.INCOMPLETE, "children"),
    Output(tables.DOWNLOADS, "children"),
    Input(tables.LOADED, "data"),
)
def fill(_loaded: Any) -> tuple[Any, ...]:
    engine = shared_engine()
    counts = quality.dataset_rows(engine)
    downloads = [
        {
            "name": d.name,
            "title": d.title,
            "row": d.row,
            "rows": counts[d.name],
            "file_name": f"{d.name}.csv",
            "href": relative_path("/" + ROUTE.format(name=d.name)),
        }
        for d in quality.DATASETS
    ]
    return (
        tables.files_table(_records(quality.source_files(engine))),
        tables.rejected_table(_records(quality.rejected_counts(engine))),
        tables.register_scorecard(_records(quality.register_completeness(engine))),
        tables.workstream_table(_records(quality.workstream_completeness(engine))),
        tables.incomplete_projects(
            _records(quality.incomplete_projects(engine)),
            quality.count_incomplete_projects(engine),
        ),
        tables.downloads_list(downloads),
    )


def _csv_route(name: str) -> None:
    def serve() -> flask.Response:
        return flask.Response(
            flask.stream_with_context(quality.dataset_csv_chunks(shared_engine(), name)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    serve.__name__ = f"dataset_csv_{name.replace('-', '_')}"
    hooks.route(name=ROUTE.format(name=name), methods=("GET",))(serve)


for _dataset in quality.DATASETS:
    _csv_route(_dataset.name)
