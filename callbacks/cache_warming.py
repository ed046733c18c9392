"""The default view of every page, computed ahead of its first visitor after a load.

A load changes the warehouse's generation, and every cached chart and filter list is keyed by
it (``web.caching``), so after a load each one is computed again by whoever asks first: at a
million grants that visitor waited up to 180 ms a callback (Plotly building its first figure,
the top-recipients SQL). ``web.caching`` runs ``warm_default_views`` in each server process
as soon as it sees a new generation, so those answers are already in the cache.

What is warmed is what a browser asks when it opens a page with no filters: every callback of
the page whose inputs are only the page's filter state, theme and screen width (the charts
and the filter lists; both cached per load and per question), sent through Dash's own dispatch
with the values the browser would send, so the cache keys are the ones a visitor's requests
make. The filter state is what ``observatory.collectFilters`` makes of the page's controls:
each control's name and its value in the layout. Nothing here is specific to one chart.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dash
from dash.development.base_component import Component
from flask import Flask

from callbacks.first_view import components_in, output_pairs
from components import ids
from web.caching import register_warmer

log = logging.getLogger(__name__)

UPDATE_PATH = "_dash-update-component"
FILTER_TYPES = ("filter", "filter-text")  # ids.filter_control and ids.filter_text
THEME = "light"  # the site's default (components.shell)
VIEWPORTS = ("wide", "narrow")
VIEWPORT_STORE: str | None = getattr(ids, "VIEWPORT_STORE", None)


@dataclass(frozen=True)
class PageView:
    """A page opened with no filters: its path, its components' ids and its filter state."""

    path: str
    component_ids: frozenset[str]
    filter_controls: tuple[Mapping[str, str], ...]  # ids of its dropdowns, in layout order
    filter_state: Mapping[str, Any]


def page_view(path: str, layout: Any) -> PageView:
    """The default view of a page whose layout is ``layout``."""
    identified = [(c, getattr(c, "id", None)) for c in components_in(layout)]
    named = {identity for _, identity in identified if isinstance(identity, str)}
    controls: dict[str, list[tuple[Component, dict[str, Any]]]] = {k: [] for k in FILTER_TYPES}
    for component, identity in identified:
        if isinstance(identity, dict) and identity.get("type") in controls:
            controls[identity["type"]].append((component, identity))
    # collectFilters: the dropdowns first, then the text boxes; a value never set is null.
    state = {
        str(identity["name"]): getattr(component, "value", None)
        for kind in FILTER_TYPES
        for component, identity in controls[kind]
    }
    dropdowns = tuple(identity for _, identity in controls["filter"])
    return PageView(path, frozenset(named), dropdowns, state)


def page_views(server: Flask) -> list[PageView]:
    """The default view of every registered page that has no path variables."""
    views = []
    for page in dash.page_registry.values():
        path = str(page.get("path") or "")
        if not path or page.get("path_template"):
            continue
        layout = page.get("layout")
        try:
            with server.test_request_context(path):
                tree = layout() if callable(layout) else layout
        except Exception:
            log.warning("cache warming: the layout of %s could not be built", path, exc_info=True)
            continue
        views.append(page_view(path, tree))
    return views


def _input_value(identity: Any, view: PageView, viewport: str) -> tuple[bool, Any]:
    """Whether a callback input is part of a page's default state, and its value."""
    if identity == ids.FILTER_STATE:
        return True, dict(view.filter_state)
    if identity == ids.THEME_STORE:
        return True, THEME
    if VIEWPORT_STORE is not None and identity == VIEWPORT_STORE:
        return True, viewport
    return False, None


def default_requests(
    callback_map: Mapping[str, Any], view: PageView, not_at_start: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The callback requests a browser sends for the page's default state: the callbacks whose
    every input is the filter state, the theme or the screen width, and whose outputs are on the
    page (a pattern output: the page's filter dropdowns). ``not_at_start`` names the callbacks
    (by output) that a page does not run when it opens."""
    requests: list[dict[str, Any]] = []
    for spec, callback in callback_map.items():
        inputs = callback.get("inputs", [])
        # Client-side callbacks run in the browser: the server has nothing to keep.
        if not inputs or spec in not_at_start or "callback" not in callback:
            continue
        uses_viewport = any(i["id"] == VIEWPORT_STORE for i in inputs)
        for viewport in VIEWPORTS if uses_viewport else VIEWPORTS[:1]:
            values = [_input_value(i["id"], view, viewport) for i in inputs]
            if not all(known for known, _ in values):
                break
            body = _body(spec, inputs, values, view)
            if body is not None:
                requests.append(body)
    return requests


def _body(
    spec: str, inputs: list[dict[str, Any]], values: list[tuple[bool, Any]], view: PageView
) -> dict[str, Any] | None:
    if spec.startswith("{"):
        identity, prop = spec.rsplit(".", 1)
        pattern = json.loads(identity)
        if pattern.get("type") != "filter" or not view.filter_controls:
            return None
        outputs: Any = [{"id": dict(c), "property": prop} for c in view.filter_controls]
    else:
        pairs = output_pairs(spec)
        if not pairs or not all(identity in view.component_ids for identity, _ in pairs):
            return None
        outputs = [{"id": identity, "property": prop} for identity, prop in pairs]
        outputs = outputs if spec.startswith("..") else outputs[0]
    return {
        "output": spec,
        "outputs": outputs,
        "inputs": [
            {"id": i["id"], "property": i["property"], "value": value}
            for i, (_, value) in zip(inputs, values, strict=True)
        ],
        "changedPropIds": [],
        "state": [],
    }


def warm_default_views(server: Flask) -> int:
    """Run every page's default callbacks once, so their answers are cached under the current
    generation; the number of requests answered. A callback that fails is logged and skipped
    (its first visitor computes it, as before)."""
    app = dash.get_app()  # type: ignore[no-untyped-call]
    with server.app_context():
        # Dash moves the registered callbacks into its map when it serves its first request.
        app._setup_server()
    view_function = next(
        (
            server.view_functions[rule.endpoint]
            for rule in server.url_map.iter_rules()
            if rule.rule.endswith(UPDATE_PATH)
        ),
        None,
    )
    if view_function is None:
        return 0
    update_path = next(r.rule for r in server.url_map.iter_rules() if r.rule.endswith(UPDATE_PATH))
    not_at_start = frozenset(
        str(spec["output"])
        for spec in getattr(app, "_callback_list", [])
        if spec.get("prevent_initial_call")
    )
    answered, seen = 0, set()
    for view in page_views(server):
        for body in default_requests(app.callback_map, view, not_at_start):
            key = json.dumps(body, sort_keys=True, default=str)
            if key in seen:
                continue
            seen.add(key)
            try:
                with server.test_request_context(update_path, method="POST", json=body):
                    view_function()
                answered += 1
            except Exception:
                log.warning("cache warming: %s failed", body["output"][:80], exc_info=True)
    return answered


register_warmer(warm_default_views)
