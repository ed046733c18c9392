"""Fingertips (derived tidy files and the raw export layout) and Census 2021 general health."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import FIXTURES, REAL
from warehouse.schema import dim_areas, fct_area_indicators

HEALTH = REAL / "health-indicators"
SELF_HARM = HEALTH / "fingertips-derived_93239_hospital-admissions-self-harm_ward_trafford_tidy.csv"
INACTIVE = HEALTH / "fingertips-derived_93015_inactive-adults_lad_tidy.csv.gz"
CENSUS_WARD = HEALTH / "ons-census2021_general-health_ward_trafford_tidy.csv"
CENSUS_LSOA = HEALTH / "ons-census2021_general-health_lsoa_trafford_tidy.csv"
RAW_SAMPLE = FIXTURES / "fingertips_raw_sample.csv"

fct = fct_area_indicators


def load(engine: Engine, path: Path) -> LoadResult:
    result = load_file(engine, path, Config())
    assert result.inserted + result.updated + result.unchanged + result.rejected == result.rows_read
    return result


def row(
    engine: Engine, area: str, period: str, measure: str, category: str = ""
) -> dict[str, object]:
    with engine.connect() as conn:
        found = conn.execute(
            select(fct).where(
                fct.c.area_code == area,
                fct.c.period == period,
                fct.c.measure == measure,
                fct.c.category == category,
            )
        ).one()
    return dict(found._mapping)


def count(engine: Engine, *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(fct).where(*where)).scalar_one())


def test_self_harm_by_ward_from_fingertips(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, SELF_HARM)
    assert result.format_id == "fingertips-tidy-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (21, 21, 0)
    bucklow = row(sqlite_engine, "E05000824", "2015/16 - 19/20", "value")
    assert bucklow["value"] == 170.3
    assert bucklow["indicator_key"] == "fingertips.hospital-admissions-for-self-harm"
    assert bucklow["indicator_name"] == "Hospital admissions for self-harm"
    assert (bucklow["unit"], bucklow["area_type"], bucklow["code_vintage"]) == (
        "SAR (Admissions)",
        "WD",
        "WD",
    )


def test_inactive_adults_by_district_from_fingertips(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, INACTIVE)
    assert result.format_id == "fingertips-tidy-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (3089, 3089, 0)
    latest = row(sqlite_engine, "E08000009", "2024/25", "value")
    assert (latest["value"], latest["compared_to_england"]) == (17.5, "Better")
    assert latest["category"] == ""  # the file's inequality "NA" is the headline
    england = row(sqlite_engine, "E92000001", "2015/16", "value")
    assert (england["value"], england["compared_to_england"], england["area_type"]) == (
        22.3,
        "Not compared",
        "CTRY",
    )
    with sqlite_engine.connect() as conn:
        areas = conn.execute(select(func.count()).select_from(dim_areas)).scalar_one()
    assert areas == 314


def test_raw_fingertips_export_layout(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, RAW_SAMPLE)
    assert result.format_id == "fingertips-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (12, 12, 0)
    headline = row(sqlite_engine, "E08000009", "2022/23", "value")
    assert headline["indicator_key"] == "fingertips.93015"
    assert headline["indicator_name"] == "Percentage of physically inactive adults"
    assert (headline["value"], headline["compared_to_england"]) == (21.1, "Similar")
    # "Counties & UAs (from Apr 2023)": a district-level code of the 2023 boundaries
    assert (headline["area_type"], headline["code_vintage"]) == ("MD", "LAD2023")
    assert row(sqlite_engine, "E08000009", "2022/23", "count")["value"] == 37462
    assert row(sqlite_engine, "E08000009", "2022/23", "denominator")["value"] == 177546
    assert row(sqlite_engine, "E08000009", "2022/23", "upper_ci_95")["value"] == 24.1
    # Breakdowns: sex other than Persons, and Category Type: Category
    assert row(sqlite_engine, "E08000009", "2022/23", "value", "Sex: Male")["value"] == 19.8
    decile = "County & UA deprivation deciles in England (IMD2019 4/23 geography): " + (
        "Most deprived decile (IMD2019)"
    )
    assert row(sqlite_engine, "E92000001", "2022/23", "value", decile)["value"] == 28.9
    assert (
        row(sqlite_engine, "E92000001", "2022/23", "value", "Ethnic groups: Asian")["value"] == 31
    )
    # A suppressed value loads as a missing value, not as a reject
    bolton = row(sqlite_engine, "E08000001", "2022/23", "value")
    assert bolton["value"] is None
    # 12 headline values; counts and denominators on 8 rows; 4 confidence limits on 11 rows
    assert count(sqlite_engine) == 12 + 8 * 2 + 11 * 4
    assert count(sqlite_engine, fct.c.category == "", fct.c.measure == "value") == 7
    with sqlite_engine.connect() as conn:
        region = conn.execute(
            select(dim_areas.c.area_name, dim_areas.c.area_type).where(
                dim_areas.c.area_code == "E12000002"
            )
        ).one()
    assert tuple(region) == ("North West region (statistical)", "RGN")


def test_census_general_health_by_ward(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, CENSUS_WARD)
    assert result.format_id == "census-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (105, 105, 0)
    altrincham = row(sqlite_engine, "E05000819", "2021-03-21", "count", "Very good health")
    assert altrincham["value"] == 7484
    assert altrincham["indicator_key"] == "census.general_health"
    assert altrincham["indicator_name"] == "General health"
    assert (altrincham["edition"], altrincham["unit"], altrincham["code_vintage"]) == (
        "Census2021",
        "Persons",
        "WD",
    )
    assert row(sqlite_engine, "E05000824", "2021-03-21", "count", "Very bad health")["value"] == 223


def test_census_general_health_by_lsoa(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, CENSUS_LSOA)
    assert (result.rows_read, result.inserted, result.rejected) == (695, 695, 0)
    first = row(sqlite_engine, "E01006109", "2021-03-21", "count", "Very good health")
    assert (first["value"], first["code_vintage"]) == (499, "LSOA2021")
    with sqlite_engine.connect() as conn:
        lsoas = conn.execute(
            select(func.count())
            .select_from(dim_areas)
            .where(dim_areas.c.code_vintage == "LSOA2021", dim_areas.c.area_type == "LSOA")
        ).scalar_one()
    assert lsoas == 139


@pytest.mark.parametrize("path", [SELF_HARM, INACTIVE, CENSUS_WARD, RAW_SAMPLE])
def test_loading_twice_changes_nothing(sqlite_engine: Engine, path: Path) -> None:
    first = load(sqlite_engine, path)
    rows = count(sqlite_engine)
    again = load(sqlite_engine, path)
    assert (again.inserted, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == first.inserted == first.rows_read
    assert count(sqlite_engine) == rows
