"""Area lookups link LSOAs to wards, and ward IoD scores are population-weighted means of LSOA
scores (MHCLG method), checked against numbers worked out by hand. Runs on SQLite and on
PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import FIXTURES
from warehouse.schema import dim_areas, fct_area_indicators, mart_ward_need

LOOKUP = FIXTURES / "area_lookup_sample.csv"

# IoD2025-style LSOA file (2021 LSOAs). Ward links come from area_lookup_sample.csv:
# North Ward E05999001 = E01999001..3, South Ward E05999002 = E01999004..5.
SCORES_2025 = """\
LSOA code (2021),LSOA name (2021),Local Authority District code (2024),\
Local Authority District name (2024),Index of Multiple Deprivation (IMD) Score,\
Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),\
Health Deprivation and Disability Score,Total population: mid 2022 (excluding prisoners)
E01999001,Exampleton 001A,E08999001,Exampleton,10.0,"20,000",0.5,"1,000"
E01999002,Exampleton 001B,E08999001,Exampleton,20.0,"10,000",-0.5,"3,000"
E01999003,Exampleton 002A,E08999001,Exampleton,40.0,"5,000",1.5,"1,000"
E01999004,Exampleton 002B,E08999001,Exampleton,30.0,"7,000",2.0,"2,000"
E01999005,Exampleton 003A,E08999001,Exampleton,*,*,-1.0,500
"""
# By hand:
#   North IMD    = (10*1000 + 20*3000 + 40*1000) / 5000 = 110000 / 5000 = 22.0   (3 LSOAs)
#   North health = (0.5*1000 - 0.5*3000 + 1.5*1000) / 5000 = 500 / 5000 = 0.1   (3 LSOAs)
#   South IMD    = 30*2000 / 2000 = 30.0 (E01999005's score is suppressed: 1 LSOA, 2000 people)
#   South health = (2.0*2000 - 1.0*500) / 2500 = 3500 / 2500 = 1.4              (2 LSOAs)
EXPECTED_2025 = {
    ("E05999001", "iod.imd"): (22.0, 5000, 3),
    ("E05999001", "iod.health"): (0.1, 5000, 3),
    ("E05999002", "iod.imd"): (30.0, 2000, 1),
    ("E05999002", "iod.health"): (1.4, 2500, 2),
}

# IoD2019-style scores without populations: the weights fall back to dim_areas.population.
SCORES_2019 = """\
LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) Score
E01999001,Exampleton 001A,12.0
E01999002,Exampleton 001B,18.0
E01999003,Exampleton 002A,30.0
"""
#   North IMD 2019 = (12*1000 + 18*3000 + 30*1000) / 5000 = 96000 / 5000 = 19.2


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(engine: Engine, path: Path) -> LoadResult:
    result = load_file(engine, path, Config())
    assert not result.rejected_whole, result.problems
    assert result.inserted + result.updated + result.unchanged + result.rejected == result.rows_read
    return result


def ward_need(engine: Engine) -> dict[tuple[str, str, str], tuple[float, int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(select(mart_ward_need)).all()
    return {
        (r.ward_code, r.indicator_key, r.period): (r.score, r.population, r.lsoa_count)
        for r in rows
    }


def expected(period: str) -> dict[tuple[str, str, str], tuple[object, int, int]]:
    return {
        (ward, key, period): (pytest.approx(score), population, lsoas)
        for (ward, key), (score, population, lsoas) in EXPECTED_2025.items()
    }


def test_lookup_links_lsoas_to_wards_and_wards_to_districts(engine: Engine) -> None:
    result = load(engine, LOOKUP)
    assert result.format_id == "area-lookup-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (5, 5, 0)
    with engine.connect() as conn:
        areas = {
            r.area_code: (r.area_name, r.area_type, r.code_vintage, r.parent_code)
            for r in conn.execute(select(dim_areas))
        }
    assert areas == {
        "E01999001": ("Exampleton 001A", "LSOA", "LSOA2021", "E05999001"),
        "E01999002": ("Exampleton 001B", "LSOA", "LSOA2021", "E05999001"),
        "E01999003": ("Exampleton 002A", "LSOA", "LSOA2021", "E05999001"),
        "E01999004": ("Exampleton 002B", "LSOA", "LSOA2021", "E05999002"),
        "E01999005": ("Exampleton 003A", "LSOA", "LSOA2021", "E05999002"),
        "E05999001": ("North Ward", "WD", "WD2023", "E08999001"),
        "E05999002": ("South Ward", "WD", "WD2023", "E08999001"),
        "E08999001": ("Exampleton", "MD", "LAD2023", None),
    }


def test_ward_scores_are_population_weighted_lsoa_scores(engine: Engine, tmp_path: Path) -> None:
    load(engine, LOOKUP)
    scores = load(engine, write(tmp_path, "scores_2025.csv", SCORES_2025))
    assert (scores.rows_read, scores.inserted, scores.rejected) == (5, 5, 0)
    assert ward_need(engine) == expected("IoD2025")


def test_ward_scores_do_not_depend_on_load_order(engine: Engine, tmp_path: Path) -> None:
    load(engine, write(tmp_path, "scores_2025.csv", SCORES_2025))
    assert ward_need(engine) == {}  # no ward links yet
    load(engine, LOOKUP)
    assert ward_need(engine) == expected("IoD2025")


def test_scores_without_populations_use_the_area_population(engine: Engine, tmp_path: Path) -> None:
    load(engine, LOOKUP)
    load(engine, write(tmp_path, "scores_2025.csv", SCORES_2025))
    load(engine, write(tmp_path, "scores_2019.csv", SCORES_2019))
    need = ward_need(engine)
    assert need[("E05999001", "iod.imd", "IoD2019")] == (pytest.approx(19.2), 5000, 3)
    # Both editions stay side by side; ranks are never averaged.
    assert {key for _, key, _ in need} == {"iod.imd", "iod.health"}
    assert len(need) == 5


def test_loading_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    scores = write(tmp_path, "scores_2025.csv", SCORES_2025)
    load(engine, LOOKUP)
    load(engine, scores)
    before = ward_need(engine)
    for path, rows in ((LOOKUP, 5), (scores, 5)):
        again = load(engine, path)
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, rows)
    assert ward_need(engine) == before


def test_files_without_a_vintage_keep_the_one_a_lookup_stated(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, LOOKUP)
    ward_scores = write(
        tmp_path,
        "ward_scores.csv",
        "area_code,area_name,indicator,period,measure,unit,value\n"
        "E05999001,North Ward,Index of Multiple Deprivation,2025,Weighted Score,Score,22\n",
    )
    result = load(engine, ward_scores)
    assert result.format_id == "iod-ward-csv"
    with engine.connect() as conn:
        ward = conn.execute(
            select(dim_areas.c.code_vintage, dim_areas.c.parent_code).where(
                dim_areas.c.area_code == "E05999001"
            )
        ).one()
        stored = conn.execute(
            select(fct_area_indicators.c.code_vintage).where(
                fct_area_indicators.c.area_code == "E05999001"
            )
        ).scalar_one()
    assert tuple(ward) == ("WD2023", "E08999001")
    assert stored == "WD"  # the ward file itself does not say which boundaries it uses
