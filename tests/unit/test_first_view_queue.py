"""The first views' background drawing (web/first_view.py) holds a bounded queue: made-up filter
combinations must not queue kaleido work without end."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from flask import Flask

from web import first_view
from web.caching import cache


def test_drawings_waiting_are_capped_and_each_is_drawn_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = Flask("first-view-queue")
    cache.init_app(server, config={"CACHE_TYPE": "SimpleCache"})
    release = threading.Event()
    drawn: list[str] = []

    def draw(path: str, query: Mapping[str, str], _graphs: Any) -> str:
        release.wait(10)
        drawn.append(query.get("q", ""))
        return f"<main>{path}</main>"

    monkeypatch.setattr(
        first_view.FirstViews, "key", staticmethod(lambda path, query: f"{path}?{query}")
    )
    views = first_view.FirstViews(server, draw)
    with server.app_context():
        for word in range(first_view.MAX_PENDING + 10):
            views.schedule("/research", {"q": f"word{word}"})
            views.schedule("/research", {"q": f"word{word}"})  # asked twice, queued once
        assert len(views.pending) == first_view.MAX_PENDING
        release.set()
        views.pool.shutdown(wait=True)
        assert sorted(drawn) == sorted(f"word{w}" for w in range(first_view.MAX_PENDING))
        assert views.pending == set()
        assert cache.get("/research?{'q': 'word0'}") == "<main>/research</main>"
