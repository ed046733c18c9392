"""Issue 18 on real spend files: Salford's net and gross columns load the net amount, Darlington's
file without dates takes its period from --period or its name and its payer from --publisher,
a file cut off mid-row rejects its last row by name, and every load reconciles: loaded +
rejected = read, in rows and in pence. Expected figures are computed here with csv and Decimal,
independently of the pipeline."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import REAL, CliResult
from warehouse.schema import fct_spend, meta_load_runs, meta_load_warnings, meta_source_files

SPENDING = REAL / "spending"
SALFORD = SPENDING / "salford-cc_spend_2021-05_odileeds-clean.csv"
DARLINGTON = SPENDING / "darlington-bc_spend_2014-06_odileeds-clean.csv"
HARROGATE = SPENDING / "harrogate-bc_spend_2022-08_odileeds-clean.csv"


def _records(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return [row for row in csv.DictReader(io.StringIO(text)) if any(row.values())]


def _pence(values: list[str]) -> int:
    total = sum((Decimal(v.replace(",", "")) for v in values), Decimal(0)) * 100
    assert total == total.to_integral_value()
    return int(total)


def _run(engine: Engine, load_run_id: int | None) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(
            select(meta_load_runs).where(meta_load_runs.c.load_run_id == load_run_id)
        ).one()
    return dict(row._mapping)


def _warnings(engine: Engine) -> dict[str, list[tuple[str | None, str]]]:
    found: dict[str, list[tuple[str | None, str]]] = {}
    with engine.connect() as conn:
        for kind, field, message in conn.execute(
            select(
                meta_load_warnings.c.kind, meta_load_warnings.c.field, meta_load_warnings.c.message
            )
        ):
            found.setdefault(kind, []).append((field, message))
    return found


def _assert_reconciles(engine: Engine, result: LoadResult, rows: int, pence: int) -> None:
    """loaded + rejected = read, in rows and in pence, on the run and in the warehouse."""
    run = _run(engine, result.load_run_id)
    assert run["rows_read"] == rows
    assert int(run["rows_inserted"]) + int(run["rows_rejected"]) == rows  # type: ignore[call-overload]
    assert run["pence_read"] == pence
    assert int(run["pence_loaded"]) + int(run["pence_rejected"]) == pence  # type: ignore[call-overload]
    with engine.connect() as conn:
        total = conn.execute(select(func.coalesce(func.sum(fct_spend.c.amount_pence), 0))).scalar()
    assert total == run["pence_loaded"]


def test_salford_loads_the_net_amount_not_the_gross_and_says_so(sqlite_engine: Engine) -> None:
    records = _records(SALFORD)
    net, gross, vat = (_pence([r[c] for r in records]) for c in ("Net", "Gross", "VAT"))
    assert (len(records), net, gross) == (1890, 3609617770, 3844287001)
    assert gross == net + vat

    result = load_file(sqlite_engine, SALFORD, Config())
    assert (result.inserted, result.rejected) == (1890, 0)
    _assert_reconciles(sqlite_engine, result, 1890, net)
    assert _run(sqlite_engine, result.load_run_id)["amount_column"] == "Net"
    assert _warnings(sqlite_engine)["amount-column"] == [
        ("Net", "amounts are the net column 'Net'; 'Gross' and 'VAT' were not summed")
    ]


def test_salford_rows_carry_their_own_net_amounts(sqlite_engine: Engine) -> None:
    expected = {r["Document Number"]: r["Net"] for r in _records(SALFORD)}
    load_file(sqlite_engine, SALFORD, Config())
    with sqlite_engine.connect() as conn:
        loaded = dict(
            conn.execute(
                select(fct_spend.c.transaction_id, fct_spend.c.amount_pence).where(
                    fct_spend.c.line_no == 1
                )
            ).all()
        )
    for document, value in list(expected.items())[:200]:
        if list(expected).count(document) == 1:
            assert loaded[document] == _pence([value])


def test_the_licence_is_recorded_only_when_configured(sqlite_engine: Engine) -> None:
    load_file(sqlite_engine, SALFORD, Config())
    load_file(sqlite_engine, HARROGATE, Config(default_licence="Open Government Licence v3.0"))
    with sqlite_engine.connect() as conn:
        licences = dict(
            conn.execute(select(meta_source_files.c.file_name, meta_source_files.c.licence)).all()
        )
    assert licences == {SALFORD.name: None, HARROGATE.name: "Open Government Licence v3.0"}


def test_darlington_without_dates_takes_the_period_from_its_name_and_the_configured_payer(
    sqlite_engine: Engine,
) -> None:
    records = _records(DARLINGTON)
    pence = _pence([r["Invoice Line Value (net of VAT)"] for r in records])
    assert (len(records), pence) == (963, 411359850)
    result = load_file(
        sqlite_engine, DARLINGTON, Config(spend_publisher="Darlington Borough Council")
    )
    assert (result.format_id, result.inserted, result.rejected) == ("spend-csv", 963, 0)
    _assert_reconciles(sqlite_engine, result, 963, pence)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(
            select(
                fct_spend.c.payment_date,
                fct_spend.c.financial_year,
                fct_spend.c.body_key,
                fct_spend.c.body_name,
                func.count(),
            ).group_by(fct_spend.c.payment_date, fct_spend.c.body_key, fct_spend.c.body_name)
        ).all()
    assert rows == [
        (
            date(2014, 6, 30),
            "2014/15",
            "darlington-borough-council",
            "Darlington Borough Council",
            963,
        )
    ]
    warnings = _warnings(sqlite_engine)
    assert warnings["period"] == [
        (
            None,
            "the file has no payment date column: every payment is dated 2014-06-30 "
            "(the end of 2014-06, from the file's name)",
        )
    ]
    assert warnings["publisher"] == [
        (
            None,
            "the paying body is 'Darlington Borough Council', from observatory.toml [spend] "
            "publisher: the file has no body column",
        )
    ]


def test_the_cli_refuses_a_dateless_payerless_file_then_loads_it_with_period_and_publisher(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "darlington-payments.csv"
    copy.write_bytes(DARLINGTON.read_bytes())
    refused: CliResult = run_cli("load", str(copy), database_url=sqlite_url)  # type: ignore[operator]
    assert refused.returncode == 2
    assert (
        "darlington-payments.csv: looks like a spend file, but has no column for a payment date "
        "or period; name the period with `--period 2014-08` or in the file's name"
    ) in refused.stderr
    assert "Traceback" not in refused.stderr

    no_payer: CliResult = run_cli(  # type: ignore[operator]
        "load", str(copy), "--period", "2014-06", database_url=sqlite_url
    )
    assert no_payer.returncode == 2
    assert (
        "darlington-payments.csv: is spend that names no paying body (no body column): name the "
        "paying body with `--publisher NAME` or `[spend] publisher` in observatory.toml"
    ) in no_payer.stderr

    loaded: CliResult = run_cli(  # type: ignore[operator]
        "load",
        str(copy),
        "--period",
        "2014-06",
        "--publisher",
        "Darlington Borough Council",
        database_url=sqlite_url,
    )
    assert loaded.returncode == 0, loaded.stderr
    report: CliResult = run_cli("report", "--json", database_url=sqlite_url)  # type: ignore[operator]
    assert json.loads(report.stdout)["tables"]["fct_spend"] == 963

    bad: CliResult = run_cli(  # type: ignore[operator]
        "load", str(copy), "--period", "June 2014", database_url=sqlite_url
    )
    assert bad.returncode == 2
    assert "'June 2014' is not a month written YYYY-MM" in bad.stderr


def test_a_file_cut_off_mid_row_rejects_its_last_row_by_name(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    content = HARROGATE.read_bytes()
    lines = content.rstrip(b"\n").split(b"\n")
    last = lines[-1]
    # Cut the last row after its amount: its date, supplier and amount are still filled.
    fields = last.split(b",")
    assert len(fields) == 11 and fields[6] and fields[7] and fields[9]
    cut = b",".join(fields[:10])
    copy = tmp_path / HARROGATE.name
    copy.write_bytes(b"\n".join([*lines[:-1], cut]))

    records = _records(HARROGATE)
    every = _pence([r["Net Amount"] for r in records])
    last_pence = _pence([records[-1]["Net Amount"]])
    result = load_file(sqlite_engine, copy, Config())
    assert (result.inserted, result.rejected) == (len(records) - 1, 1)
    [problem] = result.problems
    assert (problem.row_number, problem.field) == (len(lines), None)
    assert problem.reason == "has 10 of 11 fields: the file looks cut off"
    _assert_reconciles(sqlite_engine, result, len(records), every)
    assert _run(sqlite_engine, result.load_run_id)["pence_rejected"] == last_pence


def test_a_row_with_extra_fields_is_rejected_and_the_file_still_loads(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    lines = HARROGATE.read_bytes().split(b"\n")
    lines[5] = lines[5] + b",stray,value"
    copy = tmp_path / HARROGATE.name
    copy.write_bytes(b"\n".join(lines))
    records = _records(HARROGATE)
    result = load_file(sqlite_engine, copy, Config())
    assert (result.rejected_whole, result.inserted, result.rejected) == (
        False,
        len(records) - 1,
        1,
    )
    [problem] = result.problems
    assert problem.row_number == 6
    assert problem.reason == (
        "has 13 fields where the header has 11 (beyond the last column: 'stray', 'value')"
    )
    _assert_reconciles(
        sqlite_engine, result, len(records), _pence([r["Net Amount"] for r in records])
    )
