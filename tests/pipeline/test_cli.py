"""The command line as a data officer uses it: exit codes, messages, report and rejects."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import CliResult

GRANTS_HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
)


def _grants_csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "grants.csv"
    path.write_text(GRANTS_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


GOOD = "360G-test-1,Community research,Peer research on housing,GBP,1500.50,2024-05-01,GB-CHC-1,Group,GB-LAE-XYZ,A Council"  # noqa: E501
BAD_DATE = "360G-test-2,Second,Second grant,GBP,200,31/13/2024,GB-CHC-2,Other,GB-LAE-XYZ,A Council"


def test_a_clean_file_exits_0_with_a_summary(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    path = _grants_csv(tmp_path, [GOOD])
    result: CliResult = run_cli("load", str(path), database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    assert "Load summary" in result.stdout
    assert "grants.csv" in result.stdout and "360giving-csv" in result.stdout


def test_rejected_rows_exit_1_and_name_file_row_field_and_reason(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    path = _grants_csv(tmp_path, [GOOD, BAD_DATE])
    result: CliResult = run_cli("load", str(path), database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 1
    assert "grants.csv:3: Award Date:" in result.stderr
    assert "Traceback" not in result.stderr

    listed: CliResult = run_cli("rejects", "--csv", database_url=sqlite_url)  # type: ignore[operator]
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["file_name"], r["row_number"], r["field"]) for r in rows] == [
        ("grants.csv", "3", "Award Date")
    ]

    report: CliResult = run_cli("report", "--json", database_url=sqlite_url)  # type: ignore[operator]
    data = json.loads(report.stdout)
    assert data["tables"]["fct_grants"] == 1
    assert data["rejected_rows"] == 1


def test_a_missing_file_or_unknown_format_exits_2_without_traceback(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    missing: CliResult = run_cli(  # type: ignore[operator]
        "load", str(tmp_path / "nope.csv"), database_url=sqlite_url
    )
    assert missing.returncode == 2
    assert "nope.csv: cannot be read" in missing.stderr
    unknown = tmp_path / "notes.txt"
    unknown.write_text("just some notes\n", encoding="utf-8")
    undetected: CliResult = run_cli("load", str(unknown), database_url=sqlite_url)  # type: ignore[operator]
    assert undetected.returncode == 2
    assert "notes.txt: is not in a format the pipeline recognises" in undetected.stderr
    wrong: CliResult = run_cli(  # type: ignore[operator]
        "load", "--format", "bogus", str(unknown), database_url=sqlite_url
    )
    assert wrong.returncode == 2
    for result in (missing, undetected, wrong):
        assert "Traceback" not in result.stderr


def test_a_file_rejected_whole_is_recorded_with_its_reason(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    """As an upload's is: the data team's history on /data shows it, whichever way it came."""
    broken = tmp_path / "grants.json"
    broken.write_text('{"grants": [ {"id": "360G-x", ', encoding="utf-8")
    result: CliResult = run_cli("load", str(broken), database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 2
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT file_name, status, message FROM meta_load_runs")).all()
        grants = conn.execute(text("SELECT COUNT(*) FROM fct_grants")).scalar_one()
    engine.dispose()
    assert [(name, status) for name, status, _ in runs] == [("grants.json", "rejected")]
    assert "is not valid JSON" in runs[0][2] and grants == 0
