"""A live server in a thread over a demo warehouse, and Chromium driven by Playwright.

Every page test collects browser console errors and fails on any of them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    expect,
    sync_playwright,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
E2E_DEMO_SCALE = 600

# Pages wait on callbacks that query the warehouse; on a busy two-core CI machine that can take
# longer than Playwright's default 5 s, and a slow answer is not a wrong one.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on 127.0.0.1 at a free port, over a freshly built demo warehouse."""
    from werkzeug.serving import make_server

    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    os.environ["DATABASE_URL"] = url

    from data_pipeline.config import load_config
    from data_pipeline.demo import write_demo
    from data_pipeline.load import load_file
    from warehouse.db import make_engine, upgrade_schema

    engine = make_engine(url)
    upgrade_schema(engine)
    config = load_config()
    for path in write_demo(folder / "demo", scale=E2E_DEMO_SCALE):
        result = load_file(engine, path, config)
        assert not result.rejected_whole, result.problems
    engine.dispose()

    from app import server

    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement the test's own thread runs, which is where Flask's test client
    answers (a cache warming also draws first views, in a background thread of its own)."""
    from sqlalchemy import Engine, event

    ran: list[str] = []
    test_thread = threading.get_ident()

    def keep(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if threading.get_ident() == test_thread:
            ran.append(statement)

    event.listen(Engine, "before_cursor_execute", keep)
    yield ran
    event.remove(Engine, "before_cursor_execute", keep)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


class ConsoleErrors(list[str]):
    """Console errors and uncaught page errors seen during a test."""


@pytest.fixture
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


def watch_for_errors(tab: Page, console_errors: ConsoleErrors) -> None:
    """Collect the tab's console errors and uncaught errors. A page whose address answers 404
    by design (no such page or record, web/not_found.py) makes Chromium log that status for the
    document itself; that line is the answer under test, not an error of the page, so it is
    left out. A 404 for anything the page loads still counts."""
    not_found_pages: set[str] = set()

    def on_response(response: Response) -> None:
        if response.status == 404 and response.request.is_navigation_request():
            not_found_pages.add(response.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if "status of 404" in message.text and message.location.get("url") in not_found_pages:
            return
        console_errors.append(message.text)

    tab.on("response", on_response)
    tab.on("console", on_console)
    tab.on("pageerror", lambda error: console_errors.append(str(error)))


# A visitor who chose the interactive page (web/first_view.py): Dash's page from the first
# request, which is what these tests drive. A cookie is not kept apart by port, so it holds for
# every live server on 127.0.0.1. tests/e2e/test_first_view.py opens pages without it.
INTERACTIVE_COOKIE = {
    "name": "observatory_view",
    "value": "app",
    "domain": "127.0.0.1",
    "path": "/",
}


def interactive_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context that gets the interactive pages, not the server-drawn first views."""
    context = browser.new_context(**options)
    context.add_cookies([INTERACTIVE_COOKIE])  # type: ignore[list-item]
    return context


@pytest.fixture
def page(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Page]:
    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watch_for_errors(tab, console_errors)
    yield tab
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save full-page screenshots at 1280 px and 375 px wide (test artefacts, git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wide = ARTIFACTS / f"{name}-1280.png"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(wide), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / f"{name}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    return wide


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core violations of serious or critical impact, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): "
        + "; ".join(str(node["target"]) for node in v["nodes"][:4])
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
