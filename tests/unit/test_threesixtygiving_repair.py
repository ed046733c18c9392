"""What publishers really write, read the same way from CSV and JSON: each repair is a warning
and the grant loads; only a grant that loses what the warehouse needs is rejected."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from data_pipeline.config import Config
from data_pipeline.extract import Source
from data_pipeline.formats.base import Parsed
from data_pipeline.formats.threesixtygiving import parse_csv, parse_json
from warehouse.schema import fct_grants

BASE = {
    "Identifier": "360G-x-1",
    "Title": "A grant",
    "Description": "For a project",
    "Currency": "GBP",
    "Amount Awarded": "1000",
    "Award Date": "2021-04-13",
    "Recipient Org:Identifier": "GB-CHC-1234567",
    "Recipient Org:Name": "A charity",
    "Funding Org:Identifier": "GB-CHC-7654321",
    "Funding Org:Name": "A funder",
}
JSON_KEYS = {
    "Identifier": ("id",),
    "Title": ("title",),
    "Description": ("description",),
    "Currency": ("currency",),
    "Amount Awarded": ("amountAwarded",),
    "Amount Applied For": ("amountAppliedFor",),
    "Award Date": ("awardDate",),
    "From An Open Call?": ("fromOpenCall",),
    "Planned Dates:Duration (months)": ("plannedDates", "duration"),
    "Planned Dates:Start Date": ("plannedDates", "startDate"),
    "Recipient Org:Identifier": ("recipientOrganization", "id"),
    "Recipient Org:Name": ("recipientOrganization", "name"),
    "Funding Org:Identifier": ("fundingOrganization", "id"),
    "Funding Org:Name": ("fundingOrganization", "name"),
}


def _csv(rows: list[dict[str, str]]) -> Source:
    titles = list(dict.fromkeys(t for row in rows for t in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, titles, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Source(Path("grants.csv"), out.getvalue().encode())


def _json(rows: list[dict[str, str]]) -> Source:
    grants = []
    for row in rows:
        grant: dict[str, Any] = {}
        for title, value in row.items():
            if value == "":
                continue
            path = JSON_KEYS[title]
            if len(path) == 1:
                grant[path[0]] = value
            else:
                grant.setdefault(path[0], [{}])[0][path[1]] = value
        grants.append(grant)
    return Source(Path("grants.json"), json.dumps({"grants": grants}).encode())


def _read(rows: list[dict[str, str]], path: str) -> tuple[pd.DataFrame, Parsed]:
    parsed = parse_csv(_csv(rows), Config()) if path == "csv" else parse_json(_json(rows), Config())
    grants = next(frame for table, frame in parsed.frames if table is fct_grants)
    return grants, parsed


def _kinds(parsed: Parsed) -> set[str]:
    return {w.kind for w in parsed.warnings}


PATHS = pytest.mark.parametrize("path", ["csv", "json"])


@PATHS
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("24/07/2014", date(2014, 7, 24)),
        ("13/2/21", date(2021, 2, 13)),
        ("26/03/2001 00:00", date(2001, 3, 26)),
        ("2014-07-24T09:30:00+01:00", date(2014, 7, 24)),
        ("41844", date(2014, 7, 24)),
        ("11/2012", date(2012, 11, 1)),
    ],
)
def test_award_dates_as_publishers_write_them(path: str, written: str, read: date) -> None:
    grants, parsed = _read([{**BASE, "Award Date": written}], path)
    assert grants["award_date"].tolist() == [read]
    assert parsed.rejects.empty


@PATHS
def test_a_date_that_could_be_either_way_in_a_file_that_does_not_settle_it_is_rejected(
    path: str,
) -> None:
    rows = [
        {**BASE, "Award Date": "03/04/2021"},
        {**BASE, "Identifier": "2", "Award Date": "05/05/2021"},
    ]
    grants, parsed = _read(rows, path)
    assert grants["grant_id"].tolist() == ["2"]
    assert parsed.rejects["reason"].tolist() == [
        "'03/04/2021' could be day/month or month/day, and the file's other dates do not "
        "settle which"
    ]


@PATHS
def test_a_file_whose_dates_settle_the_order_reads_its_ambiguous_ones_so(path: str) -> None:
    day_first = [
        {**BASE, "Award Date": "03/04/2021"},
        {**BASE, "Identifier": "2", "Award Date": "25/12/2020"},
    ]
    grants, _ = _read(day_first, path)
    assert grants["award_date"].tolist()[0] == date(2021, 4, 3)
    month_first = [
        {**BASE, "Award Date": "03/04/2021"},
        {**BASE, "Identifier": "2", "Award Date": "12/25/2020"},
    ]
    grants, parsed = _read(month_first, path)
    assert grants["award_date"].tolist() == [date(2021, 3, 4), date(2020, 12, 25)]
    assert any("month first" in w.message for w in parsed.warnings)


@PATHS
@pytest.mark.parametrize(
    ("written", "pence"),
    [("£2,266.00", 226600), ("1,234", 123400), (" 1234 ", 123400), ("1234.5", 123450)],
)
def test_amounts_as_publishers_write_them(path: str, written: str, pence: int) -> None:
    grants, parsed = _read([{**BASE, "Amount Awarded": written}], path)
    assert grants["amount_awarded_pence"].tolist() == [pence]
    assert parsed.money is not None and parsed.money.read_pence == pence
    assert parsed.loaded_pence == pence


@PATHS
def test_an_amount_in_brackets_is_negative_and_rejected_with_its_money_counted(path: str) -> None:
    grants, parsed = _read([{**BASE, "Amount Awarded": "(1,234.00)"}], path)
    assert grants.empty
    assert parsed.rejects["reason"].tolist() == [
        "'(1,234.00)' is negative; amounts must be zero or more"
    ]
    assert parsed.money is not None
    assert (parsed.money.read_pence, parsed.money.rejected_pence) == (-123400, -123400)


@PATHS
@pytest.mark.parametrize(
    ("written", "read"),
    [("Y", "Yes"), ("n", "No"), (" yes ", "Yes"), ("TRUE", "Yes"), ("false", "No")],
)
def test_open_call_flags_as_publishers_write_them(path: str, written: str, read: str) -> None:
    grants, parsed = _read([{**BASE, "From An Open Call?": written}], path)
    assert grants["from_open_call"].tolist() == [read]
    assert "repaired" in _kinds(parsed)


@PATHS
def test_a_bad_optional_field_is_blanked_and_never_rejects_the_grant(path: str) -> None:
    row = {
        **BASE,
        "From An Open Call?": "Maybe",
        "Planned Dates:Duration (months)": "Undefined",
        "Planned Dates:Start Date": "soon",
        "Amount Applied For": "lots",
    }
    grants, parsed = _read([row], path)
    assert len(grants) == 1
    assert grants[["from_open_call", "duration_months", "planned_start_date"]].isna().all(axis=None)
    assert grants["amount_applied_for_pence"].isna().all()
    blanked = {w.field_name for w in parsed.warnings if w.kind == "blanked"}
    assert len(blanked) == 4


@PATHS
def test_a_duration_in_its_own_unit_is_read(path: str) -> None:
    grants, _ = _read([{**BASE, "Planned Dates:Duration (months)": "12 months"}], path)
    assert grants["duration_months"].tolist() == [12.0]


@PATHS
@pytest.mark.parametrize(
    ("blank", "reason_field"),
    [
        ("Identifier", "id"),
        ("Amount Awarded", "amountAwarded"),
        ("Award Date", "awardDate"),
        ("Funding Org:Identifier", "fundingOrganization/0/id"),
    ],
)
def test_a_grant_without_what_the_warehouse_needs_is_rejected(
    path: str, blank: str, reason_field: str
) -> None:
    grants, parsed = _read([{**BASE, blank: ""}], path)
    assert grants.empty
    field = blank if path == "csv" else reason_field
    assert parsed.rejects["field"].tolist() == [field]


@PATHS
def test_a_grant_without_any_recipient_is_rejected_but_a_name_alone_is_enough(path: str) -> None:
    nobody = {**BASE, "Recipient Org:Identifier": "", "Recipient Org:Name": ""}
    name_only = {**BASE, "Identifier": "2", "Recipient Org:Identifier": ""}
    grants, parsed = _read([nobody, name_only], path)
    assert grants["grant_id"].tolist() == ["2"]
    assert grants["recipient_name"].tolist() == ["A charity"]
    assert len(parsed.rejects) == 1


def test_an_older_file_without_description_or_recipient_identifier_loads() -> None:
    older = {k: v for k, v in BASE.items() if k not in ("Description", "Recipient Org:Identifier")}
    grants, parsed = _read([older], "csv")
    assert len(grants) == 1
    missing = {w.field_name for w in parsed.warnings if w.kind == "missing-column"}
    assert missing == {"Description", "Recipient Org:Identifier"}


@PATHS
def test_repeated_ids_keep_differing_lines_and_load_an_exact_repeat_once(path: str) -> None:
    first = BASE
    yearly = {**BASE, "Amount Awarded": "500", "Award Date": "2022-04-13"}
    rows = [first, yearly, dict(first)]
    grants, parsed = _read(rows, path)
    assert grants["grant_id"].tolist() == ["360G-x-1", "360G-x-1~2"]
    assert grants["published_id"].tolist() == ["360G-x-1", "360G-x-1"]
    assert parsed.rejects["reason"].str.startswith("repeats row").tolist() == [True]
    assert parsed.money is not None
    assert (parsed.money.read_pence, parsed.loaded_pence, parsed.money.rejected_pence) == (
        250000,
        150000,
        100000,
    )
    repeated = next(w for w in parsed.warnings if w.kind == "repeated-id")
    assert repeated.rows == 2
    assert "£1,500.00" in repeated.message


def test_a_csv_cut_off_mid_row_rejects_its_last_row_even_with_its_required_fields_filled() -> None:
    text = _csv([BASE, {**BASE, "Identifier": "2", "Funding Org:Name": "A funder, cut"}])
    cut = Source(Path("grants.csv"), text.content.rstrip(b"\n")[: -len('cut"')])
    parsed = parse_csv(cut, Config())
    assert parsed.rejects["reason"].tolist() == [
        "ends inside a quoted value: the file looks cut off"
    ]
