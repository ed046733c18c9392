"""Format adapter: council spend over £500 (Local Government Transparency Code) as CSV.

Each council names its columns differently (``spend_headers`` maps them), and files come in
UTF-8, UTF-8 with a real or double-encoded byte-order mark, or cp1252. Everything below works
column by column: monthly files reach 40,000 rows.

Decisions a reader of the warehouse needs to know:

- ``body_key`` is the spending body's identifier (URI or code) when the file has one, lower
  case without ``http://``/``https://``; else its name, slugged; else, when the file names no
  body at all, ``file:`` plus the file's name slugged with dates (``2022-08``, ``202208``,
  ``2022_08_31``, ...) removed. That fallback is the same for every month of a series named
  alike and for a corrected copy under the same name, so reloads stay idempotent.
- ``payment_date`` is the payment date column, or where it is blank the period end /
  effective date (``yyyymm`` periods are taken as the month's last day).
- Rows sharing a transaction number get ``line_no`` 1, 2, 3 ... in file order; a file with a
  sequence column (``Seq no``) uses it instead. Rows with a blank transaction number get the
  stable id ``<file name stem>:row<N>`` (N = spreadsheet row) and are loaded.
- Redacted suppliers (``REDACTED PERSONAL DATA``, ``Redacted``, blank ...) are loaded with
  ``supplier_is_redacted`` true and no name, reference, company or charity number.
- Title rows above the header (common in raw council files) are skipped; they are not data.

Most columns repeat a few values thousands of times (body, department, dates), so values are
cleaned and parsed once per distinct value and spread back over the rows (``_by_value``).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source, read_csv_frame
from data_pipeline.formats import spend_headers as h
from data_pipeline.formats.base import (
    Format,
    Money,
    Parsed,
    RejectCollector,
    WarningCollector,
    quoted,
    reject_bad_rows,
)
from data_pipeline.transform import (
    blank_mask,
    clean_text,
    financial_year,
    parse_bool,
    parse_dates,
    parse_money_pence,
    parse_number,
    slugify,
)
from warehouse.schema import fct_spend

FORMAT_ID = "spend-csv"
_HEADER_SEARCH_ROWS = 15
_DATE_FIELDS = (h.PAYMENT_DATE, h.PERIOD_END)

# Characters U+0080-U+009F are C1 controls, never meant in text: they appear when cp1252 bytes
# were decoded as ISO-8859-1 and re-encoded as UTF-8 (``KELLY\x92S``). Map them back.
_C1_REPAIR = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}

_REDACTED = re.compile(
    r"\bredacted\b|^(?:personal (?:data|information|details)|withheld|name withheld|"
    r"private individual|individual|not disclosed)$",
    re.IGNORECASE,
)
_URI_SCHEME = re.compile(r"^https?://(www\.)?", re.IGNORECASE)


def header_fields(titles: list[str]) -> dict[str, str]:
    """Column title -> canonical field, for the titles the alias map recognises."""
    return {title: field for title in titles if (field := h.field_of(title)) is not None}


_AMOUNT_FIELDS = (h.AMOUNT, h.GROSS_AMOUNT)
_ESSENTIALS = (
    ("an amount", _AMOUNT_FIELDS),
    ("a supplier", (h.SUPPLIER_NAME,)),
    ("a payment date or period", _DATE_FIELDS),
)
_PERIOD_IN_NAME = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-_. ]?(0[1-9]|1[0-2])(?![0-9])")
_MONTH_IN_NAME = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_. ]?"
    r"((?:19|20)[0-9]{2})(?![0-9])",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _lacking(titles: list[str]) -> list[str]:
    """What a header lacks of the columns every spend file needs."""
    fields = set(header_fields(titles).values())
    return [label for label, wanted in _ESSENTIALS if not fields.intersection(wanted)]


def _looks_like_spend_header(titles: list[str]) -> bool:
    return not _lacking(titles)


def find_header_row(text: str) -> int | None:
    """The 0-based line of the header among the first rows, or None when none looks like
    spend (an amount, a supplier and a date or period column)."""
    reader = csv.reader(io.StringIO(text[:50_000]))
    try:
        for number, row in enumerate(reader):
            if number >= _HEADER_SEARCH_ROWS:
                break
            if _looks_like_spend_header([cell.strip() for cell in row]):
                return number
    except csv.Error:
        return None
    return None


def near_miss(source: Source) -> str | None:
    """For a CSV that is not quite spend: what it lacks ("looks like a spend file, but has no
    column for ..."), when its header names two of an amount, a supplier and a date or period.
    None for anything further from spend."""
    if source.is_xlsx or not source.csv_header:
        return None
    lacking = _lacking(source.csv_header)
    if len(lacking) != 1:
        return None
    advice = ""
    if lacking == ["a payment date or period"]:
        advice = "; name the period with `--period 2014-08` or in the file's name"
    return f"looks like a spend file, but has no column for {lacking[0]}{advice}"


def lacks_only_dates(source: Source) -> bool:
    """A CSV with an amount and a supplier but no date or period column: spend whose period
    may come from ``--period`` or the file's name (``parse`` refuses it when neither has one)."""
    return (
        bool(source.csv_header)
        and not source.is_xlsx
        and (_lacking(source.csv_header) == ["a payment date or period"])
    )


def period_from_name(file_name: str) -> str | None:
    """The month a file's name gives (``spend-2014-08.csv``, ``..._201408.csv``,
    ``spend_August_2014.csv``) as ``YYYY-MM``; None when it names none, or more than one."""
    stem = Path(file_name).stem
    found = {f"{year}-{month}" for year, month in _PERIOD_IN_NAME.findall(stem)}
    found |= {
        f"{year}-{_MONTHS.index(month[:3].lower()) + 1:02d}"
        for month, year in _MONTH_IN_NAME.findall(stem)
    }
    return found.pop() if len(found) == 1 else None


def _month_end(period: str) -> object:
    year, month = (int(part) for part in period.split("-"))
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1]).date()


def sniff(source: Source) -> bool:
    """A CSV whose header (or a row among the first few, below title rows) names an amount,
    a supplier and a payment date or period."""
    if source.is_xlsx:
        return False
    if _looks_like_spend_header(source.csv_header):
        return True
    if source.text.lstrip().startswith(("{", "[")):
        return False
    return find_header_row(source.text) is not None


@dataclass
class _Columns:
    """The columns a file uses for each canonical field."""

    chosen: dict[str, str]

    def title(self, field_name: str) -> str:
        return self.chosen.get(field_name, field_name)

    def has(self, field_name: str) -> bool:
        return field_name in self.chosen


def choose_columns(frame: pd.DataFrame) -> dict[str, str]:
    """For each canonical field, the file's best column: the most preferred alias that holds
    any value (falling back to the most preferred one when all are empty)."""
    candidates: dict[str, list[str]] = {}
    for title, field_name in header_fields([c for c in frame.columns if c != ROW]).items():
        candidates.setdefault(field_name, []).append(title)
    chosen = {}
    for field_name, titles in candidates.items():
        titles.sort(key=lambda t: h.HEADER_RANKS[h.header_key(t)])
        filled = [t for t in titles if not blank_mask(pd.Series(frame[t].unique())).all()]
        chosen[field_name] = (filled or titles)[0]
    return chosen


def _read(source: Source) -> pd.DataFrame:
    header_row = 0 if _looks_like_spend_header(source.csv_header) else find_header_row(source.text)
    if not header_row:
        return read_csv_frame(source, keep_ragged_rows=True)
    # Re-read from the header line on; rows keep the numbers a person sees in the file.
    # Split on "\n" only: str.splitlines would also break at U+0085 and U+2028 inside values.
    lines = source.text.split("\n")
    rest = Source(source.path, "\n".join(lines[header_row:]).encode("utf-8"), label=source.label)
    frame = read_csv_frame(rest, keep_ragged_rows=True)
    frame[ROW] = frame[ROW] + header_row
    source.cleaned.extend(
        replace(c, examples=tuple(r + header_row for r in c.examples if r is not None))
        for c in rest.cleaned
    )
    return frame


Result = TypeVar("Result", pd.Series, tuple[pd.Series, pd.Series])


def _by_value(values: pd.Series, transform: Callable[[pd.Series], Result]) -> Result:
    """``transform`` applied once per distinct value, spread back over ``values``' rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = transform(pd.Series(uniques, dtype=values.dtype))

    def spread(series: pd.Series) -> pd.Series:
        return pd.Series(series.array.take(codes), index=values.index, name=values.name)

    if isinstance(done, tuple):
        return (spread(done[0]), spread(done[1]))
    return spread(done)


def _reject_values(
    rejects: RejectCollector, mask: pd.Series, raw: pd.DataFrame, title: str, problem: str
) -> None:
    """Reject rows whose value in ``title`` is wrong, quoting the value in the reason."""
    if mask.any():
        reason = (quoted(raw.loc[mask, title]) + " " + problem).reindex(raw.index)
        rejects.add(mask, title, reason)


def _clean(values: pd.Series) -> pd.Series:
    repaired = values.astype("string").str.translate(_C1_REPAIR)
    return clean_text(repaired).str.replace(r"\s+", " ", regex=True)


def _text(frame: pd.DataFrame, columns: _Columns, field_name: str) -> pd.Series:
    """The field's column, repaired and cleaned (<NA> for blanks); all <NA> when absent."""
    if not columns.has(field_name):
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return _by_value(frame[columns.title(field_name)], _clean)


def _body_keys(pairs: pd.DataFrame) -> pd.DataFrame:
    """For distinct (id, name) pairs: the body key, and the name (a "Body" column can hold a
    name rather than a URI or code). <NA> where the pair names no body."""
    body_id, name = pairs["id"], pairs["name"]
    id_is_name = body_id.str.contains(" ", regex=False).fillna(False) & ~body_id.str.match(
        _URI_SCHEME
    ).fillna(False)
    name = name.fillna(body_id.where(id_is_name))
    id_key = (
        body_id.where(~id_is_name)
        .str.lower()
        .str.replace(_URI_SCHEME, "", regex=True)
        .str.rstrip("/")
    )
    key = id_key.fillna(slugify(name).replace("", pd.NA))
    return pd.DataFrame({"key": key, "name": name})


def _body(frame: pd.DataFrame, columns: _Columns) -> tuple[pd.Series, pd.Series]:
    """(body_key, body_name) per row; <NA> where the row names no body."""
    pairs = pd.DataFrame(
        {"id": _text(frame, columns, h.BODY_ID), "name": _text(frame, columns, h.BODY_NAME)}
    )
    distinct = pairs.drop_duplicates()
    keys = _body_keys(distinct.reset_index(drop=True))
    keys.index = pd.MultiIndex.from_frame(distinct)
    per_row = keys.reindex(pd.MultiIndex.from_frame(pairs))
    return (
        pd.Series(per_row["key"].to_numpy(), index=frame.index, dtype="string"),
        pd.Series(per_row["name"].to_numpy(), index=frame.index, dtype="string"),
    )


_NO_PAYER_FIX = (
    "name the paying body with `--publisher NAME` or `[spend] publisher` in observatory.toml"
)


def _payer(
    frame: pd.DataFrame,
    columns: _Columns,
    config: Config,
    file_name: str,
    rejects: RejectCollector,
    warnings: WarningCollector,
) -> tuple[pd.Series, pd.Series]:
    """(body_key, body_name): the file's body column, else the configured publisher. The
    warehouse never holds spend with no payer: a file without either is refused whole, and a
    row with a blank body (where nothing is configured) is rejected."""
    body_columns = [columns.title(f) for f in (h.BODY_ID, h.BODY_NAME) if columns.has(f)]
    publisher = config.spend_publisher
    if not body_columns and not publisher:
        raise FileRejected(
            file_name, f"is spend that names no paying body (no body column): {_NO_PAYER_FIX}"
        )
    key, name = _body(frame, columns)
    missing = key.isna()
    if publisher and missing.any():
        message = f"the paying body is {publisher!r}, from {config.spend_publisher_from}"
        if body_columns:
            blank = " and ".join(map(repr, body_columns))
            warnings.add(
                missing, body_columns[0], "publisher", f"{message}, where {blank} is blank"
            )
        else:
            warnings.add_file("publisher", None, f"{message}: the file has no body column")
        key = key.fillna(slugify(pd.Series([publisher])).iloc[0])
        name = name.fillna(publisher)
    elif missing.any():
        rejects.add(
            missing, body_columns[0], f"is required but blank (no paying body); {_NO_PAYER_FIX}"
        )
    return key, name


def _transaction_ids(frame: pd.DataFrame, columns: _Columns, file_name: str) -> pd.Series:
    """Transaction numbers; blanks get ``<file stem>:row<N>``."""
    ids = _text(frame, columns, h.TRANSACTION_ID)
    synthetic = Path(file_name).stem + ":row" + frame[ROW].astype("string")
    return ids.fillna(synthetic)


def _line_numbers(
    frame: pd.DataFrame,
    columns: _Columns,
    body_key: pd.Series,
    transaction_id: pd.Series,
    rejects: RejectCollector,
) -> pd.Series:
    if not columns.has(h.LINE_NO):
        keys = pd.DataFrame({"body": body_key, "transaction": transaction_id})
        return keys.groupby(["body", "transaction"], sort=False).cumcount().add(1).astype("Int64")
    title = columns.title(h.LINE_NO)
    number, invalid = _by_value(frame[title], parse_number)
    whole = (number.notna() & (number >= 0) & (number == number.round())).fillna(False)
    invalid = invalid | (number.notna() & ~whole.astype(bool))
    _reject_values(rejects, invalid, frame, title, "is not a line number (a whole number)")
    rejects.add(number.isna() & ~invalid, title, "is required but blank")
    return number.where(whole.astype(bool)).round().astype("Int64")


def _date_values(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return parse_dates(values.astype("string").str.replace("\xa0", " "))


def _parsed_dates(
    frame: pd.DataFrame, columns: _Columns, field_name: str
) -> tuple[pd.Series, pd.Series]:
    if not columns.has(field_name):
        return pd.Series(None, index=frame.index, dtype=object), pd.Series(False, index=frame.index)
    return _by_value(frame[columns.title(field_name)], _date_values)


def _dates(frame: pd.DataFrame, columns: _Columns, rejects: RejectCollector) -> pd.Series:
    """Payment date, else period end; rows with neither are rejected."""
    expected = "is not a date (expected yyyy-mm-dd, dd/mm/yyyy, yyyymm or an Excel serial)"
    paid, paid_bad = _parsed_dates(frame, columns, h.PAYMENT_DATE)
    period, period_bad = _parsed_dates(frame, columns, h.PERIOD_END)
    paid_title, period_title = columns.title(h.PAYMENT_DATE), columns.title(h.PERIOD_END)
    if columns.has(h.PAYMENT_DATE):
        _reject_values(rejects, paid_bad, frame, paid_title, expected)
    if columns.has(h.PERIOD_END):
        # A bad period only matters where it would stand in for the payment date.
        unused = paid.notna() | paid_bad
        _reject_values(rejects, period_bad & ~unused, frame, period_title, expected)
    result = paid.where(paid.notna(), period)
    missing = result.isna() & ~paid_bad & ~period_bad
    title = paid_title if columns.has(h.PAYMENT_DATE) else period_title
    rejects.add(missing, title, "is required but blank (no payment date or period)")
    return result


def _period_dates(
    frame: pd.DataFrame, config: Config, file_name: str, warnings: WarningCollector
) -> pd.Series:
    """For a file with no date column: the last day of the month ``--period`` names, else of
    the month in the file's name; the file is refused when neither names one."""
    period, origin = config.spend_period, "--period"
    if period is None:
        period, origin = period_from_name(file_name), "the file's name"
    if period is None:
        raise FileRejected(
            file_name,
            "looks like a spend file, but has no column for a payment date or period; "
            "name the period with `--period 2014-08` or in the file's name",
        )
    day = _month_end(period)
    warnings.add_file(
        "period",
        None,
        f"the file has no payment date column: every payment is dated {day} "
        f"(the end of {period}, from {origin})",
    )
    return pd.Series([day] * len(frame), index=frame.index, dtype=object)


def _money(
    frame: pd.DataFrame, columns: _Columns, field_name: str, rejects: RejectCollector
) -> pd.Series:
    return _money_of(frame, columns, field_name, rejects)[0]


def _money_of(
    frame: pd.DataFrame, columns: _Columns, field_name: str, rejects: RejectCollector
) -> tuple[pd.Series, pd.Series]:
    """(pence, unreadable) of the field's column; a value that is not money is rejected."""
    if not columns.has(field_name):
        empty = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        return empty, pd.Series(False, index=frame.index)
    title = columns.title(field_name)
    pence, invalid = _by_value(frame[title], parse_money_pence)
    _reject_values(rejects, invalid, frame, title, "is not an amount of money")
    return pence, invalid


def _amount_field(raw: pd.DataFrame, columns: _Columns, warnings: WarningCollector) -> str:
    """The field amounts are loaded from (net, or plain, before gross), with a file warning
    naming the column and the money columns that were not summed."""
    field_name = h.AMOUNT if columns.has(h.AMOUNT) else h.GROSS_AMOUNT
    title = columns.title(field_name)
    money_fields = (h.AMOUNT, h.GROSS_AMOUNT, h.VAT_AMOUNT)
    others = [t for t in raw.columns if t != title and h.field_of(str(t)) in money_fields]
    if field_name == h.GROSS_AMOUNT:
        message = f"amounts are the gross column {title!r} (VAT included): there is no net one"
    elif h.header_key(title) in h.NET_KEYS:
        message = f"amounts are the net column {title!r}"
    else:
        message = f"amounts are the column {title!r}"
    if others:
        listed = " and ".join(repr(t) for t in others)
        message += f"; {listed} {'was' if len(others) == 1 else 'were'} not summed"
    warnings.add_file("amount-column", title, message)
    return field_name


def _warn_unknown_columns(raw: pd.DataFrame, warnings: WarningCollector) -> None:
    for title in raw.columns:
        if title != ROW and h.field_of(title) is None:
            warnings.add_file(
                "unknown-column",
                title,
                f"column {title!r} is not one the spend reader knows; it was not loaded",
            )


def _money_totals(
    title: str, pence: pd.Series, unreadable: pd.Series, rejected: pd.Series
) -> Money:
    values = pence.fillna(0).astype("int64")
    return Money(
        column=title,
        loaded_field="amount_pence",
        read_pence=int(values.sum()),
        rejected_pence=int(values[rejected].sum()),
        unreadable_rows=int(unreadable.sum()),
    )


def _capital_revenue(values: pd.Series) -> pd.Series:
    words = {"c": "Capital", "cap": "Capital", "capital": "Capital"}
    words |= {"r": "Revenue", "rev": "Revenue", "revenue": "Revenue"}
    return values.str.lower().map(words).astype("string").fillna(values)


def _company_numbers(values: pd.Series) -> pd.Series:
    """Companies House numbers are 8 characters; spreadsheets drop their leading zeros."""
    text = values.str.replace(" ", "", regex=False).str.upper()
    digits = text.str.fullmatch(r"\d{1,7}").fillna(False).astype(bool)
    return text.where(~digits, text.str.zfill(8))


def _redacted_values(names: pd.Series) -> pd.Series:
    text = names.astype("string")
    return (text.isna() | text.str.contains(_REDACTED, regex=True)).fillna(True).astype(bool)


def is_redacted(names: pd.Series) -> pd.Series:
    """True where a supplier name (or reference) says it was withheld, or is blank."""
    return _by_value(names.astype("string"), _redacted_values).astype(bool)


def _vcse(frame: pd.DataFrame, columns: _Columns, rejects: RejectCollector) -> pd.Series:
    """The VCSE flag; <NA> when the file has no such column."""
    if not columns.has(h.VCSE):
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")
    title = columns.title(h.VCSE)
    flag, invalid = parse_bool(_text(frame, columns, h.VCSE).fillna(""))
    _reject_values(rejects, invalid, frame, title, "is not Y or N")
    # Publishers mark only VCSE suppliers; a blank cell means "no".
    return flag.fillna(False)


def _duplicates(
    out: pd.DataFrame, raw: pd.DataFrame, keep: pd.Series, title: str, rejects: RejectCollector
) -> None:
    """Later rows repeating a (body, transaction, line) already seen are rejected."""
    key = ["body_key", "transaction_id", "line_no"]
    candidates = out.loc[keep, key]
    repeated = candidates.duplicated(keep="first")
    if not repeated.any():
        return
    first_row = (
        raw.loc[candidates.index, ROW]
        .groupby([candidates[k] for k in key], sort=False)
        .transform("first")
    )
    reason = "repeats the transaction and line number first seen in row " + first_row.astype(
        "string"
    )
    rejects.add(repeated, title, reason[repeated])


def _publisher(loaded: pd.DataFrame) -> str | None:
    """The body's name when the file is one body's spend."""
    if loaded["body_key"].nunique() != 1 or loaded["body_name"].isna().all():
        return None
    return str(loaded["body_name"].mode().iloc[0])


def parse(source: Source, config: Config) -> Parsed:
    """Read a spend file into fct_spend rows, rejects, warnings and its money."""
    raw = _read(source)
    columns = _Columns(choose_columns(raw))
    titles = [c for c in raw.columns if c != ROW]
    missing = _lacking(titles)
    if missing and missing != ["a payment date or period"]:
        raise FileRejected(
            source.name, "is not a spend file: it has no column for " + " or ".join(missing)
        )
    rejects = RejectCollector(raw)
    warnings = WarningCollector(raw)
    period_dates = _period_dates(raw, config, source.name, warnings) if missing else None
    reject_bad_rows(raw, rejects, warnings)
    _warn_unknown_columns(raw, warnings)

    body_key, body_name = _payer(raw, columns, config, source.name, rejects, warnings)
    transaction_id = _transaction_ids(raw, columns, source.name)
    line_no = _line_numbers(raw, columns, body_key, transaction_id, rejects)
    if period_dates is not None:
        payment_date = period_dates
    else:
        payment_date = _dates(raw, columns, rejects)
        if config.spend_period:
            warnings.add_file(
                "period",
                None,
                f"--period {config.spend_period} was not used: the file has its own dates",
            )

    amount_field = _amount_field(raw, columns, warnings)
    amount_title = columns.title(amount_field)
    amount, unreadable = _money_of(raw, columns, amount_field, rejects)
    rejects.add(_by_value(raw[amount_title], blank_mask), amount_title, "is required but blank")
    vat = _money(raw, columns, h.IRRECOVERABLE_VAT, rejects)

    supplier = _text(raw, columns, h.SUPPLIER_NAME)
    supplier_ref = _text(raw, columns, h.SUPPLIER_REF)
    redacted = is_redacted(supplier) | (supplier_ref.notna() & is_redacted(supplier_ref))
    company = _text(raw, columns, h.COMPANY_NUMBER)

    out = pd.DataFrame(
        {
            "body_key": body_key,
            "transaction_id": transaction_id,
            "line_no": line_no,
            "body_name": body_name,
            "payment_date": payment_date,
            "financial_year": _by_value(payment_date, financial_year),
            "org_unit": _text(raw, columns, h.ORG_UNIT),
            "expense_type": _text(raw, columns, h.EXPENSE_TYPE),
            "purpose": _text(raw, columns, h.PURPOSE),
            "supplier_name": supplier.mask(redacted),
            "supplier_is_redacted": redacted,
            "supplier_ref": supplier_ref.mask(redacted),
            "supplier_company_number": _company_numbers(company).mask(redacted),
            "supplier_charity_number": _text(raw, columns, h.CHARITY_NUMBER).mask(redacted),
            "amount_pence": amount,
            "irrecoverable_vat_pence": vat,
            "currency": "GBP",
            "capital_revenue": _capital_revenue(_text(raw, columns, h.CAPITAL_REVENUE)),
            "is_vcse": _vcse(raw, columns, rejects),
        },
        index=raw.index,
    )
    _duplicates(out, raw, ~rejects.rejected, columns.title(h.TRANSACTION_ID), rejects)
    rejected = rejects.rejected
    loaded = out.loc[~rejected].reset_index(drop=True)
    return Parsed(
        format_id=FORMAT_ID,
        rows_read=len(raw),
        primary=fct_spend,
        frames=[(fct_spend, loaded)],
        rejects=rejects.records(),
        publisher=_publisher(loaded),
        # Only what the configuration states: a spend CSV carries no licence of its own.
        licence=config.default_licence,
        warnings=warnings.warnings,
        money=_money_totals(amount_title, amount, unreadable, rejected),
    )


FORMATS: list[Format] = [
    Format(
        id=FORMAT_ID,
        label="Council spend over £500 (Transparency Code CSV)",
        sniff=sniff,
        parse=parse,
    )
]
