"""Pieces shared by the need formats (deprivation, Fingertips, census and area lookups).

The rules, kept here once:

- An area code is an ONS 9-character code: one letter (E, W, S, N, K or L) then eight digits.
  Anything else is rejected.
- A value is a number (thousands separators allowed). A blank and the usual markers of a
  suppressed or unavailable value (``-``, ``*``, ``x``, ``..``, ``:``, ``NA``, ``n/a``, ``null``)
  load as a null value rather than a reject, so a suppressed small number shows as missing
  instead of disappearing with its row.
- The area type comes from the code prefix (E01 -> LSOA, E05 -> WD, E08 -> MD). The code vintage
  is the boundary family plus the year the file states (LSOA2011, LAD2019, WD2023), or the family
  alone (WD, LAD) when the file does not say.
- A file never blanks what another file stated: ``dim_areas`` frames leave out a name, a dated
  vintage or a population the file does not give, so loading order does not lose them. Only
  area lookups set ``parent_code``.
- Counting: every accepted input row gives exactly one *headline* indicator row, in the last
  ``fct_area_indicators`` frame, which is the one the loader counts. Other measures of the same
  row (ranks beside scores, counts beside values) go in an earlier frame of the same table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pandas as pd

from data_pipeline.extract import ROW, Source
from data_pipeline.formats.base import Parsed, RejectCollector, quoted
from data_pipeline.transform import (
    blank_mask,
    clean_text,
    geo_type_from_code,
    normalise_title,
    parse_number,
)
from warehouse.schema import dim_areas, fct_area_indicators
from warehouse.upsert import content_columns

ONS_CODE_PATTERN = r"[EWSNKL]\d{8}"
SUPPRESSED_MARKERS = frozenset({"*", "x", "..", ":"})
INDICATOR_COLUMNS = content_columns(fct_area_indicators)
OPTIONAL_AREA_COLUMNS = ("area_name", "code_vintage", "parent_code", "population")
MAX_CATEGORY_LENGTH = int(fct_area_indicators.c.category.type.length or 120)  # type: ignore[attr-defined]

# Boundary families that carry a vintage: several ONS area types share one (districts of every
# kind are "LAD" in ONS lookups).
VINTAGE_FAMILIES = {
    "OA": "OA",
    "LSOA": "LSOA",
    "MSOA": "MSOA",
    "WD": "WD",
    "UA": "LAD",
    "NMD": "LAD",
    "MD": "LAD",
    "LONB": "LAD",
    "CA": "LAD",
    "CTY": "CTY",
    "PAR": "PAR",
}


def check_area_codes(
    rejects: RejectCollector, raw: pd.Series, field: str, *, required: bool = True
) -> pd.Series:
    """Area codes stripped and upper-cased; rejects blanks (when required) and non-ONS codes.

    Returns <NA> where the code is blank or rejected.
    """
    codes = clean_text(raw).str.upper()
    blank = codes.isna()
    if required:
        rejects.add(blank, field, "is required but blank")
    bad = ~blank & ~codes.str.fullmatch(ONS_CODE_PATTERN).fillna(False).astype(bool)
    rejects.add(bad, field, quoted(raw) + " is not a 9-character ONS area code")
    return codes.mask(bad)


def check_numbers(rejects: RejectCollector, raw: pd.Series, field: str) -> pd.Series:
    """Numbers (Float64); suppressed markers and blanks become <NA>, other text is rejected."""
    text = raw.astype("string").str.strip()
    suppressed = blank_mask(raw) | text.str.lower().isin(SUPPRESSED_MARKERS).fillna(False)
    numbers, invalid = parse_number(raw.astype("string").mask(suppressed, ""))
    rejects.add(invalid, field, quoted(raw) + " is not a number")
    return numbers


def check_required(rejects: RejectCollector, raw: pd.Series, field: str) -> pd.Series:
    """Text that must be present: cleaned, with blanks rejected."""
    text = clean_text(raw)
    rejects.add(text.isna(), field, "is required but blank")
    return text


def area_types(codes: pd.Series) -> pd.Series:
    """Area type from the code prefix; the prefix itself where ONS types are not mapped."""
    return geo_type_from_code(codes).fillna(codes.astype("string").str.slice(0, 3))


def code_vintages(types: pd.Series, years: pd.Series | str | None = None) -> pd.Series:
    """Boundary family plus the stated year (``LSOA2011``); the family alone without a year."""
    family = types.astype("string").map(lambda t: VINTAGE_FAMILIES.get(t, t)).astype("string")
    if years is None:
        return family
    if isinstance(years, str):
        return family + years
    stated = years.astype("string")
    return (family + stated).fillna(family)


def reject_duplicates(
    rejects: RejectCollector, frame: pd.DataFrame, key: pd.Series, field: str, label: pd.Series
) -> None:
    """Keep the first row of each key; reject later rows, naming the row where it was first seen.

    Only rows that passed every other check take part, so a rejected first row does not cost
    the file its later, valid one.
    """
    candidates = ~rejects.rejected & key.notna()
    keys = key[candidates]
    later = keys.duplicated(keep="first")
    if not later.any():
        return
    first_row = frame.loc[candidates, ROW].groupby(keys).transform("first")
    reason = (
        quoted(label[candidates])
        + " was first seen on row "
        + first_row.astype("string")
        + "; only that row is loaded"
    )
    rejects.add(later, field, reason.reindex(frame.index))


def indicator_rows(**columns: object) -> pd.DataFrame:
    """A ``fct_area_indicators`` frame from Series (aligned on one index) and scalars.

    ``area_code`` must be a Series; every other column may be a scalar. ``category`` defaults to
    '' (the headline) and ``unit`` and ``compared_to_england`` to null.
    """
    codes = columns["area_code"]
    if not isinstance(codes, pd.Series):
        raise TypeError("area_code must be a Series")
    values = {"category": "", "unit": None, "compared_to_england": None, **columns}
    frame = pd.DataFrame({name: values[name] for name in INDICATOR_COLUMNS}, index=codes.index)
    return frame[INDICATOR_COLUMNS]


def has_dated_vintage(vintages: pd.Series) -> pd.Series:
    """True where a vintage states a year (``WD2023``), not only a family (``WD``)."""
    return vintages.astype("string").str.contains(r"\d{4}$", regex=True).fillna(False)


def area_frames(areas: pd.DataFrame) -> list[pd.DataFrame]:
    """``dim_areas`` frames for the areas a file mentions, first mention of each code kept.

    ``areas`` has ``area_code`` and any of ``area_name``, ``code_vintage``, ``parent_code`` and
    ``population``. Rows are grouped by which of those they state, and each frame carries only
    the stated columns, so a file that does not know a value never blanks it.
    """
    areas = areas.dropna(subset=["area_code"]).drop_duplicates("area_code", keep="first")
    if areas.empty:
        return []
    areas = areas.copy()
    areas["area_type"] = area_types(areas["area_code"])
    if "code_vintage" in areas.columns:
        areas["code_vintage"] = areas["code_vintage"].where(
            has_dated_vintage(areas["code_vintage"])
        )
    optional = [c for c in OPTIONAL_AREA_COLUMNS if c in areas.columns]
    # One bit per optional column: rows with the same bits state the same columns.
    pattern = pd.Series(0, index=areas.index)
    for bit, column in enumerate(optional):
        pattern += areas[column].notna().astype(int) * (1 << bit)
    frames = []
    for _, group in areas.groupby(pattern, sort=True):
        present = [c for c in optional if group[c].notna().all()]
        frames.append(group[["area_code", "area_type", *present]].reset_index(drop=True))
    return frames


def indicator_parsed(
    format_id: str,
    frame: pd.DataFrame,
    rejects: RejectCollector,
    *,
    headline: pd.DataFrame,
    others: Sequence[pd.DataFrame] = (),
    areas: pd.DataFrame,
    publisher: str,
    licence: str,
) -> Parsed:
    """The ``Parsed`` of a need file: areas first, then other measures, then the headline rows
    (one per accepted input row), which the loader counts."""
    frames: list[tuple[object, pd.DataFrame]] = [(dim_areas, f) for f in area_frames(areas)]
    extra = [f for f in others if not f.empty]
    if extra:
        frames.append((fct_area_indicators, pd.concat(extra, ignore_index=True)))
    frames.append((fct_area_indicators, headline.reset_index(drop=True)))
    return Parsed(
        format_id=format_id,
        rows_read=len(frame),
        primary=fct_area_indicators,
        frames=frames,  # type: ignore[arg-type]
        rejects=rejects.records(),
        publisher=publisher,
        licence=licence,
    )


def first_rows(source: Source, count: int = 20) -> list[dict[str, str]]:
    """The first data rows as {normalised title: value}, for sniffing by content."""
    if not source.csv_header:
        return []
    reader = csv.reader(io.StringIO(source.text[:20000]))
    header = [normalise_title(title) for title in next(reader, [])]
    rows: list[dict[str, str]] = []
    for row in reader:
        if len(rows) == count:
            break
        if row:
            rows.append(dict(zip(header, (cell.strip() for cell in row), strict=False)))
    return rows


def column_by_key(frame: pd.DataFrame) -> dict[str, str]:
    """Normalised title -> the column's title as written in the file."""
    return {normalise_title(c): c for c in frame.columns if c != ROW}


def year_in(text: pd.Series) -> pd.Series:
    """The first four-digit year (19xx or 20xx) in each value, or <NA>."""
    return text.astype("string").str.extract(r"((?:19|20)\d{2})", expand=False)


def optional_text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A cleaned text column, or all <NA> when the file does not have it."""
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return clean_text(frame[column])
