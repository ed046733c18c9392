"""The data-quality report of one load run (warehouse.queries.file_quality), on SQLite and
PostgreSQL: money reconciled from its column, rows counted as rows (not problems), repairs,
notes and 360Giving checks with example rows, rejects counted per kind of problem, a whole-file
rejection with its reason, and a run that loaded nothing never called partial.

Expected figures come from the files (values seen in them, tests/fixtures/real/corpus.json
written by tests/real_corpus/figures.py) or from plain SQL on the warehouse, not from the query
under test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import REAL
from warehouse.queries.file_quality import (
    Example,
    QualityReport,
    Rows,
    latest_run_id,
    quality_report,
    reason_kind,
    truthful_status,
)
from warehouse.schema import fct_grants, meta_load_runs, meta_rejected_rows

CORPUS = {f["path"]: f for f in json.loads((REAL / "corpus.json").read_text())["files"]}
SALFORD = "spending/salford-cc_spend_2021-05_odileeds-clean.csv"
INDIGO = "360giving/publishers/indigo-trust_IndigoTrust_360giving_2015.csv"
INVALID = REAL / "360giving" / "invalid"


def _report(engine: Engine, path: Path, config: Config | None = None) -> QualityReport:
    result = load_file(engine, path, config or Config())
    assert result.load_run_id is not None
    report = quality_report(engine, result.load_run_id)
    assert report is not None
    return report


def test_a_spend_file_reconciles_to_the_penny_from_its_net_column(engine: Engine) -> None:
    expected = CORPUS[SALFORD]
    report = _report(engine, REAL / SALFORD, Config(spend_publisher=expected["publisher"]))

    assert report.status == "loaded" and report.detected_format == "spend-csv"
    assert report.money is not None
    assert (report.money.column, report.money.read_pence) == ("Net", expected["total_pence"])
    assert (report.money.loaded_pence, report.money.rejected_pence) == (3_609_617_770, 0)
    assert report.money.balanced and report.money.difference_pence == 0
    assert (report.rows.read, report.rows.loaded, report.rows.rejected) == (1890, 1890, 0)
    assert report.rows.balanced
    assert [(n.kind, n.field) for n in report.notes] == [("amount-column", "Net")]
    assert "'Gross'" in report.notes[0].message
    assert report.repairs == report.checks == () and report.rejects == ()
    assert latest_run_id(engine, Path(SALFORD).name) == report.load_run_id


def test_a_360giving_file_with_repairs_shows_them_with_example_rows(engine: Engine) -> None:
    expected = CORPUS[INDIGO]
    report = _report(engine, REAL / INDIGO)

    assert report.money is not None and report.money.read_pence == expected["total_pence"]
    assert report.money.loaded_pence == expected["expected_loaded_pence"]
    repairs = {(f.kind, f.field): f for f in report.repairs}
    blanked = repairs[("blanked", "Planned Dates:Duration (months)")]
    assert blanked.rows == 3
    # The file's own rows 106, 183 and 228 say "Undefined".
    assert blanked.examples == tuple(Example(row, "'Undefined'") for row in (106, 183, 228))
    months = repairs[("repaired", "Planned Dates:Duration (months)")]
    assert months.rows == 266 and len(months.examples) == 5
    assert months.examples[0] == Example(2, "'12 months'")
    assert repairs[("repaired", "Award Date")].rows == 269
    assert {f.kind for f in report.checks} == {"quality"}
    assert all(len(f.examples) <= 5 for f in report.repairs + report.checks)


def test_rejects_are_counted_per_kind_of_problem_with_example_rows(engine: Engine) -> None:
    report = _report(engine, INVALID / "datagetter_invalid_file.xlsx")

    assert report.status == "partial"
    with engine.connect() as conn:
        loaded_pence = conn.execute(select(func.sum(fct_grants.c.amount_awarded_pence))).scalar()
        reject_rows = conn.execute(
            select(func.count(meta_rejected_rows.c.row_number.distinct()))
        ).scalar()
    assert (report.rows.read, report.rows.loaded, report.rows.rejected) == (125, 116, 9)
    assert report.rows.rejected == reject_rows
    assert report.money is not None and report.money.balanced
    assert report.money.loaded_pence == loaded_pence
    assert report.money.column == "Amount Awarded"

    kinds = {(k.field, k.reason): k for k in report.rejects}
    money = kinds[("Amount Awarded", "'…' is not an amount of money")]
    assert (money.rows, money.examples) == (
        3,
        (Example(11, "'tbc'"), Example(114, "'18k'"), Example(123, "'3 thousand pounds'")),
    )
    blank_ids = kinds[("Identifier", "is required but blank")]
    assert (blank_ids.rows, [e.row for e in blank_ids.examples]) == (3, [61, 74, 83])
    assert sum(k.rows for k in report.rejects) == 9  # no row here has two problems
    assert report.rejects[0].rows == 3  # most rows first

    assert {f.kind for f in report.repairs} == {"repaired", "blanked"}
    assert ("missing-column", "Funding Org:Name") in {(n.kind, n.field) for n in report.notes}
    checks = {(c.kind, c.field): c for c in report.checks}
    repeated = checks[("repeated-id", "Identifier")]
    assert [e.row for e in repeated.examples] == [25, 35]
    assert ("missing", "Recipient Org:Identifier") in checks
    assert checks[("quality", "Classifications:Code")].rows == 116


def test_a_file_rejected_whole_shows_its_reason(engine: Engine) -> None:
    report = _report(engine, INVALID / "fundingproviders-grants_malformed.json")

    assert report.status == "rejected" and report.rejected_whole
    assert report.message is not None and "is not valid JSON" in report.message
    assert report.money is None and report.rows.read == 0
    assert report.repairs == report.notes == report.checks == () and report.rejects == ()
    assert report.as_dict()["status"] == "rejected"


def test_a_file_whose_every_row_was_rejected_is_rejected_not_partial(engine: Engine) -> None:
    report = _report(engine, INVALID / "nulls.json")
    assert (report.status, report.rows.loaded, report.rows.rejected) == ("rejected", 0, 2)
    assert not report.rejected_whole and report.message

    # A run recorded before that rule said "partial"; it is shown as rejected all the same.
    with engine.begin() as conn:
        legacy = conn.execute(
            insert(meta_load_runs)
            .values(
                file_name="old.csv",
                sha256="0" * 64,
                started_at=datetime.now(UTC),
                status="partial",
                rows_read=3,
                rows_rejected=3,
            )
            .returning(meta_load_runs.c.load_run_id)
        ).scalar_one()
    old = quality_report(engine, legacy)
    assert old is not None and old.status == "rejected"
    assert truthful_status("partial", 2, 1) == "partial"
    assert quality_report(engine, legacy + 1000) is None


def test_rejects_of_a_file_loaded_again_point_to_the_later_run(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("researcher_id,display_name,consent\nR-1,One,hidden\nR-2,Two,sometimes\n")
    first = _report(engine, path)
    # A changed configuration makes the same file load again in full (unchanged, it would
    # write nothing: see the next test).
    second = _report(engine, path, Config(area_name="after a configuration change"))
    again = quality_report(engine, first.load_run_id)
    assert again is not None and again.rejects == ()
    assert (again.rows.rejected, again.rejects_replaced_by) == (1, second.load_run_id)
    assert second.rejects[0].examples == (Example(3, "'sometimes'"),)


def test_a_file_loaded_again_unchanged_reports_the_run_that_wrote_it(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("researcher_id,display_name,consent\nR-1,One,hidden\nR-2,Two,sometimes\n")
    first = _report(engine, path)
    second = _report(engine, path)
    assert (first.status, second.status) == ("partial", "unchanged")
    assert second.load_run_id != first.load_run_id
    assert second.message is not None and f"load run {first.load_run_id}" in second.message
    assert second.rows == Rows(read=2, inserted=0, updated=0, unchanged=1, rejected=1)
    assert second.rows.balanced
    assert second.rejects == first.rejects and second.repairs == first.repairs
    # The first run keeps its rejects: nothing was written again.
    kept = quality_report(engine, first.load_run_id)
    assert kept is not None and kept.rejects == first.rejects
    assert kept.rejects_replaced_by is None


def _many_rejects(engine: Engine, count: int) -> int:
    """A run with ``count`` rejected rows, each a distinct unreadable amount, every third one
    also without a date: the SQL groups them; Python sees only their distinct reasons."""
    sha = "f" * 64
    with engine.begin() as conn:
        run_id = int(
            conn.execute(
                insert(meta_load_runs)
                .values(
                    file_name="big.csv",
                    sha256=sha,
                    started_at=datetime.now(UTC),
                    status="partial",
                    rows_read=count + 10,
                    rows_inserted=10,
                    rows_rejected=count,
                )
                .returning(meta_load_runs.c.load_run_id)
            ).scalar_one()
        )
        rows: list[dict[str, Any]] = []
        for n in range(count):
            common = {"load_run_id": run_id, "file_name": "big.csv", "sha256": sha}
            rows.append(
                {**common, "row_number": n + 2, "field": "Amount", "reason": f"'{n}x' is not money"}
            )
            if n % 3 == 0:
                rows.append(
                    {**common, "row_number": n + 2, "field": "Date", "reason": "is required"}
                )
        conn.execute(insert(meta_rejected_rows), rows)
    return run_id


def test_many_rejects_are_grouped_by_kind(engine: Engine) -> None:
    run_id = _many_rejects(engine, 20_000)
    report = quality_report(engine, run_id)
    assert report is not None
    assert [(k.field, k.reason, k.rows) for k in report.rejects] == [
        ("Amount", "'…' is not money", 20_000),
        ("Date", "is required", 6_667),
    ]
    assert report.rejects[0].examples == tuple(Example(n + 2, f"'{n}x'") for n in range(5))
    assert [e.row for e in report.rejects[1].examples] == [2, 5, 8, 11, 14]
    assert report.rows.rejected == 20_000


@pytest.mark.parametrize(
    ("reason", "kind", "values"),
    [
        ("'tbc' is not an amount of money", "'…' is not an amount of money", "'tbc'"),
        (
            "has 2 of 10 fields: the file looks cut off",
            "has … of … fields: the file looks cut off",
            "2, 10",
        ),
        (
            "repeats row 3 exactly; the grant is loaded once",
            "repeats row … exactly; the grant is loaded once",
            "3",
        ),
        ("is required but blank", "is required but blank", ""),
        ("must be at least 0, not GB-COH-123", "must be at least …, not GB-COH-123", "0"),
    ],
)
def test_a_reason_s_kind_replaces_its_values(reason: str, kind: str, values: str) -> None:
    assert reason_kind(reason) == (kind, values)
