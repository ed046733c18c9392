"""The filter bar: one dropdown per filter, options with counts (filled by a callback), values
taken from the URL so a reload or a shared link restores the view, and *Clear filters*."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.ids import dom_id


@dataclass(frozen=True)
class FilterSpec:
    name: str  # the URL parameter
    label: str
    multi: bool = True
    text: bool = False  # a search box instead of a dropdown
    placeholder: str = "All"  # what an empty dropdown means


def _search_box(page: str, spec: FilterSpec, query: Mapping[str, str]) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(
                spec.label,
                html_for=dom_id(ids.filter_text(page, spec.name)),
                className="small mb-1",
            ),
            dbc.Input(
                id=ids.filter_text(page, spec.name),
                type="search",
                value=query.get(spec.name) or "",
                debounce=True,
                placeholder="Words to look for",
            ),
        ],
        xs=12,
        lg=4,
    )


def filter_bar(page: str, specs: Sequence[FilterSpec], query: Mapping[str, str]) -> html.Div:
    """Controls for ``specs`` of ``page``, set from the page's query string."""
    controls = []
    for spec in specs:
        if spec.text:
            controls.append(_search_box(page, spec, query))
            continue
        raw = query.get(spec.name) or None
        value: str | list[str] | None = (
            [v for v in raw.split(",") if v] if raw and spec.multi else raw
        )
        controls.append(
            dbc.Col(
                [
                    dbc.Label(
                        spec.label,
                        html_for=dom_id(ids.filter_control(page, spec.name)),
                        id=f"filter-label-{page}-{spec.name}",
                        className="small mb-1",
                    ),
                    dcc.Dropdown(
                        id=ids.filter_control(page, spec.name),
                        options=[{"label": v, "value": v} for v in (value or [])]
                        if isinstance(value, list)
                        else ([{"label": value, "value": value}] if value else []),
                        value=value,
                        multi=spec.multi,
                        placeholder=spec.placeholder,
                        optionHeight=40,
                    ),
                ],
                xs=12,
                md=6,
                lg=True,
            )
        )
    return html.Div(
        [
            dcc.Store(id=ids.FILTER_STATE),
            dcc.Store(id=ids.FILTER_URL),
            html.Div(
                [
                    dbc.Row(controls, className="g-2 flex-grow-1"),
                    dbc.Button(
                        "Clear filters",
                        id=ids.CLEAR_FILTERS,
                        color="link",
                        size="sm",
                        className="align-self-end",
                    ),
                ],
                className="d-flex flex-wrap gap-2 align-items-end",
            ),
        ],
        className="filter-bar border rounded p-3 mb-4 bg-body-tertiary",
        role="search",
        **{"aria-label": "Filters"},
    )
