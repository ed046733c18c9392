"""The spend view's queries on SQLite and PostgreSQL, over a small 360Giving CSV and two spend
files loaded through the pipeline, with every count and £ worked out by hand below.

P&C grants (programme CRF) to: Alder Charity (GB-CHC-1111111), Birch Community Ltd
(GB-COH-02222222), The Oak & Ash Trust (360G-test-oak, no number), and Jane Doe (an
individual). Cedar Group (GB-CHC-3333333) has only a non-P&C grant.

  body     year     service         supplier as written (matched by)        payments  each
  Council  2023/24  Public Health   ALDER CHARITY (REG) + 1111111 (charity)      6     £600
  Council  2024/25  Housing         Birch Community + 2222222 (company)          5   £1,000
  Council  2024/25  Public Health   Oak and Ash Trust. (name)                    3     £700
  Council  2024/25  Public Health   Cedar Group + 3333333 (no P&C grant)         7   £2,000
  Council  2024/25  Public Health   REDACTED PERSONAL DATA                       8   £900
  Council  2024/25  Public Health   Jane Doe (an individual's P&C grant)         6   £800
  ICB      2023/24  Mental Health   Alder Charity + 1111111 (charity)            5     £800
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from data_pipeline.config import Config, HomeOrganisation
from data_pipeline.load import load_file
from warehouse.queries import spend
from warehouse.queries.charts import CHART_QUERIES, EMPTY_MESSAGES, filter_options
from warehouse.queries.filters import Filters
from warehouse.queries.frames import read_frame
from warehouse.schema import fct_spend

COUNCIL, ICB = "GB-LAE-TST", "GB-NHS-TST"
CONFIG = Config(
    home_organisations=(
        HomeOrganisation(COUNCIL, "Test Council", "council"),
        HomeOrganisation(ICB, "Test ICB", "nhs"),
    ),
    pc_research_programme_codes=frozenset({"CRF"}),
)
GRANT_HEADER = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Ind:Identifier",
    "Recipient Ind:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
]
GRANTS = [
    ("G1", "1000", ("GB-CHC-1111111", "Alder Charity"), "CRF"),
    ("G2", "2000", ("GB-COH-02222222", "Birch Community Ltd"), "CRF"),
    ("G3", "3000", ("360G-test-oak", "The Oak & Ash Trust"), "CRF"),
    ("G4", "400", None, "CRF"),
    ("G5", "5000", ("GB-CHC-3333333", "Cedar Group"), "VSG"),
]
SPEND_HEADER = [
    "Body Name",
    "Body",
    "Service Area",
    "Payment Date",
    "Transaction Number",
    "Net Amount",
    "Supplier Name",
    "Supplier Registered Charity Number",
    "Supplier Registered Company Number",
]
COUNCIL_SPEND = [
    # date, service, supplier, charity, company, payments, pounds each
    ("2023-06-01", "Public Health", "ALDER CHARITY (REG)", "1111111", "", 6, 600),
    ("2024-06-01", "Housing", "Birch Community", "", "2222222", 5, 1000),
    ("2024-07-01", "Public Health", "Oak and Ash Trust.", "", "", 3, 700),
    ("2024-08-01", "Public Health", "Cedar Group", "3333333", "", 7, 2000),
    ("2024-09-01", "Public Health", "REDACTED PERSONAL DATA", "", "", 8, 900),
    ("2024-10-01", "Public Health", "Jane Doe", "", "", 6, 800),
]
ICB_SPEND = [("2023-07-01", "Mental Health", "Alder Charity", "1111111", "", 5, 800)]
ALDER, BIRCH, OAK = "GB-CHC-1111111", "GB-COH-02222222", "360G-test-oak"


def _grants_file(folder: Path) -> Path:
    path = folder / "grants.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(GRANT_HEADER)
        for grant_id, amount, org, code in GRANTS:
            organisation = ("", "") if org is None else org
            individual = ("360G-test-ind-1", "Jane Doe") if org is None else ("", "")
            writer.writerow(
                [
                    f"360G-test-{grant_id}",
                    f"Grant {grant_id}",
                    "A grant",
                    "GBP",
                    amount,
                    "2023-05-01",
                    *organisation,
                    *individual,
                    COUNCIL,
                    "Test Council",
                    code,
                    "Community Research Fund" if code == "CRF" else "Voluntary Sector Grants",
                ]
            )
    return path


def _spend_file(
    folder: Path, name: str, body: tuple[str, str], rows: list[tuple[object, ...]]
) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SPEND_HEADER)
        number = 0
        for paid, service, supplier, charity, company, payments, pounds in rows:
            for _ in range(int(str(payments))):
                number += 1
                writer.writerow(
                    [*body, service, paid, f"T{number:05d}", pounds, supplier, charity, company]
                )
    return path


def _load(engine: Engine, *paths: Path) -> None:
    for path in paths:
        result = load_file(engine, path, CONFIG)
        assert not result.rejected_whole, result.problems


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "grants": _grants_file(tmp_path),
        "council": _spend_file(
            tmp_path, "council_spend.csv", ("Test Council", COUNCIL), COUNCIL_SPEND
        ),
        "icb": _spend_file(tmp_path, "icb_spend.csv", ("Test ICB", ICB), ICB_SPEND),
    }


@pytest.fixture
def loaded(engine: Engine, files: dict[str, Path]) -> Engine:
    _load(engine, files["grants"], files["council"], files["icb"])
    return engine


def test_payments_by_year_and_paying_body(loaded: Engine) -> None:
    data = spend.spend_by_year(loaded, Filters())
    assert data.to_dict("split")["data"] == [
        ["2023/24", "Test Council", 6, 360_000],
        ["2023/24", "Test ICB", 5, 400_000],
        ["2024/25", "Test Council", 8, 710_000],
    ]
    assert list(data.columns) == ["financial_year", "payer", "payments", "amount_pence"]


def test_payments_by_service_largest_first(loaded: Engine) -> None:
    data = spend.spend_by_service(loaded, Filters())
    assert data.to_dict("records") == [
        {"service": "Public Health", "payments": 9, "amount_pence": 570_000},
        {"service": "Housing", "payments": 5, "amount_pence": 500_000},
        {"service": "Mental Health", "payments": 5, "amount_pence": 400_000},
    ]


def test_recipients_matched_by_charity_and_company_number_and_by_name(loaded: Engine) -> None:
    data = spend.spend_recipients(loaded, Filters())
    assert data.to_dict("records") == [
        {
            "recipient": "Alder Charity",
            "recipient_org_id": ALDER,
            "pc_grants": 1,
            "pc_grants_pence": 100_000,
            "payments": 11,
            "amount_pence": 760_000,
            "payers": 2,
        },
        {
            "recipient": "Birch Community Ltd",
            "recipient_org_id": BIRCH,
            "pc_grants": 1,
            "pc_grants_pence": 200_000,
            "payments": 5,
            "amount_pence": 500_000,
            "payers": 1,
        },
        # 3 payments: the count and the amount are withheld, and it comes last.
        {
            "recipient": "The Oak & Ash Trust",
            "recipient_org_id": OAK,
            "pc_grants": 1,
            "pc_grants_pence": 300_000,
            "payments": spend.SUPPRESSED,
            "amount_pence": None,
            "payers": 1,
        },
    ]


def test_records_total_by_year_body_service_and_recipient_with_small_totals_withheld(
    loaded: Engine,
) -> None:
    data = read_frame(spend.spend_records(Filters()), loaded)
    assert [
        (r.financial_year, r.payer, r.service, r.recipient_name, r.payments, r.amount_pence)
        for r in data.astype(object).where(data.notna(), None).itertuples()
    ] == [
        ("2024/25", "Test Council", "Housing", "Birch Community Ltd", "5", 500_000),
        ("2024/25", "Test Council", "Public Health", "The Oak & Ash Trust", "fewer than 5", None),
        ("2023/24", "Test Council", "Public Health", "Alder Charity", "6", 360_000),
        ("2023/24", "Test ICB", "Mental Health", "Alder Charity", "5", 400_000),
    ]
    assert len(set(data["total_id"])) == len(data)


def test_redacted_suppliers_never_count_even_when_a_row_carries_a_recipients_number(
    loaded: Engine,
) -> None:
    # A redacted row the loader kept with a name and number by mistake still never counts.
    with loaded.begin() as conn:
        conn.execute(
            insert(fct_spend),
            [
                {
                    "body_key": "gb-lae-tst",
                    "transaction_id": f"LEAK{n}",
                    "line_no": 1,
                    "body_name": "Test Council",
                    "payment_date": date(2024, 5, 1),
                    "financial_year": "2024/25",
                    "org_unit": "Public Health",
                    "supplier_name": "Alder Charity",
                    "supplier_is_redacted": True,
                    "supplier_charity_number": "1111111",
                    "amount_pence": 99_999_900,
                    "currency": "GBP",
                    "row_hash": "x",
                }
                for n in range(10)
            ],
        )
        redacted = conn.execute(
            select(func.count()).where(fct_spend.c.supplier_is_redacted.is_(True))
        ).scalar_one()
    assert redacted == 18
    assert spend.spend_by_year(loaded, Filters())["amount_pence"].sum() == 1_470_000
    status = spend.spend_status(loaded)
    assert (status.recipients, status.recipients_paid, status.payments) == (3, 3, 19)
    assert status.amount_pence == 1_470_000
    records = read_frame(spend.spend_records(Filters()), loaded)
    assert 99_999_900 not in set(records["amount_pence"].dropna())
    assert "Jane Doe" not in set(records["recipient_name"])


def test_filters_by_year_payer_and_service(loaded: Engine) -> None:
    council = spend.spend_by_service(loaded, Filters(payer=("gb-lae-tst",)))
    assert list(council["service"]) == ["Public Health", "Housing"]
    housing = spend.spend_by_year(loaded, Filters(service=("Housing",)))
    assert list(housing["amount_pence"]) == [500_000]
    later = read_frame(spend.spend_records(Filters(fy_from="2024/25")), loaded)
    assert set(later["financial_year"]) == {"2024/25"}


def test_filter_options_count_matched_payments(loaded: Engine) -> None:
    payers = filter_options(loaded, "spend", "payer", Filters())
    assert payers.to_dict("records") == [
        {"value": "gb-lae-tst", "label": "Test Council", "records": 14},
        {"value": "gb-nhs-tst", "label": "Test ICB", "records": 5},
    ]
    services = filter_options(loaded, "spend", "service", Filters(payer=("gb-nhs-tst",)))
    assert services.to_dict("records") == [
        {"value": "Mental Health", "label": "Mental Health", "records": 5}
    ]
    years = filter_options(loaded, "spend", "fy_to", Filters(fy_from="2024/25"))
    assert list(years["value"]) == ["2023/24", "2024/25"]


def test_empty_states_say_why(engine: Engine, files: dict[str, Path]) -> None:
    message = EMPTY_MESSAGES["spend-by-year"]
    assert CHART_QUERIES["spend-by-year"](engine, Filters()).empty
    assert message(engine, Filters()) == spend.NO_SPEND
    _load(engine, files["council"])
    assert message(engine, Filters()) == spend.NO_PC_RECIPIENTS
    _load(engine, files["icb"])
    assert spend.spend_status(engine).spend_rows == 40
    # Only Cedar's grant, which is not P&C research: still nobody to match against.
    path = files["grants"]
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[-1]]) + "\n", encoding="utf-8")
    _load(engine, path)
    assert message(engine, Filters()) == spend.NO_PC_RECIPIENTS
    assert "Clear a filter" not in message(engine, Filters())


def test_spend_loaded_but_no_supplier_matches_says_so(engine: Engine, tmp_path: Path) -> None:
    _load(
        engine,
        _grants_file(tmp_path),
        _spend_file(
            tmp_path,
            "other.csv",
            ("Test Council", COUNCIL),
            [("2024-06-01", "Housing", "Elm Builders Ltd", "", "", 6, 900)],
        ),
    )
    message = EMPTY_MESSAGES["spend-by-service"]
    assert CHART_QUERIES["spend-by-service"](engine, Filters()).empty
    assert message(engine, Filters()) == spend.NO_MATCHES
    assert spend.spend_status(engine).recipients == 3


def test_a_filter_that_leaves_nothing_says_it_is_the_filters(loaded: Engine) -> None:
    filters = Filters(fy_from="2030/31")
    assert CHART_QUERIES["spend-by-year"](loaded, filters).empty
    assert EMPTY_MESSAGES["spend-by-year"](loaded, filters) == spend.NO_MATCHES_FILTERED
