"""The sources and quality page: every loaded file with its sha256, rejected rows as counts only
(a rejected value never reaches the page), the completeness scorecards, the incomplete projects
linking to their pages, full-dataset CSV downloads with the published rows, and accessibility.

Expected numbers are read here from the warehouse with plain SQL, not by the queries under
test."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from components.views import quality_tables as tables
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations

SECRET = "REJECTED-SECRET-4821"
DEMO_FILES = 17  # the demo borough writes 17 files, two of them spend over £500
REGISTERS = 9


def _rows(sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def _execute(sql: str, **params: object) -> None:
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(sql), params)
    engine.dispose()


@pytest.fixture
def rejected_row(live_server: str) -> Iterator[str]:
    """A rejected row whose reason and raw contents hold SECRET, removed after the test."""
    (run_id, file_name, sha) = _rows(
        "SELECT load_run_id, file_name, sha256 FROM meta_load_runs ORDER BY load_run_id LIMIT 1"
    )[0]
    _execute(
        "INSERT INTO meta_rejected_rows (load_run_id, file_name, sha256, row_number, field, "
        "reason, raw) VALUES (:run, :file, :sha, 7, 'start_date', :reason, :raw)",
        run=run_id,
        file=file_name,
        sha=sha,
        reason=f"'{SECRET}' is not a date (use YYYY-MM-DD)",
        raw=f'{{"start_date": "{SECRET}"}}',
    )
    yield str(file_name)
    _execute("DELETE FROM meta_rejected_rows WHERE raw LIKE :raw", raw=f"%{SECRET}%")


def _open(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/data")
    expect(page.locator(f"#{tables.FILES} tr.quality-file").first).to_be_visible()
    expect(page.locator(f"#{tables.DOWNLOADS} a").first).to_be_visible()


def test_files_table_lists_every_loaded_file_with_its_sha256(
    page: Page, live_server: str, console_errors: ConsoleErrors
) -> None:
    _open(page, live_server)
    files = _rows("SELECT file_name, sha256, row_count FROM meta_source_files")
    assert len(files) == DEMO_FILES
    rows = page.locator(f"#{tables.FILES} tr.quality-file")
    expect(rows).to_have_count(DEMO_FILES)
    shown = {
        rows.nth(i).locator("td").first.inner_text(): rows.nth(i)
        .locator("code.quality-sha")
        .get_attribute("title")
        for i in range(DEMO_FILES)
    }
    assert shown == {str(name): str(sha) for name, sha, _ in files}
    first = rows.first.locator("code.quality-sha")
    short = first.inner_text().split("…")[0]
    assert len(short) == 12 and str(first.get_attribute("title")).startswith(short)
    assert page.title().startswith("Sources and quality")
    assert console_errors == []


def test_scorecards_and_incomplete_projects(
    page: Page, live_server: str, console_errors: ConsoleErrors
) -> None:
    _open(page, live_server)
    registers = page.locator(f"#{tables.REGISTERS} .quality-register")
    expect(registers).to_have_count(REGISTERS)
    (published,) = _rows("SELECT COUNT(*) FROM dim_projects WHERE is_published")[0]
    (with_method,) = _rows(
        "SELECT COUNT(*) FROM dim_projects WHERE is_published AND methodology IS NOT NULL "
        "AND TRIM(methodology) <> ''"
    )[0]
    projects = registers.filter(has_text="Research projects")
    expect(projects).to_contain_text(f"{published:,} records")
    method_row = projects.locator("tr", has_text="Methodology")
    expect(method_row).to_contain_text(f"{with_method:,} of {published:,}")

    workstreams = _rows("SELECT COUNT(*) FROM dim_workstreams")[0][0]
    expect(page.locator(f"#{tables.WORKSTREAMS} tbody tr")).to_have_count(int(str(workstreams)))

    missing = _rows(
        "SELECT p.project_id FROM dim_projects p WHERE p.is_published AND ("
        "p.methodology IS NULL OR TRIM(p.methodology) = '' OR p.participation_level IS NULL "
        "OR TRIM(p.participation_level) = '' OR NOT EXISTS (SELECT 1 FROM bridge_project_areas b "
        "WHERE b.project_id = p.project_id))"
    )
    links = page.locator(f"#{tables.INCOMPLETE} tr.quality-incomplete-row a")
    expect(links).to_have_count(min(len(missing), 200))
    drafts = {
        str(r[0]) for r in _rows("SELECT project_id FROM dim_projects WHERE NOT is_published")
    }
    hrefs = links.evaluate_all("(els) => els.map((a) => a.getAttribute('href'))")
    assert all(h.startswith("/research/") for h in hrefs)
    assert {h.rsplit("/", 1)[1] for h in hrefs} == {str(r[0]) for r in missing}
    assert not drafts & {h.rsplit("/", 1)[1] for h in hrefs}

    links.first.click()
    expect(page).to_have_url(f"{live_server}{hrefs[0]}")
    assert console_errors == []


def test_download_returns_the_published_rows(
    page: Page, live_server: str, console_errors: ConsoleErrors
) -> None:
    _open(page, live_server)
    link = page.locator("#quality-download-projects")
    expect(link).to_contain_text("Research projects")
    href = link.get_attribute("href")
    assert href
    response = page.request.get(f"{live_server}{href}")
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    published = {str(r[0]) for r in _rows("SELECT project_id FROM dim_projects WHERE is_published")}
    assert {r["project_id"] for r in rows} == published
    assert len(rows) == len(published)
    expect(link.locator("xpath=..")).to_contain_text(f"{len(published):,} rows")

    researchers = page.request.get(f"{live_server}/download/data/researchers.csv").text()
    hidden = _rows("SELECT display_name FROM dim_researchers WHERE consent <> 'public'")
    public = _rows("SELECT COUNT(*) FROM dim_researchers WHERE consent = 'public'")[0][0]
    assert len(list(csv.DictReader(io.StringIO(researchers)))) == public
    assert hidden, "the demo should hold researchers who are not public"
    for (name,) in hidden:
        assert f"\n{name}," not in researchers and f",{name}," not in researchers
    assert console_errors == []


def test_rejected_rows_show_counts_never_contents(
    page: Page, live_server: str, console_errors: ConsoleErrors, rejected_row: str
) -> None:
    _open(page, live_server)
    rejected = page.locator(f"#{tables.REJECTED}")
    row = rejected.locator("tr.quality-rejected-row", has_text="is not a date")
    expect(row).to_contain_text(rejected_row)
    expect(row).to_contain_text("start_date")
    assert SECRET not in page.content()
    assert console_errors == []


def test_accessible_and_screenshots(
    page: Page, live_server: str, console_errors: ConsoleErrors
) -> None:
    _open(page, live_server)
    expect(page.locator(f"#{tables.REGISTERS} .quality-register").first).to_be_visible()
    expect(
        page.locator(f"#{tables.INCOMPLETE} table, #{tables.INCOMPLETE} p").first
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "data")
    assert console_errors == []
