"""Pure, column-wise transforms shared by every format.

Rule: nothing here reads or writes files or the database. Each parser takes a pandas Series of
raw text and returns the parsed Series plus a boolean Series marking the values that could not
be parsed (blank input is not an error; required-ness is checked by the caller).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_pipeline.distinct_values import per_distinct
from data_pipeline.text_cells import arrow_text, placeholder_cells, trimmed

BLANKS = frozenset({"", "na", "n/a", "#n/a", "null", "none", "-", "nan"})


def blank_mask(values: pd.Series) -> pd.Series:
    """True where a raw value is missing or one of the usual placeholders for missing."""
    return placeholder_cells(values, BLANKS)


def clean_text(values: pd.Series) -> pd.Series:
    """Strip spaces (including non-breaking ones); blanks become <NA>."""
    text = values.astype("string").str.replace("\xa0", " ", regex=False).str.strip()
    return text.mask(blank_mask(values))


def normalise_title(title: str) -> str:
    """A column title as the official 360Giving converter matches it: no spaces, lower case."""
    text = title.replace("\ufeff", "").replace("ï»¿", "").replace("\xa0", " ")
    return re.sub(r"\s+", "", text).lower()


_MONEY_JUNK = re.compile(r"[£,\s]|GBP", re.IGNORECASE)


def parse_money_pence(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts such as ``£1,234.56``, ``(12.00)`` or ``-5`` to integer pence (Int64).

    Parentheses mean a negative amount. Returns (pence, invalid_mask).

    Plain amounts (``1234.5``, ``-20``) are read with pyarrow's kernels over the whole column;
    only the values that are not plain take the tolerant parse below.
    """
    array = arrow_text(values)
    if array is None:
        return per_distinct(values, _parse_money_pence)
    # Each distinct value read once (a large file repeats its amounts), then spread.
    encoded = pc.dictionary_encode(array)
    stripped = trimmed(encoded.dictionary)
    plain_distinct = pc.fill_null(pc.match_substring_regex(stripped, _PLAIN_MONEY), False)
    blank_distinct = pc.fill_null(pc.equal(stripped, ""), True)
    # float64 then x100 and round half to even: the tolerant parse's own arithmetic.
    number = pc.cast(pc.if_else(plain_distinct, stripped, None), pa.float64())
    pence_distinct = pc.cast(pc.round(pc.multiply(number, 100.0)), pa.int64())
    indices = encoded.indices
    plain = np.asarray(pc.fill_null(pc.take(plain_distinct, indices), False), dtype=bool)
    blank = np.asarray(pc.fill_null(pc.take(blank_distinct, indices), True), dtype=bool)
    pence = pd.array(pc.take(pence_distinct, indices), dtype="Int64")
    invalid = np.zeros(len(values), dtype=bool)
    rest = ~plain & ~blank
    if rest.any():
        rest_pence, rest_invalid = per_distinct(values[rest], _parse_money_pence)
        pence[rest] = rest_pence.array
        invalid[rest] = rest_invalid.to_numpy(dtype=bool)
    return pd.Series(pence, index=values.index), pd.Series(invalid, index=values.index)


_PLAIN_MONEY = r"^-?\d{1,13}(\.\d{1,2})?$"


def _parse_money_pence(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    raw = values.astype("string").str.strip()
    blank = blank_mask(values)
    negative_paren = raw.str.startswith("(") & raw.str.endswith(")")
    text = raw.str.replace(_MONEY_JUNK, "", regex=True).str.strip("()")
    number = pd.to_numeric(text.mask(blank), errors="coerce")
    invalid = number.isna() & ~blank
    number = number.where(~negative_paren.fillna(False), -number)
    pence = (number * 100).round().astype("Int64")
    return pence, invalid.fillna(False).astype(bool)


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers, allowing thousands separators. Returns (Float64, invalid_mask)."""
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _FLOATS:
        return _parse_floats(values)
    return per_distinct(values, _parse_number)


_FLOATS = frozenset({"floating", "empty"})


def _parse_floats(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``_parse_number`` of a column of floats (and missing values), such as a repair gives,
    run once per distinct float: told apart by their bits, so 0.0 and -0.0 stay two."""
    bits = values.to_numpy(dtype=np.float64, na_value=np.nan).view(np.int64)
    codes, uniques = pd.factorize(bits)
    floats = pd.Series(uniques.view(np.float64).tolist(), dtype=object)
    number, invalid = _parse_number(floats.where(floats.notna(), None))
    positions = np.asarray(codes, dtype=np.intp)
    return (
        number.iloc[positions].set_axis(values.index),
        invalid.iloc[positions].set_axis(values.index),
    )


def _parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    blank = blank_mask(values)
    text = values.astype("string").str.replace(",", "", regex=False).str.strip()
    number = pd.to_numeric(text.mask(blank), errors="coerce").astype("Float64")
    invalid = number.isna() & ~blank
    return number, invalid.fillna(False).astype(bool)


def parse_number_in(values: pd.Series, unit: str) -> tuple[pd.Series, pd.Series]:
    """Numbers that may carry the field's own unit (``12 months``, ``1 month`` for a field in
    months). A number with any other word is invalid. Returns (Float64, invalid_mask)."""
    return per_distinct(values, partial(_parse_number_in, unit=unit))


def _parse_number_in(values: pd.Series, unit: str) -> tuple[pd.Series, pd.Series]:
    pattern = rf"^\s*([-+]?[\d,]*\.?\d+)\s*(?:{re.escape(unit)}s?)?\.?\s*$"
    text = values.astype("string").str.extract(pattern, flags=re.IGNORECASE, expand=False)
    number, _ = _parse_number(text)
    blank = blank_mask(values)
    invalid = number.isna() & ~blank
    return number, invalid.fillna(False).astype(bool)


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T].*)?$")

DAY_FIRST, MONTH_FIRST, UNSETTLED = "day-first", "month-first", "unsettled"
"""The orders a file's dd/mm dates can be in: ``date_order`` finds which."""


def _slash_parts(values: pd.Series) -> pd.DataFrame:
    text = values.astype("string").str.strip()
    return text.str.extract(_SLASH_DATE).astype("Float64")


def date_order(*columns: pd.Series) -> str:
    """Whether a file's slash dates (``03/04/2021``) are day first or month first, from the
    values that settle it: a first part over 12 is a day, a second part over 12 is too.
    Day first when nothing says otherwise but nothing is ambiguous either; ``UNSETTLED`` when
    some value could be read either way and no value settles the order (or values disagree)."""
    return DateEvidence.of(*columns).order()


@dataclass(frozen=True)
class DateEvidence:
    """What a file's slash dates say of their order. Evidence from parts of a file (batches
    of its rows) adds up to the evidence of the whole file."""

    says_day_first: bool = False
    says_month_first: bool = False
    either_way: bool = False

    @classmethod
    def of(cls, *columns: pd.Series) -> DateEvidence:
        distinct = [pd.Series(c.dropna().unique()) for c in columns if len(c)]
        parts = pd.concat([_slash_parts(c) for c in distinct if len(c)] or [pd.DataFrame()])
        if parts.empty:
            return cls()
        first, second = parts[0], parts[1]
        return cls(
            says_day_first=bool((first > 12).fillna(False).any()),
            says_month_first=bool((second > 12).fillna(False).any()),
            either_way=bool(
                ((first <= 12) & (second <= 12) & (first != second)).fillna(False).any()
            ),
        )

    def __or__(self, other: DateEvidence) -> DateEvidence:
        return DateEvidence(
            self.says_day_first or other.says_day_first,
            self.says_month_first or other.says_month_first,
            self.either_way or other.either_way,
        )

    def order(self) -> str:
        if self.says_day_first != self.says_month_first:
            return DAY_FIRST if self.says_day_first else MONTH_FIRST
        return UNSETTLED if self.either_way else DAY_FIRST


def ambiguous_dates(values: pd.Series) -> pd.Series:
    """Slash dates that could be read day first or month first (03/04/2021, not 13/04/2021
    and not 04/04/2021)."""
    parts = _slash_parts(values)
    either_way = (parts[0] <= 12) & (parts[1] <= 12) & (parts[0] != parts[1])
    return either_way.fillna(False).astype(bool)


def parse_dates(values: pd.Series, order: str = DAY_FIRST) -> tuple[pd.Series, pd.Series]:
    """Dates in the forms councils publish: ISO (with or without a time), dd/mm/yyyy,
    d/m/yy, dd-mm-yyyy, dd.mm.yyyy (with or without a time), mm/yyyy (taken as the month's
    first day), yyyymm periods (taken as the month's last day), Excel serials and datetime
    objects from spreadsheets. Slash dates are
    day first unless ``order`` (from ``date_order``) says month first; with ``UNSETTLED`` a
    date that could be read either way is invalid.

    Returns (Series of ``datetime.date`` or None, invalid_mask).
    """
    return per_distinct(values, partial(_parse_dates, order=order))


def _two_digit_years(years: pd.Series) -> pd.Series:
    number = pd.to_numeric(years, errors="coerce")
    full = number.where(years.str.len() == 4, number + 2000).where(
        (years.str.len() == 4) | (number < 70), number + 1900
    )
    return full.astype("Int64").astype("string")


def _nanosecond_range(parsed: pd.Series) -> pd.Series:
    """``parsed`` as nanosecond timestamps, a date outside their range (1677 to 2262) missing:
    pandas reads '1650-01-01' at a coarser resolution, which would not fit the result."""
    inside = parsed.between(pd.Timestamp.min, pd.Timestamp.max)
    return parsed.where(inside).astype("datetime64[ns]")


def _parse_dates(values: pd.Series, order: str = DAY_FIRST) -> tuple[pd.Series, pd.Series]:
    blank = blank_mask(values)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")

    # Only spreadsheet columns (object dtype) can hold date objects; text columns never do.
    is_datetime = pd.Series(False, index=values.index)
    if pd.api.types.is_object_dtype(values.dtype):
        is_datetime = values.map(lambda v: isinstance(v, (pd.Timestamp, date))).astype(bool)
    if is_datetime.any():
        result[is_datetime] = _nanosecond_range(
            pd.to_datetime(values[is_datetime].astype(str), errors="coerce")
        )

    text = values.astype("string").str.strip().mask(blank | is_datetime)
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}([T ].*)?$").fillna(False).astype(bool)
    if iso.any():
        result[iso] = _nanosecond_range(
            pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        )
    slash = text.str.match(_SLASH_DATE).fillna(False).astype(bool)
    if slash.any():
        parts = text[slash].str.extract(_SLASH_DATE)
        day, month = (parts[1], parts[0]) if order == MONTH_FIRST else (parts[0], parts[1])
        parsed = pd.to_datetime(
            _two_digit_years(parts[2]) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2),
            format="%Y-%m-%d",
            errors="coerce",
        )
        if order == UNSETTLED:
            parsed = parsed.mask(ambiguous_dates(text[slash]))
        result[slash] = _nanosecond_range(parsed)
    month_year = text.str.match(r"^\d{1,2}/\d{4}$").fillna(False).astype(bool)
    if month_year.any():
        parts = text[month_year].str.extract(r"^(\d{1,2})/(\d{4})$")
        result[month_year] = _nanosecond_range(
            pd.to_datetime(
                parts[1] + "-" + parts[0].str.zfill(2) + "-01", format="%Y-%m-%d", errors="coerce"
            )
        )
    period = text.str.match(r"^(19|20)\d{2}(0[1-9]|1[0-2])$").fillna(False).astype(bool)
    if period.any():
        month_start = pd.to_datetime(text[period] + "01", format="%Y%m%d", errors="coerce")
        result[period] = month_start + pd.offsets.MonthEnd(0)
    serial = text.str.match(r"^\d{4,5}(\.0+)?$").fillna(False).astype(bool) & ~period
    if serial.any():
        days = pd.to_numeric(text[serial], errors="coerce")
        in_range = (days > 366) & (days < 73051)  # 1901 to 2099
        result[serial] = (_EXCEL_EPOCH + pd.to_timedelta(days.where(in_range), unit="D")).values

    invalid = result.isna() & ~blank
    dates = result.dt.date.astype(object).where(result.notna(), None)
    return dates, invalid.fillna(False).astype(bool)


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO date-times (or dates) to timezone-aware UTC timestamps. Returns (Series, invalid)."""
    return per_distinct(values, _parse_datetimes)


def _parse_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    blank = blank_mask(values)
    text = values.astype("string").str.strip().mask(blank)
    stamps = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    missing = stamps.isna() & ~blank
    if missing.any():
        dates, _ = parse_dates(values[missing])
        stamps[missing] = pd.to_datetime(dates, errors="coerce", utc=True)
    invalid = stamps.isna() & ~blank
    return stamps, invalid.fillna(False).astype(bool)


def financial_year(dates: pd.Series) -> pd.Series:
    """The UK financial year (April to March) of each date, as ``2024/25``."""
    return per_distinct(dates, _financial_year)


def _financial_year(dates: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(dates, errors="coerce")
    start = stamps.dt.year - (stamps.dt.month < 4).astype("Int64")
    label = (
        start.astype("Int64").astype("string")
        + "/"
        + ((start + 1) % 100).astype("Int64").astype("string").str.zfill(2)
    )
    return label.where(stamps.notna(), None)


def financial_year_of(day: date) -> str:
    """The UK financial year of one date."""
    start = day.year - (1 if day.month < 4 else 0)
    return f"{start}/{(start + 1) % 100:02d}"


# ONS code prefixes -> area type (360Giving geoCodeType where it has one).
GEO_PREFIX_TYPES = {
    "E00": "OA",
    "W00": "OA",
    "E01": "LSOA",
    "W01": "LSOA",
    "E02": "MSOA",
    "W02": "MSOA",
    "E04": "PAR",
    "W04": "PAR",
    "E05": "WD",
    "W05": "WD",
    "S13": "WD",
    "N08": "WD",
    "E06": "UA",
    "W06": "UA",
    "S12": "CA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "E11": "MCTY",
    "E12": "RGN",
    "E13": "IOL",
    "E14": "WPC",
    "W07": "WPC",
    "E38": "SICBL",
    "E54": "ICB",
    "E40": "NHSER",
    "E92": "CTRY",
    "W92": "CTRY",
    "S92": "CTRY",
    "N92": "CTRY",
    "K02": "UK",
    "K03": "GB",
    "K04": "EW",
}


def geo_type_from_code(codes: pd.Series) -> pd.Series:
    """Area type from the ONS code prefix (E01 -> LSOA, E05 -> WD, ...); <NA> if unknown."""
    return per_distinct(codes, _geo_type_from_code)


def _geo_type_from_code(codes: pd.Series) -> pd.Series:
    prefix = codes.astype("string").str.strip().str.upper().str.slice(0, 3)
    return prefix.map(GEO_PREFIX_TYPES).astype("string")


ORG_PREFIX_TYPES = {
    "GB-CHC": "charity",
    "GB-SC": "charity",
    "GB-NIC": "charity",
    "GB-COH": "company",
    "GB-MPR": "company",
    "GB-LAE": "council",
    "GB-LAS": "council",
    "GB-PLA": "council",
    "GB-LANI": "council",
    "GB-NHS": "nhs",
    "GB-EDU": "education",
    "GB-UKPRN": "education",
    "GB-GOR": "government",
    "GB-GOVUK": "government",
    "GB-SHPE": "housing",
}


def org_type_from_id(org_ids: pd.Series) -> pd.Series:
    """Organisation type from its org-id prefix; ``other`` where unknown, <NA> where blank."""
    return per_distinct(org_ids, _org_type_from_id)


def _org_type_from_id(org_ids: pd.Series) -> pd.Series:
    ids = org_ids.astype("string").str.strip().str.upper()
    two = ids.str.extract(r"^([A-Z0-9]+-[A-Z0-9]+)-", expand=False)
    kind = two.map(ORG_PREFIX_TYPES).astype("string")
    return kind.fillna("other").where(ids.notna() & (ids != ""), pd.NA)


def slugify(values: pd.Series) -> pd.Series:
    """A stable, URL-safe id from a label: ``Mental health`` -> ``mental-health``."""
    return (
        values.astype("string")
        .str.lower()
        .str.replace(r"[^a-z0-9]+", "-", regex=True)
        .str.strip("-")
    )


def split_list(values: pd.Series, separator: str = ";") -> pd.Series:
    """Split ``a; b;c`` cells into lists of stripped, non-empty items."""
    return (
        values.astype("string")
        .fillna("")
        .map(lambda cell: [item.strip() for item in str(cell).split(separator) if item.strip()])
    )


def parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/No, Y/N, True/False, 1/0 to booleans. Returns (boolean Series, invalid_mask)."""
    return per_distinct(values, _parse_bool)


def _parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = values.astype("string").str.strip().str.lower()
    blank = blank_mask(values)
    mapping = {
        "yes": True,
        "y": True,
        "true": True,
        "1": True,
        "no": False,
        "n": False,
        "false": False,
        "0": False,
    }
    result = text.map(mapping).astype("boolean")
    invalid = result.isna() & ~blank
    return result, invalid.fillna(False).astype(bool)


def as_str_array(values: pd.Series) -> np.ndarray:
    """Object array of python str or None, for building rows."""
    return values.astype("string").astype(object).where(values.notna(), None).to_numpy()
