"""Census 2021 tables in tidy form (``census-csv``), such as general health by ward or LSOA.

Layout: area_code, area_name, geography, period, indicator, <category column>, measure, unit,
value. The category column (``general_health``) names the indicator (``census.general_health``,
"General health") and its values ("Very good health", ...) become the category. Output areas,
LSOAs and MSOAs are the census's own geography, so their vintage is the census year (LSOA2021);
other areas keep the family alone (WD) because the file does not state their boundaries.
"""

from __future__ import annotations

import re

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source, read_csv_frame
from data_pipeline.formats.area_indicators import (
    MAX_CATEGORY_LENGTH,
    area_types,
    check_area_codes,
    check_numbers,
    check_required,
    code_vintages,
    column_by_key,
    indicator_parsed,
    indicator_rows,
    optional_text,
    reject_duplicates,
    year_in,
)
from data_pipeline.formats.base import Format, Parsed, RejectCollector, reject_bad_rows
from data_pipeline.transform import slugify

PUBLISHER = "Office for National Statistics"
LICENCE = "Open Government Licence v3.0"
_STANDARD = {"area_code", "area_name", "geography", "period", "indicator", "measure", "unit"}
_REQUIRED = {"area_code", "geography", "period", "indicator", "value"}
# Census output geographies: their boundaries are those of the census year itself.
_CENSUS_GEOGRAPHIES = {"OA", "LSOA", "MSOA"}


def _sniff(source: Source) -> bool:
    return _REQUIRED | {"measure"} <= source.csv_keys


def _parse(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    by_key = column_by_key(frame)
    missing = sorted(_REQUIRED - by_key.keys())
    if missing:
        raise FileRejected(source.name, f"has no {', '.join(missing)} column")
    category_keys = [k for k in by_key if k not in _STANDARD | {"value"}]

    def text(key: str) -> pd.Series:
        return optional_text(frame, by_key.get(key))

    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    codes = check_area_codes(rejects, frame[by_key["area_code"]], by_key["area_code"])
    period = check_required(rejects, frame[by_key["period"]], by_key["period"])
    indicator = check_required(rejects, frame[by_key["indicator"]], by_key["indicator"])
    value = check_numbers(rejects, frame[by_key["value"]], by_key["value"])
    category = pd.Series("", index=frame.index, dtype="string")
    for key in category_keys:
        part = text(key).fillna("")
        category = (category + "; " + part).where(category != "", part)
    too_long = category.str.len() > MAX_CATEGORY_LENGTH
    rejects.add(
        too_long.fillna(False),
        by_key[category_keys[0]] if category_keys else by_key["indicator"],
        f"is longer than {MAX_CATEGORY_LENGTH} characters",
    )
    if category_keys:
        key_name = "_".join(category_keys)
        keys = pd.Series(f"census.{key_name}", index=frame.index, dtype="string")
        names = pd.Series(_humanise(key_name), index=frame.index, dtype="string")
    else:
        keys = "census." + slugify(indicator).str.replace("-", "_").str.slice(0, 100)
        names = indicator
    measure = slugify(text("measure")).str.replace("-", "_").str.slice(0, 20).fillna("value")
    edition = ("Census" + year_in(period)).fillna("Census")
    label = codes + " " + category.replace("", "(total)") + " " + period
    row_key = keys + "|" + codes + "|" + period + "|" + measure + "|" + category
    reject_duplicates(rejects, frame, row_key, by_key["area_code"], label)

    ok = ~rejects.rejected
    types = area_types(codes[ok])
    census_year = year_in(period[ok]).where(types.isin(_CENSUS_GEOGRAPHIES))
    vintages = code_vintages(types, census_year)
    headline = indicator_rows(
        indicator_key=keys[ok],
        indicator_name=names[ok],
        edition=edition[ok],
        area_code=codes[ok],
        area_type=types,
        code_vintage=vintages,
        period=period[ok],
        measure=measure[ok],
        category=category[ok],
        value=value[ok],
        unit=text("unit")[ok],
    )
    areas = pd.DataFrame(
        {"area_code": codes[ok], "area_name": text("area_name")[ok], "code_vintage": vintages}
    )
    return indicator_parsed(
        "census-csv",
        frame,
        rejects,
        headline=headline,
        areas=areas,
        publisher=PUBLISHER,
        licence=LICENCE,
    )


def _humanise(name: str) -> str:
    words = re.sub(r"[_\s]+", " ", name).strip()
    return words[:1].upper() + words[1:]


FORMATS: list[Format] = [Format("census-csv", "Census 2021 table (tidy CSV)", _sniff, _parse)]
