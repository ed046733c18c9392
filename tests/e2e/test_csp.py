"""The Content-Security-Policy in a real browser: every page of the app and a sample of embeds
run with no CSP violation (Dash's inline scripts are hashed, plotly's styles and data: images
allowed, nothing needs eval); every response the browser receives carries the security
headers; the embed builder's preview and PNG export work under the policy; and another site may
frame an embed but not a page."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dash
import pytest
from playwright.sync_api import Page, Response, expect

from components.ids import chart_part

EMBEDS = ["funding-by-year", "funding-flow", "gaps-matrix"]  # bars, a Sankey, a heatmap

# Every violation the page reports, with where it came from.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || "document"}:${event.lineNumber})`
  );
});
"""


def _fetch_json(url: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def _page_paths(live_server: str) -> list[str]:
    """Every registered page; templated paths filled with published records' ids."""
    decisions = _fetch_json(f"{live_server}/api/v1/policy-decisions.json?per_page=20")
    cited = next(
        citation["project_id"]
        for decision in decisions["results"]
        for citation in decision.get("citations", [])
    )
    recommendation = _fetch_json(f"{live_server}/api/v1/recommendations.json?per_page=1")
    values = {
        "project_id": cited,
        "recommendation_id": recommendation["results"][0]["recommendation_id"],
        "snapshot_id": next(
            (s["snapshot_id"] for s in _fetch_json(f"{live_server}/api/v1/snapshots")["snapshots"]),
            "no-snapshot-yet",  # the not-found state runs under the policy too
        ),
        "load_run_id": 1,  # the public's "sign in as an administrator" state
    }
    paths = []
    for entry in dash.page_registry.values():
        template = entry.get("path_template")
        if template:
            paths.append(re.sub(r"<(\w+)>", lambda m: str(values[m.group(1)]), template))
        else:
            paths.append(entry["path"])
    return paths


class HeaderCheck:
    """Records responses from the app that lack a security header."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        self.seen = 0

    def __call__(self, response: Response) -> None:
        if not response.url.startswith(self.origin):
            return
        self.seen += 1
        headers = response.headers
        if response.status == 304:
            return  # a revalidation: the browser reuses the stored answer and its headers
        missing = [
            name
            for name in ("content-security-policy", "x-content-type-options", "referrer-policy")
            if name not in headers
        ]
        if headers.get("x-content-type-options", "nosniff") != "nosniff":
            missing.append("nosniff")
        if "content-type" not in headers:
            missing.append("content-type")
        if missing:
            self.problems.append(f"{response.url}: {missing}")


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator("._dash-loading")).to_have_count(0)
    page.wait_for_timeout(500)


def _violations(page: Page, console: list[str]) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []")) + [
        text for text in console if "Content Security Policy" in text
    ]


@pytest.fixture
def watched(page: Page, live_server: str) -> Iterator[tuple[Page, list[str], HeaderCheck]]:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_CSP)
    check = HeaderCheck(live_server)
    page.on("response", check)
    yield page, console, check


def test_every_page_runs_under_the_policy_with_no_violation(
    watched: tuple[Page, list[str], HeaderCheck], live_server: str
) -> None:
    page, console, headers = watched
    paths = _page_paths(live_server)
    assert len(paths) >= 8
    found: dict[str, list[str]] = {}
    for path in paths:
        console.clear()
        page.goto(live_server + path)
        _settle(page)
        if page.locator(".dash-graph").count():
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        violations = _violations(page, console)
        if violations:
            found[path] = violations
    assert found == {}
    assert headers.seen > 50, "scripts, styles, callbacks and assets were all checked"
    assert headers.problems == []


@pytest.mark.parametrize("chart_id", EMBEDS)
def test_embeds_run_under_the_policy_with_no_violation(
    watched: tuple[Page, list[str], HeaderCheck], live_server: str, chart_id: str
) -> None:
    page, console, headers = watched
    page.goto(f"{live_server}/embed/{chart_id}?theme=dark")
    expect(page.locator("#embed-chart .main-svg").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert _violations(page, console) == []
    assert headers.problems == []


def test_png_export_and_the_embed_preview_work_under_the_policy(
    watched: tuple[Page, list[str], HeaderCheck], live_server: str
) -> None:
    page, console, headers = watched
    chart = "funding-by-year"
    page.goto(f"{live_server}/funding")
    _settle(page)
    expect(page.locator(f"#{chart_part(chart, 'graph')} .main-svg").first).to_be_visible()

    # Plotly draws the PNG through a data: image: img-src must allow it.
    with page.expect_download() as download:
        page.locator(f"#{chart_part(chart, 'png')}").click()
    assert download.value.suggested_filename.endswith(".png")

    # The builder previews the embed in an iframe of the page itself: frame-src 'self' on the
    # page, and frame-ancestors on the embed must include the site.
    page.locator(f"#{chart_part(chart, 'embed')}").click()
    preview = page.frame_locator(f"#{chart_part(chart, 'embed-preview')}")
    expect(preview.locator("#embed-chart .main-svg").first).to_be_visible()
    assert _violations(page, console) == []
    assert headers.problems == []


@pytest.fixture
def other_site(tmp_path: Path, live_server: str) -> Iterator[str]:
    """A plain page on another port that frames one page of the app and one embed."""
    (tmp_path / "index.html").write_text(
        f"""<!doctype html><html lang="en"><head><title>Council news</title></head><body>
<iframe id="page" title="page" src="{live_server}/funding" width="600" height="400"></iframe>
<iframe id="embed" title="embed" src="{live_server}/embed/funding-by-year"
 width="600" height="400"></iframe>
</body></html>""",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/index.html"
    httpd.shutdown()
    httpd.server_close()


def test_another_site_may_frame_an_embed_but_not_a_page(
    page: Page, other_site: str, live_server: str
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(other_site)
    embed = page.frame_locator("#embed")
    expect(embed.locator("#embed-chart .main-svg").first).to_be_visible()

    page.wait_for_timeout(1500)
    framed_page = next(frame for frame in page.frames if frame.name == "page")
    # Chromium replaces a refused frame with its error page: the app never runs inside it.
    assert not framed_page.url.startswith(live_server), framed_page.url
    assert any("frame-ancestors 'none'" in text for text in console), console
