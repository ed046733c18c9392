"""/data after a refresh: the "Fetched sources" section lists each source with its last
fetch, its status and reason, and the next scheduled run; no console errors, no serious
accessibility violations. The registry served holds only sources that load nothing (a licence
not known to be open, a 404, an HTML error page), so the shared demo warehouse's files stay as
the other /data tests expect."""

from __future__ import annotations

import os
from dataclasses import replace

from playwright.sync_api import Page, expect

from components.views import fetched_sources
from data_pipeline.config import load_config
from data_pipeline.fetch.refresh import refresh
from data_pipeline.fetch.settings import FetchSettings
from tests.e2e.conftest import ConsoleErrors, serious_accessibility_violations
from tests.pipeline.registry_server import RegistryServer, Served, build_registry, failure_entry
from warehouse.db import make_engine


def test_data_page_lists_fetched_sources_after_a_refresh(
    page: Page, live_server: str, console_errors: ConsoleErrors
) -> None:
    server = RegistryServer(Served())
    try:
        server.served.registry = build_registry(
            server.base,
            {},
            [
                failure_entry(server.base, "gone", "/files/withdrawn.xlsx", "Withdrawn file"),
                failure_entry(server.base, "html", "/error-page/grants.csv", "Error page"),
            ],
        )
        settings = replace(
            FetchSettings(),
            registry_url=f"{server.base}/registry.json",
            publishers=("all",),
            retries=0,
            timeout_seconds=2,
        )
        engine = make_engine(os.environ["DATABASE_URL"])
        report = refresh(engine, load_config(), settings)
        engine.dispose()
    finally:
        server.close()
    assert report.exit_code == 2
    page.goto(f"{live_server}/data")
    table = page.locator(f"#{fetched_sources.SOURCES} table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    text = table.inner_text()
    assert "Withdrawn file" in text and "HTTP 404" in text
    assert "HTML page instead of data" in text
    assert "Zing grants" in text and "Not loaded" in text
    assert text.count("Failed") == 2
    header = [h.inner_text() for h in table.locator("th").all()]
    assert header == ["Source", "Licence", "Last fetch", "Status", "Period covered", "Next run"]
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
