"""The commissioning page's queries on SQLite and PostgreSQL, over a small OCDS release package
loaded through the pipeline, with every count, £ and median worked out by hand below.

The processes: buyer, stage, route, financial year, value; call -> award (days):
  A council  planning  participatory 2025/26  tender estimate £10,000.00; no award
  B NHS      award     grant         2023/24  lots £1,000.50 + £2,000.25; 3 Apr -> 10 May (37)
  C council  contract  contract      2023/24  £5,000.00; 1 Aug -> 1 Sep 2023 (31)
  D council  contract  pooled        2022/23  £7,500.00; 1 May -> 15 Jul 2022 (75)
  E council  award     in-kind       2023/24  €999.00, not pounds; 1 Oct -> 21 Oct 2023 (20)
  F council  award     contract      2023/24  £100.00; 1 Jan -> 1 Mar 2024 (60)
  G council  award     contract      2022/23  £300.00; 1 Sep -> 1 Aug 2022, award before call
B (partnership) and D (co-production) carry collaborative-working conditions.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries import commissioning as queries
from warehouse.queries.charts import CHART_QUERIES, OPTION_QUERIES, filter_options
from warehouse.queries.filters import Filters

COUNCIL = ("GB-LAE-XDB", "Marrowfield Borough Council")
NHS = ("GB-NHS-QZZ", "NHS Marrowfield Integrated Care Board")
CONFIG = Config(
    route_keywords={
        "participatory": ("participatory commissioning",),
        "pooled": ("pooled fund",),
        "in-kind": ("in-kind",),
        "grant": ("grant agreement",),
    }
)


def _party(org: tuple[str, str], roles: list[str]) -> dict[str, Any]:
    scheme, _, local = org[0].rpartition("-")
    return {
        "id": org[0],
        "name": org[1],
        "identifier": {"scheme": scheme, "id": local, "legalName": org[1]},
        "roles": roles,
    }


def _release(
    letter: str,
    buyer: tuple[str, str],
    *,
    description: str,
    call: str,
    status: str = "complete",
    tender_value: float | None = None,
    awards: list[tuple[str, float, str]] | None = None,
    contract: bool = False,
) -> dict[str, Any]:
    ocid = f"ocds-zz9tst-{letter}"
    supplier = ("GB-CHC-1234567", "Wrenholt Refugee Welcome")
    tender: dict[str, Any] = {
        "id": f"{ocid}-tender",
        "title": f"Commission {letter}",
        "description": description,
        "status": status,
        "procurementMethod": "open",
        "procurementMethodDetails": description,
        "classification": {"scheme": "CPV", "id": "73110000", "description": "Research services"},
        "tenderPeriod": {"startDate": f"{call}T00:00:00Z"},
    }
    if tender_value is not None:
        tender["value"] = {"amount": tender_value, "currency": "GBP"}
    awards = awards or []
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": "2025-05-01T00:00:00Z",
        "tag": ["contract" if contract else "award" if awards else "planning"],
        "initiationType": "tender",
        "parties": [_party(buyer, ["buyer"]), _party(supplier, ["supplier"])],
        "buyer": {"id": buyer[0], "name": buyer[1]},
        "tender": tender,
    }
    if awards:
        release["awards"] = [
            {
                "id": f"{ocid}-award-{number}",
                "status": "active",
                "date": f"{day}T00:00:00Z",
                "value": {"amount": amount, "currency": currency},
                "suppliers": [{"id": supplier[0], "name": supplier[1]}],
            }
            for number, (day, amount, currency) in enumerate(awards, start=1)
        ]
    if contract:
        release["contracts"] = [
            {"id": f"{ocid}-contract", "awardID": f"{ocid}-award-1", "status": "active"}
        ]
    return release


def _package() -> dict[str, Any]:
    releases = [
        _release(
            "A",
            COUNCIL,
            description="Participatory commissioning of peer research.",
            call="2025-06-01",
            status="planned",
            tender_value=10_000.00,
        ),
        _release(
            "B",
            NHS,
            description="Grant agreement; the provider must work in partnership with residents.",
            call="2023-04-03",
            awards=[("2023-05-10", 1_000.50, "GBP"), ("2023-06-20", 2_000.25, "GBP")],
        ),
        _release(
            "C",
            COUNCIL,
            description="Evaluation let by open competition.",
            call="2023-08-01",
            awards=[("2023-09-01", 5_000.00, "GBP")],
            contract=True,
        ),
        _release(
            "D",
            COUNCIL,
            description="Paid from the pooled fund; co-production with residents required.",
            call="2022-05-01",
            awards=[("2022-07-15", 7_500.00, "GBP")],
            contract=True,
        ),
        _release(
            "E",
            COUNCIL,
            description="In-kind support: venues and staff time.",
            call="2023-10-01",
            awards=[("2023-10-21", 999.00, "EUR")],
        ),
        _release(
            "F",
            COUNCIL,
            description="Survey of residents.",
            call="2024-01-01",
            awards=[("2024-03-01", 100.00, "GBP")],
        ),
        _release(
            "G",
            COUNCIL,
            description="Community research festival.",
            call="2022-09-01",
            awards=[("2022-08-01", 300.00, "GBP")],
        ),
    ]
    return {
        "uri": "https://example.org/ocds/test.json",
        "version": "1.1",
        "publishedDate": "2025-05-01T00:00:00Z",
        "publisher": {"name": "Test publisher"},
        "releases": releases,
    }


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    path = tmp_path / "commissioning.json"
    path.write_text(json.dumps(_package()), encoding="utf-8")
    result = load_file(engine, path, CONFIG)
    assert not result.rejected_whole, result.problems
    assert (result.inserted, result.rejected) == (8, 0), result.problems
    return engine


def _records(data: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in data.itertuples(index=False)]


def test_pipeline_counts_each_process_once_and_adds_its_lots(loaded: Engine) -> None:
    data = queries.pipeline_by_stage(loaded, Filters())
    assert list(data.columns) == ["stage", "commissions", "value_pence"]
    assert _records(data) == [
        ("planning", 1, 1_000_000),
        ("tender", 0, 0),
        ("award", 4, 100_050 + 200_025 + 10_000 + 30_000),
        ("contract", 2, 500_000 + 750_000),
    ]


def test_pipeline_follows_buyer_route_stage_and_year_filters(loaded: Engine) -> None:
    nhs = queries.pipeline_by_stage(loaded, Filters(buyer=(NHS[0],)))
    assert _records(nhs) == [
        ("planning", 0, 0),
        ("tender", 0, 0),
        ("award", 1, 300_075),
        ("contract", 0, 0),
    ]
    contracts = queries.pipeline_by_stage(loaded, Filters(route=("contract",)))
    assert _records(contracts) == [
        ("planning", 0, 0),
        ("tender", 0, 0),
        ("award", 2, 40_000),
        ("contract", 1, 500_000),
    ]
    recent = queries.pipeline_by_stage(loaded, Filters(fy_from="2023/24", stage=("award",)))
    assert _records(recent) == [("award", 3, 310_075)]
    assert queries.pipeline_by_stage(loaded, Filters(fy_to="2021/22")).empty


def test_routes_by_year_leave_other_currencies_out_of_pounds(loaded: Engine) -> None:
    data = queries.routes_by_year(loaded, Filters())
    assert _records(data) == [
        ("2022/23", "contract", 1, 30_000),
        ("2022/23", "pooled", 1, 750_000),
        ("2023/24", "contract", 2, 510_000),
        ("2023/24", "grant", 1, 300_075),
        ("2023/24", "in-kind", 1, 0),
        ("2025/26", "participatory", 1, 1_000_000),
    ]


def test_collaborative_share_by_year(loaded: Engine) -> None:
    data = queries.collaborative_share_by_year(loaded, Filters())
    assert _records(data) == [
        ("2022/23", 2, 1, 0.5),
        ("2023/24", 4, 1, 0.25),
        ("2025/26", 1, 0, 0.0),
    ]


def test_median_days_to_award_odd_even_and_awards_before_the_call(loaded: Engine) -> None:
    data = queries.days_to_award_by_year(loaded, Filters())
    # 2022/23: D (75); G's award predates its call. 2023/24: 20, 31, 37, 60 -> (31 + 37) / 2.
    assert _records(data) == [("2022/23", 75.0, 1, 75, 75), ("2023/24", 34.0, 4, 20, 60)]
    # Without D (pooled), 2022/23 has only G, whose award predates its call: no row at all.
    no_pooled = queries.days_to_award_by_year(
        loaded, Filters(route=("contract", "grant", "in-kind"))
    )
    assert _records(no_pooled) == [("2023/24", 34.0, 4, 20, 60)]
    # The council's 2023/24 awards: 20, 31, 60 -> the middle one.
    three = queries.days_to_award_by_year(loaded, Filters(buyer=(COUNCIL[0],), fy_from="2023/24"))
    assert _records(three) == [("2023/24", 31.0, 3, 20, 60)]


def test_contracts_page_sorts_and_pages_in_sql(loaded: Engine) -> None:
    first = queries.contracts_page(loaded, Filters(), sort="value", descending=True, page_size=3)
    assert first.total == 8 and first.offset == 0
    assert list(first.rows["value_pence"]) == [1_000_000, 750_000, 500_000]
    assert list(first.rows["value_is_estimate"]) == [True, False, False]
    last = queries.contracts_page(
        loaded, Filters(), sort="value", descending=True, page=2, page_size=3
    )
    assert last.offset == 6
    assert list(last.rows["ocid"]) == ["ocds-zz9tst-G", "ocds-zz9tst-F"]
    beyond = queries.contracts_page(loaded, Filters(), page=99, page_size=3)
    assert beyond.offset == 6 and len(beyond.rows) == 2
    by_stage = queries.contracts_page(loaded, Filters(), sort="stage", descending=False)
    assert list(by_stage.rows["stage"]) == ["planning", *["award"] * 5, "contract", "contract"]
    nhs = queries.contracts_page(loaded, Filters(buyer=(NHS[0],)), sort="value", descending=False)
    assert nhs.total == 2
    assert list(nhs.rows["value_pence"]) == [100_050, 200_025]
    assert set(nhs.rows["procurement_method"]) == {"open"}
    assert set(nhs.rows["cpv_code"]) == {"73110000"}
    assert list(nhs.rows["has_collaboration_condition"]) == [True, True]


def test_contracts_csv_holds_every_filtered_row(loaded: Engine) -> None:
    rows = list(queries.contracts_csv_rows(loaded, Filters(route=("contract",)), sort="value"))
    assert rows[0] == queries.CONTRACT_COLUMNS
    assert [row[0] for row in rows[1:]] == ["ocds-zz9tst-C", "ocds-zz9tst-G", "ocds-zz9tst-F"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    assert len(list(csv.reader(io.StringIO(buffer.getvalue())))) == 4


def test_filter_options_count_commissions_under_the_other_filters(loaded: Engine) -> None:
    buyers = filter_options(loaded, "commissioning", "buyer", Filters(buyer=(NHS[0],)))
    assert _records(buyers) == [(COUNCIL[0], COUNCIL[1], 6), (NHS[0], NHS[1], 1)]
    stages = filter_options(loaded, "commissioning", "stage", Filters(route=("contract",)))
    assert _records(stages) == [("award", "Award", 2), ("contract", "Contract", 1)]
    routes = filter_options(loaded, "commissioning", "route", Filters(fy_to="2022/23"))
    assert _records(routes) == [("contract", "Contract", 1), ("pooled", "Pooled", 1)]
    years = filter_options(loaded, "commissioning", "fy_from", Filters(fy_from="2025/26"))
    assert _records(years) == [
        ("2022/23", "2022/23", 2),
        ("2023/24", "2023/24", 4),
        ("2025/26", "2025/26", 1),
    ]


def test_the_page_is_wired_into_the_registries() -> None:
    for chart_id in queries.CHART_QUERIES:
        assert CHART_QUERIES[chart_id] is queries.CHART_QUERIES[chart_id]
    assert set(OPTION_QUERIES["commissioning"]) == {"fy_from", "fy_to", "buyer", "route", "stage"}


def test_an_empty_warehouse_gives_empty_frames(engine: Engine) -> None:
    for query in queries.CHART_QUERIES.values():
        assert query(engine, Filters()).empty
    page = queries.contracts_page(engine, Filters())
    assert (page.total, page.offset, len(page.rows)) == (0, 0, 0)
