"""``report --file NAME`` (the quality report of a file's latest load, as tables and as JSON),
``rejects --file NAME`` for a file rejected whole, and ``report`` never calling a file that
loaded nothing "partial": as a council officer runs them, on real files with known totals
(tests/fixtures/real/corpus.json, computed from the files without the pipeline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from tests.conftest import REAL, ROOT, CliResult
from warehouse.schema import meta_load_runs

CORPUS = {f["path"]: f for f in json.loads((REAL / "corpus.json").read_text())["files"]}
SALFORD = "spending/salford-cc_spend_2021-05_odileeds-clean.csv"
INDIGO = "360giving/publishers/indigo-trust_IndigoTrust_360giving_2015.csv"
INVALID = REAL / "360giving" / "invalid"
MALFORMED = "fundingproviders-grants_malformed.json"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A warehouse with Salford's spend, Indigo Trust's grants (repaired), a file with bad
    rows, one whose every row is rejected and one rejected whole: loaded once, by the CLI."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-report') / 'warehouse.db'}"
    files = [
        REAL / SALFORD,
        REAL / INDIGO,
        INVALID / "datagetter_invalid_file.xlsx",
        INVALID / "nulls.json",
        INVALID / MALFORMED,
    ]
    result = subprocess.run(
        [sys.executable, "-m", "data_pipeline", "load", *map(str, files)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 2, result.stderr  # a file loaded nothing
    return url


def _cli(run_cli: object, url: str, *args: str) -> CliResult:
    result: CliResult = run_cli(*args, database_url=url)  # type: ignore[operator]
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_report_file_reconciles_spend_to_the_penny(run_cli: object, loaded: str) -> None:
    expected = CORPUS[SALFORD]
    assert expected["total_pence"] == 3_609_617_770
    name = Path(SALFORD).name
    shown = _cli(run_cli, loaded, "report", "--file", name)
    assert shown.returncode == 0
    assert (
        "£36,096,177.70 read = £36,096,177.70 loaded + £0 rejected, from column 'Net'"
        in shown.stdout
    )
    assert "1,890 read = 1,890 loaded + 0 rejected" in shown.stdout
    assert "'Gross' and 'VAT' were not summed" in shown.stdout

    data = json.loads(_cli(run_cli, loaded, "report", "--file", name, "--json").stdout)
    assert data["file_name"] == name and data["status"] == "loaded"
    assert data["money"] == {
        "column": "Net",
        "read_pence": expected["total_pence"],
        "loaded_pence": expected["expected_loaded_pence"],
        "rejected_pence": 0,
        "difference_pence": 0,
        "balanced": True,
    }
    assert (data["rows"]["read"], data["rows"]["loaded"], data["rows"]["rejected"]) == (
        1890,
        1890,
        0,
    )


def test_report_file_lists_repairs_checks_and_rejects(run_cli: object, loaded: str) -> None:
    indigo = _cli(run_cli, loaded, "report", "--file", Path(INDIGO).name)
    assert "Repairs" in indigo.stdout
    assert "row 106: 'Undefined'" in indigo.stdout  # the file's own value, blanked
    assert "£8,053,545.40 read = £8,053,545.40 loaded + £0 rejected" in indigo.stdout

    invalid = _cli(run_cli, loaded, "report", "--file", "datagetter_invalid_file.xlsx")
    out = invalid.stdout
    assert "Status: loaded, with rejected rows" in out
    assert "125 read = 116 loaded + 9 rejected" in out
    assert "Rejected rows by kind of problem (9 rows" in out
    assert "'…' is not an amount of money" in out
    assert "row 11: 'tbc'; row 114: '18k'" in out
    assert "360Giving checks" in out and "Notes about the file" in out

    data = json.loads(
        _cli(run_cli, loaded, "report", "--file", "datagetter_invalid_file.xlsx", "--json").stdout
    )
    by_kind = {(k["field"], k["reason"]): k["rows"] for k in data["rejects"]}
    assert by_kind[("Identifier", "is required but blank")] == 3
    assert sum(by_kind.values()) == data["rows"]["rejected"] == 9
    money = data["money"]
    assert money["loaded_pence"] + money["rejected_pence"] == money["read_pence"]

    unknown = _cli(run_cli, loaded, "report", "--file", "never-loaded.csv")
    assert unknown.returncode == 2
    assert "never-loaded.csv: no load of a file of that name" in unknown.stderr


def test_a_file_rejected_whole_says_why(run_cli: object, loaded: str) -> None:
    rejects = _cli(run_cli, loaded, "rejects", "--file", MALFORMED)
    assert f"{MALFORMED}:10: is not valid JSON" in rejects.stdout
    assert "rejected whole" in rejects.stdout

    as_csv = _cli(run_cli, loaded, "rejects", "--file", MALFORMED, "--csv")
    assert as_csv.stdout.splitlines() == ["file_name,row_number,field,reason,raw"]
    assert "is not valid JSON" in as_csv.stderr  # the CSV stays a clean CSV

    report = _cli(run_cli, loaded, "report", "--file", MALFORMED)
    assert "Status: rejected: nothing was loaded" in report.stdout
    assert "Why: " in report.stdout and "is not valid JSON" in report.stdout
    assert "Money:" not in report.stdout


def test_report_never_calls_a_file_that_loaded_nothing_partial(
    run_cli: object, loaded: str
) -> None:
    # A run recorded before the rule (status "partial", nothing loaded) as well.
    engine = create_engine(loaded)
    with engine.begin() as conn:
        conn.execute(
            insert(meta_load_runs).values(
                file_name="legacy.csv",
                sha256="0" * 64,
                started_at=datetime.now(UTC),
                finished_at=datetime.now(UTC),
                status="partial",
                rows_read=4,
                rows_rejected=4,
            )
        )
    engine.dispose()
    data = json.loads(_cli(run_cli, loaded, "report", "--json").stdout)
    status = {run["file_name"]: run["status"] for run in data["last_loads"]}
    assert status["legacy.csv"] == status["nulls.json"] == status[MALFORMED] == "rejected"
    assert status["datagetter_invalid_file.xlsx"] == "partial"
    assert all(run["status"] != "partial" for run in data["last_loads"] if run["rows_loaded"] == 0)

    shown = _cli(run_cli, loaded, "report").stdout
    lines = {line.split("│")[1].strip(): line for line in shown.splitlines() if "│" in line}
    assert "partial" not in lines["legacy.csv"] and "rejected" in lines["legacy.csv"]
    assert "whole file" in lines[MALFORMED]
    assert f"{MALFORMED}: rejected: {MALFORMED}:10: is not valid JSON" in shown
