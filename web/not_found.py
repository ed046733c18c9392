"""Dash answers every path with its page shell and says "not found" in the browser only. A path
that is no page answers 404 as well, so link checkers, crawlers and proxies are told."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Response, request

DASH_CATCH_ALL = "/<path:path>"


def _pattern(page: Mapping[str, Any]) -> re.Pattern[str]:
    template = page.get("path_template") or page["path"]
    parts = re.split(r"(<[^>/]+>)", str(template).rstrip("/") or "/")
    regex = "".join("[^/]+" if part.startswith("<") else re.escape(part) for part in parts)
    return re.compile(f"{regex}/?")


def install_not_found(server: Flask, pages: Callable[[], Iterable[Mapping[str, Any]]]) -> None:
    """Answer 404 when Dash's catch-all route serves a path that matches no registered page."""

    @server.after_request
    def not_a_page(response: Response) -> Response:
        if request.endpoint != DASH_CATCH_ALL or response.status_code != 200:
            return response
        if not any(_pattern(page).fullmatch(request.path) for page in pages()):
            response.status_code = 404
        return response
