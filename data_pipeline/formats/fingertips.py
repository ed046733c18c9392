"""OHID Fingertips indicator data: the raw export and the tidy files derived from it.

- ``fingertips-csv``: the ``all_data/csv`` export (26 or 27 columns: Indicator ID, ..., Area Code,
  Area Type, Sex, Age, Category Type, Category, Time period, Value, the confidence limits, Count,
  Denominator, ..., "Compared to England value or percentiles", ...). The indicator key is
  ``fingertips.<Indicator ID>``. A row with a blank Category Type is the headline (category '');
  a breakdown row's category is "<Category Type>: <Category>", and a Sex other than "Persons" or
  an Age other than "All ages" is added ("Sex: Male", "Age: 65+ yrs"), joined by "; ". The value
  is the headline measure ``value``; Count, Denominator and the confidence limits, where given,
  are stored as further measures of the same row.
- ``fingertips-tidy-csv``: tidy derivatives (area_code, area_name, [area_type,] indicator, period,
  measure, unit, value[, compared_to_England, inequality]). They carry no indicator id, so the
  key is ``fingertips.<slug of the indicator name>``; the file's measure and unit become the unit
  ("SAR (Admissions)"), and a non-blank inequality the category.
"""

from __future__ import annotations

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
    first_rows,
    indicator_parsed,
    indicator_rows,
    optional_text,
    reject_duplicates,
    year_in,
)
from data_pipeline.formats.base import Format, Parsed, RejectCollector, quoted, reject_bad_rows
from data_pipeline.formats.deprivation import is_weighted_iod
from data_pipeline.transform import slugify

PUBLISHER = "Office for Health Improvement and Disparities (Fingertips)"
LICENCE = "Open Government Licence v3.0"
EDITION = "Fingertips"

# --------------------------------------------------------------------------------------------
# fingertips-csv (raw export)
# --------------------------------------------------------------------------------------------

_RAW_REQUIRED = {"indicatorid", "areacode", "timeperiod", "value"}
_RAW_SIGNATURE = _RAW_REQUIRED | {"categorytype"}
# Normalised column title -> measure, for the numbers stored beside the headline value.
_RAW_OTHER_MEASURES = {
    "count": "count",
    "denominator": "denominator",
    "lowerci95.0limit": "lower_ci_95",
    "upperci95.0limit": "upper_ci_95",
    "lowerci99.8limit": "lower_ci_99_8",
    "upperci99.8limit": "upper_ci_99_8",
}
_COMPARED_TO_ENGLAND = "comparedtoenglandvalueorpercentiles"


def _sniff_raw(source: Source) -> bool:
    return source.csv_keys >= _RAW_SIGNATURE


def breakdown_category(
    ids: pd.Series,
    category_type: pd.Series,
    category: pd.Series,
    sex: pd.Series,
    age: pd.Series,
) -> pd.Series:
    """The stored category of each row: '' for the headline, else "<Category Type>: <Category>",
    with "Sex: ..." and "Age: ..." added where they differ from the indicator's standard sex and
    age (see ``standard_values``)."""
    breakdown = (category_type + ": " + category.fillna("")).str.rstrip(": ")
    sex_part = ("Sex: " + sex).where(sex.str.lower() != standard_values(ids, sex, "persons"))
    age_part = ("Age: " + age).where(age.str.lower() != standard_values(ids, age, "all ages"))
    joined = breakdown.fillna("") + "; " + sex_part.fillna("") + "; " + age_part.fillna("")
    joined = joined.str.replace(r"(; ){2,}", "; ", regex=True)
    return joined.str.replace(r"^(; )+|(; )+$", "", regex=True)


def standard_values(ids: pd.Series, values: pd.Series, usual: str) -> pd.Series:
    """Each row's standard value (lower case) for its indicator: ``usual`` ("persons", "all
    ages") where the indicator has it, else the indicator's most common value. An adults-only
    indicator's "19+ yrs" is then its headline age, not a breakdown."""
    groups = ids.fillna("")
    lowered = values.str.lower()
    has_usual = (lowered == usual).fillna(False).astype(bool).groupby(groups).transform("any")
    common = lowered.groupby(groups).transform(
        lambda group: group.mode().iloc[0] if group.notna().any() else pd.NA
    )
    return common.astype("string").mask(has_usual, usual)


def _parse_raw(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    by_key = column_by_key(frame)
    missing = sorted(_RAW_REQUIRED - by_key.keys())
    if missing:
        titles = {
            "indicatorid": "Indicator ID",
            "areacode": "Area Code",
            "timeperiod": "Time period",
        }
        named = ", ".join(repr(titles.get(k, k.title())) for k in missing)
        raise FileRejected(source.name, f"is not a Fingertips export: no {named} column")

    def text(key: str) -> pd.Series:
        return optional_text(frame, by_key.get(key))

    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    id_column = by_key["indicatorid"]
    ids = check_required(rejects, frame[id_column], id_column)
    bad_id = ids.notna() & ~ids.str.fullmatch(r"\d+").fillna(False).astype(bool)
    rejects.add(bad_id, id_column, quoted(ids) + " is not a Fingertips indicator id")
    keys = "fingertips." + ids.mask(bad_id).str.lstrip("0")
    codes = check_area_codes(rejects, frame[by_key["areacode"]], by_key["areacode"])
    period = check_required(rejects, frame[by_key["timeperiod"]], by_key["timeperiod"])
    category = breakdown_category(
        ids, text("categorytype"), text("category"), text("sex"), text("age")
    )
    too_long = category.str.len() > MAX_CATEGORY_LENGTH
    rejects.add(
        too_long.fillna(False),
        by_key.get("category", "Category"),
        f"breakdown (category, sex and age) is longer than {MAX_CATEGORY_LENGTH} characters",
    )
    value = check_numbers(rejects, frame[by_key["value"]], by_key["value"])
    others = {
        measure: check_numbers(rejects, frame[by_key[key]], by_key[key])
        for key, measure in _RAW_OTHER_MEASURES.items()
        if key in by_key
    }
    label = ids + " " + codes + " " + period + " " + category.replace("", "(headline)")
    reject_duplicates(
        rejects, frame, keys + "|" + codes + "|" + period + "|" + category, id_column, label
    )

    ok = ~rejects.rejected
    names = text("indicatorname").fillna("Fingertips indicator " + ids)
    types = area_types(codes[ok])
    common = {
        "indicator_key": keys[ok],
        "indicator_name": names[ok],
        "edition": EDITION,
        "area_type": types,
        "code_vintage": code_vintages(types, year_in(text("areatype")[ok])),
        "period": period[ok],
        "category": category[ok],
    }
    headline = indicator_rows(
        area_code=codes[ok],
        measure="value",
        value=value[ok],
        compared_to_england=text(_COMPARED_TO_ENGLAND)[ok],
        **common,
    )
    # Counts and confidence limits are stored only where the export gives them.
    extra = [
        indicator_rows(area_code=codes[ok], measure=measure, value=numbers[ok], **common).dropna(
            subset=["value"]
        )
        for measure, numbers in others.items()
    ]
    parents = check_area_codes(
        RejectCollector(frame), text("parentcode").fillna(""), "Parent Code", required=False
    )
    areas = pd.concat(
        [
            pd.DataFrame(
                {
                    "area_code": codes[ok],
                    "area_name": text("areaname")[ok],
                    "code_vintage": common["code_vintage"],
                }
            ),
            pd.DataFrame({"area_code": parents[ok], "area_name": text("parentname")[ok]}),
        ],
        ignore_index=True,
    )
    return indicator_parsed(
        "fingertips-csv",
        frame,
        rejects,
        headline=headline,
        others=extra,
        areas=areas,
        publisher=PUBLISHER,
        licence=LICENCE,
    )


# --------------------------------------------------------------------------------------------
# fingertips-tidy-csv
# --------------------------------------------------------------------------------------------

_TIDY_REQUIRED = {"area_code", "indicator", "period", "value"}
_TIDY_SIGNATURE = _TIDY_REQUIRED | {"area_name", "measure"}


def _sniff_tidy(source: Source) -> bool:
    keys = source.csv_keys
    return (
        keys >= _TIDY_SIGNATURE
        and "geography" not in keys
        and not is_weighted_iod(first_rows(source))
    )


def indicator_key_of_name(names: pd.Series) -> pd.Series:
    """``fingertips.<slug>`` for files that name an indicator without its Fingertips id."""
    return "fingertips." + slugify(names).str.slice(0, 100)


def _parse_tidy(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    by_key = column_by_key(frame)
    missing = sorted(_TIDY_REQUIRED - by_key.keys())
    if missing:
        raise FileRejected(source.name, f"has no {', '.join(missing)} column")

    def text(key: str) -> pd.Series:
        return optional_text(frame, by_key.get(key))

    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    codes = check_area_codes(rejects, frame[by_key["area_code"]], by_key["area_code"])
    indicator = check_required(rejects, frame[by_key["indicator"]], by_key["indicator"])
    period = check_required(rejects, frame[by_key["period"]], by_key["period"])
    value = check_numbers(rejects, frame[by_key["value"]], by_key["value"])
    # Tidy files write R's NA for "no breakdown".
    inequality = text("inequality")
    category = inequality.mask(inequality.str.upper() == "NA").fillna("")
    measure, unit = text("measure"), text("unit")
    described = (measure + " (" + unit + ")").fillna(measure).fillna(unit)
    keys = indicator_key_of_name(indicator)
    label = indicator + " " + codes + " " + period
    reject_duplicates(
        rejects,
        frame,
        keys + "|" + codes + "|" + period + "|" + category,
        by_key["area_code"],
        label,
    )

    ok = ~rejects.rejected
    types = area_types(codes[ok])
    headline = indicator_rows(
        indicator_key=keys[ok],
        indicator_name=indicator[ok],
        edition=EDITION,
        area_code=codes[ok],
        area_type=types,
        code_vintage=code_vintages(types),
        period=period[ok],
        measure="value",
        category=category[ok],
        value=value[ok],
        unit=described[ok],
        compared_to_england=text("compared_to_england")[ok],
    )
    areas = pd.DataFrame({"area_code": codes[ok], "area_name": text("area_name")[ok]})
    return indicator_parsed(
        "fingertips-tidy-csv",
        frame,
        rejects,
        headline=headline,
        areas=areas,
        publisher=PUBLISHER,
        licence=LICENCE,
    )


FORMATS: list[Format] = [
    Format("fingertips-csv", "Fingertips indicator export (CSV)", _sniff_raw, _parse_raw),
    Format(
        "fingertips-tidy-csv", "Fingertips-derived indicator (tidy CSV)", _sniff_tidy, _parse_tidy
    ),
]
