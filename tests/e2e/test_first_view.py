"""The public pages' first view (issue 19.1): a visitor without the interactive cookie gets the
page drawn on the server, charts as SVG, with Dash's scripts held back until they reach for a
control, ask for the interactive page, or are on a wide screen. Signed-in staff and visitors who
chose the interactive page get Dash's page at once. A first view is drawn in the background
after the first request for it (web/first_view.py), so each test opens its page until the
drawn one is served."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    ConsoleErrors,
    screenshot,
    serious_accessibility_violations,
    watch_for_errors,
)
from tests.e2e.test_auth_http import signed_in, warehouse  # noqa: F401  (fixture)
from tests.e2e.test_page_weight import Transfer, recording

FIRST_VISIT_LIMIT = 1_000_000
APP_SCRIPTS = "template#observatory-app-scripts"
INTERACTIVE_CHART = ".js-plotly-plot"
PICTURE = ".first-view-graph svg.main-svg"


# Drawing a page's first view runs its callbacks and kaleido: seconds, more on a busy machine.
DRAWN_WITHIN = 180


def open_first_view(tab: Page, url: str) -> None:
    """Open ``url`` until the server answers with its drawn first view."""
    deadline = time.monotonic() + DRAWN_WITHIN
    while True:
        tab.goto(url, wait_until="domcontentloaded")
        if tab.locator(APP_SCRIPTS).count() or time.monotonic() > deadline:
            break
        tab.wait_for_timeout(2000)
    expect(tab.locator(APP_SCRIPTS)).to_have_count(1)


@pytest.fixture
def phone(browser: Browser, console_errors: ConsoleErrors) -> Iterator[tuple[Page, Transfer]]:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    tab = context.new_page()
    watch_for_errors(tab, console_errors)
    yield tab, recording(context, tab)
    context.close()


@pytest.fixture
def without_scripts(browser: Browser) -> Iterator[Page]:
    """A browser that runs no script at all: what it shows, the server drew."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def test_a_phone_reads_the_funding_charts_without_downloading_dash(
    live_server: str, phone: tuple[Page, Transfer], console_errors: ConsoleErrors
) -> None:
    tab, seen = phone
    open_first_view(tab, live_server + "/funding")
    # Counted from here: a first visit (empty cache) to a page already drawn.
    tab.context.new_cdp_session(tab).send("Network.clearBrowserCache")
    seen.clear()
    tab.reload(wait_until="load")
    tab.wait_for_load_state("networkidle")

    card = tab.locator("#card-funding-by-year")
    expect(card.get_by_role("heading", name="Received vs awarded by year")).to_be_visible()
    expect(card.locator(".first-view-graph .first-view-narrow svg.main-svg")).to_be_visible()
    expect(card).to_contain_text("n = ")
    expect(card).not_to_contain_text("n = …")
    assert tab.locator(PICTURE).count() >= 5 * 2  # every chart, drawn wide and narrow
    assert tab.locator(INTERACTIVE_CHART).count() == 0
    assert not any("dash_renderer" in url or "plotly" in url for url in seen.urls.values()), sorted(
        seen.urls.values()
    )
    assert 0 < seen.total() <= FIRST_VISIT_LIMIT, seen.total()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(tab, "first-view-funding")
    assert serious_accessibility_violations(tab) == []
    assert console_errors == []


def test_reaching_for_a_filter_turns_the_page_interactive_in_place(
    live_server: str, phone: tuple[Page, Transfer], console_errors: ConsoleErrors
) -> None:
    tab, _ = phone
    open_first_view(tab, live_server + "/funding?direction=received")
    assert tab.locator(INTERACTIVE_CHART).count() == 0
    tab.locator("select").first.focus()
    expect(tab.locator(INTERACTIVE_CHART).first).to_be_visible(timeout=60_000)
    expect(tab.locator(APP_SCRIPTS)).to_have_count(1)  # same page, not a reload
    assert "direction=received" in tab.url
    assert console_errors == []


def test_choosing_the_interactive_page_is_remembered(
    live_server: str, phone: tuple[Page, Transfer], console_errors: ConsoleErrors
) -> None:
    tab, _ = phone
    open_first_view(tab, live_server + "/recommendations")
    tab.get_by_role("button", name="Use the interactive page").click()
    expect(tab.locator(INTERACTIVE_CHART).first).to_be_visible(timeout=60_000)

    tab.goto(live_server + "/research", wait_until="load")
    expect(tab.locator(APP_SCRIPTS)).to_have_count(0)
    expect(tab.locator(INTERACTIVE_CHART).first).to_be_visible(timeout=60_000)
    assert console_errors == []


def test_a_wide_screen_gets_the_interactive_page_after_the_first_view(
    live_server: str, browser: Browser, console_errors: ConsoleErrors
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watch_for_errors(tab, console_errors)
    open_first_view(tab, live_server + "/funding")
    expect(tab.locator("#card-funding-flow .card-header")).to_contain_text("Money flow")
    expect(tab.locator(f"#card-funding-flow {INTERACTIVE_CHART}")).to_be_visible(timeout=60_000)
    context.close()
    assert console_errors == []


@pytest.mark.parametrize(
    ("path", "drawn"),
    [
        ("/", "P&C research funding received by the Council"),
        ("/", "Recommendations achieved"),
        ("/research", "Research projects started each year"),
        ("/recommendations", "Roll-up by workstream"),
        ("/recommendations", "Recommendations by workstream and status"),
    ],
)
def test_the_server_draws_each_page_with_its_figures(
    live_server: str, without_scripts: Page, path: str, drawn: str
) -> None:
    open_first_view(without_scripts, live_server + path)
    main = without_scripts.locator("main")
    expect(main).to_contain_text(drawn)
    expect(main).not_to_contain_text("Loading...")
    assert without_scripts.locator(PICTURE).count() >= 1


def test_the_research_library_lists_projects_without_scripts(
    live_server: str, without_scripts: Page
) -> None:
    open_first_view(without_scripts, live_server + "/research")
    count = without_scripts.locator("#research-count")
    expect(count).to_contain_text("project")
    assert without_scripts.locator("#research-results a[href^='/research/']").count() >= 1


def test_filters_in_the_address_are_drawn_by_the_server(
    live_server: str, without_scripts: Page
) -> None:
    open_first_view(without_scripts, live_server + "/funding")
    everything = without_scripts.locator("#card-funding-by-year .card-header").inner_text()
    open_first_view(without_scripts, live_server + "/funding?direction=received")
    received = without_scripts.locator("#card-funding-by-year .card-header").inner_text()
    assert everything != received  # n and the years covered follow the filter
    chosen = without_scripts.locator("select option[selected]")
    assert "received" in [chosen.nth(i).get_attribute("value") for i in range(chosen.count())]


def test_signed_in_staff_get_the_interactive_page_at_once(
    warehouse: object,  # noqa: F811
) -> None:
    visitor = signed_in("public")
    deadline = time.monotonic() + DRAWN_WITHIN
    public = visitor.get("/funding")
    while "observatory-app-scripts" not in public.text and time.monotonic() < deadline:
        time.sleep(2)
        public = visitor.get("/funding")
    assert "observatory-app-scripts" in public.text
    assert 'class="first-view"' in public.text
    assert "Cookie" in public.headers.get("Vary", "")
    lead = signed_in("lead").get("/funding")
    assert "observatory-app-scripts" not in lead.text
    assert "new DashRenderer" in lead.text
