"""When a visitor gets a page's first view (HTML drawn on the server) in place of Dash's empty
page, and how the interactive page is then loaded.

A public visitor opening one of ``FIRST_VIEW_PAGES`` gets the page already drawn inside Dash's
``react-entry-point``, with Dash's scripts kept inert in a ``<template>``. ``assets/
first_view.js`` loads them (and so turns the page into the interactive one, in place) when the
visitor reaches for a control, presses "Use the interactive page", or at once on a wide screen.
Signed-in staff, and visitors who chose the interactive page (the ``observatory_view=app``
cookie, set by that button), get Dash's page as before. A query string the pages do not know
gets Dash's page too, which explains it.

The drawn HTML is kept in the cache for the warehouse's current generation, like every other
public answer, so a load is never answered from the one before. It is drawn in the background
(``FirstViews``); until it is ready, visitors get Dash's page.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from threading import Lock
from typing import Any

import dash
import plotly.graph_objects as go
from flask import Flask, Response, request

from warehouse.db import shared_engine
from web.auth import current_user
from web.caching import cache, current_generation, register_warmer
from web.chart_api import BadParameter, parse_filters
from web.images import inline_svg

GraphDrawer = Callable[[Mapping[str, Any], Mapping[str, Any] | None], str | None]
DrawPage = Callable[[str, Mapping[str, str], GraphDrawer], str | None]

FIRST_VIEW_PAGES = frozenset({"/", "/funding", "/research", "/recommendations"})
VIEW_COOKIE = "observatory_view"
INTERACTIVE = "app"
LOADER = "first_view.js"
# Drawn widths in px: a desktop card, and a phone (up to 576 px wide, Bootstrap's "sm").
WIDE, NARROW = 900, 420
# Drawings waiting at most: each filter combination is a few seconds of kaleido, and a run of
# made-up addresses must not queue work without end (beyond it, visitors get Dash's page).
MAX_PENDING = 16

logger = logging.getLogger(__name__)


def wants_first_view() -> bool:
    """Whether this request is a public visitor's first look at a page that has a first view."""
    return (
        request.method == "GET"
        and request.path in FIRST_VIEW_PAGES
        and request.cookies.get(VIEW_COOKIE) != INTERACTIVE
        and current_user() is None
    )


def _query() -> dict[str, str] | None:
    args = dict(request.args.items())
    try:
        parse_filters(args)
    except BadParameter:
        return None
    return args


def light_scripts(scripts: str, renderer: str) -> str:
    """Dash's script tags held inert in a template, and the loader that runs them later."""
    loader = re.search(r'<script src="[^"]*/' + re.escape(LOADER) + r'[^"]*"></script>', scripts)
    if loader is None:
        raise RuntimeError(f"assets/{LOADER} is missing from the page's scripts")
    return f'<template id="observatory-app-scripts">{scripts}{renderer}</template>{loader.group(0)}'


def draw_svg(figure: Mapping[str, Any], phone_form: Mapping[str, Any] | None = None) -> str | None:
    """A figure as inline SVG (kaleido), or None if it cannot be drawn. A figure without a
    width of its own is drawn twice, wide and narrow (from ``phone_form`` where the chart has
    one, as a ranked bar for a Sankey), and CSS shows the one that fits the screen
    (assets/first_view.css): one drawing scaled to both would print its text too large on a
    desktop or too small on a phone."""
    built = go.Figure(figure)
    phone = go.Figure(phone_form) if phone_form else built
    try:
        if built.layout.width:
            return inline_svg(built, int(built.layout.width), int(built.layout.height or 450))
        wide = inline_svg(built, WIDE, int(built.layout.height or 450))
        narrow = inline_svg(phone, NARROW, int(phone.layout.height or 450))
    except Exception:
        logger.warning("first view: a chart could not be drawn as SVG", exc_info=True)
        return None
    return f'<div class="first-view-wide">{wide}</div><div class="first-view-narrow">{narrow}</div>'


class FirstViews:
    """First views kept in the cache for the warehouse's current generation, and drawn in the
    background: drawing one runs a page's callbacks and kaleido, seconds of work, which no
    visitor should wait for. A visitor who comes before it is drawn gets Dash's page."""

    def __init__(self, server: Flask, draw: DrawPage) -> None:
        self.server = server
        self.draw = draw
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-view")
        self.pending: set[str] = set()
        self.lock = Lock()

    @staticmethod
    def key(path: str, query: Mapping[str, str]) -> str:
        asked = hashlib.sha256(repr((path, sorted(query.items()))).encode()).hexdigest()
        return f"first-view:{current_generation(shared_engine()).generation}:{asked}"

    def ready(self, path: str, query: Mapping[str, str]) -> str | None:
        """The drawn page if it is ready; otherwise None, with it (and every page's default
        view, which the next visitors will most likely open) put in hand."""
        found = cache.get(self.key(path, query))
        if found is not None:
            return str(found) or None  # "" is kept for a page that has no first view
        for wanted in ((path, dict(query)), *((page, {}) for page in sorted(FIRST_VIEW_PAGES))):
            self.schedule(*wanted)
        return None

    def warm(self, server: Flask) -> None:
        """After a load (``web.caching``'s warmers): draw every page's default view before a
        visitor asks for it."""
        for page in sorted(FIRST_VIEW_PAGES):
            self.schedule(page, {})

    def schedule(self, path: str, query: Mapping[str, str]) -> None:
        key = self.key(path, query)
        with self.lock:
            if key in self.pending or len(self.pending) >= MAX_PENDING:
                return
            if cache.get(key) is not None:
                return
            self.pending.add(key)
        self.pool.submit(self._draw, key, path, query)

    def _draw(self, key: str, path: str, query: Mapping[str, str]) -> None:
        try:
            # The callbacks run as for a public visitor: a request with no session.
            with self.server.test_request_context(path, query_string=dict(query)):
                cache.set(key, self.draw(path, query, draw_svg) or "")
        except Exception:
            logger.exception("first view of %s could not be drawn", path)
        finally:
            with self.lock:
                self.pending.discard(key)


def install_first_view(app: dash.Dash, draw: DrawPage) -> FirstViews:
    """Make ``app``'s index carry the first view, drawn by ``draw(path, query, draw_svg)``."""
    interpolate = app.interpolate_index
    server: Flask = app.server
    views = FirstViews(server, draw)

    def interpolate_index(**parts: Any) -> str:
        if wants_first_view() and (query := _query()) is not None:
            drawn = views.ready(request.path, query)
            if drawn:
                parts = {
                    **parts,
                    "app_entry": f'<div id="react-entry-point" class="first-view">{drawn}</div>',
                    "scripts": light_scripts(parts["scripts"], parts["renderer"]),
                    "renderer": "",
                }
        return str(interpolate(**parts))  # type: ignore[no-untyped-call]

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]

    def vary_by_visitor(response: Response) -> Response:
        # One address, two answers (first view or Dash's page): caches must keep them apart.
        if request.path in FIRST_VIEW_PAGES:
            response.vary.add("Cookie")
        return response

    server.after_request(vary_by_visitor)
    register_warmer(views.warm)
    return views
