"""/data and /funding after a refresh, in Chromium, over a warehouse of their own.

A local registry serves real publishers' files (Trafford Council's own grants, Power to
Change's national file, of which three grants reached Trafford), a publisher whose licence
is not open and a file that is gone. ``python -m data_pipeline refresh`` loads them; then a
server of its own (gunicorn, in its own process, over that warehouse and configuration)
shows: on /data every source with its last fetch, its status, the period its data covers and
its next run; on /funding the new publishers' funders in the funder filter, as their files
name them, and each publisher with its licence on the chart's source line and in its CSV.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from components.ids import chart_part, dom_id, filter_control
from data_pipeline.cli import main
from figures.provenance import provenance_rows, table_rows
from tests.e2e.conftest import ConsoleErrors, serious_accessibility_violations
from tests.pipeline.gunicorn_server import gunicorn
from tests.pipeline.registry_server import (
    PUBLISHERS,
    RegistryServer,
    Served,
    build_registry,
    failure_entry,
)
from warehouse.db import make_engine
from warehouse.schema import dim_organisations, fct_grants

TRAFFORD = "trafford-mbc_voluntary-sector-grants_360giving.csv"
POWER_TO_CHANGE = "power-to-change_a002400000nO46WAAS_grantnav-enriched.json.gz"
FUNDER_DROPDOWN = dom_id(filter_control("funding", "funder"))
SOURCE_LINE = f"#{chart_part('funding-by-year', 'source')}"
BOTH = (
    "360Giving grants: Trafford Metropolitan Borough Council (OGL v3.0); "
    "Power to Change (CC BY 4.0)"
)


@dataclass
class Refreshed:
    url: str
    database_url: str
    funders: dict[str, tuple[str, int]]  # org-id -> (name as published, grants)


def _config(path: Path, base: str) -> Path:
    path.write_text(
        f"""
[site]
name = "Trafford Observatory"
area_name = "Trafford"
licence = "Open Government Licence v3.0"
[[home_organisations]]
org_id = "GB-LAE-TRF"
name = "Trafford Council"
role = "council"
[registry]
url = "{base}/registry.json"
publishers = ["all"]
[area]
codes = ["E08000009"]
[refresh]
timeout_seconds = 5
retries = 0
every_hours = 24
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Refreshed]:
    folder = tmp_path_factory.mktemp("refresh-pages")
    files = {name: (PUBLISHERS / name).read_bytes() for name in (TRAFFORD, POWER_TO_CHANGE)}
    server = RegistryServer(Served(files=files))
    server.served.registry = build_registry(
        server.base,
        {TRAFFORD: "360G-traffordmbc", POWER_TO_CHANGE: "360G-powertochange"},
        [failure_entry(server.base, "gone", "/files/withdrawn-2019.xlsx", "Withdrawn file")],
    )
    config = _config(folder / "observatory.toml", server.base)
    database_url = f"sqlite:///{folder / 'warehouse.db'}"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OBSERVATORY_CONFIG", str(config))
            assert main(["--database-url", database_url, "init-db"]) == 0
            assert main(["--database-url", database_url, "refresh"]) == 2  # the 404
    finally:
        server.close()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(fct_grants.c.funder_org_id, dim_organisations.c.name, func.count())
            .join(dim_organisations, dim_organisations.c.org_id == fct_grants.c.funder_org_id)
            .group_by(fct_grants.c.funder_org_id, dim_organisations.c.name)
        ).all()
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": database_url, "OBSERVATORY_CONFIG": str(config)}
    env.pop("CACHE_REDIS_URL", None)
    with gunicorn(env, folder / "gunicorn.log") as port:
        yield Refreshed(
            f"http://127.0.0.1:{port}",
            database_url,
            {str(org): (str(name), int(n)) for org, name, n in rows},
        )


def _sources_table(page: Page) -> Locator:
    return page.locator("table").filter(has=page.get_by_role("columnheader", name="Next run"))


def test_data_lists_each_fetched_source_with_its_fetch_status_period_and_next_run(
    refreshed: Refreshed, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(f"{refreshed.url}/data")
    table = _sources_table(page)
    expect(table).to_be_visible(timeout=60_000)
    expect(table.locator("tbody tr")).to_have_count(4)  # two loaded, Zing, the 404
    cells = {
        row.locator("td").nth(0).locator("a").inner_text(): [
            cell.inner_text() for cell in row.locator("td").all()
        ]
        for row in table.locator("tbody tr").all()
    }
    today = r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}"
    trafford = cells["Grants 2013 - 2017"]
    assert "Trafford Metropolitan Borough Council" in trafford[0]
    assert trafford[1] == "Open Government Licence 3.0 (United Kingdom)"
    assert re.fullmatch(today, trafford[2]) and re.fullmatch(today, trafford[5])
    assert trafford[3].startswith("Loaded")
    assert trafford[4] == "18 Jan 2013 to 19 Jun 2024"
    power = cells["Power to Change Grants 2015-2016"]
    assert power[3].startswith("Loaded") and power[1].endswith("(CC BY 4.0)")
    assert power[4] == "19 Jul 2016 to 19 Jan 2018"  # its three grants in Trafford
    assert (
        cells["Withdrawn file"][3].startswith("Failed") and "HTTP 404" in cells["Withdrawn file"][3]
    )
    assert cells["Withdrawn file"][4] == ""  # nothing loaded, no period
    assert cells["Zing grants"][3].startswith("Not loaded")
    assert "licence not known to be open" in cells["Zing grants"][3]
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_funding_offers_the_new_publishers_and_names_them_with_their_licences(
    refreshed: Refreshed, page: Page, console_errors: ConsoleErrors, tmp_path: Path
) -> None:
    power_name, power_grants = refreshed.funders["GB-CHC-1159982"]
    trafford = next(v for k, v in refreshed.funders.items() if k != "GB-CHC-1159982")
    assert power_grants == 3
    page.goto(f"{refreshed.url}/funding")
    source = page.locator(SOURCE_LINE)
    expect(source).to_have_text(BOTH, timeout=60_000)

    page.locator(f"[id='{FUNDER_DROPDOWN}']").click()
    options = page.get_by_role("option")
    expect(options.filter(has_text=f"{trafford[0]} ({trafford[1]:,})")).to_have_count(1)
    options.filter(has_text=f"{power_name} ({power_grants:,})").click()
    page.keyboard.press("Escape")

    n = page.locator(f"#{chart_part('funding-by-year', 'n')}")
    expect(n).to_have_text(f"{power_grants:,}")
    expect(source).to_have_text("360Giving grants: Power to Change (CC BY 4.0)")

    with page.expect_download() as info:
        page.locator(f"#{chart_part('funding-by-year', 'csv')}").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    facts = provenance_rows(text)
    assert facts["Source"] == "360Giving grants: Power to Change (CC BY 4.0)"
    assert facts["Licence"] == "CC BY 4.0"
    assert facts["Publishers"] == (
        "Power to Change: Creative Commons Attribution 4.0 International (CC BY 4.0)"
    )
    header, *rows = table_rows(text)
    assert {r[header.index("Funder")] for r in rows} == {power_name}
    assert sum(int(float(r[header.index("Grants")])) for r in rows) == power_grants
    assert console_errors == []


def test_an_embed_names_the_publishers_on_its_source_line(
    refreshed: Refreshed, page: Page, console_errors: ConsoleErrors
) -> None:
    page.goto(f"{refreshed.url}/embed/funding-by-year")
    expect(page.locator("p.meta")).to_contain_text(f"Source: {BOTH}")
    page.goto(f"{refreshed.url}/embed/funding-by-year?funder=GB-CHC-1159982")
    expect(page.locator("p.meta")).to_contain_text(
        "Source: 360Giving grants: Power to Change (CC BY 4.0)"
    )
    assert console_errors == []
