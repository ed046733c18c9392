"""Known draft and private records are never found in any public page, API answer, embed or
download; staff who may see drafts find them on the pages, marked.

The secrets are read from the e2e demo warehouse: the titles and ids of draft projects and
draft decisions, the ids and notes of unpublished recommendation updates, and the contact
details of researchers who did not consent to be listed publicly. Texts that a published
record shares word for word (the demo draws titles and notes from templates) prove nothing
and are left out; the ids are matched whole, so ``PCR-2020-01`` never matches ``PCR-2020-013``.

The public sweep fetches over HTTP every GET endpoint of openapi.json (JSON with every page of
the paged datasets, and CSV), every chart's .json and .csv, every embed, every /download/ file
and the 360Giving package; then, in Chromium, every Dash page (templates filled, each draft's
own project and case-study pages included), reading the page's text and every callback answer
the page received, so data held in stores or unopened dropdowns counts too. Leadership's tests
run first, over the same filters, so an answer cached for staff and served to the public would
be caught.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus, urlencode

import dash
import pytest
from playwright.sync_api import Browser, Page, Response, expect
from sqlalchemy import Engine, text

from components.drafts import DRAFT_LABEL
from components.ids import RESEARCH_COUNT
from tests.e2e.conftest import ConsoleErrors, interactive_context, screenshot, watch_for_errors
from warehouse import users
from warehouse.db import make_engine
from web.openapi import openapi_document

PASSWORD = "correct horse battery"
LEADERSHIP_EMAIL = "drafts.leadership@example.org"
PER_PAGE = 1000


@dataclass(frozen=True)
class Secrets:
    texts: frozenset[str]  # matched as substrings
    ids: frozenset[str]  # matched as whole tokens
    draft_project_ids: tuple[str, ...]
    draft_projects: tuple[tuple[str, str], ...]  # (project_id, title), titles unique to drafts
    draft_decision_filters: tuple[tuple[str, str], ...]  # (financial_year, influence_type)
    draft_update_recommendations: tuple[str, ...]

    def leaks(self, body: str) -> list[str]:
        found = sorted(s for s in self.texts if s in body)
        pattern = "|".join(re.escape(i) for i in sorted(self.ids))
        found += sorted(set(re.findall(rf"(?<![\w-])(?:{pattern})(?![\w-])", body)))
        return found


def _rows(engine: Engine, sql: str) -> list[tuple[str, ...]]:
    with engine.connect() as conn:
        return [tuple(str(v) for v in row) for row in conn.execute(text(sql)).all()]


@pytest.fixture(scope="module")
def warehouse(live_server: str) -> Iterator[Engine]:
    engine = make_engine(os.environ["DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def secrets(warehouse: Engine) -> Secrets:
    projects = _rows(warehouse, "SELECT project_id, title FROM dim_projects WHERE NOT is_published")
    decisions = _rows(
        warehouse,
        "SELECT decision_id, title, financial_year, influence_type FROM fct_policy_decisions "
        "WHERE NOT is_published",
    )
    updates = _rows(
        warehouse,
        "SELECT update_id, note, recommendation_id FROM fct_recommendation_updates "
        "WHERE NOT is_published",
    )
    private = _rows(
        warehouse,
        "SELECT researcher_id, contact_email, contact_phone FROM dim_researchers "
        "WHERE consent <> 'public'",
    )
    assert projects and decisions and updates, "the demo lost its drafts"
    published = "\n".join(
        title
        for sql in (
            "SELECT title FROM dim_projects WHERE is_published",
            "SELECT title FROM fct_policy_decisions WHERE is_published",
            "SELECT note FROM fct_recommendation_updates WHERE is_published AND note IS NOT NULL",
            "SELECT contact_email || ' ' || contact_phone FROM dim_researchers "
            "WHERE consent = 'public' AND contact_email IS NOT NULL",
        )
        for (title,) in _rows(warehouse, sql)
    )
    candidates = (
        [title for _, title in projects]
        + [title for _, title, _, _ in decisions]
        + [note for _, note, _ in updates if note != "None"]
        + [value for row in private for value in row[1:] if value != "None"]
    )
    texts = frozenset(t for t in candidates if t not in published)
    unique_projects = tuple((pid, title) for pid, title in projects if title not in published)
    # Enough secrets survive for the sweep to mean something.
    assert len(unique_projects) >= len(projects) // 2, unique_projects
    assert any(title in texts for _, title, _, _ in decisions)
    assert any("@" in t for t in texts), "the demo lost its partners-only contacts"
    return Secrets(
        texts=texts,
        ids=frozenset(
            [pid for pid, _ in projects]
            + [did for did, _, _, _ in decisions]
            + [uid for uid, _, _ in updates]
        ),
        draft_project_ids=tuple(pid for pid, _ in projects),
        draft_projects=unique_projects,
        draft_decision_filters=tuple(sorted({(fy, kind) for _, _, fy, kind in decisions})),
        draft_update_recommendations=tuple(sorted({rid for _, _, rid in updates})),
    )


# -- Leadership sees drafts, marked --------------------------------------------------------------


@pytest.fixture(scope="module")
def leadership(warehouse: Engine) -> str:
    if users.find_user(warehouse, LEADERSHIP_EMAIL) is None:
        users.create_user(warehouse, LEADERSHIP_EMAIL, "Lee Leader", PASSWORD, "leadership", [])
    return LEADERSHIP_EMAIL


@pytest.fixture
def staff_page(
    browser: Browser, live_server: str, leadership: str, console_errors: ConsoleErrors
) -> Iterator[Page]:
    context = interactive_context(browser, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watch_for_errors(tab, console_errors)
    tab.goto(f"{live_server}/sign-in?next=%2Fresearch")
    tab.get_by_label("Email").fill(leadership)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab).to_have_url(f"{live_server}/research")
    expect(tab.locator("#nav-account")).to_contain_text("Lee Leader")
    yield tab
    context.close()


def test_leadership_sees_draft_projects_marked_in_the_library_and_on_their_pages(
    live_server: str,
    warehouse: Engine,
    secrets: Secrets,
    staff_page: Page,
    console_errors: ConsoleErrors,
) -> None:
    page = staff_page
    (drafts,) = _rows(warehouse, "SELECT COUNT(*) FROM dim_projects WHERE NOT is_published")
    (published,) = _rows(warehouse, "SELECT COUNT(*) FROM dim_projects WHERE is_published")
    total = int(drafts[0]) + int(published[0])
    note = page.locator(".staff-drafts-note")
    expect(note).to_contain_text(f"includes {int(drafts[0])} draft projects")
    expect(note).to_contain_text("count published projects only")
    expect(page.locator(f"#{RESEARCH_COUNT}")).to_have_text(f"{total:,} projects")

    project_id, title = secrets.draft_projects[0]
    page.goto(f"{live_server}/research?" + urlencode({"q": title}), wait_until="networkidle")
    card = page.locator(".research-result", has_text=title).first
    expect(card.locator(".draft-badge")).to_have_text(DRAFT_LABEL)
    published_card = page.locator(".research-result:not(.research-draft)").first
    if published_card.count():
        expect(published_card.locator(".draft-badge")).to_have_count(0)
    screenshot(page, "drafts-library-leadership")

    card.get_by_role("link", name=title).click()
    expect(page).to_have_url(f"{live_server}/research/{quote(project_id, safe='')}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".draft-banner")).to_contain_text(DRAFT_LABEL)
    expect(page.locator(".draft-banner")).to_contain_text("the public gets “not found”")
    screenshot(page, "drafts-project-leadership")

    page.goto(f"{live_server}/impact/{quote(project_id, safe='')}", wait_until="networkidle")
    expect(page.locator(".draft-banner")).to_be_visible()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    assert console_errors == []


def test_leadership_sees_draft_decisions_marked_on_the_impact_page(
    live_server: str, warehouse: Engine, secrets: Secrets, staff_page: Page
) -> None:
    page = staff_page
    decision_id, title, year, kind = _rows(
        warehouse,
        "SELECT decision_id, title, financial_year, influence_type FROM fct_policy_decisions "
        "WHERE NOT is_published ORDER BY decision_id",
    )[0]
    page.goto(
        f"{live_server}/impact?" + urlencode({"fy_from": year, "fy_to": year, "influence": kind}),
        wait_until="networkidle",
    )
    expect(page.locator(".staff-drafts-note")).to_contain_text("count published decisions only")
    draft = page.locator(f"#decision-{decision_id}")
    expect(draft).to_contain_text(title)
    expect(draft.locator(".draft-badge").first).to_have_text(DRAFT_LABEL)
    screenshot(page, "drafts-impact-leadership")


# -- The public never sees them --------------------------------------------------------------


def _readable(body: bytes, content_type: str) -> str:
    """The answer as text a reader would see: JSON re-dumped without escapes, HTML unescaped."""
    decoded = body.decode("utf-8")
    if "json" in content_type:
        decoded = json.dumps(json.loads(decoded), ensure_ascii=False)
    return html.unescape(decoded)


def _get(url: str) -> tuple[str, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=60) as answer:
        assert answer.status == 200, url
        content_type = answer.headers.get("Content-Type", "")
        body = _readable(answer.read(), content_type)
    parsed = json.loads(body) if "json" in content_type else {}
    return body, parsed if isinstance(parsed, dict) else {}


def _values_of(data: object, key: str) -> list[str]:
    """Every value under ``key`` anywhere in a JSON answer."""
    if isinstance(data, dict):
        found = [str(data[key])] if key in data else []
        return found + [v for item in data.values() for v in _values_of(item, key)]
    if isinstance(data, list):
        return [v for item in data for v in _values_of(item, key)]
    return []


def _filled(live_server: str, path: str) -> list[str]:
    """A path template's addresses, its ``{name}`` filled with the values its listing (the
    path up to the template) gives under ``name``; none when the listing has none."""
    found = re.search(r"\{(\w+)\}", path)
    if found is None:
        return [path]
    listing = path[: found.start()].rstrip("/")
    _, parsed = _get(live_server + listing)
    values = sorted(set(_values_of(parsed, found.group(1))))[:5]
    return [path.replace(found.group(0), quote(value, safe="")) for value in values]


def _public_http_urls(live_server: str, warehouse: Engine) -> list[str]:
    from app import server
    from figures.charts import REGISTRY

    paths: list[str] = []
    for path, operations in openapi_document()["paths"].items():
        if "get" not in operations or path.endswith((".png", ".svg")):
            continue
        if "{chart_id}" in path:
            paths += [path.replace("{chart_id}", chart_id) for chart_id in REGISTRY]
        elif path.endswith(".json") and any(
            p.get("name") == "per_page" for p in operations["get"].get("parameters", [])
        ):
            paths.append(f"{path}?per_page={PER_PAGE}")
        else:
            paths += _filled(live_server, path)
    paths += [f"/embed/{chart_id}" for chart_id in REGISTRY]
    downloads = [
        rule.rule
        for rule in server.url_map.iter_rules()
        if rule.rule.startswith("/download/") and not rule.arguments
    ]
    assert downloads, "no /download/ routes"
    paths += downloads
    assert "/api/v1/360giving.json" in paths
    return [live_server + p for p in paths]


def test_no_public_http_answer_holds_a_draft_or_private_record(
    live_server: str, warehouse: Engine, secrets: Secrets
) -> None:
    leaked: dict[str, list[str]] = {}
    fetched = 0
    for url in _public_http_urls(live_server, warehouse):
        while url:
            body, parsed = _get(url)
            fetched += 1
            found = secrets.leaks(body)
            if found:
                leaked[url] = found
            # Follow every page of a paged dataset.
            following = parsed.get("next")
            url = str(following).replace("http://localhost", live_server) if following else ""
    assert fetched >= 80
    assert leaked == {}


def test_the_api_and_embeds_hold_no_drafts_even_for_leadership(
    live_server: str, secrets: Secrets, leadership: str
) -> None:
    """Their answers are cached by address alone, so what staff get there is what the public
    gets: it must be as free of drafts."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{live_server}/sign-in").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    signed = opener.open(
        f"{live_server}/sign-in",
        data=urlencode(
            {"csrf_token": html.unescape(token.group(1)), "email": leadership, "password": PASSWORD}
        ).encode(),
    )
    assert signed.url.rstrip("/") == live_server  # redirected home: signed in
    leaked = {}
    for path in (
        f"/api/v1/projects.json?per_page={PER_PAGE}",
        f"/api/v1/policy-decisions.json?per_page={PER_PAGE}",
        "/api/v1/projects.csv",
        "/api/v1/policy-decisions.csv",
        "/api/v1/charts/impact-flow.json",
        "/embed/impact-flow",
        "/embed/research-projects-by-year",
    ):
        with opener.open(live_server + path) as answer:
            body = _readable(answer.read(), answer.headers.get("Content-Type", ""))
        found = secrets.leaks(body)
        if found:
            leaked[path] = found
    assert leaked == {}


def _page_urls(warehouse: Engine, secrets: Secrets) -> list[str]:
    """Every Dash page, templates filled: each draft's project and case-study pages, every
    recommendation with draft updates, and a load run; the library searched for each draft's
    title and the impact list narrowed to each draft decision's year."""
    import app  # noqa: F401  (registers the pages)

    filled = {
        "<project_id>": [quote(pid, safe="") for pid in secrets.draft_project_ids],
        "<recommendation_id>": list(secrets.draft_update_recommendations),
        "<load_run_id>": [
            str(v) for (v,) in _rows(warehouse, "SELECT MAX(load_run_id) FROM meta_load_runs")
        ],
    }
    urls: list[str] = []
    for registered in dash.page_registry.values():
        route = str(registered.get("path_template") or registered["path"])
        template = next((t for t in filled if t in route), None)
        if template is None:
            urls.append(route)
        else:
            urls += [route.replace(template, value) for value in filled[template]]
    urls += ["/research?" + urlencode({"q": title}) for _, title in secrets.draft_projects[:4]]
    urls += [
        "/impact?" + urlencode({"fy_from": fy, "fy_to": fy, "influence": kind})
        for fy, kind in secrets.draft_decision_filters
    ]
    return urls


TABS = 3  # pages loading at once, in tabs of one browser context


def _shown(tab: Page, answers: list[Response]) -> str:
    """The tab's text and HTML, and the bodies of the callback answers it received."""
    tab.wait_for_load_state("networkidle")
    expect(tab.locator("main")).not_to_be_empty()
    bodies = []
    for answer in answers:
        try:
            bodies.append(_readable(answer.body(), answer.headers.get("content-type", "")))
        except Exception as error:  # an answer the page dropped as it navigated
            bodies.append(f"<unreadable {answer.url}: {error}>")
    return "\n".join([tab.inner_text("body"), html.unescape(tab.content()), *bodies])


def test_no_public_page_shows_a_draft_or_private_record(
    live_server: str,
    warehouse: Engine,
    secrets: Secrets,
    page: Page,
    console_errors: ConsoleErrors,
) -> None:
    tabs = [page, *(page.context.new_page() for _ in range(TABS - 1))]
    answers: dict[int, list[Response]] = {i: [] for i in range(TABS)}
    for i, tab in enumerate(tabs):
        tab.on(
            "response",
            lambda r, seen=answers[i]: (
                seen.append(r) if re.search(r"/_dash-(update-component|layout)", r.url) else None
            ),
        )
        if i:
            watch_for_errors(tab, console_errors)
    urls = _page_urls(warehouse, secrets)
    leaked: dict[str, list[str]] = {}
    for first in range(0, len(urls), TABS):
        batch = urls[first : first + TABS]
        for i, path in enumerate(batch):
            answers[i].clear()
            tabs[i].goto(live_server + path, wait_until="commit")
        for i, path in enumerate(batch):
            shown = _shown(tabs[i], answers[i])
            # A not-found page repeats the id it was asked for, and the search box the words
            # typed: that tells nothing about the draft.
            found = [leak for leak in secrets.leaks(shown) if leak not in unquote_plus(path)]
            if found:
                leaked[path] = found
    assert leaked == {}
    assert len(urls) >= len(dash.page_registry) + 2 * len(secrets.draft_project_ids)
    # The draft's own addresses give the public the not-found state.
    project_id, _ = secrets.draft_projects[0]
    page.goto(f"{live_server}/research/{quote(project_id, safe='')}", wait_until="networkidle")
    expect(page.get_by_role("heading", name="Project not found")).to_be_visible()
    page.goto(f"{live_server}/impact/{quote(project_id, safe='')}", wait_until="networkidle")
    expect(page.get_by_role("heading", name="Case study not found")).to_be_visible()
    assert console_errors == []
