"""The default view of every page, computed ahead of its first visitor after a load.

A load changes the warehouse's generation, and every cached chart and filter list is keyed by
it (``web.caching``), so after a load each one is computed again by whoever asks first: at a
million grants that visitor waited up to 180 ms a callback (Plotly building its first figure,
the top-recipients SQL). ``web.caching`` runs ``warm_default_views`` in each server process
as soon as it sees a new generation, so those answers are already in the cache.

What is warmed is what a browser asks when it opens a page with no filters: every callback
whose outputs are on the page and whose every input and state has a value known before the
page opens, sent through Dash's own dispatch with the values the browser would send, so the
cache keys are the ones a visitor's requests make. Those values are:

- the page's filter state: what ``observatory.collectFilters`` makes of the page's controls,
  each control's name and its value in the layout;
- the theme (the site's default) and the screen width (wide, and narrow where a callback
  reads it);
- the page's address, as any ``dcc.Location`` (in the page or around it) gives it: the page's
  pathname and an empty query;
- any other property the layout sets (a component's ``id``, a pager's ``active_page``), unless
  another callback that runs as the page opens sets it first.

Nothing here is specific to one chart. Warming runs as the public (no one signed in), so what
it caches is what the public may see; a callback that answers staff differently keys its
answer by what the visitor may see.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dash
from dash import dcc
from dash.development.base_component import Component
from flask import Flask

from callbacks.first_view import PAGES_CONTENT, components_in, output_pairs
from components import ids
from web.auth import end_session
from web.caching import register_warmer

log = logging.getLogger(__name__)

UPDATE_PATH = "_dash-update-component"
FILTER_TYPES = ("filter", "filter-text")  # ids.filter_control and ids.filter_text
THEME = "light"  # the site's default (components.shell)
VIEWPORTS = ("wide", "narrow")
VIEWPORT_STORE: str | None = getattr(ids, "VIEWPORT_STORE", None)
Pair = tuple[str, str]


@dataclass(frozen=True)
class PageView:
    """A page opened with no filters: its path, its components' ids, its filter state, and the
    value each property of the page and of the frame around it has before any callback runs
    (``laid_out``: the layout's values and the page's address)."""

    path: str
    component_ids: frozenset[str]
    filter_controls: tuple[Mapping[str, str], ...]  # ids of its dropdowns, in layout order
    filter_state: Mapping[str, Any]
    laid_out: Mapping[Pair, Any] = field(default_factory=dict)


def _json_value(value: Any) -> bool:
    """Whether a layout value can be sent as a browser sends it (not a component tree)."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def laid_out_values(components: Iterable[Component], pathname: str) -> dict[Pair, Any]:
    """(id, property) -> the value it has as the page opens: what the layout sets, and for a
    ``dcc.Location`` the page's address (``pathname``, no query, no fragment)."""
    values: dict[Pair, Any] = {}
    for component in components:
        identity = getattr(component, "id", None)
        if not isinstance(identity, str):
            continue
        for prop in component._prop_names:  # the props a layout may set; set ones are attributes
            value = getattr(component, prop, None)
            if hasattr(component, prop) and _json_value(value):
                values[(identity, prop)] = value
        if isinstance(component, dcc.Location):
            values.update({(identity, "pathname"): pathname, (identity, "search"): ""})
            values[(identity, "hash")] = ""
    return values


def page_view(path: str, layout: Any, frame: Any = None, pathname: str | None = None) -> PageView:
    """The default view of a page whose layout is ``layout``, inside ``frame`` (the app's
    layout around the page, whose location and stores the page's callbacks may read)."""
    page = list(components_in(layout))
    identified = [(c, getattr(c, "id", None)) for c in page]
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
    around = [c for c in components_in(frame) if getattr(c, "id", None) != PAGES_CONTENT]
    laid_out = laid_out_values([*around, *page], pathname or path)
    return PageView(path, frozenset(named), dropdowns, state, laid_out)


def page_views(server: Flask) -> list[PageView]:
    """The default view of every registered page that has no path variables."""
    app = dash.get_app()  # type: ignore[no-untyped-call]
    views = []
    for page in dash.page_registry.values():
        path = str(page.get("path") or "")
        if not path or page.get("path_template"):
            continue
        layout = page.get("layout")
        try:
            with server.test_request_context(path):
                end_session()  # the page as the public gets it
                tree = layout() if callable(layout) else layout
                frame = app.layout() if callable(app.layout) else app.layout
                pathname = app.get_relative_path(path)
        except Exception:
            log.warning("cache warming: the layout of %s could not be built", path, exc_info=True)
            continue
        views.append(page_view(path, tree, frame, pathname))
    return views


def _set_at_start(
    callback_map: Mapping[str, Any], view: PageView, not_at_start: frozenset[str]
) -> dict[Pair, set[str]]:
    """Each property that a callback running as the page opens sets, and the callbacks (by
    output) that set it: its value is then not the layout's when the callbacks after it run."""
    setters: dict[Pair, set[str]] = {}
    for spec, callback in callback_map.items():
        if spec in not_at_start or not callback.get("inputs") or spec.startswith("{"):
            continue
        for pair in output_pairs(spec):
            if pair in view.laid_out or pair[0] in view.component_ids:
                setters.setdefault(pair, set()).add(spec)
    return setters


def _known(
    dependency: Mapping[str, Any],
    view: PageView,
    viewport: str,
    spec: str,
    setters: Mapping[Pair, set[str]],
) -> tuple[bool, Any]:
    """Whether a callback's input or state has a value before the page opens, and the value."""
    identity, prop = dependency["id"], dependency["property"]
    if identity == ids.FILTER_STATE:
        return True, dict(view.filter_state)
    if identity == ids.THEME_STORE:
        return True, THEME
    if VIEWPORT_STORE is not None and identity == VIEWPORT_STORE:
        return True, viewport
    if not isinstance(identity, str) or (identity, prop) not in view.laid_out:
        return False, None
    if setters.get((identity, prop), set()) - {spec}:
        return False, None  # another callback sets it as the page opens
    return True, view.laid_out[(identity, prop)]


def default_requests(
    callback_map: Mapping[str, Any], view: PageView, not_at_start: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The callback requests a browser sends for the page's default state: the callbacks whose
    every input and state is known before the page opens (see the module's docstring), and
    whose outputs are on the page (a pattern output: the page's filter dropdowns).
    ``not_at_start`` names the callbacks (by output) that a page does not run when it opens."""
    setters = _set_at_start(callback_map, view, not_at_start)
    requests: list[dict[str, Any]] = []
    for spec, callback in callback_map.items():
        inputs, states = callback.get("inputs", []), callback.get("state", [])
        # Client-side callbacks run in the browser: the server has nothing to keep.
        if not inputs or spec in not_at_start or "callback" not in callback:
            continue
        uses_viewport = any(i["id"] == VIEWPORT_STORE for i in [*inputs, *states])
        for viewport in VIEWPORTS if uses_viewport else VIEWPORTS[:1]:
            values = [_known(d, view, viewport, spec, setters) for d in [*inputs, *states]]
            if not all(known for known, _ in values):
                break
            body = _body(spec, inputs, states, [value for _, value in values], view)
            if body is not None:
                requests.append(body)
    return requests


def _body(
    spec: str,
    inputs: list[dict[str, Any]],
    states: list[dict[str, Any]],
    values: list[Any],
    view: PageView,
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
    listed = [
        {"id": d["id"], "property": d["property"], "value": value}
        for d, value in zip([*inputs, *states], values, strict=True)
    ]
    return {
        "output": spec,
        "outputs": outputs,
        "inputs": listed[: len(inputs)],
        "changedPropIds": [],
        "state": listed[len(inputs) :],
    }


def warm_default_views(server: Flask) -> int:
    """Run every page's default callbacks once, as the public, so their answers are cached
    under the current generation; the number of requests answered. A callback that fails is
    logged and skipped (its first visitor computes it, as before)."""
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
                    end_session()  # no one is signed in: the public's answers are cached
                    view_function()
                answered += 1
            except Exception:
                log.warning("cache warming: %s failed", body["output"][:80], exc_info=True)
    return answered


register_warmer(warm_default_views)
