"""The overview page: headline figures for the selected year, kept in the URL; what the
warehouse holds; navigation; accessibility."""

from __future__ import annotations

import os
import re

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, text

from components.ids import OVERVIEW_HOLDINGS, dom_id, filter_control
from figures.style import pounds
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

YEAR_DROPDOWN = dom_id(filter_control("overview", "fy_to"))


def council_pc_awarded_by_year() -> dict[str, int]:
    """P&C research pence awarded by the council per year, straight from the warehouse."""
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT g.financial_year, SUM(g.amount_awarded_pence) FROM fct_grants g "
                "JOIN dim_organisations o ON o.org_id = g.home_org_id "
                "WHERE o.home_role = 'council' AND g.direction = 'awarded' "
                "AND g.is_pc_research GROUP BY g.financial_year"
            )
        ).all()
    engine.dispose()
    return {str(year): int(total) for year, total in rows}


def headline(page: Page, label: str) -> Locator:
    return page.locator(".headline-card", has=page.get_by_role("heading", name=label))


def test_overview_shows_the_latest_year_and_warehouse_counts_without_console_errors(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    awarded = council_pc_awarded_by_year()
    latest = max(awarded)
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("Overview"))
    expect(page.locator(".lead")).to_contain_text(latest)
    council = headline(page, "P&C research funding awarded by the Council")
    expect(council).to_contain_text(pounds(awarded[latest]))
    expect(headline(page, "Recommendations achieved")).to_contain_text(re.compile(r"\d+ of 16"))
    holdings = page.locator(f"#{OVERVIEW_HOLDINGS} .card")
    expect(holdings.filter(has_text=re.compile("^Grants")).first).to_contain_text("600")
    expect(page.locator("footer", has_text="Data licence")).not_to_contain_text(
        "nothing loaded yet"
    )
    screenshot(page, "overview")
    assert console_errors == []


def test_choosing_a_year_changes_the_figures_and_the_url_and_a_reload_keeps_it(
    live_server: str, page: Page
) -> None:
    awarded = council_pc_awarded_by_year()
    first = min(awarded)
    page.goto(live_server + "/")
    council = headline(page, "P&C research funding awarded by the Council")
    expect(council).to_contain_text(pounds(awarded[max(awarded)]))

    page.locator(f"[id='{YEAR_DROPDOWN}']").click()
    page.get_by_role("option").filter(has_text=first).click()

    expect(council).to_contain_text(pounds(awarded[first]))
    expect(council).to_contain_text("No figure for the year before")
    expect(page).to_have_url(re.compile(re.escape("fy_to=" + first.replace("/", "%2F"))))
    page.reload()
    expect(page.locator(".lead")).to_contain_text(first)
    expect(council).to_contain_text(pounds(awarded[first]))


def test_each_trend_names_its_first_and_last_years_and_values_and_opens_as_a_table(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    awarded = council_pc_awarded_by_year()
    label = "P&C research funding awarded by the Council"
    page.goto(live_server + "/")
    council = headline(page, label)
    # The drawing is hidden from screen readers, which get the table below it instead.
    trend = council.locator("[aria-hidden='true'] .headline-trend")
    expect(trend.locator("svg").first).to_be_visible()
    table = council.get_by_role("table", name=f"{label}, by financial year")
    expect(table).to_be_hidden()
    summary = council.locator("summary", has_text="Show the numbers")
    summary.focus()
    page.keyboard.press("Enter")  # reached and opened from the keyboard
    expect(table).to_be_visible()
    rows: list[list[str]] = table.locator("tbody tr").evaluate_all(
        "(rows) => rows.map((r) => [...r.cells].map((c) => c.innerText.trim()))"
    )
    years = [year for year, _ in rows]
    assert years == sorted(years) and set(awarded) <= set(years)
    # Every year's figure is the warehouse's; a year without awards reads £0.
    assert dict(rows) == {year: pounds(awarded.get(year, 0)) for year in years}
    # The drawing names the first and last years and writes their figures, with the unit.
    (first_year, first_value), (last_year, last_value) = rows[0], rows[-1]
    for words in (first_year, last_year, first_value, last_value):
        expect(trend).to_contain_text(words)
    assert console_errors == []


def test_trends_on_a_phone_fit_their_cards_with_readable_words(
    live_server: str, page: Page
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/")
    trend = headline(page, "P&C research funding awarded by the Council").locator(".headline-trend")
    expect(trend.locator("svg").first).to_be_visible()
    drawn = trend.evaluate(
        """(trend) => {
          const svg = trend.querySelector("svg");
          const box = svg.viewBox.baseVal;
          const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
          const words = [...trend.querySelectorAll("text")].filter((t) => t.textContent.trim());
          return {
            words: words.length,
            smallest: Math.min(
              ...words.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
            right: Math.max(...words.map((t) => t.getBoundingClientRect().right)),
            cardRight: trend.closest(".card").getBoundingClientRect().right,
          };
        }"""
    )
    assert drawn["words"] >= 4, drawn  # two years and two figures
    assert drawn["smallest"] >= 10.5, drawn  # the years are drawn at 11 px, the figures at 12
    assert drawn["right"] <= drawn["cardRight"], drawn


def test_skip_link_moves_focus_to_main_content(live_server: str, page: Page) -> None:
    page.goto(live_server + "/")
    expect(page.locator(".headline-card").first).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))


def test_overview_has_no_serious_accessibility_violations(live_server: str, page: Page) -> None:
    page.goto(live_server + "/")
    expect(page.locator(".headline-card").first).to_be_visible()
    violations = serious_accessibility_violations(page)
    assert violations == [], "\n".join(violations)


def test_healthz_reports_database_reachable(live_server: str, page: Page) -> None:
    response = page.request.get(live_server + "/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": "reachable"}
