"""Dash answers every path with its page shell and says "not found" in the browser only. A path
that is no page answers 404 as well, so link checkers, crawlers and proxies are told; and so
does the page of a record that is not there for this visitor (an unknown or unpublished
project, an unknown recommendation, snapshot or load run), which the page itself shows as
"not found"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Response, request

from warehouse.db import shared_engine
from warehouse.queries import record_pages
from web.auth import current_user, sees_drafts

DASH_CATCH_ALL = "/<path:path>"

RecordCheck = Callable[[str], bool]
"""Given the record id in a page's address, whether that record is there for this visitor."""


def _pattern(page: Mapping[str, Any]) -> re.Pattern[str]:
    """The page's address as a regex, each ``<name>`` of its template a group."""
    template = page.get("path_template") or page["path"]
    parts = re.split(r"(<[^>/]+>)", str(template).rstrip("/") or "/")
    regex = "".join("([^/]+)" if part.startswith("<") else re.escape(part) for part in parts)
    return re.compile(f"{regex}/?")


def _is_admin() -> bool:
    user = current_user()
    return user is not None and user.is_admin


def _project_shown(project_id: str) -> bool:
    return record_pages.project_shown(shared_engine(), project_id, include_drafts=sees_drafts())


RECORD_PAGES: dict[str, RecordCheck] = {
    "/research/<project_id>": _project_shown,
    "/impact/<project_id>": _project_shown,
    "/recommendations/<recommendation_id>": lambda recommendation_id: (
        record_pages.recommendation_found(shared_engine(), recommendation_id)
    ),
    "/snapshots/<snapshot_id>": lambda snapshot_id: record_pages.snapshot_found(
        shared_engine(), snapshot_id
    ),
    # Only admins see a load run; everyone else is asked to sign in, whether it exists or not.
    "/data/loads/<load_run_id>": lambda load_run_id: (
        not _is_admin() or record_pages.load_run_found(shared_engine(), load_run_id)
    ),
}


def install_not_found(server: Flask, pages: Callable[[], Iterable[Mapping[str, Any]]]) -> None:
    """Answer 404 when Dash's catch-all route serves a path that matches no registered page,
    or a record page (``RECORD_PAGES``, by path template) whose record is not there."""

    @server.after_request
    def not_a_page(response: Response) -> Response:
        if request.endpoint != DASH_CATCH_ALL or response.status_code != 200:
            return response
        # A page's own address before any template's, as Dash routes them.
        for page in sorted(pages(), key=lambda page: bool(page.get("path_template"))):
            matched = _pattern(page).fullmatch(request.path)
            if matched is None:
                continue
            check = RECORD_PAGES.get(str(page.get("path_template") or ""))
            if check is not None and not check(matched.group(1)):
                response.status_code = 404
            return response
        response.status_code = 404
        return response
