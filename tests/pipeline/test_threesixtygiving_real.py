"""Real published 360Giving files (tests/fixtures/real/360giving, see SOURCES.md): the Trafford
council CSV and its JSON twin, and the Andrew Lloyd Webber Foundation workbook and its
converted JSON, load the same warehouse rows; totals match the files."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, Table, func, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import REAL
from warehouse.db import make_engine, upgrade_schema
from warehouse.schema import dim_organisations, fct_grants, meta_source_files
from warehouse.upsert import content_columns

PUBLISHERS = REAL / "360giving" / "publishers"
TRAFFORD_CSV = PUBLISHERS / "trafford-mbc_voluntary-sector-grants_360giving.csv"
TRAFFORD_JSON = PUBLISHERS / "trafford-mbc_voluntary-sector-grants_360giving.json.gz"
ALWF_XLSX = PUBLISHERS / "andrew-lloyd-webber-foundation_a003W000001B7PzQAK.xlsx"
ALWF_JSON = PUBLISHERS / "andrew-lloyd-webber-foundation_a003W000001B7PzQAK_converted.json.gz"


def published_total_pence(path: Path, column: str = "Amount Awarded") -> int:
    """The file's total, read with the csv module and Decimal, independently of the pipeline."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        total = sum(Decimal(row[column]) for row in csv.DictReader(handle))
    return int(total * 100)


def _scalar(engine: Engine, statement: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(statement).scalar_one())  # type: ignore[call-overload]


def test_trafford_csv_loads_555_grants_with_the_published_total(
    engine: Engine, trafford_config: Config
) -> None:
    result = load_file(engine, TRAFFORD_CSV, trafford_config)

    assert result.format_id == "360giving-csv"
    assert (result.rows_read, result.inserted, result.rejected) == (555, 555, 0)
    expected = published_total_pence(TRAFFORD_CSV)
    assert expected == 129_143_654  # £1,291,436.54, SOURCES.md's "about £1.29m"
    total = select(func.sum(fct_grants.c.amount_awarded_pence))
    assert _scalar(engine, total) == expected
    awarded = (
        select(func.count()).select_from(fct_grants).where(fct_grants.c.direction == "awarded")
    )
    assert _scalar(engine, awarded) == 555
    council = select(dim_organisations.c.is_home, dim_organisations.c.home_role).where(
        dim_organisations.c.org_id == "GB-LAE-TRF"
    )
    with engine.connect() as conn:
        assert conn.execute(council).one() == (True, "council")
        publisher = conn.execute(select(meta_source_files.c.publisher)).scalar_one()
    assert publisher == "Trafford Metropolitan Borough Council"

    again = load_file(engine, TRAFFORD_CSV, trafford_config)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 555)


def test_trafford_grants_keep_their_published_details(
    sqlite_engine: Engine, trafford_config: Config
) -> None:
    load_file(sqlite_engine, TRAFFORD_CSV, trafford_config)
    query = select(fct_grants).where(fct_grants.c.grant_id == "360G-traffordmbc-VSG1345")
    with sqlite_engine.connect() as conn:
        grant = conn.execute(query).mappings().one()
    # The row STANDARDS.md quotes: Cyril Flint Befrienders, £3,056.37 on 18 January 2013.
    assert grant["amount_awarded_pence"] == 305637
    assert str(grant["award_date"]) == "2013-01-18"
    assert grant["financial_year"] == "2012/13"
    assert grant["recipient_org_id"] == "GB-COH-07962245"
    assert grant["recipient_type"] == "company"
    assert grant["beneficiary_geo_code"] == "E08000009"
    assert grant["beneficiary_geo_type"] == "MD"
    assert grant["programme_code"] == "VSG"
    assert grant["from_open_call"] == "Yes"
    assert grant["home_org_id"] == "GB-LAE-TRF"
    assert grant["duration_months"] == 12.0


@pytest.fixture
def fresh_engines(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    engines = []
    for name in ("first", "second"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade_schema(engine)
        engines.append(engine)
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def _content(engine: Engine, table: Table) -> pd.DataFrame:
    columns = content_columns(table)
    key = columns[0]
    with engine.connect() as conn:
        frame = pd.read_sql(select(*[table.c[c] for c in columns]).order_by(table.c[key]), conn)
    return frame.astype("string")


def _assert_same_warehouse(first: Engine, second: Engine) -> None:
    for table in (fct_grants, dim_organisations):
        pd.testing.assert_frame_equal(_content(first, table), _content(second, table))


def test_trafford_json_twin_gives_the_same_warehouse(
    fresh_engines: tuple[Engine, Engine], trafford_config: Config
) -> None:
    from_csv, from_json = fresh_engines
    assert load_file(from_csv, TRAFFORD_CSV, trafford_config).inserted == 555
    result = load_file(from_json, TRAFFORD_JSON, trafford_config)
    assert (result.format_id, result.inserted, result.rejected) == ("360giving-json", 555, 0)
    # Compared field by field, the two published files agree on every grant (the JSON is the
    # Data Quality Tool's conversion of the CSV); there is no difference to explain.
    _assert_same_warehouse(from_csv, from_json)


def test_alwf_workbook_matches_its_converted_json(fresh_engines: tuple[Engine, Engine]) -> None:
    from_xlsx, from_json = fresh_engines
    xlsx = load_file(from_xlsx, ALWF_XLSX, Config())
    assert (xlsx.format_id, xlsx.rows_read, xlsx.inserted, xlsx.rejected) == (
        "360giving-xlsx",
        475,
        475,
        0,
    )
    assert load_file(from_json, ALWF_JSON, Config()).inserted == 475
    # Excel date cells (2020-11-03) and the converter's date-times
    # ("2020-11-03T00:00:00+00:00") give the same award dates; "Grant Programme: Title"
    # (space after the colon) maps like "Grant Programme:Title".
    _assert_same_warehouse(from_xlsx, from_json)
    query = select(fct_grants).where(fct_grants.c.grant_id == "360G-ALWF-1978")
    with from_xlsx.connect() as conn:
        grant = conn.execute(query).mappings().one()
    assert str(grant["award_date"]) == "2020-11-03"
    assert grant["programme_title"] == "Music"
    # No published type for K02000001: read from the ONS prefix.
    assert grant["beneficiary_geo_type"] == "UK"
    assert grant["direction"] == "external"
