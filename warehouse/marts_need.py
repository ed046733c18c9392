"""Ward IoD scores by the MHCLG method: the population-weighted mean of LSOA scores.

MHCLG publishes no ward-level Indices of Deprivation. For each IoD score indicator and edition,
a ward's score is ``sum(LSOA score x LSOA population) / sum(LSOA population)`` over the LSOAs
whose ``dim_areas.parent_code`` is the ward (set by an area lookup). Only scores are averaged,
never ranks or deciles. The population is the same edition's ``iod.population`` total for the
LSOA, else ``dim_areas.population``; LSOAs without a score or a positive population are left out,
and ``lsoa_count`` says how many were used. LSOAs are matched by code, so IoD2019 scores (2011
LSOAs) reach wards through a 2021 lookup for every LSOA whose code did not change.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Connection, and_, cast, func, insert, select

from warehouse.schema import dim_areas, fct_area_indicators, mart_ward_need

POPULATION_KEY = "iod.population"


def refresh_ward_need(conn: Connection) -> None:
    """Rebuild ``mart_ward_need`` from the LSOA scores, populations and ward links."""
    score = fct_area_indicators.alias("score")
    people = fct_area_indicators.alias("people")
    lsoa = dim_areas.alias("lsoa")
    ward = dim_areas.alias("ward")
    population = func.coalesce(people.c.value, lsoa.c.population)
    weighted = select(
        ward.c.area_code.label("ward_code"),
        score.c.indicator_key,
        score.c.period,
        (func.sum(score.c.value * population) / func.sum(population)).label("score"),
        cast(func.round(func.sum(population)), BigInteger).label("population"),
        func.count().label("lsoa_count"),
    ).select_from(
        score.join(lsoa, lsoa.c.area_code == score.c.area_code)
        .join(ward, and_(ward.c.area_code == lsoa.c.parent_code, ward.c.area_type == "WD"))
        .outerjoin(
            people,
            and_(
                people.c.indicator_key == POPULATION_KEY,
                people.c.area_code == score.c.area_code,
                people.c.period == score.c.period,
                people.c.measure == "population",
                people.c.category == "",
            ),
        )
    )
    weighted = weighted.where(
        score.c.indicator_key.like("iod.%"),
        score.c.measure == "score",
        score.c.category == "",
        score.c.area_type == "LSOA",
        score.c.value.is_not(None),
        lsoa.c.area_type == "LSOA",
        population > 0,
    ).group_by(ward.c.area_code, score.c.indicator_key, score.c.period)
    conn.execute(mart_ward_need.delete())
    conn.execute(
        insert(mart_ward_need).from_select([c.name for c in mart_ward_need.columns], weighted)
    )
