"""Broken 360Giving files (tests/fixtures/real/360giving/invalid, see SOURCES.md) get clear
``FILE:ROW: FIELD: reason`` messages through the CLI, never a traceback. A grant is rejected
only when it lacks what the warehouse needs (an id, an amount, an award date, a funder, a
recipient); everything else the standard would object to is a warning in the file's quality
report, and the grant loads. A file that is not JSON changes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import REAL
from warehouse.db import make_engine
from warehouse.schema import fct_grants, meta_load_runs, meta_rejected_rows, meta_source_files

INVALID = REAL / "360giving" / "invalid"
TRAFFORD_CSV = (
    REAL / "360giving" / "publishers" / "trafford-mbc_voluntary-sector-grants_360giving.csv"
)

# File -> (exit code, grants loaded, lines stderr must hold).
EXPECTED: dict[str, tuple[int, int, list[str]]] = {
    "badfile_all_validation_errors.json": (
        2,
        0,
        [
            "badfile_all_validation_errors.json:1: amountAwarded: 'This should be a number' "
            "is not an amount of money",
            "badfile_all_validation_errors.json:1: awardDate: 'bad date' is not a date",
            "badfile_all_validation_errors.json:1: fundingOrganization/0/id: is required but "
            "blank: the warehouse needs the funder's identifier",
        ],
    ),
    "badfile_all_validation_errors.xlsx": (
        2,
        0,
        [
            "badfile_all_validation_errors.xlsx:2: Amount Awarded: 'This should be a number' "
            "is not an amount of money",
            "badfile_all_validation_errors.xlsx:2: Funding Org:Identifier: is required, but "
            "the file has no 'Funding Org:Identifier' column: the warehouse needs the funder's "
            "identifier",
        ],
    ),
    # Three lines share one id but differ (amount, recipient): every line is a grant.
    "datagetter_conversion_errors.xlsx": (0, 5, []),
    # 125 grants, "made deliberately invalid": 9 lack an id, a funder, a date or a readable
    # amount; 'GPB', blank titles, Excel-serial dates and '£26,000' are repaired.
    "datagetter_invalid_file.xlsx": (
        1,
        116,
        [
            "datagetter_invalid_file.xlsx:11: Amount Awarded: 'tbc' is not an amount of money",
            "datagetter_invalid_file.xlsx:114: Amount Awarded: '18k' is not an amount of money",
            "datagetter_invalid_file.xlsx:61: Identifier: is required but blank",
        ],
    ),
    # dd/mm/yyyy dates and no descriptions are repaired or reported; the fourth grant repeats
    # the third exactly, so it is loaded once.
    "fundingproviders-grants_broken_grants.json": (
        1,
        3,
        [
            "fundingproviders-grants_broken_grants.json:4: id: repeats row 3 exactly; the "
            "grant is loaded once",
        ],
    ),
    "fundingproviders-grants_malformed.json": (
        2,
        0,
        [
            "fundingproviders-grants_malformed.json:10: is not valid JSON: "
            "Expecting property name enclosed in double quotes",
        ],
    ),
    "nulls.json": (2, 0, ["nulls.json:1: awardDate: is required but blank"]),
    "oneof.csv": (
        2,
        0,
        ["oneof.csv:2: Identifier: is required, but the file has no 'Identifier' column"],
    ),
}


def test_every_invalid_file_is_covered() -> None:
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_files_get_clear_messages_and_no_traceback(
    name: str, run_cli: Any, sqlite_url: str
) -> None:
    exit_code, loaded, lines = EXPECTED[name]
    result = run_cli("load", str(INVALID / name), database_url=sqlite_url)
    assert result.returncode == exit_code, result.stderr
    assert "Traceback" not in result.stderr
    for line in lines:
        assert line in result.stderr.splitlines(), result.stderr
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        grants = conn.execute(select(func.count()).select_from(fct_grants)).scalar_one()
    engine.dispose()
    assert grants == loaded


def _warning(result: LoadResult, kind: str, field_name: str) -> Any:
    found = [w for w in result.warnings if (w.kind, w.field_name) == (kind, field_name)]
    assert len(found) == 1, [(w.kind, w.field_name, w.message) for w in result.warnings]
    return found[0]


def test_lines_sharing_an_id_but_differing_are_each_kept(sqlite_engine: Engine) -> None:
    path = INVALID / "datagetter_conversion_errors.xlsx"
    result = load_file(sqlite_engine, path, Config())
    assert (result.rows_read, result.inserted, result.rejected) == (5, 5, 0)
    with sqlite_engine.connect() as conn:
        lines = conn.execute(
            select(fct_grants.c.grant_id, fct_grants.c.title)
            .where(fct_grants.c.published_id == "360G-ExampleFunder-2020-21_001")
            .order_by(fct_grants.c.grant_id)
        ).all()
    assert [tuple(r) for r in lines] == [
        ("360G-ExampleFunder-2020-21_001", "Grant to Orange Gardens"),
        ("360G-ExampleFunder-2020-21_001~2", "Grant to Turquiose Foundation"),
        ("360G-ExampleFunder-2020-21_001~3", "Grant to Pink Playing Field"),
    ]
    repeated = _warning(result, "repeated-id", "Identifier")
    assert repeated.rows == 3
    assert [row for row, _ in repeated.examples] == [2, 3, 4]
    # A reload keeps the same keys: nothing changes.
    again = load_file(sqlite_engine, path, Config())
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_broken_grants_load_with_their_dates_repaired_and_an_exact_repeat_once(
    sqlite_engine: Engine,
) -> None:
    # Meant to be "partly valid"; under the 1.4.3 schema none of its grants is (no
    # description, dd/mm/yyyy dates). GrantNav shows them, and so does the warehouse.
    result = load_file(
        sqlite_engine, INVALID / "fundingproviders-grants_broken_grants.json", Config()
    )
    assert (result.rows_read, result.inserted, result.rejected) == (4, 3, 1)
    with sqlite_engine.connect() as conn:
        dates = conn.execute(select(fct_grants.c.award_date).distinct()).scalars().all()
    assert [d.isoformat() for d in dates] == ["2014-07-24"]
    assert _warning(result, "repaired", "awardDate").rows == 4
    assert _warning(result, "standard", "description").rows == 4
    assert _warning(result, "repeated-id", "id").rows == 2
    prefixes = _warning(result, "quality", "recipientOrganization/0/id")
    assert prefixes.examples == [(2, "'RUBBISH2-COH-RC000000'")]


def test_only_what_the_warehouse_needs_rejects_a_grant(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    broken = json.loads((INVALID / "fundingproviders-grants_broken_grants.json").read_text())
    good = dict(broken["grants"][2], description="Repaired", awardDate="2014-07-24")
    bad_optional = dict(
        good,
        id="360G-optional",
        fromOpenCall="Y",
        plannedDates=[{"duration": "Undefined", "startDate": "soon"}],
        amountAppliedFor="lots",
    )
    negative = dict(good, id="360G-fundingproviders-negative", amountAwarded=-10)
    no_recipient = dict(good, id="360G-no-recipient")
    no_recipient.pop("recipientOrganization")
    path = tmp_path / "partly_valid.json"
    path.write_text(json.dumps({"grants": [good, bad_optional, negative, no_recipient]}))

    result = load_file(sqlite_engine, path, Config())

    assert (result.rows_read, result.inserted, result.rejected) == (4, 2, 2)
    assert [str(p) for p in result.problems] == [
        "partly_valid.json:4: recipientOrganization/0/name: is required but blank: a grant "
        "needs its recipient's name or identifier",
        "partly_valid.json:3: amountAwarded: '-10' is negative; amounts must be zero or more",
    ]
    with sqlite_engine.connect() as conn:
        optional = conn.execute(
            select(fct_grants).where(fct_grants.c.grant_id == "360G-optional")
        ).one()
    assert optional.from_open_call == "Yes"
    assert optional.duration_months is None
    assert optional.planned_start_date is None
    assert optional.amount_applied_for_pence is None
    assert _warning(result, "repaired", "fromOpenCall").examples == [(2, "'Y'")]
    assert _warning(result, "blanked", "plannedDates/0/duration").examples == [(2, "'Undefined'")]
    assert _warning(result, "blanked", "amountAppliedFor").rows == 1


def test_malformed_json_is_rejected_whole_and_leaves_the_warehouse_as_it_was(
    sqlite_engine: Engine, trafford_config: Config
) -> None:
    """No data changes; the data team's history records the file and why it was refused."""
    load_file(sqlite_engine, TRAFFORD_CSV, trafford_config)
    tables = (fct_grants, meta_source_files, meta_rejected_rows)

    def counts() -> list[int]:
        with sqlite_engine.connect() as conn:
            return [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables]

    before = counts()
    result = load_file(sqlite_engine, INVALID / "fundingproviders-grants_malformed.json", Config())
    assert result.rejected_whole
    assert result.format_id is None
    assert [str(p) for p in result.problems] == [
        "fundingproviders-grants_malformed.json:10: is not valid JSON: "
        "Expecting property name enclosed in double quotes"
    ]
    assert counts() == before
    with sqlite_engine.connect() as conn:
        run = conn.execute(
            select(meta_load_runs).where(meta_load_runs.c.load_run_id == result.load_run_id)
        ).one()
    assert (run.file_name, run.status, run.rows_inserted) == (
        "fundingproviders-grants_malformed.json",
        "rejected",
        0,
    )
    assert run.message == str(result.problems[0])


def test_cp1252_csv_is_decoded_and_loads_without_its_missing_columns(
    sqlite_engine: Engine,
) -> None:
    # Its identifiers hold "€" as the cp1252 byte 0x80. The file has no Description column,
    # which the standard requires: the grants load, and the report says what is missing.
    path = REAL / "360giving" / "fixtures" / "fundingproviders-grants_2_grants_cp1252.csv"
    result = load_file(sqlite_engine, path, Config())
    assert (result.format_id, result.rows_read, result.inserted) == ("360giving-csv", 2, 2)
    with sqlite_engine.connect() as conn:
        ids = conn.execute(select(fct_grants.c.grant_id).order_by("grant_id")).scalars().all()
    assert "360G-<~>€funding€providers-000001/X/00/X" in ids
    missing = _warning(result, "missing-column", "Description")
    assert missing.message == (
        "the file has no 'Description' column, which the 360Giving standard requires"
    )


def test_a_placeholder_date_or_amount_rejects_its_row_not_the_file(
    sqlite_engine: Engine, trafford_config: Config, tmp_path: Path
) -> None:
    # Publishers write "N/A" where they have no value: neither a date nor an amount, so the
    # row goes to the rejects with the reason; the other rows load.
    with TRAFFORD_CSV.open(newline="", encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))[:6]
    header = [title.strip().lower() for title in rows[0]]
    rows[2][header.index("award date")] = "N/A"
    rows[4][header.index("amount awarded")] = "n/a"
    path = tmp_path / "placeholders.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)

    result = load_file(sqlite_engine, path, trafford_config)

    assert not result.rejected_whole
    assert (result.rows_read, result.inserted, result.rejected) == (5, 3, 2)
    messages = [str(p) for p in result.problems]
    assert "placeholders.csv:3: Award Date: 'N/A' is not a date" in messages
    assert "placeholders.csv:5: Amount Awarded: 'n/a' is not an amount of money" in messages
