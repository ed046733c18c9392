"""English Indices of Deprivation (IoD2019 on 2011 LSOAs, IoD2025 on 2021 LSOAs).

Three layouts:

- ``iod-lsoa-csv``: MHCLG's LSOA files (File_1 ranks, File_2 domains, File_5 scores, File_6
  population denominators, File_7 everything). The edition comes from the year in the
  ``LSOA code (2011)`` / ``LSOA code (2021)`` header; the measure (score, rank or decile) from
  each column title; populations go to ``dim_areas.population`` and to ``iod.population`` rows.
- ``iod-district-tidy-csv``: tidy district summaries (one row per district and domain, with
  average rank, average score and the proportion of LSOAs in the most deprived decile).
- ``iod-ward-csv``: tidy population-weighted ward scores (``measure`` = "Weighted Score").

Every row is stored with the edition as its ``period`` (``IoD2019``), so editions coexist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source, read_csv_frame
from data_pipeline.formats.area_indicators import (
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

PUBLISHER = "Ministry of Housing, Communities and Local Government"
LICENCE = "Open Government Licence v3.0"
EDITIONS_BY_LSOA_YEAR = {"2011": "IoD2019", "2021": "IoD2025"}
POPULATION_KEY = "iod.population"

# (pattern on the lower-cased domain text, key, name), tried in order: the IoD's own names
# and the shorter labels tidy files use ("Income Deprivation", "Health and Disability").
_DOMAINS: tuple[tuple[str, str, str], ...] = (
    (r"multiple deprivation", "iod.imd", "Index of Multiple Deprivation"),
    (r"affecting children", "iod.idaci", "Income Deprivation Affecting Children Index (IDACI)"),
    (r"affecting older", "iod.idaopi", "Income Deprivation Affecting Older People Index (IDAOPI)"),
    (r"^income", "iod.income", "Income"),
    (r"^employment", "iod.employment", "Employment"),
    (r"^education", "iod.education", "Education, Skills and Training"),
    (r"^health", "iod.health", "Health Deprivation and Disability"),
    (r"^crime", "iod.crime", "Crime"),
    (r"^barriers", "iod.barriers", "Barriers to Housing and Services"),
    (r"^living environment", "iod.living_environment", "Living Environment"),
    (
        r"^children and young people",
        "iod.education.children_young_people",
        "Children and Young People sub-domain",
    ),
    (r"^adult skills", "iod.education.adult_skills", "Adult Skills sub-domain"),
    (r"^geographical barriers", "iod.barriers.geographical", "Geographical Barriers sub-domain"),
    (r"^wider barriers", "iod.barriers.wider", "Wider Barriers sub-domain"),
    (r"^indoors", "iod.living_environment.indoors", "Indoors sub-domain"),
    (r"^outdoors", "iod.living_environment.outdoors", "Outdoors sub-domain"),
)
# Domains whose score is a rate (a proportion of people), not an index score.
_RATE_KEYS = frozenset({"iod.income", "iod.employment", "iod.idaci", "iod.idaopi"})
_UNITS = {"rank": "rank (1 = most deprived)", "decile": "decile (1 = most deprived 10%)"}


def iod_domain(text: str) -> tuple[str, str]:
    """(indicator key, name) of an IoD domain as any IoD file or tidy derivative labels it."""
    label = re.sub(r"^indices of deprivation\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
    lowered = label.lower()
    for pattern, key, name in _DOMAINS:
        if re.search(pattern, lowered):
            return key, name
    slug = re.sub(r"[^a-z0-9]+", "_", lowered).strip("_")
    return f"iod.{slug}", label


def unit_of(key: str, measure: str) -> str:
    """The unit of an IoD measure: rates for the income-type domains, scores otherwise."""
    if measure == "score":
        return "rate" if key in _RATE_KEYS else "score"
    return _UNITS.get(measure, measure)


# --------------------------------------------------------------------------------------------
# iod-lsoa-csv
# --------------------------------------------------------------------------------------------

_LSOA_CODE = re.compile(r"^lsoa code \((\d{4})\)$", re.IGNORECASE)
_LSOA_NAME = re.compile(r"^lsoa name \((\d{4})\)$", re.IGNORECASE)
_LAD_CODE = re.compile(r"^local authority district code \((\d{4})\)$", re.IGNORECASE)
_LAD_NAME = re.compile(r"^local authority district name \((\d{4})\)$", re.IGNORECASE)
_MEASURE_TITLE = re.compile(r"^(?P<domain>.+?)\s+(?P<measure>score|rank|decile)\b", re.IGNORECASE)
_POPULATION_TITLE = re.compile(r"^(?P<group>[^:]*(?:population|aged)[^:]*):(?P<rest>.*)$", re.I)


@dataclass(frozen=True)
class MeasureColumn:
    """What one column of an IoD LSOA file holds."""

    title: str
    key: str
    name: str
    measure: str
    category: str
    unit: str


def measure_column(title: str) -> MeasureColumn | None:
    """The indicator, measure and category a File_1..File_7 column holds, or None."""
    population = _POPULATION_TITLE.match(title)
    if population:
        group = population["group"].strip()
        is_total = group.lower().startswith("total population")
        return MeasureColumn(
            title=title,
            key=POPULATION_KEY,
            name="Population denominators",
            measure="population",
            category="" if is_total else group,
            unit=f"persons, {population['rest'].strip()}".rstrip(", "),
        )
    found = _MEASURE_TITLE.match(title)
    if not found:
        return None
    key, name = iod_domain(found["domain"])
    measure = found["measure"].lower()
    return MeasureColumn(title, key, name, measure, "", unit_of(key, measure))


def _column(frame: pd.DataFrame, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    for title in frame.columns:
        match = pattern.match(str(title))
        if match:
            return str(title), match[1]
    return None


def _sniff_lsoa(source: Source) -> bool:
    titles = source.csv_header
    has_code = any(_LSOA_CODE.match(t) for t in titles)
    return has_code and any(measure_column(t) for t in titles)


def _parse_lsoa(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    code = _column(frame, _LSOA_CODE)
    if code is None:
        raise FileRejected(source.name, "has no 'LSOA code (2011)' or 'LSOA code (2021)' column")
    code_column, lsoa_year = code
    edition = EDITIONS_BY_LSOA_YEAR.get(lsoa_year)
    if edition is None:
        known = ", ".join(f"{y} -> {e}" for y, e in EDITIONS_BY_LSOA_YEAR.items())
        raise FileRejected(
            source.name, f"LSOA codes of {lsoa_year} match no IoD edition ({known})", 1, code_column
        )
    columns = [m for m in map(measure_column, map(str, frame.columns)) if m is not None]
    if not columns:
        raise FileRejected(source.name, "has no score, rank, decile or population columns")

    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    codes = check_area_codes(rejects, frame[code_column], code_column)
    not_lsoa = codes.notna() & (area_types(codes) != "LSOA")
    rejects.add(
        not_lsoa,
        code_column,
        quoted(codes) + " is a " + area_types(codes).fillna("") + " code, not an LSOA code",
    )
    lad = _column(frame, _LAD_CODE)
    lad_codes = check_area_codes(rejects, frame[lad[0]], lad[0], required=False) if lad else None
    values = {m.title: _check_measure(rejects, frame[m.title], m) for m in columns}
    reject_duplicates(rejects, frame, codes, code_column, codes)

    ok = ~rejects.rejected
    lsoas = codes[ok]
    lsoa_vintage = f"LSOA{lsoa_year}"
    rows = [
        indicator_rows(
            indicator_key=m.key,
            indicator_name=m.name,
            edition=edition,
            area_code=lsoas,
            area_type="LSOA",
            code_vintage=lsoa_vintage,
            period=edition,
            measure=m.measure,
            category=m.category,
            value=values[m.title][ok],
            unit=m.unit,
        )
        for m in columns
    ]
    names = _column(frame, _LSOA_NAME)
    areas = pd.DataFrame(
        {
            "area_code": lsoas,
            "area_name": optional_text(frame, names[0] if names else None)[ok],
            "code_vintage": lsoa_vintage,
        }
    )
    total = next((m for m in columns if m.key == POPULATION_KEY and not m.category), None)
    if total is not None:
        areas["population"] = values[total.title][ok].round().astype("Int64")
    if lad is not None and lad_codes is not None:
        lad_names = _column(frame, _LAD_NAME)
        districts = pd.DataFrame(
            {
                "area_code": lad_codes[ok],
                "area_name": optional_text(frame, lad_names[0] if lad_names else None)[ok],
                "code_vintage": f"LAD{lad[1]}",
            }
        )
        areas = pd.concat([areas, districts], ignore_index=True)
    return indicator_parsed(
        "iod-lsoa-csv",
        frame,
        rejects,
        headline=rows[0],
        others=rows[1:],
        areas=areas,
        publisher=PUBLISHER,
        licence=LICENCE,
    )


def _check_measure(rejects: RejectCollector, raw: pd.Series, column: MeasureColumn) -> pd.Series:
    values = check_numbers(rejects, raw, column.title)
    whole = values.isna() | (values == values.round())
    if column.measure == "decile":
        bad = ~(whole & (values.isna() | values.between(1, 10))).astype(bool)
        rejects.add(bad, column.title, quoted(raw) + " is not a decile from 1 to 10")
    elif column.measure in ("rank", "population"):
        bad = ~(whole & (values.isna() | (values >= 0))).astype(bool)
        rejects.add(bad, column.title, quoted(raw) + f" is not a whole-number {column.measure}")
    return values


# --------------------------------------------------------------------------------------------
# iod-district-tidy-csv
# --------------------------------------------------------------------------------------------

# Tidy column -> (measure, unit); the average score is the headline.
_DISTRICT_MEASURES = {
    "average_score": ("score", None),
    "rank_average_score": ("rank", "rank of average score (1 = most deprived)"),
    "average_rank": ("average_rank", "average LSOA rank"),
    "rank_average_rank": ("rank_average_rank", "rank of average rank (1 = most deprived)"),
    "proportion_bottom_decile": (
        "proportion_decile1",
        "proportion of LSOAs in the most deprived 10% nationally",
    ),
    "rank_proportion_bottom_decile": (
        "rank_proportion",
        "rank of proportion in the most deprived 10% (1 = most deprived)",
    ),
}
_DISTRICT_KEYS = {"index_domain", "average_score", "rank_average_score"}


def _sniff_district(source: Source) -> bool:
    return source.csv_keys >= _DISTRICT_KEYS


def _parse_district(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    by_key = column_by_key(frame)
    code_key = next((k for k in by_key if k == "area_code" or re.fullmatch(r"lad\d{2}cd", k)), None)
    year_key = next((k for k in by_key if k in ("year", "deprivation_data_year")), None)
    if code_key is None or year_key is None:
        raise FileRejected(source.name, "needs an area code column and a year column")
    name_key = next((k for k in by_key if k == "area_name" or re.fullmatch(r"lad\d{2}nm", k)), None)
    code_column, year_column = by_key[code_key], by_key[year_key]

    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    codes = check_area_codes(rejects, frame[code_column], code_column)
    domain = check_required(rejects, frame[by_key["index_domain"]], by_key["index_domain"])
    year = clean_year(rejects, frame[year_column], year_column)
    present = [k for k in _DISTRICT_MEASURES if k in by_key]
    values = {k: check_numbers(rejects, frame[by_key[k]], by_key[k]) for k in present}

    domains = {text: iod_domain(text) for text in domain.dropna().unique()}
    keys = domain.map(lambda d: domains[d][0] if d in domains else None).astype("string")
    names = domain.map(lambda d: domains[d][1] if d in domains else None).astype("string")
    edition = "IoD" + year
    if re.fullmatch(r"lad\d{2}cd", code_key):
        vintage_year: pd.Series | str = "20" + code_key[3:5]
    elif "area_type" in by_key:
        vintage_year = year_in(frame[by_key["area_type"]])
    else:
        vintage_year = pd.Series(pd.NA, index=frame.index, dtype="string")
    vintages = code_vintages(area_types(codes.fillna("")), vintage_year)
    label = codes + " " + domain + " " + edition
    reject_duplicates(rejects, frame, codes + "|" + keys + "|" + edition, code_column, label)

    ok = ~rejects.rejected
    rows = {
        k: indicator_rows(
            indicator_key=keys[ok],
            indicator_name=names[ok],
            edition=edition[ok],
            area_code=codes[ok],
            area_type=area_types(codes[ok]),
            code_vintage=vintages[ok],
            period=edition[ok],
            measure=_DISTRICT_MEASURES[k][0],
            value=values[k][ok],
            unit=_DISTRICT_MEASURES[k][1] or keys[ok].map(lambda key: unit_of(key, "score")),
        )
        for k in present
    }
    if "average_score" not in rows:
        raise FileRejected(source.name, "has no average_score column")
    areas = pd.DataFrame(
        {
            "area_code": codes[ok],
            "area_name": optional_text(frame, by_key.get(name_key or ""))[ok],
            "code_vintage": vintages[ok],
        }
    )
    return indicator_parsed(
        "iod-district-tidy-csv",
        frame,
        rejects,
        headline=rows.pop("average_score"),
        others=list(rows.values()),
        areas=areas,
        publisher=PUBLISHER,
        licence=LICENCE,
    )


def clean_year(rejects: RejectCollector, raw: pd.Series, field: str) -> pd.Series:
    """A four-digit year as text; anything else is rejected."""
    text = check_required(rejects, raw, field)
    bad = text.notna() & ~text.str.fullmatch(r"(19|20)\d{2}").fillna(False).astype(bool)
    rejects.add(bad, field, quoted(raw) + " is not a year")
    return text.mask(bad)


# --------------------------------------------------------------------------------------------
# iod-ward-csv
# --------------------------------------------------------------------------------------------

_TIDY_KEYS = {"area_code", "indicator", "period", "measure", "value"}


def is_weighted_iod(rows: list[dict[str, str]]) -> bool:
    """True when tidy rows hold IoD scores (weighted, or labelled with an IoD index name)."""
    for row in rows:
        measure = row.get("measure", "").lower()
        indicator = row.get("indicator", "").lower()
        if "weighted" in measure or indicator.startswith(
            ("index of multiple deprivation", "indices of deprivation")
        ):
            return True
    return False


def _sniff_ward(source: Source) -> bool:
    keys = source.csv_keys
    return keys >= _TIDY_KEYS and "geography" not in keys and is_weighted_iod(first_rows(source))


def _parse_ward(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    by_key = column_by_key(frame)
    missing = sorted(_TIDY_KEYS - by_key.keys())
    if missing:
        raise FileRejected(source.name, f"has no {', '.join(missing)} column")
    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    codes = check_area_codes(rejects, frame[by_key["area_code"]], by_key["area_code"])
    indicator = check_required(rejects, frame[by_key["indicator"]], by_key["indicator"])
    year = clean_year(rejects, frame[by_key["period"]], by_key["period"])
    raw_measure = check_required(rejects, frame[by_key["measure"]], by_key["measure"])
    measure = raw_measure.str.lower().str.extract(r"(score|rank|decile)", expand=False)
    rejects.add(
        raw_measure.notna() & measure.isna(),
        by_key["measure"],
        quoted(raw_measure) + " is not a score, rank or decile",
    )
    values = check_numbers(rejects, frame[by_key["value"]], by_key["value"])

    domains = {text: iod_domain(text) for text in indicator.dropna().unique()}
    keys = indicator.map(lambda d: domains[d][0] if d in domains else None).astype("string")
    names = indicator.map(lambda d: domains[d][1] if d in domains else None).astype("string")
    edition = "IoD" + year
    weighted = raw_measure.str.lower().str.contains("weighted").fillna(False)
    unit = measure.where(~weighted, "population-weighted " + measure)
    label = codes + " " + indicator + " " + edition + " " + raw_measure
    key = codes + "|" + keys + "|" + edition + "|" + measure
    reject_duplicates(rejects, frame, key, by_key["area_code"], label)

    ok = ~rejects.rejected
    types = area_types(codes[ok])
    headline = indicator_rows(
        indicator_key=keys[ok],
        indicator_name=names[ok],
        edition=edition[ok],
        area_code=codes[ok],
        area_type=types,
        code_vintage=code_vintages(types),
        period=edition[ok],
        measure=measure[ok],
        value=values[ok],
        unit=unit[ok],
    )
    areas = pd.DataFrame(
        {
            "area_code": codes[ok],
            "area_name": optional_text(frame, by_key.get("area_name"))[ok],
        }
    )
    return indicator_parsed(
        "iod-ward-csv",
        frame,
        rejects,
        headline=headline,
        areas=areas,
        publisher=PUBLISHER,
        licence=LICENCE,
    )


FORMATS: list[Format] = [
    Format("iod-lsoa-csv", "Indices of Deprivation, LSOA file (CSV)", _sniff_lsoa, _parse_lsoa),
    Format(
        "iod-district-tidy-csv",
        "Indices of Deprivation, district summaries (tidy CSV)",
        _sniff_district,
        _parse_district,
    ),
    Format(
        "iod-ward-csv",
        "Indices of Deprivation, population-weighted ward scores (tidy CSV)",
        _sniff_ward,
        _parse_ward,
    ),
]
