"""Pages that have nothing to show say why, in Chromium (issue 18.8 and 18.10): over an empty
warehouse ("No grants are loaded yet"), over one where every grant of two files was rejected
("Every grant in 2 files ... was rejected: see Sources and quality"), and over grants that
name no home organisation (the overview says to set the org-ids instead of showing £0). Only
a filter that excludes everything says "Clear a filter".

One server (``gunicorn``, in its own process over its own warehouse) serves the states in
turn: each test loads more, and the load generation keeps every answer to its own state, so
the tests run in the order written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from data_pipeline.config import Config, HomeOrganisation
from data_pipeline.load import load_file
from tests.e2e.conftest import ConsoleErrors, screenshot
from tests.pipeline.gunicorn_server import gunicorn
from warehouse.db import make_engine, upgrade_schema

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,"
    "Grant Programme:Code\n"
)
# No amount and no award date: rows the warehouse cannot hold.
BAD = (
    "{p}-1,Peer research,Housing,GBP,,,GB-CHC-1,Group,GB-LAE-XYZ,A Council,PCR-1\n"
    "{p}-2,Peer research,Damp,GBP,,,GB-CHC-2,Club,GB-LAE-XYZ,A Council,PCR-1\n"
)
GOOD = (
    "360G-ok-1,Peer research,Housing,GBP,1500,2024-05-01,GB-CHC-1,Group,GB-LAE-XYZ,A Council,"
    "PCR-1\n"
    "360G-ok-2,Youth club,Sport,GBP,900,2023-06-01,GB-CHC-2,Club,GB-LAE-XYZ,A Council,PCR-1\n"
)
# The council's org-id is GB-LAE-XYZ, but the configuration names another: no grant is home.
WRONG_HOME = Config(
    home_organisations=(HomeOrganisation("GB-LAE-AAA", "Another Council", "council"),),
    pc_research_programme_codes=frozenset({"PCR-1"}),
)
LIST_PAGES = ("/research", "/researchers", "/impact", "/commissioning")


@dataclass
class Served:
    url: str
    engine: Engine
    folder: Path

    def load(self, name: str, text: str, config: Config = WRONG_HOME) -> None:
        path = self.folder / name
        path.write_text(HEADER + text, encoding="utf-8")
        load_file(self.engine, path, config)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("empty-states")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("CACHE_REDIS_URL", None)
    with gunicorn(env, folder / "gunicorn.log") as port:
        yield Served(f"http://127.0.0.1:{port}", engine, folder)
    engine.dispose()


def _open(page: Page, served: Served, path: str, waiting_for: str) -> None:
    page.goto(served.url + path)
    # A busy machine can take a while over the first answers of a fresh server.
    expect(page.get_by_text(waiting_for).first).to_be_visible(timeout=60_000)
    page.wait_for_load_state("networkidle")


def _links_to_data(page: Page, words: str) -> None:
    link = page.get_by_role("link", name=words, exact=True).first
    expect(link).to_have_attribute("href", "/data")


def test_an_empty_warehouse_says_what_to_load_and_never_clear_a_filter(
    served: Served, page: Page, console_errors: ConsoleErrors
) -> None:
    _open(page, served, "/", "No grants are loaded yet")
    expect(page.get_by_text("load a 360Giving file of grants on the Sources")).to_be_visible()
    _links_to_data(page, "Sources and quality")
    expect(page.get_by_role("heading", name="What decides these figures")).to_be_visible()
    expect(page.locator("#what-decides")).to_contain_text("[[home_organisations]]")
    expect(page.locator("#what-decides")).to_contain_text(
        "No home organisation appears in the grants loaded so far."
    )
    screenshot(page, "empty-overview")

    # A filter set on an empty warehouse is not the reason.
    _open(page, served, "/funding?fy_from=2030/31", "No grants are loaded yet")
    page.wait_for_timeout(500)
    messages = page.locator(".chart-card .alert")
    expect(messages.first).to_contain_text("No grants are loaded yet")
    assert messages.count() >= 5
    for text in messages.all_inner_texts():
        assert "No grants are loaded yet" in text, text
    screenshot(page, "empty-funding")
    assert "Clear a filter" not in page.inner_text("main")

    for path in LIST_PAGES:
        _open(page, served, path, "are loaded yet")
        assert "Clear a filter" not in page.inner_text("main"), path
    assert console_errors == []


def test_every_grant_rejected_says_so_with_the_counts_and_a_link(
    served: Served, page: Page, console_errors: ConsoleErrors
) -> None:
    served.load("first.csv", BAD.format(p="360G-bad"))
    served.load("second.csv", BAD.format(p="360G-worse"))
    said = "Every grant in 2 files (4 rows) was rejected: see Sources and quality for why."
    _open(page, served, "/", said)
    _links_to_data(page, "Sources and quality")
    screenshot(page, "rejected-overview")
    _open(page, served, "/funding", said)
    page.wait_for_timeout(500)
    for text in page.locator(".chart-card .alert").all_inner_texts():
        assert text == said, text
    # The grants table's count line says the same.
    expect(
        page.locator(".chart-card")
        .filter(has_text="grants match")
        .or_(page.locator(".chart-card").filter(has_text=said))
        .first
    ).to_be_visible()
    screenshot(page, "rejected-funding")
    assert "Clear a filter" not in page.inner_text("main")
    assert console_errors == []


def test_grants_naming_no_home_organisation_say_so_instead_of_pounds_zero(
    served: Served, page: Page, console_errors: ConsoleErrors
) -> None:
    served.load("grants.csv", GOOD)
    _open(page, served, "/", "None of the 2 grants loaded names a home organisation")
    alert = page.locator(".overview-configuration")
    expect(alert).to_contain_text("observatory.toml")
    expect(alert).to_contain_text("set your council's and NHS bodies' org-ids there")
    expect(
        page.get_by_role("heading", name="P&C research funding received by the Council")
    ).to_have_count(0)
    for card in page.locator(".headline-card").all_inner_texts():
        assert "£0" not in card, card
    screenshot(page, "no-home-overview")

    # The funding page shows every grant; a filter that excludes them all says so, and only
    # then offers to clear it.
    # (The dropdowns offer only values that match something, but a year range can be empty.)
    _open(page, served, "/funding?fy_from=2024/25&fy_to=2023/24", "Clear a filter to see more")
    expect(page.locator(".chart-card .alert").first).to_contain_text(
        "No grants match these filters. Clear a filter to see more."
    )
    _open(page, served, "/funding", "2 grants match.")
    screenshot(page, "no-home-funding")
    assert console_errors == []
