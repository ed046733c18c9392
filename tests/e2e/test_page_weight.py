"""What a phone downloads (issue 19.1 and 19.2), counted in bytes on the wire from Chromium's own
network events, never in time: scripts arrive compressed, versioned bundles are cached for a
year so a repeat visit downloads almost nothing, Plotly is the site's partial bundle, a page
without a grid never fetches AG Grid, and an embed weighs under 200 kB."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ConsoleErrors, interactive_context, watch_for_errors

EMBED_LIMIT = 200_000
REPEAT_LIMIT = 100_000
CHART = ".js-plotly-plot .main-svg"
PLOTLY_LIMIT = 450_000  # the partial bundle is about 375 kB brotli; Dash's full one is 1.4 MB


@dataclass
class Transfer:
    """Every response a tab received: URL, status, headers, bytes on the wire."""

    urls: dict[str, str] = field(default_factory=dict)
    responses: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)

    def clear(self) -> None:
        self.urls.clear()
        self.responses.clear()
        self.sizes.clear()

    def total(self) -> int:
        return sum(self.sizes.values())

    def bytes_of(self, fragment: str) -> int:
        return sum(size for rid, size in self.sizes.items() if fragment in self.urls[rid])

    def headers_of(self, fragment: str) -> dict[str, str]:
        for rid, (_, headers) in self.responses.items():
            if fragment in self.urls.get(rid, ""):
                return {key.lower(): value for key, value in headers.items()}
        raise AssertionError(f"nothing loaded matches {fragment}: {sorted(self.urls.values())}")


def recording(context: BrowserContext, tab: Page) -> Transfer:
    """Every response ``tab`` receives from now on, counted from Chromium's network events."""
    seen = Transfer()
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: seen.urls.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: seen.responses.__setitem__(
            e["requestId"], (e["response"]["status"], e["response"]["headers"])
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: seen.sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    return seen


@pytest.fixture
def phone(browser: Browser, console_errors: ConsoleErrors) -> Iterator[tuple[Page, Transfer]]:
    context = interactive_context(browser, viewport={"width": 375, "height": 800})
    tab = context.new_page()
    watch_for_errors(tab, console_errors)
    yield tab, recording(context, tab)
    context.close()


def _visit(tab: Page, seen: Transfer, url: str, drawn: str) -> None:
    """Open ``url``, wait for ``drawn`` and until the page has fetched all it is going to."""
    tab.goto(url)
    expect(tab.locator(drawn).first).to_be_visible()
    tab.wait_for_load_state("networkidle")
    count = -1
    while count != len(seen.sizes):
        count = len(seen.sizes)
        tab.wait_for_timeout(1000)


def test_funding_arrives_compressed_with_the_partial_plotly_and_comes_back_nearly_free(
    live_server: str, phone: tuple[Page, Transfer], console_errors: ConsoleErrors
) -> None:
    tab, seen = phone
    _visit(tab, seen, live_server + "/funding", CHART)

    renderer = seen.headers_of("dash_renderer")
    assert renderer.get("content-encoding") in ("br", "gzip"), renderer
    assert renderer.get("cache-control") == "public, max-age=31536000, immutable"
    assert seen.headers_of("/assets/observatory.css").get("content-encoding") in ("br", "gzip")
    assert not any("package_data/plotly.min.js" in url for url in seen.urls.values()), (
        "Dash's full plotly.min.js was fetched"
    )
    plotly = seen.bytes_of("/assets/vendor/plotly/plotly.min.js")
    assert 0 < plotly < PLOTLY_LIMIT, plotly
    assert seen.headers_of("/assets/vendor/plotly/").get("cache-control") == (
        "public, max-age=31536000, immutable"
    )
    first = seen.total()

    seen.clear()
    _visit(tab, seen, live_server + "/funding", CHART)
    assert seen.total() < REPEAT_LIMIT, (first, seen.total())
    assert console_errors == []


def test_a_page_without_a_grid_never_fetches_ag_grid(
    live_server: str, phone: tuple[Page, Transfer], console_errors: ConsoleErrors
) -> None:
    tab, seen = phone
    _visit(tab, seen, live_server + "/research", CHART)
    assert not any("dash_ag_grid" in url for url in seen.urls.values())
    # The grid still arrives where a page has one, reached without a reload.
    tab.evaluate(
        "() => { history.pushState({}, '', '/funding'); "
        "window.dispatchEvent(new PopStateEvent('popstate')); }"
    )
    expect(tab.locator(".ag-paging-row-summary-panel").first).to_be_attached()
    assert any("dash_ag_grid" in url for url in seen.urls.values())
    assert console_errors == []


def test_an_embed_weighs_under_200_kb_and_turns_interactive_on_demand(
    live_server: str, phone: tuple[Page, Transfer], console_errors: ConsoleErrors
) -> None:
    tab, seen = phone
    _visit(tab, seen, live_server + "/embed/funding-by-year", "#embed-chart .main-svg")
    assert seen.total() < EMBED_LIMIT, {seen.urls[r]: s for r, s in seen.sizes.items()}
    assert not any("plotly" in url for url in seen.urls.values())

    tab.get_by_role("button", name="Explore the chart").click()
    expect(tab.locator("#embed-chart[data-interactive='true'] .main-svg").first).to_be_visible()
    assert console_errors == []


def test_a_csv_download_is_compressed_and_still_streams(live_server: str) -> None:
    import gzip
    import urllib.request

    asked = urllib.request.Request(
        live_server + "/download/grants.csv", headers={"Accept-Encoding": "gzip, deflate, br"}
    )
    with urllib.request.urlopen(asked) as answer:
        assert answer.headers["Content-Encoding"] == "gzip"
        assert answer.headers["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in answer.headers
        text = gzip.decompress(answer.read()).decode("utf-8-sig")
    assert text.splitlines()[0].count(",") > 3 and len(text.splitlines()) > 100
