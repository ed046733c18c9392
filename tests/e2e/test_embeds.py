"""Chart embeds in Chromium: every chart's /embed/<id> draws its chart with no console errors
and its table is the chart's CSV; three embeds in iframes on a plain page served from another
port all draw; and the card's embed builder writes the code and previews it."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from components.ids import chart_part
from figures.charts import REGISTRY
from figures.provenance import table_rows
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

CHART_IDS = sorted(REGISTRY)
DRAWN = "#embed-chart[data-drawn='true'] .main-svg"
IFRAMED = ("funding-by-year", "commissioning-pipeline", "recommendations-progress")


def _table_rows(page: Page) -> list[list[str]]:
    page.get_by_text("Show the numbers as a table").click()
    table = page.locator("details table")
    expect(table).to_be_visible()
    head = [cell.strip() for cell in table.locator("thead th").all_inner_texts()]
    body = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    return [head, *body]


def test_every_chart_embed_draws_cleanly_and_its_table_is_its_csv(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    for chart_id in CHART_IDS:
        answer = page.goto(f"{live_server}/embed/{chart_id}")
        assert answer is not None and answer.status == 200, chart_id
        expect(page.locator(DRAWN).first).to_be_visible()
        expect(page.locator("h1")).to_have_text(REGISTRY[chart_id].title)
        assert page.title().startswith(REGISTRY[chart_id].title)
        csv_link = page.get_by_role("link", name="Download the numbers (CSV)")
        csv_text = page.request.get(live_server + str(csv_link.get_attribute("href"))).text()
        assert _table_rows(page) == table_rows(csv_text), chart_id
        assert not console_errors, (chart_id, console_errors)


def test_an_embed_is_accessible_at_both_widths_and_in_dark_colours(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(f"{live_server}/embed/funding-top-recipients?direction=awarded")
    expect(page.locator(DRAWN).first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "embed-funding-top-recipients")
    page.goto(f"{live_server}/embed/funding-by-year?theme=dark")
    expect(page.locator(DRAWN).first).to_be_visible()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert serious_accessibility_violations(page) == []
    screenshot(page, "embed-funding-by-year-dark")
    back = page.get_by_role("link", name="Open the full view")
    assert str(back.get_attribute("href")).endswith("/funding#card-funding-by-year")
    assert not console_errors


@pytest.fixture
def other_site(tmp_path: Path, live_server: str) -> Iterator[str]:
    """A plain HTML page on another port (another origin) holding three embeds in iframes."""
    frames = "\n".join(
        f'<iframe src="{live_server}/embed/{chart_id}" title="{chart_id}" width="700" '
        'height="520" style="border:0"></iframe>'
        for chart_id in IFRAMED
    )
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,"><title>A council page</title></head>'
        f"<body><h1>Our research</h1>{frames}</body></html>",
        encoding="utf-8",
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    server.server_close()


def test_three_embeds_draw_in_iframes_on_a_page_from_another_port(
    other_site: str, live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    assert other_site.split("/")[2] != live_server.split("/")[2]
    page.goto(other_site)
    for index, chart_id in enumerate(IFRAMED):
        frame = page.frame_locator("iframe").nth(index)
        expect(frame.locator(DRAWN).first).to_be_visible()
        expect(frame.locator("h1")).to_have_text(REGISTRY[chart_id].title)
        # Something was drawn: bars, or shapes of a Sankey or a pie.
        assert frame.locator(".main-svg path, .main-svg rect").count() > 0, chart_id
    screenshot(page, "embeds-on-another-site")
    assert not console_errors


def test_the_embed_builder_writes_the_code_and_previews_it(
    live_server: str, page: Page, console_errors: ConsoleErrors
) -> None:
    chart_id = "funding-pc-share"
    page.goto(f"{live_server}/funding?fy_from=2021/22")
    expect(page.locator(f"#{chart_part(chart_id, 'graph')} .main-svg").first).to_be_visible()
    page.locator(f"#{chart_part(chart_id, 'embed')}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    code = page.locator(f"#{chart_part(chart_id, 'embed-code')}")
    expect(code).to_have_value(
        f'<iframe src="{live_server}/embed/{chart_id}?fy_from=2021/22" '
        f'title="{REGISTRY[chart_id].title.replace("&", "&amp;")}" width="100%" height="640" '
        'style="border:0" loading="lazy"></iframe>'
    )
    preview = page.locator(f"#{chart_part(chart_id, 'embed-preview')}")
    expect(preview).to_have_attribute("src", f"{live_server}/embed/{chart_id}?fy_from=2021/22")
    expect(
        page.frame_locator(f"#{chart_part(chart_id, 'embed-preview')}").locator(DRAWN).first
    ).to_be_visible()

    dialog.get_by_text("600 px").click()
    expect(code).to_have_value(
        f'<iframe src="{live_server}/embed/{chart_id}?fy_from=2021/22" '
        f'title="{REGISTRY[chart_id].title.replace("&", "&amp;")}" width="600" height="640" '
        'style="border:0" loading="lazy"></iframe>'
    )
    expect(preview).to_have_css("width", "600px")
    dialog.get_by_text("Dark").click()
    expect(preview).to_have_attribute(
        "src", f"{live_server}/embed/{chart_id}?fy_from=2021/22&theme=dark"
    )
    assert 'theme=dark"' in code.input_value()
    frame = page.frame_locator(f"#{chart_part(chart_id, 'embed-preview')}")
    expect(frame.locator("html")).to_have_attribute("data-theme", "dark")
    expect(frame.locator(DRAWN).first).to_be_visible()
    screenshot(page, "embed-builder")
    page.locator(f"#{chart_part(chart_id, 'embed-close')}").click()
    expect(dialog).to_be_hidden()
    assert not console_errors
