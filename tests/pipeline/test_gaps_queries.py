"""The gap map's queries on SQLite and PostgreSQL alike, over a three-ward borough built by hand
so that every count, need, score and the concentration index is known in advance.

Wards: Ash (IMD score 40, LSOA deciles 1 and 3, 200 people), Birch (20, decile 5, 300 people),
Cedar (5, decile 10, 100 people). Published projects: P1 (Food, Ash, completed, involve),
P2 (Food and Housing, Birch, ongoing, co-produce), P4 (Housing, Cedar, planned, no
participation level); P3 (Housing, Cedar) is unpublished and must never count."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from warehouse.marts_grants import refresh_grant_facets
from warehouse.queries import gaps
from warehouse.queries.charts import CHART_QUERIES, filter_options
from warehouse.queries.filters import Filters
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_populations,
    bridge_project_topics,
    dim_areas,
    dim_projects,
    dim_topics,
    fct_area_indicators,
    fct_grants,
    mart_ward_need,
)

WARDS = {"W1": "Ash", "W2": "Birch", "W3": "Cedar"}
LSOAS = {"L1": ("W1", 100, 1), "L2": ("W1", 100, 3), "L3": ("W2", 300, 5), "L4": ("W3", 100, 10)}
IMD = {"W1": 40.0, "W2": 20.0, "W3": 5.0}


def _indicator(
    key: str, area: str, area_type: str, measure: str, value: float, **extra: Any
) -> dict[str, Any]:
    return {
        "indicator_key": key,
        "indicator_name": extra.pop("name", key),
        "edition": extra.pop("edition", "IoD2025"),
        "area_code": area,
        "area_type": area_type,
        "period": extra.pop("period", "IoD2025"),
        "measure": measure,
        "category": extra.pop("category", ""),
        "value": value,
        "compared_to_england": extra.pop("compared", None),
        "row_hash": "x",
    }


def _project(pid: str, status: str, level: str | None, published: bool) -> dict[str, Any]:
    return {
        "project_id": pid,
        "title": f"Project {pid}",
        "status": status,
        "participation_level": level,
        "start_date": date(2024, int(pid[1]), 1),
        "is_published": published,
        "row_hash": "x",
    }


def _grant(
    gid: str, pence: int, geo: str, *, pc: bool = True, currency: str = "GBP"
) -> dict[str, Any]:
    return {
        "grant_id": gid,
        "title": gid,
        "currency": currency,
        "amount_awarded_pence": pence,
        "award_date": date(2024, 5, 1),
        "financial_year": "2024/25",
        "funder_org_id": "GB-LAE-X",
        "recipient_is_individual": False,
        "route": "grant",
        "direction": "awarded",
        "is_pc_research": pc,
        "beneficiary_geo_code": geo,
        "row_hash": "x",
    }


@pytest.fixture
def borough(engine: Engine) -> Engine:
    areas = [
        {
            "area_code": code,
            "area_name": name,
            "area_type": "WD",
            "parent_code": None,
            "row_hash": "x",
        }
        for code, name in WARDS.items()
    ] + [
        {
            "area_code": code,
            "area_name": None,
            "area_type": "LSOA",
            "parent_code": ward,
            "row_hash": "x",
        }
        for code, (ward, _, _) in LSOAS.items()
    ]
    indicators = [
        _indicator("iod.population", code, "LSOA", "population", people)
        for code, (_, people, _) in LSOAS.items()
    ] + [
        _indicator("iod.imd", code, "LSOA", "decile", decile, name="Index of Multiple Deprivation")
        for code, (_, _, decile) in LSOAS.items()
    ]
    indicators += [
        _indicator(
            "fingertips.1",
            "W1",
            "WD",
            "value",
            50,
            compared="Worse",
            name="Admissions",
            edition="Fingertips",
            period="2020",
        ),
        _indicator(
            "fingertips.1",
            "W2",
            "WD",
            "value",
            10,
            compared="Better",
            name="Admissions",
            edition="Fingertips",
            period="2020",
        ),
        _indicator(
            "fingertips.1",
            "W3",
            "WD",
            "value",
            30,
            compared="Similar",
            name="Admissions",
            edition="Fingertips",
            period="2020",
        ),
        _indicator(
            "fingertips.2",
            "W1",
            "WD",
            "value",
            10,
            compared="Worse",
            name="Screening",
            edition="Fingertips",
            period="2020",
        ),
        _indicator(
            "fingertips.2",
            "W2",
            "WD",
            "value",
            50,
            compared="Better",
            name="Screening",
            edition="Fingertips",
            period="2020",
        ),
        _indicator(
            "fingertips.2",
            "W3",
            "WD",
            "value",
            30,
            compared="Similar",
            name="Screening",
            edition="Fingertips",
            period="2020",
        ),
    ]
    health = {
        "W1": {
            "Very good health": 50,
            "Good health": 30,
            "Fair health": 10,
            "Bad health": 6,
            "Very bad health": 4,
        },
        "W2": {"Very good health": 60, "Good health": 38, "Bad health": 1, "Very bad health": 1},
        "W3": {"Very good health": 100},
    }
    indicators += [
        _indicator(
            "census.general_health",
            ward,
            "WD",
            "count",
            count,
            category=category,
            edition="Census2021",
            period="2021-03-21",
        )
        for ward, counts in health.items()
        for category, count in counts.items()
    ]
    need = [
        {
            "ward_code": ward,
            "indicator_key": "iod.imd",
            "period": "IoD2025",
            "score": score,
            "population": sum(p for w, p, _ in LSOAS.values() if w == ward),
            "lsoa_count": 1,
        }
        for ward, score in IMD.items()
    ] + [
        # An older edition that must not be read.
        {
            "ward_code": "W3",
            "indicator_key": "iod.imd",
            "period": "IoD2019",
            "score": 99.0,
            "population": 100,
            "lsoa_count": 1,
        },
    ]
    projects = [
        _project("P1", "completed", "involve", True),
        _project("P2", "ongoing", "co-produce", True),
        _project("P3", "completed", "inform", False),
        _project("P4", "planned", None, True),
    ]
    topics = [
        {"topic_id": "food", "label": "Food", "row_hash": "x"},
        {"topic_id": "housing", "label": "Housing", "row_hash": "x"},
    ]
    project_topics = [
        ("P1", "food"),
        ("P2", "food"),
        ("P2", "housing"),
        ("P3", "housing"),
        ("P4", "housing"),
    ]
    project_wards = [("P1", "W1"), ("P2", "W2"), ("P3", "W3"), ("P4", "W3")]
    project_groups = [
        ("P1", "Carers"),
        ("P1", "Older people"),
        ("P2", "Carers"),
        ("P2", "Young people"),
        ("P3", "Veterans"),
        ("P4", "Young people"),
    ]
    grants = [
        _grant("G1", 100_000, "W1"),
        _grant("G2", 30_000, "L3"),  # a small area in Birch
        _grant("G3", 500_000, "E06000001"),  # borough-wide: no ward
        _grant("G4", 99_900, "W3", pc=False),
        _grant("G5", 77_700, "W3", currency="USD"),
    ]
    with engine.begin() as conn:
        conn.execute(insert(dim_areas), areas)
        conn.execute(insert(fct_area_indicators), indicators)
        conn.execute(insert(mart_ward_need), need)
        conn.execute(insert(dim_projects), projects)
        conn.execute(insert(dim_topics), topics)
        conn.execute(
            insert(bridge_project_topics),
            [{"project_id": p, "topic_id": t, "row_hash": "x"} for p, t in project_topics],
        )
        conn.execute(
            insert(bridge_project_areas),
            [{"project_id": p, "area_code": a, "row_hash": "x"} for p, a in project_wards],
        )
        conn.execute(
            insert(bridge_project_populations),
            [{"project_id": p, "population": g, "row_hash": "x"} for p, g in project_groups],
        )
        conn.execute(insert(fct_grants), grants)
        refresh_grant_facets(conn)
    return engine


def _cell(cells: Any, topic: str, column: str) -> dict[str, Any]:
    field = "ward" if "ward" in cells.columns else "population_group"
    rows = cells[(cells["topic"] == topic) & (cells[field] == column)].to_dict("records")
    assert len(rows) == 1, (topic, column)
    return dict(rows[0])


def test_cells_count_published_projects_with_active_ones_and_levels(borough: Engine) -> None:
    cells = gaps.matrix_cells(borough, Filters())
    assert len(cells) == 6  # 2 topics x 3 wards, gaps included
    assert list(dict.fromkeys(cells["ward"])) == ["Ash", "Birch", "Cedar"]  # neediest first
    food_ash = _cell(cells, "Food", "Ash")
    assert (food_ash["projects"], food_ash["ongoing_or_planned"]) == (1, 0)
    assert (food_ash["involve"], food_ash["co-produce"], food_ash["inform"]) == (1, 0, 0)
    assert food_ash["need_percentile"] == 100.0
    assert food_ash["gap_score"] == 50.0
    food_birch = _cell(cells, "Food", "Birch")
    assert (food_birch["projects"], food_birch["ongoing_or_planned"]) == (1, 1)
    assert food_birch["co-produce"] == 1
    assert food_birch["gap_score"] == 25.0
    housing_cedar = _cell(cells, "Housing", "Cedar")  # P3 is unpublished
    assert (housing_cedar["projects"], housing_cedar["ongoing_or_planned"]) == (1, 1)
    assert housing_cedar["not recorded"] == 1
    assert _cell(cells, "Housing", "Ash")["projects"] == 0
    assert _cell(cells, "Housing", "Ash")["gap_score"] == 100.0
    assert _cell(cells, "Food", "Cedar")["gap_score"] == 0.0


def test_ranked_gaps_put_the_neediest_empty_cell_first(borough: Engine) -> None:
    ranked = gaps.ranked_gaps(gaps.matrix_cells(borough, Filters()), limit=4)
    assert list(zip(ranked["topic"], ranked["ward"], strict=True)) == [
        ("Housing", "Ash"),
        ("Food", "Ash"),
        ("Food", "Birch"),
        ("Housing", "Birch"),
    ]
    assert list(ranked["gap_score"]) == [100.0, 50.0, 25.0, 25.0]


def test_the_chart_data_is_the_matrix_people_read_with_need_on_top(borough: Engine) -> None:
    table = CHART_QUERIES["gaps-matrix"](borough, Filters())
    assert list(table.columns) == ["topic", "Ash", "Birch", "Cedar", "projects_in_topic"]
    rows = table.astype(object).where(table.notna(), None).values.tolist()
    assert rows == [
        ["Need: IMD score, IoD2025 (higher = more deprived)", "40.0", "20.0", "5.00", None],
        ["Food", "1", "1 (1)", "gap", 2],
        ["Housing", "gap", "1 (1)", "1 (1)", 2],
    ]
    assert len(table.attrs["cells"]) == 6


@pytest.mark.parametrize(
    ("need", "order", "label"),
    [
        ("imd-decile", ["Ash", "Birch", "Cedar"], "IMD decile"),  # deciles 2, 5, 10
        ("fingertips.1", ["Ash", "Cedar", "Birch"], "higher = more need"),  # 50, 30, 10
        ("fingertips.2", ["Ash", "Cedar", "Birch"], "lower = more need"),  # 10, 30, 50
        ("census.bad-health", ["Ash", "Birch", "Cedar"], "Bad or very bad"),  # 10%, 2%, 0%
    ],
)
def test_each_need_indicator_ranks_wards_in_its_own_direction(
    borough: Engine, need: str, order: list[str], label: str
) -> None:
    cells = gaps.matrix_cells(borough, Filters(need=need))
    assert list(dict.fromkeys(cells["ward"])) == order
    assert label in cells["need_indicator"].iloc[0]
    firsts = cells.drop_duplicates("ward").set_index("ward")
    assert list(firsts.loc[order, "need_percentile"]) == [100.0, 50.0, 0.0]


def test_ward_need_values(borough: Engine) -> None:
    deciles = gaps.ward_need(borough, "imd-decile").values.set_index("ward_code")["need"]
    assert deciles.to_dict() == pytest.approx({"W1": 2.0, "W2": 5.0, "W3": 10.0})
    health = gaps.ward_need(borough, "census.bad-health").values.set_index("ward_code")["need"]
    assert health.to_dict() == pytest.approx({"W1": 10.0, "W2": 2.0, "W3": 0.0})
    imd = gaps.ward_need(borough, None).values.set_index("ward_code")["need"]
    assert imd.to_dict() == IMD  # the latest edition only


def test_population_axis_has_no_area_need_and_ranks_by_coverage(borough: Engine) -> None:
    cells = gaps.matrix_cells(borough, Filters(axis="population"))
    assert list(dict.fromkeys(cells["population_group"])) == [
        "Carers",
        "Older people",
        "Young people",
    ]  # Veterans only on the unpublished project
    assert cells["need"].isna().all()
    assert cells["need_indicator"].iloc[0] == gaps.NO_AREA_INDICATOR
    young_housing = _cell(cells, "Housing", "Young people")
    assert (young_housing["projects"], young_housing["ongoing_or_planned"]) == (2, 2)
    assert _cell(cells, "Housing", "Older people")["gap_score"] == 100.0
    assert _cell(cells, "Food", "Carers")["gap_score"] == pytest.approx(33.3)
    table = gaps.gap_matrix(borough, Filters(axis="population"))
    assert not table["topic"].str.startswith("Need").any()


def test_filters_narrow_the_projects_counted(borough: Engine) -> None:
    cells = gaps.matrix_cells(borough, Filters(participation=("involve",)))
    assert _cell(cells, "Food", "Ash")["projects"] == 1
    assert _cell(cells, "Food", "Birch")["projects"] == 0
    cells = gaps.matrix_cells(borough, Filters(topic=("housing",)))
    assert set(cells["topic"]) == {"Housing"}


def test_cell_projects_list_published_projects_active_first(borough: Engine) -> None:
    assert list(gaps.cell_projects(borough, Filters(), "Food", "W1")["project_id"]) == ["P1"]
    assert list(gaps.cell_projects(borough, Filters(), "Housing", "W3")["project_id"]) == ["P4"]
    assert gaps.column_code(borough, Filters(), "Birch") == "W2"
    assert gaps.column_code(borough, Filters(), "Nowhere") is None
    by_group = Filters(axis="population")
    carers = gaps.cell_projects(borough, by_group, "Food", "Carers")
    assert list(carers["project_id"]) == ["P2", "P1"]  # ongoing before completed
    young = gaps.cell_projects(borough, by_group, "Housing", "Young people")
    assert list(young["project_id"]) == ["P4", "P2"]  # both active: the newest first


def test_funding_per_head_by_decile_places_grants_in_wards(borough: Engine) -> None:
    data = CHART_QUERIES["gaps-funding-by-decile"](borough, Filters())
    assert data.to_dict("records") == [
        {
            "decile": 2,
            "wards": 1,
            "population": 200,
            "grants": 1,
            "amount_pence": 100_000,
            "per_head_pence": 500,
        },
        {
            "decile": 5,
            "wards": 1,
            "population": 300,
            "grants": 1,
            "amount_pence": 30_000,
            "per_head_pence": 100,
        },
        {
            "decile": 10,
            "wards": 1,
            "population": 100,
            "grants": 0,
            "amount_pence": 0,
            "per_head_pence": 0,
        },
    ]


def test_concentration_index_over_wards(borough: Engine) -> None:
    # Ranked most deprived first: Ash (R = 100/600), Birch (R = 350/600), Cedar.
    mean = 130_000 / 600
    expected = 2 * (200 / 600 * 500 * 100 / 600 + 300 / 600 * 100 * 350 / 600) / mean - 1
    assert gaps.funding_concentration(borough) == pytest.approx(expected)
    assert expected < 0


def test_options_for_axis_and_need(borough: Engine) -> None:
    axis = filter_options(borough, "gaps", "axis", Filters())
    assert axis.to_dict("records") == [
        {"value": "ward", "label": "Wards", "records": 3},
        {"value": "population", "label": "Population groups", "records": 3},
    ]
    need = filter_options(borough, "gaps", "need", Filters())
    assert list(need["value"]) == [
        "iod.imd",
        "imd-decile",
        "fingertips.1",
        "fingertips.2",
        "census.bad-health",
    ]
    assert set(need["records"]) == {3}


def test_an_empty_warehouse_gives_empty_charts(engine: Engine) -> None:
    assert CHART_QUERIES["gaps-matrix"](engine, Filters()).empty
    assert CHART_QUERIES["gaps-funding-by-decile"](engine, Filters()).empty
    assert gaps.funding_concentration(engine) is None
