"""The figures a council officer would compute by hand for every real published file in
``tests/fixtures/real/`` (360Giving JSON, CSV and XLSX; spend CSV), written to
``tests/fixtures/real/corpus.json``.

This script is the independent side of the reconciliation: it uses only the standard
library (csv, json, gzip, decimal) and openpyxl, and imports nothing from the product
(``data_pipeline``, ``warehouse``). Tests compare what the pipeline loads with these figures.

    .venv/bin/python tests/real_corpus/figures.py           # rewrite corpus.json
    .venv/bin/python tests/real_corpus/figures.py --check   # exit 1 if corpus.json is stale

Money is read as Decimal and counted in pence: "£", thousands commas and spaces are
stripped, "(1,234.00)" is negative, each amount is rounded to the penny (half up). An amount
that does not read is 0 pence and counted in ``unreadable_amount_rows``.

The expected loaded figures follow the product rules of issue 18:

- 360Giving: a grant line is rejected only when it has no id, no readable amountAwarded, no
  readable award date, neither a recipient name nor a recipient id, a negative amount, or is an
  exact repeat of an earlier line (every field identical; it is counted once). Readable award
  dates: dd/mm/yyyy, d/m/yy (either with a time after it), ISO dates and date-times, Excel
  serials, spreadsheet date cells, and a month and year alone (11/2012, read as the month's
  first day). Slash dates read day first, or month first where every value that can only be
  read one way says so; a date that could be read either way (03/04/2021) does not read when
  no such value settles the order.
- Spend: a row is rejected only when its amount (the net amount where the file has net and
  gross) is blank or unreadable, or it has no payment date and no period. A file with no date
  column takes its period from its file name (``--period``), as the issue asks.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import gzip
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import openpyxl

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
OUTPUT = REAL / "corpus.json"

# The real published 360Giving files (the deliberately broken ones in invalid/ and the empty
# template are not publications).
GRANT_DIRS = ("360giving/publishers", "360giving/fixtures")
SPEND_DIR = "spending"


# ------------------------------------------------------------------------------ values


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


_MONEY_JUNK = re.compile(r"[£,\s\u00a0]")


def amount(value: Any) -> Decimal | None:
    """The amount as Decimal, or None when it does not read (blank is checked first)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, Decimal):
        return value
    text = _MONEY_JUNK.sub("", str(value))
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return -number if negative else number


def pence(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def slash_parts(value: Any) -> tuple[int, int, int] | None:
    if not isinstance(value, str):
        return None
    match = _SLASH.match(value.strip())
    if not match:
        return None
    first, second, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000 if year < 70 else 1900
    return first, second, year


def date_order(values: Iterable[Any]) -> str:
    """How the file's slash dates read: "day" or "month" first where the values that can only
    be read one way all say the same; else "unsettled" if some value could be read either way
    (03/04/2021), and "day" when none could."""
    parts = [p for p in (slash_parts(v) for v in values) if p]
    says_day = any(first > 12 for first, _, _ in parts)
    says_month = any(second > 12 for _, second, _ in parts)
    if says_day != says_month:
        return "day" if says_day else "month"
    either_way = any(first <= 12 and second <= 12 and first != second for first, second, _ in parts)
    return "unsettled" if either_way else "day"


_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")


def date_reads(value: Any, order: str) -> bool:
    if isinstance(value, dt.date | dt.datetime):
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return 1 <= value < 2958466  # an Excel serial
    if not isinstance(value, str):
        return False
    text = value.strip()
    iso = _ISO.match(text)
    if iso:
        return _valid(*(int(part) for part in iso.groups()))
    if _SERIAL.match(text):
        return True
    month_year = _MONTH_YEAR.match(text)
    if month_year:  # "11/2012": the month's first day
        return 1 <= int(month_year.group(1)) <= 12
    parts = slash_parts(text)
    if parts is None:
        return False
    first, second, year = parts
    if order == "unsettled" and first <= 12 and second <= 12 and first != second:
        return False  # ambiguous, and the file's other dates do not settle the order
    if order == "month":
        return _valid(year, first, second)
    return _valid(year, second, first)


def first_failure(checks: list[tuple[str, bool]]) -> str | None:
    """The reason a row is rejected: the first check that fails, or None."""
    return next((reason for reason, failed in checks if failed), None)


# ------------------------------------------------------------------------------ reading


def raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def decoded(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def csv_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    text, encoding = decoded(raw_bytes(path))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    return header, [row for row in body if any(cell.strip() for cell in row)], encoding


def title_key(title: Any) -> str:
    """A column title compared the way the official converter does: case and spaces ignored
    (and the byte-order mark, even one decoded twice)."""
    text = "" if title is None else str(title)
    text = text.replace("\ufeff", "").replace("ï»¿", "")
    return re.sub(r"\s+", "", text).lower()


# ------------------------------------------------------------------------------ 360Giving


@dataclass
class Grant:
    """One grant line, as the officer reads it."""

    id: Any
    amount: Any
    award_date: Any
    recipient_name: Any
    recipient_id: Any
    funder_name: Any
    signature: str


@dataclass
class GrantFile:
    kind: str
    grants: list[Grant]
    columns: dict[str, str | None] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


FLAT_TITLES = {
    "id": "Identifier",
    "amount": "Amount Awarded",
    "award_date": "Award Date",
    "recipient_name": "Recipient Org:Name",
    "recipient_id": "Recipient Org:Identifier",
    "recipient_ind_name": "Recipient Ind:Name",
    "recipient_ind_id": "Recipient Ind:Identifier",
    "funder_name": "Funding Org:Name",
}
REQUIRED_TITLES = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
]


def flat_grants(kind: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> GrantFile:
    keys = [title_key(title) for title in header]
    where = {
        name: (keys.index(title_key(title)) if title_key(title) in keys else None)
        for name, title in FLAT_TITLES.items()
    }

    def cell(row: Sequence[Any], name: str) -> Any:
        index = where[name]
        return row[index] if index is not None and index < len(row) else None

    grants = []
    for row in rows:
        grants.append(
            Grant(
                id=cell(row, "id"),
                amount=cell(row, "amount"),
                award_date=cell(row, "award_date"),
                recipient_name=cell(row, "recipient_name") or cell(row, "recipient_ind_name"),
                recipient_id=cell(row, "recipient_id") or cell(row, "recipient_ind_id"),
                funder_name=cell(row, "funder_name"),
                signature=json.dumps([str(v) if v is not None else None for v in row]),
            )
        )
    present = set(keys)
    return GrantFile(
        kind=kind,
        grants=grants,
        columns={name: header[i] if i is not None else None for name, i in where.items()},
        missing_columns=[t for t in REQUIRED_TITLES if title_key(t) not in present],
    )


def read_360_csv(path: Path) -> GrantFile:
    header, body, encoding = csv_rows(path)
    found = flat_grants("360giving-csv", header, body)
    found.notes.append(f"encoding {encoding}")
    return found


def read_360_xlsx(path: Path) -> GrantFile:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = {sheet.title.strip().lower(): sheet for sheet in book.worksheets}
    sheet = sheets.get("grants") or book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    body = [row for row in rows[1:] if not all(blank(value) for value in row)]
    found = flat_grants("360giving-xlsx", rows[0], body)
    found.notes.append(f"sheet {sheet.title!r}")
    return found


def read_360_json(path: Path) -> GrantFile:
    text, _ = decoded(raw_bytes(path))
    data = json.loads(text)
    items = data["grants"] if isinstance(data, dict) else data
    grants = []
    for item in items:
        recipients = item.get("recipientOrganization") or [{}]
        recipient = recipients[0] if isinstance(recipients, list) else recipients
        individual = item.get("recipientIndividual") or {}
        funders = item.get("fundingOrganization") or [{}]
        funder = funders[0] if isinstance(funders, list) else funders
        grants.append(
            Grant(
                id=item.get("id"),
                amount=item.get("amountAwarded"),
                award_date=item.get("awardDate"),
                recipient_name=recipient.get("name") or individual.get("name"),
                recipient_id=recipient.get("id") or individual.get("id"),
                funder_name=funder.get("name"),
                signature=json.dumps(item, sort_keys=True),
            )
        )
    return GrantFile(kind="360giving-json", grants=grants, columns={"amount": "amountAwarded"})


def grant_figures(found: GrantFile) -> dict[str, Any]:
    grants = found.grants
    order = date_order(grant.award_date for grant in grants)
    ids = collections.Counter(str(g.id).strip() for g in grants if not blank(g.id))
    repeated = {key for key, count in ids.items() if count > 1}
    seen: set[str] = set()
    total = loaded = rejected = repeated_pence = 0
    counts: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    for grant in grants:
        value = None if blank(grant.amount) else amount(grant.amount)
        row_pence = pence(value) if value is not None else 0
        total += row_pence
        exact_repeat = grant.signature in seen
        seen.add(grant.signature)
        if blank(grant.id):
            counts["rows_without_id"] += 1
        if blank(grant.amount):
            counts["rows_without_amount"] += 1
        elif value is None:
            counts["unreadable_amount_rows"] += 1
        if blank(grant.award_date):
            counts["rows_without_award_date"] += 1
        if blank(grant.recipient_name) and blank(grant.recipient_id):
            counts["rows_without_recipient"] += 1
        if not blank(grant.id) and str(grant.id).strip() in repeated:
            counts["repeated_id_lines"] += 1
            repeated_pence += row_pence
            if exact_repeat:
                counts["repeated_id_exact_repeat_lines"] += 1
        checks = [
            ("no id", blank(grant.id)),
            ("no amount", blank(grant.amount)),
            ("unreadable amount", value is None),
            ("no award date", blank(grant.award_date)),
            ("unreadable award date", not date_reads(grant.award_date, order)),
            ("no recipient", blank(grant.recipient_name) and blank(grant.recipient_id)),
            ("negative amount", value is not None and value < 0),
            ("exact repeat of an earlier line", exact_repeat),
        ]
        reason = first_failure(checks)
        if reason:
            reasons[reason] += 1
            rejected += row_pence
        else:
            loaded += row_pence
    funders = collections.Counter(str(g.funder_name) for g in grants if not blank(g.funder_name))
    return {
        "kind": found.kind,
        "publisher": funders.most_common(1)[0][0] if funders else None,
        "rows": len(grants),
        "amount_column": found.columns.get("amount"),
        "total_pence": total,
        "unreadable_amount_rows": counts["unreadable_amount_rows"],
        "rows_without_id": counts["rows_without_id"],
        "rows_without_amount": counts["rows_without_amount"],
        "rows_without_award_date": counts["rows_without_award_date"],
        "rows_without_recipient_name_or_id": counts["rows_without_recipient"],
        "missing_required_columns": found.missing_columns,
        "award_date_order": order,
        "repeated_ids": {
            "ids": len(repeated),
            "lines": counts["repeated_id_lines"],
            "pence": repeated_pence,
            "exact_repeat_lines": counts["repeated_id_exact_repeat_lines"],
        },
        "expected_loaded_rows": len(grants) - sum(reasons.values()),
        "expected_loaded_pence": loaded,
        "expected_rejected_rows": sum(reasons.values()),
        "expected_rejected_pence": rejected,
        "expected_reject_reasons": dict(sorted(reasons.items())),
        "notes": found.notes,
    }


# ------------------------------------------------------------------------------ spend


@dataclass(frozen=True)
class SpendSpec:
    """What the officer reads off the header of one council's file."""

    publisher: str
    amount: str  # the net amount where the file has net and gross
    dates: tuple[str, ...]  # payment date and period columns
    gross: str | None = None
    vat: str | None = None
    period_outside_file: str | None = None  # from the file name, for a file with no date


SPEND = {
    "bradford_spend_2019-12_odileeds-clean.csv": SpendSpec(
        "City of Bradford MDC", "Net Amount", ("Payment date",)
    ),
    "calderdale_spend_2022-08_odileeds-clean.csv": SpendSpec(
        "Calderdale MBC", "Net Amount", ("Date",), vat="Irrecoverable VAT"
    ),
    "darlington-bc_spend_2014-06_odileeds-clean.csv": SpendSpec(
        "Darlington BC",
        "Invoice Line Value (net of VAT)",
        (),
        period_outside_file="2014-06",
    ),
    "gateshead_spend_2022-08_odileeds-clean.csv": SpendSpec(
        "Gateshead Council", "Amount", ("Period",)
    ),
    "harrogate-bc_spend_2022-08_odileeds-clean.csv": SpendSpec(
        "Harrogate BC", "Net Amount", ("Payment Date",)
    ),
    "leeds-cc_spend_2020-06_raw_truncated.csv": SpendSpec(
        "Leeds City Council",
        "Amount",
        ("Payment Date", "Effective Date"),
        vat="Irrecoverable VAT Amount",
    ),
    "manchester-cc_expenditure-over-500_2022-05_odileeds-clean.csv": SpendSpec(
        "Manchester City Council", "Net Amount", ("Invoice Payment Date",)
    ),
    "salford-cc_spend_2021-05_odileeds-clean.csv": SpendSpec(
        "Salford City Council", "Net", ("Date of Payment",), gross="Gross", vat="VAT"
    ),
    "trafford-mbc_supplier-spend-2026-27_first5000rows.csv": SpendSpec(
        "Trafford MBC",
        "Amount",
        ("PaymentDate", "EffectiveDate"),
        vat="IrrecoverableVATAmount",
    ),
}


def spend_figures(path: Path) -> dict[str, Any]:
    spec = SPEND.get(path.name)
    if spec is None:
        raise SystemExit(f"{path.name}: no column spec; read its header and add one to SPEND")
    header, body, encoding = csv_rows(path)
    keys = [title_key(title) for title in header]

    def column(title: str) -> int:
        return keys.index(title_key(title))

    amount_at = column(spec.amount)
    gross_at = column(spec.gross) if spec.gross else None
    date_at = [column(title) for title in spec.dates]

    def cell(row: list[str], index: int) -> str:
        return row[index] if index < len(row) else ""

    total = loaded = rejected = gross_total = 0
    counts: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    for row in body:
        raw = cell(row, amount_at)
        value = None if blank(raw) else amount(raw)
        row_pence = pence(value) if value is not None else 0
        total += row_pence
        if gross_at is not None:
            gross = amount(cell(row, gross_at))
            gross_total += pence(gross) if gross is not None else 0
        undated = all(blank(cell(row, index)) for index in date_at)
        if blank(raw):
            counts["blank"] += 1
        elif value is None:
            counts["unreadable"] += 1
        if undated:
            counts["undated"] += 1
        reason = first_failure(
            [
                ("blank amount", blank(raw)),
                ("unreadable amount", value is None),
                ("no payment date and no period", undated and not spec.period_outside_file),
            ]
        )
        if reason:
            reasons[reason] += 1
            rejected += row_pence
        else:
            loaded += row_pence
    figures: dict[str, Any] = {
        "kind": "spend-csv",
        "publisher": spec.publisher,
        "rows": len(body),
        "amount_column": header[amount_at],
        "total_pence": total,
        "unreadable_amount_rows": counts["unreadable"],
        "rows_with_blank_amount": counts["blank"],
        "rows_without_payment_date_or_period": counts["undated"],
        "date_columns": [header[index] for index in date_at],
        "net_column": header[amount_at] if gross_at is not None else None,
        "gross_column": header[gross_at] if gross_at is not None else None,
        "gross_total_pence": gross_total if gross_at is not None else None,
        "vat_column": spec.vat,
        "period_outside_file": spec.period_outside_file,
        "expected_loaded_rows": len(body) - sum(reasons.values()),
        "expected_loaded_pence": loaded,
        "expected_rejected_rows": sum(reasons.values()),
        "expected_rejected_pence": rejected,
        "expected_reject_reasons": dict(sorted(reasons.items())),
        "notes": [f"encoding {encoding}"],
    }
    return figures


# ------------------------------------------------------------------------------ corpus


def grant_reader(path: Path) -> Any:
    name = path.name.removesuffix(".gz")
    if name.endswith(".json"):
        return read_360_json
    if name.endswith(".csv"):
        return read_360_csv
    if name.endswith(".xlsx"):
        return read_360_xlsx
    return None


def corpus() -> dict[str, Any]:
    files = []
    for folder in GRANT_DIRS:
        for path in sorted((REAL / folder).iterdir()):
            reader = grant_reader(path)
            if reader:
                entry = grant_figures(reader(path))
                files.append({"path": path.relative_to(REAL).as_posix()} | entry)
    for path in sorted((REAL / SPEND_DIR).glob("*.csv")):
        files.append({"path": path.relative_to(REAL).as_posix()} | spend_figures(path))
    for entry in files:
        assert (
            entry["expected_loaded_pence"] + entry["expected_rejected_pence"]
            == entry["total_pence"]
        ), entry["path"]
        assert entry["expected_loaded_rows"] + entry["expected_rejected_rows"] == entry["rows"]
    return {
        "about": "Figures computed from the bytes of each real file by "
        "tests/real_corpus/figures.py (standard library and openpyxl only, no product "
        "code). Pence are integers; "
        "expected_* follow the loading rules of issue 18 described in that script.",
        "files": files,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if corpus.json is stale")
    args = parser.parse_args(argv)
    text = json.dumps(corpus(), indent=1, ensure_ascii=False) + "\n"
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.name} is stale: run tests/real_corpus/figures.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
