"""A resident or a council officer on a phone (375 px): pages fit the screen's width without
scrolling sideways, with no serious accessibility violations; the flow charts become ranked
bars whose words fit the screen at a readable size; tables of records stack into one block per
record."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from components.ids import chart_part
from figures.style import pounds
from tests.e2e.conftest import ARTIFACTS, ConsoleErrors, serious_accessibility_violations
from tests.e2e.warehouse_rows import warehouse_rows
from warehouse import users
from warehouse.db import make_engine

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
SMALLEST_TEXT_PX = 11.5  # plotly's 12 px labels, drawn at their size
ADMIN_EMAIL = "mobile.admin.with.a.long.address@marrowfield-council.example.org"
ADMIN_PASSWORD = "correct horse battery staple"


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


@pytest.mark.parametrize("path", ["/research", "/funding", "/impact", "/commissioning"])
def test_page_fits_a_phone_without_sideways_scrolling(
    live_server: str, page: Page, path: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + path)
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator(".filter-bar button.dash-dropdown").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    _fits_the_screen(page)
    violations = serious_accessibility_violations(page)
    assert violations == [], "\n".join(violations)


def _largest_funder() -> tuple[str, int]:
    """The funder that gave the most (pence), from the warehouse's grants."""
    ((name, pence),) = warehouse_rows(
        "SELECT o.name, SUM(g.amount_awarded_pence) FROM fct_grants g "
        "JOIN dim_organisations o ON o.org_id = g.funder_org_id WHERE g.currency = 'GBP' "
        "GROUP BY g.funder_org_id ORDER BY 2 DESC LIMIT 1"
    )
    return str(name), int(str(pence))


def _most_citing_body() -> tuple[str, int]:
    """The decision-maker whose published decisions cite published projects most often."""
    ((body, citations),) = warehouse_rows(
        "SELECT d.decision_body, COUNT(*) FROM fct_policy_citations c "
        "JOIN fct_policy_decisions d ON d.decision_id = c.decision_id "
        "JOIN dim_projects p ON p.project_id = c.project_id "
        "WHERE d.is_published AND p.is_published "
        "GROUP BY d.decision_body ORDER BY 2 DESC LIMIT 1"
    )
    return str(body), int(str(citations))


def _words_and_bars_fit(graph: Locator) -> None:
    """Every word and bar of the chart lies inside the screen, and no word is drawn smaller
    than 11.5 px (a picture scaled down to fit would shrink them: the drawn size is measured)."""
    drawn = graph.evaluate(
        """(graph) => {
          const svg = graph.querySelector("svg.main-svg");
          const box = svg.viewBox.baseVal;
          const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
          const parts = [...graph.querySelectorAll(".annotation-text, .bars path")];
          return {
            right: Math.max(...parts.map((p) => p.getBoundingClientRect().right)),
            left: Math.min(...parts.map((p) => p.getBoundingClientRect().left)),
            smallest: Math.min(...[...graph.querySelectorAll(".annotation-text")].map(
              (t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
          };
        }"""
    )
    assert drawn["left"] >= 0 and drawn["right"] <= PHONE["width"], drawn
    assert drawn["smallest"] >= SMALLEST_TEXT_PX, drawn


def _written(graph: Locator) -> list[str]:
    """The chart's words, each annotation's lines joined."""
    return graph.locator(".annotation-text").evaluate_all(
        """(texts) => texts.map((t) => {
          const lines = [...t.querySelectorAll("tspan.line")].map((s) => s.textContent);
          return lines.length ? lines.join(" ") : t.textContent;
        })"""
    )


FLOWS = {
    "/funding": ("funding-flow", ("From funders", "Through routes", "To kinds of recipient")),
    "/impact": ("impact-flow", ("Research topics", "Most-cited projects", "Decision-makers")),
}


@pytest.mark.parametrize("path", FLOWS)
def test_a_flow_chart_on_a_phone_is_ranked_bars_with_words_that_fit(
    live_server: str, page: Page, console_errors: ConsoleErrors, path: str
) -> None:
    chart_id, headings = FLOWS[path]
    if path == "/funding":
        name, pence = _largest_funder()
        first = f"{name} · {pounds(pence)}"
    else:
        body, citations = _most_citing_body()
        first = f"{body} · {citations} citations"
    page.set_viewport_size(PHONE)
    page.goto(live_server + path)
    graph = page.locator(f"#{chart_part(chart_id, 'graph')}")
    words = graph.locator(".annotation-text")
    for heading in headings:
        expect(words.filter(has_text=re.compile(f"^{re.escape(heading)}$"))).to_have_count(1)
    # The largest of a column is named with its amount, in words a phone can show (on lines
    # of their own when they are long).
    written = _written(graph)
    assert first in written, written
    expect(graph.locator(".sankey")).to_have_count(0)
    expect(graph.locator(".bars path").first).to_be_visible()
    # Every word and bar lies inside the screen, and no word is drawn smaller than 11.5 px
    # (a picture scaled down to fit would shrink them: the drawn size is what is measured).
    _words_and_bars_fit(graph)
    _fits_the_screen(page)
    graph.screenshot(path=str(ARTIFACTS / f"{chart_id}-at-375.png"))
    # Turned to a wide screen, the same card draws the Sankey again.
    page.set_viewport_size(DESKTOP)
    expect(graph.locator(".sankey")).to_have_count(1)
    expect(words.filter(has_text=re.compile(f"^{re.escape(headings[0])}$"))).to_have_count(0)
    assert console_errors == []


def _largest_recipient() -> tuple[str, int]:
    """The organisation that received the most (pence), from the recipients mart."""
    ((name, pence),) = warehouse_rows(
        "SELECT MAX(recipient_name), SUM(amount_awarded_pence) FROM mart_grants_by_recipient "
        "WHERE recipient_org_id IS NOT NULL AND COALESCE(recipient_type, '') != 'individual' "
        "GROUP BY recipient_org_id ORDER BY 2 DESC, recipient_org_id LIMIT 1"
    )
    return str(name), int(str(pence))


def test_the_top_recipients_on_a_phone_are_named_whole_above_bars_that_fit(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    """Long recipient names on a bar chart's axis left the bars a tenth of a phone's width:
    there, each name, its kind and its amount are written above its bar instead."""
    name, pence = _largest_recipient()
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/funding")
    graph = page.locator(f"#{chart_part('funding-top-recipients', 'graph')}")
    expect(graph.locator(".bars path").first).to_be_visible()
    written = _written(graph)
    assert any(w.startswith(f"{name} (") and w.endswith(f" · {pounds(pence)}") for w in written), (
        written
    )
    _words_and_bars_fit(graph)
    _fits_the_screen(page)
    graph.screenshot(path=str(ARTIFACTS / "funding-top-recipients-at-375.png"))
    assert console_errors == []


def test_contracts_on_a_phone_read_as_one_block_per_contract(live_server: str, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/commissioning")
    table = page.locator("#commissioning-contracts table")
    first_row = table.locator("tbody tr").first
    expect(first_row).to_be_visible()
    _fits_the_screen(page)
    box = table.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # Each value is on a line of its own, named by its column, inside the screen.
    cells = first_row.locator("td")
    named = cells.evaluate_all(
        "(cells) => cells.map((c) => getComputedStyle(c, '::before').content)"
    )
    assert named[1:] == [
        '"Buyer: "',
        '"Stage: "',
        '"Route: "',
        '"Procurement method: "',
        '"CPV: "',
        '"Suppliers: "',
        '"Value: "',
        '"Awarded: "',
    ]
    for index in range(cells.count()):
        cell = cells.nth(index).bounding_box()
        assert cell is not None and cell["x"] + cell["width"] <= PHONE["width"], (index, cell)
    # The headings that sort stay reachable as buttons.
    sort_by_value = table.get_by_role("button", name="Value", exact=True)
    sort_by_value.scroll_into_view_if_needed()
    expect(sort_by_value).to_be_in_viewport()
    sort_by_value.click()
    value_heading = table.locator("th").filter(
        has=page.get_by_role("button", name="Value", exact=True)
    )
    expect(value_heading).to_have_attribute("aria-sort", "descending")
    _fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "commissioning-contracts-at-375.png"))


def test_the_admin_users_page_fits_a_phone(live_server: str, page: Page) -> None:
    engine = make_engine(os.environ["DATABASE_URL"])
    if users.find_user(engine, ADMIN_EMAIL) is None:
        users.create_user(engine, ADMIN_EMAIL, "Alexandra Administrator", ADMIN_PASSWORD, "admin")
    engine.dispose()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/sign-in?next=/admin/users")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/admin/users")
    email = page.get_by_role("cell", name=ADMIN_EMAIL)
    expect(email).to_be_visible()
    _fits_the_screen(page)
    box = email.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    violations = serious_accessibility_violations(page)
    assert violations == [], "\n".join(violations)
    page.screenshot(path=str(ARTIFACTS / "admin-users-at-375.png"), full_page=True)
