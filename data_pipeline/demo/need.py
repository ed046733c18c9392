"""Need-side files for the demo borough, in the published layouts:

- the English Indices of Deprivation 2025 "File 7" CSV (every score, rank, decile and
  population denominator, one row per 2021 LSOA);
- an OHID Fingertips ``all_data/csv`` export (27 columns) with three ward-level indicators;
- a Census 2021 general-health table by ward, in the tidy layout Trafford Data Lab publishes.

Values are invented but consistent: every domain follows the small area's overall deprivation,
ranks are placed as if among England's 33,755 LSOAs, and the ward indicators worsen with need.
Only the layouts are real. Of the Fingertips indicator ids, 93239 is the real id of hospital
admissions for self-harm; the other two ids are illustrative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from data_pipeline.demo.geography import DISTRICT_CODE, DISTRICT_NAME, Geography

ENGLAND_LSOAS = 33755
_NATIONAL_MEDIAN_IMD = 17.0
_NATIONAL_LOG_SD = 0.62
_RANK = "Rank (where 1 is most deprived)"
_DECILE = "Decile (where 1 is most deprived 10% of LSOAs)"

# (title stem, title of the score column, score from the latent deprivation z, rounding)
_DOMAINS: tuple[tuple[str, str, Callable[[np.ndarray], np.ndarray] | None, int], ...] = (
    ("Index of Multiple Deprivation (IMD)", "Score", None, 3),
    ("Income", "Score (rate)", lambda z: 0.11 * np.exp(0.65 * z), 3),
    ("Employment", "Score (rate)", lambda z: 0.085 * np.exp(0.6 * z), 3),
    ("Education, Skills and Training", "Score", lambda z: 14.0 * np.exp(0.75 * z), 3),
    ("Health Deprivation and Disability", "Score", lambda z: 0.9 * z, 3),
    ("Crime", "Score", lambda z: 0.85 * z, 3),
    ("Barriers to Housing and Services", "Score", lambda z: 20.0 * np.exp(0.35 * z), 3),
    ("Living Environment", "Score", lambda z: 17.0 * np.exp(0.55 * z), 3),
    (
        "Income Deprivation Affecting Children Index (IDACI)",
        "Score (rate)",
        lambda z: 0.14 * np.exp(0.7 * z),
        3,
    ),
    (
        "Income Deprivation Affecting Older People (IDAOPI)",
        "Score (rate)",
        lambda z: 0.13 * np.exp(0.6 * z),
        3,
    ),
    ("Children and Young People Sub-domain", "Score", lambda z: 0.9 * z, 3),
    ("Adult Skills Sub-domain", "Score", lambda z: 0.9 * z, 3),
    ("Geographical Barriers Sub-domain", "Score", lambda z: 0.6 * z, 3),
    ("Wider Barriers Sub-domain", "Score", lambda z: 0.8 * z, 3),
    ("Indoors Sub-domain", "Score", lambda z: 0.7 * z, 3),
    ("Outdoors Sub-domain", "Score", lambda z: 0.7 * z, 3),
)

_POPULATION_COLUMNS = (
    "Total population: mid 2022",
    "Dependent Children aged 0-15: mid 2022",
    "Population aged 16-59: mid 2022",
    "Older population aged 60 and over: mid 2022",
    "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022",
)


def _upper_tail(z: np.ndarray) -> np.ndarray:
    """Share of England's small areas more deprived than ``z`` (standard normal tail)."""
    return np.array([0.5 * math.erfc(float(v) / math.sqrt(2.0)) for v in z])


def _rank_and_decile(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rank = np.clip(np.floor(ENGLAND_LSOAS * _upper_tail(z)).astype(int) + 1, 1, ENGLAND_LSOAS)
    decile = np.clip(np.ceil(rank * 10 / ENGLAND_LSOAS).astype(int), 1, 10)
    return rank, decile


def write_iod2025_file7(geography: Geography, rng: np.random.Generator, path: Path) -> Path:
    """The IoD2025 File 7 CSV for the borough's small areas."""
    lsoas = geography.lsoas
    imd = lsoas["imd_score"].to_numpy(dtype=float)
    z_imd = (np.log(imd) - math.log(_NATIONAL_MEDIAN_IMD)) / _NATIONAL_LOG_SD
    columns: dict[str, object] = {
        "LSOA code (2021)": lsoas["code"],
        "LSOA name (2021)": lsoas["name"],
        "Local Authority District code (2024)": DISTRICT_CODE,
        "Local Authority District name (2024)": DISTRICT_NAME,
    }
    for stem, score_title, score_of, digits in _DOMAINS:
        if score_of is None:
            z, score = z_imd, imd
        else:
            z = 0.85 * z_imd + 0.5 * rng.normal(0.0, 1.0, imd.size)
            score = score_of(z)
        rank, decile = _rank_and_decile(z)
        columns[f"{stem} {score_title}"] = np.round(score, digits)
        columns[f"{stem} {_RANK}"] = rank
        columns[f"{stem} {_DECILE}"] = decile
    total = lsoas["population"].to_numpy()
    children = np.round(total * rng.uniform(0.16, 0.26, total.size)).astype(int)
    older = np.round(total * rng.uniform(0.12, 0.28, total.size)).astype(int)
    middle = total - children - older
    working = np.round(middle * 0.93 + older * 0.22).astype(int)
    for title, values in zip(
        _POPULATION_COLUMNS, (total, children, middle, older, working), strict=True
    ):
        columns[title] = values
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


FINGERTIPS_COLUMNS = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
]  # fmt: skip

# id, name, age, period, sortable period, range, rate of events per head over the period,
# how strongly the ratio rises with need
_FINGERTIPS_INDICATORS = (
    (
        93239,
        "Emergency hospital admissions for intentional self-harm",
        "All ages",
        "2016/17 - 20/21",
        20160000,
        "5y",
        0.0095,
        0.022,
    ),
    (
        93227,
        "Emergency hospital admissions for all causes",
        "All ages",
        "2016/17 - 20/21",
        20160000,
        "5y",
        0.48,
        0.012,
    ),
    (
        93250,
        "Deaths from all causes, under 75 years",
        "<75 yrs",
        "2016 - 20",
        20160000,
        "5y",
        0.0155,
        0.016,
    ),
)


def _compare(lower: np.ndarray, upper: np.ndarray, reference: float) -> np.ndarray:
    return np.where(lower > reference, "Worse", np.where(upper < reference, "Better", "Similar"))


def write_fingertips(geography: Geography, rng: np.random.Generator, path: Path) -> Path:
    """A Fingertips ``by_indicator_id`` export at ward level, England and district rows first."""
    wards = geography.wards
    parts = []
    for ind_id, name, age, period, sortable, span, rate, slope in _FINGERTIPS_INDICATORS:
        expected = np.round(wards["population"].to_numpy() * rate * rng.uniform(0.9, 1.1, 20), 1)
        ratio = 100.0 * np.exp(slope * (wards["need"].to_numpy() - 20.0))
        observed = rng.poisson(np.maximum(expected * ratio / 100.0, 1.0))
        value = 100.0 * observed / expected
        spread95 = np.exp(1.96 / np.sqrt(np.maximum(observed, 1)))
        spread998 = np.exp(3.09 / np.sqrt(np.maximum(observed, 1)))
        district_value = 100.0 * observed.sum() / expected.sum()
        district_spread = math.exp(1.96 / math.sqrt(observed.sum()))
        ward_rows = pd.DataFrame(
            {
                "Parent Code": DISTRICT_CODE,
                "Parent Name": DISTRICT_NAME,
                "Area Code": wards["code"],
                "Area Name": wards["name"],
                "Area Type": "Ward",
                "Value": value.round(1),
                "Lower CI 95.0 limit": (value / spread95).round(1),
                "Upper CI 95.0 limit": (value * spread95).round(1),
                "Lower CI 99.8 limit": (value / spread998).round(1),
                "Upper CI 99.8 limit": (value * spread998).round(1),
                "Count": observed,
                "Denominator": expected,
                "Compared to England value or percentiles": _compare(
                    value / spread95, value * spread95, 100.0
                ),
                "Compared to Region value or percentiles": _compare(
                    value / spread95, value * spread95, district_value
                ),
            }
        )
        head = pd.DataFrame(
            {
                "Parent Code": ["", "E92000001"],
                "Parent Name": ["", "England"],
                "Area Code": ["E92000001", DISTRICT_CODE],
                "Area Name": ["England", DISTRICT_NAME],
                "Area Type": ["England", "Districts & UAs (from Apr 2023)"],
                "Value": [100.0, round(district_value, 1)],
                "Lower CI 95.0 limit": [np.nan, round(district_value / district_spread, 1)],
                "Upper CI 95.0 limit": [np.nan, round(district_value * district_spread, 1)],
                "Count": [np.nan, observed.sum()],
                "Denominator": [np.nan, round(expected.sum(), 1)],
                "Compared to England value or percentiles": [
                    "Not compared",
                    _compare(
                        np.array([district_value / district_spread]),
                        np.array([district_value * district_spread]),
                        100.0,
                    )[0],
                ],
                "Compared to Region value or percentiles": ["Not compared", "Not compared"],
            }
        )
        block = pd.concat([head, ward_rows], ignore_index=True)
        block["Indicator ID"] = ind_id
        block["Indicator Name"] = name
        block["Sex"] = "Persons"
        block["Age"] = age
        block["Time period"] = period
        block["Time period Sortable"] = sortable
        block["Time period range"] = span
        block["Count"] = block["Count"].astype("Int64")
        parts.append(block)
    frame = pd.concat(parts, ignore_index=True).reindex(columns=FINGERTIPS_COLUMNS)
    frame.to_csv(path, index=False)
    return path


CENSUS_INDICATOR = (
    "Estimates that classify usual residents by their own assessment of the general state of "
    "their health from very good to very bad. This assessment is not based on a person's health "
    "over any specified period of time."
)
_GENERAL_HEALTH = (
    "Very good health",
    "Good health",
    "Fair health",
    "Bad health",
    "Very bad health",
)


def write_census_general_health(geography: Geography, rng: np.random.Generator, path: Path) -> Path:
    """Census 2021 general health by ward (TS037), one row per ward and category."""
    wards = geography.wards
    need = (wards["need"] - wards["need"].min()) / (wards["need"].max() - wards["need"].min())
    rows = []
    for code, name, population, t in zip(
        wards["code"], wards["name"], wards["population"], need, strict=True
    ):
        shares = np.array(
            [
                0.52 - 0.08 * t,
                0.33 - 0.01 * t,
                0.105 + 0.05 * t,
                0.035 + 0.027 * t,
                0.01 + 0.013 * t,
            ]
        )
        counts = rng.multinomial(int(population), shares / shares.sum())
        for category, count in zip(_GENERAL_HEALTH, counts, strict=True):
            rows.append((code, name, category, int(count)))
    frame = pd.DataFrame(rows, columns=["area_code", "area_name", "general_health", "value"])
    frame.insert(2, "geography", "Electoral ward")
    frame.insert(3, "period", "2021-03-21")
    frame.insert(4, "indicator", CENSUS_INDICATOR)
    frame.insert(6, "measure", "Count")
    frame.insert(7, "unit", "Persons")
    frame.to_csv(path, index=False)
    return path
