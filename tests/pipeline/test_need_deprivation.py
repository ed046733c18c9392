"""The real English Indices of Deprivation files load completely, with the values they publish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import REAL
from warehouse.db import make_engine, upgrade_schema
from warehouse.schema import dim_areas, fct_area_indicators

IOD = REAL / "deprivation"
FILE_1 = IOD / "IoD2019_File_1_IMD2019_Index_of_Multiple_Deprivation_all-England.csv.gz"
FILE_2 = (
    IOD / "IoD2019_File_2_Domains_of_Deprivation_Trafford-E08000009_and_Manchester-E08000003.csv"
)
FILE_6 = (
    IOD / "IoD2019_File_6_Population_Denominators_Trafford-E08000009_and_Manchester-E08000003.csv"
)
DISTRICTS_2019 = IOD / "trafforddatalab_IoD2019_local-authority-district-summaries_tidy.csv.gz"
DISTRICTS_2025 = IOD / "trafforddatalab_IoD2025_local-authority-district-summaries_tidy.csv.gz"
WARD_IMD = IOD / "trafforddatalab_IoD2025_IMD-score_ward_trafford_pop-weighted.csv"
WARD_HEALTH = (
    IOD / "trafforddatalab_IoD2025_health-deprivation-score_ward_trafford_pop-weighted.csv"
)

fct = fct_area_indicators


def load(engine: Engine, path: Path) -> LoadResult:
    return load_file(engine, path, Config())


def value(
    engine: Engine, key: str, area: str, measure: str, period: str, category: str = ""
) -> float:
    with engine.connect() as conn:
        return float(
            conn.execute(
                select(fct.c.value).where(
                    fct.c.indicator_key == key,
                    fct.c.area_code == area,
                    fct.c.measure == measure,
                    fct.c.period == period,
                    fct.c.category == category,
                )
            ).scalar_one()
        )


def count(engine: Engine, *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(fct).where(*where)).scalar_one())


def area(engine: Engine, code: str) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(select(dim_areas).where(dim_areas.c.area_code == code)).one()
    return dict(row._mapping)


def assert_accounted(result: LoadResult, rows: int) -> None:
    assert result.rows_read == rows
    assert result.inserted + result.updated + result.unchanged + result.rejected == rows


@pytest.fixture(scope="module")
def england(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, LoadResult]]:
    """A warehouse holding IoD2019 File_1 (all 32,844 LSOAs of England), loaded once."""
    path = tmp_path_factory.mktemp("england") / "warehouse.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    yield engine, load(engine, FILE_1)
    engine.dispose()


def test_file_1_loads_every_lsoa_in_england(england: tuple[Engine, LoadResult]) -> None:
    engine, result = england
    assert result.format_id == "iod-lsoa-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (32844, 32844, 0)
    assert result.problems == []
    imd = (fct.c.indicator_key == "iod.imd", fct.c.period == "IoD2019")
    assert count(engine, *imd, fct.c.measure == "rank") == 32844
    assert count(engine, *imd, fct.c.measure == "decile") == 32844
    with engine.connect() as conn:
        by_type = dict(
            conn.execute(
                select(dim_areas.c.code_vintage, func.count()).group_by(dim_areas.c.code_vintage)
            ).all()
        )
    assert by_type == {"LSOA2011": 32844, "LAD2019": 317}


def test_file_1_ranks_with_thousands_separators_are_numbers(
    england: tuple[Engine, LoadResult],
) -> None:
    engine, _ = england
    # "29,199" in the file (City of London 001A), decile 9
    assert value(engine, "iod.imd", "E01000001", "rank", "IoD2019") == 29199
    assert value(engine, "iod.imd", "E01000001", "decile", "IoD2019") == 9
    # Trafford 025A: "14,785", decile 5; Liverpool 050J: 422 (no separator), decile 1
    assert value(engine, "iod.imd", "E01006074", "rank", "IoD2019") == 14785
    assert value(engine, "iod.imd", "E01006074", "decile", "IoD2019") == 5
    assert value(engine, "iod.imd", "E01033767", "rank", "IoD2019") == 422
    lsoa = area(engine, "E01006074")
    assert (lsoa["area_name"], lsoa["area_type"], lsoa["code_vintage"]) == (
        "Trafford 025A",
        "LSOA",
        "LSOA2011",
    )
    district = area(engine, "E09000001")
    assert (district["area_name"], district["area_type"], district["code_vintage"]) == (
        "City of London",
        "LONB",
        "LAD2019",
    )


def test_file_1_loaded_twice_changes_nothing(england: tuple[Engine, LoadResult]) -> None:
    engine, _ = england
    before = count(engine)
    again = load(engine, FILE_1)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 32844, 0)
    assert count(engine) == before == 2 * 32844


def test_file_2_domains_of_deprivation(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, FILE_2)
    assert_accounted(result, 420)
    assert (result.inserted, result.rejected) == (420, 0)
    # IMD and 7 domains, each with a rank and a decile
    assert count(sqlite_engine) == 420 * 16
    # Manchester 018A: income rank 133 decile 1; living environment rank 23165 decile 8
    assert value(sqlite_engine, "iod.income", "E01005061", "rank", "IoD2019") == 133
    assert value(sqlite_engine, "iod.income", "E01005061", "decile", "IoD2019") == 1
    assert value(sqlite_engine, "iod.living_environment", "E01005061", "rank", "IoD2019") == 23165
    assert value(sqlite_engine, "iod.living_environment", "E01005061", "decile", "IoD2019") == 8
    assert value(sqlite_engine, "iod.education", "E01005061", "rank", "IoD2019") == 4613


def test_file_6_population_denominators(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, FILE_6)
    assert_accounted(result, 420)
    assert (result.inserted, result.rejected) == (420, 0)
    # Trafford 025A: "1,629" people, 377 dependent children
    assert area(sqlite_engine, "E01006074")["population"] == 1629
    assert value(sqlite_engine, "iod.population", "E01006074", "population", "IoD2019") == 1629
    children = "Dependent Children aged 0-15"
    assert (
        value(sqlite_engine, "iod.population", "E01006074", "population", "IoD2019", children)
        == 377
    )
    assert count(sqlite_engine) == 420 * 5


def test_district_summaries_2019(sqlite_engine: Engine) -> None:
    result = load(sqlite_engine, DISTRICTS_2019)
    assert result.format_id == "iod-district-tidy-csv"
    assert_accounted(result, 3170)
    assert (result.inserted, result.rejected) == (3170, 0)
    assert value(sqlite_engine, "iod.imd", "E08000009", "score", "IoD2019") == pytest.approx(16.088)
    assert value(sqlite_engine, "iod.imd", "E08000009", "rank", "IoD2019") == 191
    assert value(
        sqlite_engine, "iod.imd", "E08000009", "proportion_decile1", "IoD2019"
    ) == pytest.approx(0.0507)
    # "Health and Disability" in this file is the Health Deprivation and Disability domain
    assert value(sqlite_engine, "iod.health", "E08000009", "score", "IoD2019") == pytest.approx(
        -0.072
    )
    trafford = area(sqlite_engine, "E08000009")
    assert (trafford["area_type"], trafford["code_vintage"]) == ("MD", "LAD2019")
    assert count(sqlite_engine, fct.c.measure == "score") == 3170


def test_both_editions_coexist_for_one_district(sqlite_engine: Engine) -> None:
    first = load(sqlite_engine, DISTRICTS_2019)
    second = load(sqlite_engine, DISTRICTS_2025)
    assert_accounted(second, 2960)
    assert (first.inserted, second.inserted, second.rejected) == (3170, 2960, 0)
    with sqlite_engine.connect() as conn:
        scores = dict(
            conn.execute(
                select(fct.c.period, fct.c.value).where(
                    fct.c.indicator_key == "iod.imd",
                    fct.c.area_code == "E08000009",
                    fct.c.measure == "score",
                )
            ).all()
        )
    assert scores == {"IoD2019": pytest.approx(16.088), "IoD2025": pytest.approx(14.972)}
    assert value(sqlite_engine, "iod.income", "E08000009", "score", "IoD2025") == 0.171
    with sqlite_engine.connect() as conn:
        vintages = set(
            conn.execute(
                select(fct.c.period, fct.c.code_vintage)
                .where(fct.c.area_code == "E08000009")
                .distinct()
            ).all()
        )
    assert vintages == {("IoD2019", "LAD2019"), ("IoD2025", "LAD2024")}


def test_ward_population_weighted_scores(sqlite_engine: Engine) -> None:
    imd = load(sqlite_engine, WARD_IMD)
    health = load(sqlite_engine, WARD_HEALTH)
    assert imd.format_id == health.format_id == "iod-ward-csv"
    for result in (imd, health):
        assert_accounted(result, 21)
        assert (result.inserted, result.rejected) == (21, 0)
    # Old Trafford's IMD score 34; Altrincham's health score -1.05
    assert value(sqlite_engine, "iod.imd", "E05015253", "score", "IoD2025") == 34
    assert value(sqlite_engine, "iod.health", "E05015239", "score", "IoD2025") == -1.05
    with sqlite_engine.connect() as conn:
        row = conn.execute(
            select(fct.c.area_type, fct.c.code_vintage, fct.c.unit, fct.c.edition).where(
                fct.c.area_code == "E05015253", fct.c.indicator_key == "iod.imd"
            )
        ).one()
    assert tuple(row) == ("WD", "WD", "population-weighted score", "IoD2025")
    assert area(sqlite_engine, "E05015253")["area_name"] == "Old Trafford"
