"""The quality report on ``/data/loads/<id>`` in Chromium, as a council officer reads it (admin
only): money reconciled from its column, notes, rejects by kind with example rows, repairs and
360Giving checks; a whole-file rejection with its reason; a mismatch shown loudly; and nothing
of it for anyone not signed in as an admin. No console errors; axe at 1280 and 375 px.

Real files are loaded into a throw-away warehouse and only what the loader recorded about them
(the load run, its warnings and its rejected rows) is copied into the shared e2e warehouse, so
no grant or payment of theirs reaches the other pages; the module removes the copies after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, delete, insert, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import REAL
from tests.e2e.conftest import ConsoleErrors, screenshot, serious_accessibility_violations
from tests.e2e.test_auth_http import warehouse as warehouse  # the accounts of every role
from tests.e2e.test_data_upload import sign_in_as_admin
from warehouse.db import make_engine, upgrade_schema
from warehouse.schema import meta_load_runs, meta_load_warnings, meta_rejected_rows

INVALID = REAL / "360giving" / "invalid" / "datagetter_invalid_file.xlsx"
SALFORD = REAL / "spending" / "salford-cc_spend_2021-05_odileeds-clean.csv"
MALFORMED = REAL / "360giving" / "invalid" / "fundingproviders-grants_malformed.json"
NULLS = REAL / "360giving" / "invalid" / "nulls.json"  # two grants, each without an id
MISMATCH = "quality-e2e-mismatch.csv"


def _copy_run(source: Engine, run_id: int, target: Engine) -> int:
    """The run, its warnings and its rejected rows, under a new run id in ``target``."""
    with source.connect() as conn:
        run = dict(
            conn.execute(select(meta_load_runs).where(meta_load_runs.c.load_run_id == run_id))
            .mappings()
            .one()
        )
        warnings = [
            dict(row)
            for row in conn.execute(
                select(meta_load_warnings).where(meta_load_warnings.c.load_run_id == run_id)
            ).mappings()
        ]
        rejects = [
            dict(row)
            for row in conn.execute(
                select(meta_rejected_rows).where(meta_rejected_rows.c.load_run_id == run_id)
            ).mappings()
        ]
    run.pop("load_run_id")
    run["source_file_id"] = None  # the file itself is not copied
    with target.begin() as conn:
        new_id = int(
            conn.execute(
                insert(meta_load_runs).values(**run).returning(meta_load_runs.c.load_run_id)
            ).scalar_one()
        )
        for rows, table, key in (
            (warnings, meta_load_warnings, "load_warning_id"),
            (rejects, meta_rejected_rows, "rejected_row_id"),
        ):
            if rows:
                conn.execute(insert(table), [{**r, key: None, "load_run_id": new_id} for r in rows])
    return new_id


@pytest.fixture(scope="module")
def runs(warehouse: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    folder = tmp_path_factory.mktemp("quality-e2e")
    scratch = make_engine(f"sqlite:///{folder / 'scratch.db'}")
    upgrade_schema(scratch)
    copied: dict[str, int] = {}
    for name, path, config in (
        ("invalid", INVALID, Config()),
        ("salford", SALFORD, Config(spend_publisher="Salford City Council")),
        ("malformed", MALFORMED, Config()),
        ("nulls", NULLS, Config()),
    ):
        result = load_file(scratch, path, config)
        assert result.load_run_id is not None
        copied[name] = _copy_run(scratch, result.load_run_id, warehouse)
    scratch.dispose()
    # A run whose money does not add up, as the page must never hide one.
    copied["mismatch"] = _copy_run_values(
        warehouse,
        file_name=MISMATCH,
        status="loaded",
        rows_read=10,
        rows_inserted=10,
        amount_column="Net",
        pence_read=100_000,
        pence_loaded=99_000,
        pence_rejected=0,
    )
    yield copied
    ids = list(copied.values())
    with warehouse.begin() as conn:
        for table in (meta_load_warnings, meta_rejected_rows, meta_load_runs):
            conn.execute(delete(table).where(table.c.load_run_id.in_(ids)))


def _copy_run_values(engine: Engine, **values: object) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(meta_load_runs)
                .values(sha256="e" * 64, started_at=datetime.now(UTC), **values)
                .returning(meta_load_runs.c.load_run_id)
            ).scalar_one()
        )


@pytest.fixture
def officer(
    live_server: str, warehouse: Engine, runs: dict[str, int], page: Page
) -> Callable[[str], Page]:
    """The admin, signed in, opening a copied run's page by its name in ``runs``."""
    sign_in_as_admin(page, live_server, warehouse)

    def open_run(name: str) -> Page:
        page.goto(f"{live_server}/data/loads/{runs[name]}")
        expect(page.locator("#data-load-status")).to_be_visible()
        return page

    return open_run


def _readable(page: Page, name: str, console_errors: ConsoleErrors) -> None:
    """No serious accessibility violation at 1280 and 375 px, screenshots, no console error."""
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert serious_accessibility_violations(page) == []
    screenshot(page, name)
    assert console_errors == []


def test_an_admin_reads_a_file_s_quality_report(
    officer: Callable[[str], Page], console_errors: ConsoleErrors
) -> None:
    page = officer("invalid")

    expect(page.locator("#data-load-status")).to_have_text("Loaded, with rejected rows")
    expect(page.locator("#data-load-money-line")).to_have_text(
        "£1,692,750.20 read = £1,650,910.20 loaded + £41,840 rejected, from column 'Amount Awarded'"
    )
    expect(page.locator("#data-load-rows-line")).to_have_text(
        "125 rows read = 116 loaded + 9 rejected"
    )
    expect(page.locator("#data-load-mismatch")).to_have_count(0)
    expect(page.locator("#data-load-notes")).to_contain_text("Funding Org:Name")

    kinds = page.locator("#data-load-reject-kinds tbody tr")
    expect(kinds).to_have_count(5)
    money_row = kinds.filter(has_text="is not an amount of money")
    expect(money_row).to_contain_text("Amount Awarded")
    expect(money_row).to_contain_text("'…' is not an amount of money")
    expect(money_row).to_contain_text("3 rows")
    expect(money_row).to_contain_text("row 11 'tbc'")
    expect(money_row).to_contain_text("row 123 '3 thousand pounds'")
    expect(page.locator("#data-load-reject-kinds")).to_contain_text("9 rows rejected.")
    # Every rejected row is still listed, each with its own reason.
    expect(page.locator("#data-load-grid .ag-center-cols-container .ag-row")).to_have_count(9)

    repairs = page.locator("#data-load-repairs")
    expect(repairs.locator("tr", has_text="Planned Dates:Duration (months)")).to_contain_text(
        "row 111 '-12'"
    )
    expect(repairs.locator("tr", has_text="Amount Awarded")).to_contain_text("row 125 '£26,000'")
    checks = page.locator("#data-load-checks")
    expect(checks.locator("tr", has_text="share 1 ids")).to_contain_text("row 35")
    expect(checks.locator("tr", has_text="no classification")).to_contain_text("116 rows")

    _readable(page, "data-load-quality", console_errors)


def test_spend_reconciles_from_its_net_column(
    officer: Callable[[str], Page], console_errors: ConsoleErrors
) -> None:
    page = officer("salford")
    expect(page.locator("#data-load-money-line")).to_have_text(
        "£36,096,177.70 read = £36,096,177.70 loaded + £0 rejected, from column 'Net'"
    )
    expect(page.locator("#data-load-notes")).to_contain_text("'Gross' and 'VAT' were not summed")
    expect(page.locator("#data-load-no-rejects")).to_be_visible()
    expect(page.locator("#data-load-repairs")).to_have_count(0)
    _readable(page, "data-load-quality-spend", console_errors)

    page = officer("mismatch")
    mismatch = page.locator("#data-load-mismatch")
    expect(mismatch).to_contain_text("The amounts do not reconcile.")
    expect(mismatch).to_contain_text("£10 read was neither loaded nor rejected")
    expect(page.locator("#data-load-money-line")).to_have_text(
        "£1,000 read ≠ £990 loaded + £0 rejected, from column 'Net'"
    )
    _readable(page, "data-load-quality-mismatch", console_errors)


def test_a_file_that_loaded_nothing_says_why(
    officer: Callable[[str], Page], console_errors: ConsoleErrors
) -> None:
    page = officer("malformed")
    expect(page.locator("#data-load-status")).to_have_text("Rejected whole: nothing was loaded")
    expect(page.locator("#data-load-message")).to_contain_text("is not valid JSON")
    expect(page.locator("#data-load-money")).to_have_count(0)
    _readable(page, "data-load-quality-rejected-whole", console_errors)

    # Every row rejected: nothing loaded, so "rejected" too, with the rows and why.
    page = officer("nulls")
    expect(page.locator("#data-load-status")).to_have_text(
        "Rejected: every row was rejected, so nothing was loaded"
    )
    expect(page.locator("#data-load-rows-line")).to_have_text("2 rows read = 0 loaded + 2 rejected")
    expect(page.locator("#data-load-reject-kinds tr", has_text="id")).not_to_have_count(0)
    # Rows, not problems: the two grants have ten problems between them.
    expect(page.locator("#data-load-reject-kinds")).to_contain_text("2 rows rejected.")
    expect(page.get_by_text("10 problems on 2 rejected rows")).to_be_visible()
    _readable(page, "data-load-quality-every-row-rejected", console_errors)


def test_the_public_sees_no_quality_report(
    live_server: str,
    warehouse: Engine,
    runs: dict[str, int],
    page: Page,
    console_errors: ConsoleErrors,
) -> None:
    page.goto(f"{live_server}/data/loads/{runs['invalid']}")
    expect(page.locator("#data-load-admins-only")).to_be_visible()
    expect(page.locator("#data-load-money")).to_have_count(0)
    assert "tbc" not in page.content() and "Cloudesley" not in page.content()
    assert console_errors == []
