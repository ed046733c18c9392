"""The evidence gap map and the equity of P&C research funding, read for the /gaps page.

Rules kept here, so the page, its embeds and its API agree:
- Only published projects count (``research.published_clause``). A project counts once in each
  cell of a topic it has and a ward (or population group) it covers. "Ongoing or planned" are
  the projects of that cell not yet completed.
- Rows are the topics of published projects; columns are every ward of the borough
  (``dim_areas`` of type WD), neediest first, or every population group of published projects.
  Cells with no project are kept: they are the absolute gaps.
- Need comes from the chosen indicator (``NEED_DEFAULT`` when none is chosen), read for each ward
  from the latest edition loaded; ``warehouse.gap_scores`` turns it into need percentiles and
  gap scores. Population groups have no area indicator; their gap score ranks by coverage alone.
- A ward's IMD decile is the population-weighted mean of its LSOAs' national IMD deciles
  (latest IoD edition), rounded to the nearest whole decile; 1 is the most deprived tenth of
  England's small areas.
- Ward funding is P&C research grants (``fct_grants.is_pc_research``, in pounds sterling) whose
  first beneficiary location is a ward, or a small area whose ward is known, read from
  ``mart_grants_by_facet``. Borough-wide grants cannot be placed in a ward and are left out of
  the equity measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Float, and_, case, cast, func, literal, select

from warehouse.gap_scores import concentration_index, gap_score, need_percentiles
from warehouse.queries.filters import ChartQuery, Filters, OptionQuery
from warehouse.queries.frames import read_frame
from warehouse.queries.research import (
    OPTION_QUERIES as RESEARCH_OPTIONS,
)
from warehouse.queries.research import published_clause
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_populations,
    bridge_project_topics,
    dim_areas,
    dim_projects,
    dim_topics,
    fct_area_indicators,
    mart_grants_by_facet,
    mart_ward_need,
)
from warehouse.vocabularies import ACTIVE_PROJECT_STATUSES, PARTICIPATION_LEVELS

AXES = {"ward": "Wards", "population": "Population groups"}
AXIS_DEFAULT = "ward"
NEED_DEFAULT = "iod.imd"
IMD_DECILE = "imd-decile"
BAD_HEALTH = "census.bad-health"
IMD_KEY = "iod.imd"
POPULATION_KEY = "iod.population"
FINGERTIPS_PREFIX = "fingertips."
CENSUS_HEALTH_KEY = "census.general_health"
NOT_RECORDED = "not recorded"
NO_AREA_INDICATOR = "No area indicator applies to population groups"
GAP_LIST_LENGTH = 10
CELL_PROJECT_LIMIT = 50
LEVEL_COLUMNS = list(PARTICIPATION_LEVELS)

projects = dim_projects
topics = dim_topics


def axis_of(filters: Filters) -> str:
    """The matrix's column axis: "ward" (the default) or "population"."""
    return filters.axis if filters.axis in AXES else AXIS_DEFAULT


# --------------------------------------------------------------------------------------------
# Need: one value per ward from the chosen indicator
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """The chosen indicator for each ward, and which way means more need."""

    key: str
    label: str  # what the indicator is, e.g. "IMD score, IoD2025"
    higher_is_more_need: bool
    values: pd.DataFrame  # ward_code, need


def _latest_period(engine: Engine, key: str, measure: str, area_type: str) -> str | None:
    statement = select(func.max(fct_area_indicators.c.period)).where(
        fct_area_indicators.c.indicator_key == key,
        fct_area_indicators.c.measure == measure,
        fct_area_indicators.c.area_type == area_type,
    )
    with engine.connect() as conn:
        period = conn.execute(statement).scalar_one_or_none()
    return None if period is None else str(period)


def _latest_iod_period(engine: Engine) -> str | None:
    statement = select(func.max(mart_ward_need.c.period)).where(
        mart_ward_need.c.indicator_key == IMD_KEY
    )
    with engine.connect() as conn:
        period = conn.execute(statement).scalar_one_or_none()
    return None if period is None else str(period)


def _indicator_name(engine: Engine, key: str) -> str:
    statement = select(func.max(fct_area_indicators.c.indicator_name)).where(
        fct_area_indicators.c.indicator_key == key
    )
    with engine.connect() as conn:
        name = conn.execute(statement).scalar_one_or_none()
    return str(name) if name else key


def _iod_score_need(engine: Engine, key: str) -> Need:
    period = _latest_iod_period(engine)
    statement = select(mart_ward_need.c.ward_code, mart_ward_need.c.score.label("need")).where(
        mart_ward_need.c.indicator_key == key, mart_ward_need.c.period == period
    )
    name = "IMD" if key == IMD_KEY else _indicator_name(engine, key)
    label = f"{name} score, {period} (higher = more deprived)"
    return Need(key, label, True, read_frame(statement, engine))


def ward_imd_deciles(engine: Engine) -> pd.DataFrame:
    """Each ward's population-weighted mean LSOA IMD decile (latest IoD edition): ward_code,
    mean_decile, population. Computed in SQL over the borough's LSOAs."""
    period = _latest_period(engine, IMD_KEY, "decile", "LSOA")
    decile = fct_area_indicators.alias("decile")
    people = fct_area_indicators.alias("people")
    lsoa = dim_areas.alias("lsoa")
    ward = dim_areas.alias("ward")
    population = func.coalesce(people.c.value, lsoa.c.population)
    statement = (
        select(
            ward.c.area_code.label("ward_code"),
            (func.sum(decile.c.value * population) / func.sum(population)).label("mean_decile"),
            func.sum(population).label("population"),
        )
        .select_from(
            decile.join(lsoa, lsoa.c.area_code == decile.c.area_code)
            .join(ward, and_(ward.c.area_code == lsoa.c.parent_code, ward.c.area_type == "WD"))
            .outerjoin(
                people,
                and_(
                    people.c.indicator_key == POPULATION_KEY,
                    people.c.area_code == decile.c.area_code,
                    people.c.period == decile.c.period,
                    people.c.measure == "population",
                    people.c.category == "",
                ),
            )
        )
        .where(
            decile.c.indicator_key == IMD_KEY,
            decile.c.measure == "decile",
            decile.c.category == "",
            decile.c.area_type == "LSOA",
            decile.c.period == period,
            decile.c.value.is_not(None),
            population > 0,
        )
        .group_by(ward.c.area_code)
    )
    return read_frame(statement, engine)


def _imd_decile_need(engine: Engine) -> Need:
    period = _latest_period(engine, IMD_KEY, "decile", "LSOA")
    deciles = ward_imd_deciles(engine).rename(columns={"mean_decile": "need"})
    label = f"IMD decile, {period} (mean of the ward's small areas; 1 = most deprived)"
    return Need(IMD_DECILE, label, False, deciles[["ward_code", "need"]])


def _fingertips_need(engine: Engine, key: str) -> Need:
    """A Fingertips ward value. The export carries no polarity, so it is read from the data:
    if the wards Fingertips marks "Worse" than England have higher values than those marked
    "Better", higher means more need; when that cannot be told, higher is taken as more need."""
    period = _latest_period(engine, key, "value", "WD")
    statement = select(
        fct_area_indicators.c.area_code.label("ward_code"),
        fct_area_indicators.c.value.label("need"),
        fct_area_indicators.c.compared_to_england,
    ).where(
        fct_area_indicators.c.indicator_key == key,
        fct_area_indicators.c.area_type == "WD",
        fct_area_indicators.c.measure == "value",
        fct_area_indicators.c.category == "",
        fct_area_indicators.c.period == period,
    )
    values = read_frame(statement, engine)
    compared = values["compared_to_england"].fillna("").str.lower()
    worse = values.loc[compared == "worse", "need"].mean()
    better = values.loc[compared == "better", "need"].mean()
    known = not (math.isnan(worse) or math.isnan(better))
    higher = bool(worse >= better) if known else True
    direction = "higher = more need" if higher else "lower = more need"
    label = f"{_indicator_name(engine, key)}, {period} ({direction})"
    return Need(key, label, higher, values[["ward_code", "need"]])


def _bad_health_need(engine: Engine) -> Need:
    period = _latest_period(engine, CENSUS_HEALTH_KEY, "count", "WD")
    table = fct_area_indicators
    bad = case((func.lower(table.c.category).like("%bad health%"), table.c.value), else_=0.0)
    statement = (
        select(
            table.c.area_code.label("ward_code"),
            (cast(func.sum(bad), Float) * 100 / func.sum(table.c.value)).label("need"),
        )
        .where(
            table.c.indicator_key == CENSUS_HEALTH_KEY,
            table.c.area_type == "WD",
            table.c.measure == "count",
            table.c.category != "",
            table.c.period == period,
        )
        .group_by(table.c.area_code)
        .having(func.sum(table.c.value) > 0)
    )
    label = "Bad or very bad health (% of residents), Census 2021"
    return Need(BAD_HEALTH, label, True, read_frame(statement, engine))


def ward_need(engine: Engine, key: str | None) -> Need:
    """Each ward's need from the indicator ``key`` (an option of ``need_options``)."""
    key = key or NEED_DEFAULT
    if key == IMD_DECILE:
        return _imd_decile_need(engine)
    if key == BAD_HEALTH:
        return _bad_health_need(engine)
    if key.startswith(FINGERTIPS_PREFIX):
        return _fingertips_need(engine, key)
    return _iod_score_need(engine, key)


def need_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """The need indicators there are: value, label, records (wards with a value)."""
    rows: list[tuple[str, str, int]] = []
    period = _latest_iod_period(engine)
    with engine.connect() as conn:
        iod = conn.execute(
            select(mart_ward_need.c.indicator_key, func.count())
            .where(mart_ward_need.c.period == period)
            .group_by(mart_ward_need.c.indicator_key)
            .order_by(mart_ward_need.c.indicator_key)
        ).all()
        names = dict(
            conn.execute(
                select(
                    fct_area_indicators.c.indicator_key,
                    func.max(fct_area_indicators.c.indicator_name),
                )
                .where(
                    fct_area_indicators.c.indicator_key.like("iod.%")
                    | fct_area_indicators.c.indicator_key.like(f"{FINGERTIPS_PREFIX}%")
                )
                .group_by(fct_area_indicators.c.indicator_key)
            ).all()
        )
        fingertips = conn.execute(
            select(
                fct_area_indicators.c.indicator_key,
                func.count(func.distinct(fct_area_indicators.c.area_code)),
            )
            .where(
                fct_area_indicators.c.indicator_key.like(f"{FINGERTIPS_PREFIX}%"),
                fct_area_indicators.c.area_type == "WD",
                fct_area_indicators.c.measure == "value",
            )
            .group_by(fct_area_indicators.c.indicator_key)
            .order_by(fct_area_indicators.c.indicator_key)
        ).all()
        census = conn.execute(
            select(func.count(func.distinct(fct_area_indicators.c.area_code))).where(
                fct_area_indicators.c.indicator_key == CENSUS_HEALTH_KEY,
                fct_area_indicators.c.area_type == "WD",
            )
        ).scalar_one()
    counts = {str(key): int(n) for key, n in iod}
    if IMD_KEY in counts:
        rows.append((IMD_KEY, f"IMD score, {period}", counts[IMD_KEY]))
        rows.append((IMD_DECILE, f"IMD decile, {period} (1 = most deprived)", counts[IMD_KEY]))
    for key, n in counts.items():
        if key != IMD_KEY:
            rows.append((key, f"{names.get(key, key)} score, {period}", n))
    for key, n in fingertips:
        rows.append((str(key), f"{names.get(key, key)} (Fingertips)", int(n)))
    if census:
        rows.append((BAD_HEALTH, "Bad or very bad health %, Census 2021", int(census)))
    return pd.DataFrame(rows, columns=["value", "label", "records"])


def axis_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """The two axes, each with how many columns it has."""
    wards = len(_ward_columns(engine))
    groups = len(_population_columns(engine, Filters()))
    return pd.DataFrame(
        [("ward", AXES["ward"], wards), ("population", AXES["population"], groups)],
        columns=["value", "label", "records"],
    )


# --------------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------------


def _ward_columns(engine: Engine) -> pd.DataFrame:
    statement = (
        select(
            dim_areas.c.area_code.label("code"),
            func.coalesce(dim_areas.c.area_name, dim_areas.c.area_code).label("label"),
        )
        .where(dim_areas.c.area_type == "WD")
        .order_by(dim_areas.c.area_code)
    )
    return read_frame(statement, engine)


def _population_columns(engine: Engine, filters: Filters) -> pd.DataFrame:
    population = bridge_project_populations.c.population
    clause: ColumnElement[bool] = projects.c.is_published.is_(True)
    if filters.population:
        clause = clause & population.in_(filters.population)
    statement = (
        select(population.label("code"), population.label("label"))
        .select_from(
            bridge_project_populations.join(
                projects, projects.c.project_id == bridge_project_populations.c.project_id
            )
        )
        .where(clause)
        .distinct()
        .order_by(population)
    )
    return read_frame(statement, engine)


def _topic_rows(engine: Engine, filters: Filters) -> list[str]:
    clause: ColumnElement[bool] = projects.c.is_published.is_(True)
    if filters.topic:
        clause = clause & topics.c.topic_id.in_(filters.topic)
    statement = (
        select(topics.c.label)
        .select_from(
            topics.join(
                bridge_project_topics, bridge_project_topics.c.topic_id == topics.c.topic_id
            ).join(projects, projects.c.project_id == bridge_project_topics.c.project_id)
        )
        .where(clause)
        .distinct()
        .order_by(topics.c.label)
    )
    return [str(label) for label in read_frame(statement, engine)["label"]]


def _column_link(axis: str) -> tuple[Any, Any]:
    """The bridge table and its column code for the axis."""
    if axis == "population":
        return bridge_project_populations, bridge_project_populations.c.population
    return bridge_project_areas, bridge_project_areas.c.area_code


def _cell_counts(engine: Engine, filters: Filters, axis: str) -> pd.DataFrame:
    """Projects per topic, column, participation level and whether still active (SQL)."""
    bridge, code = _column_link(axis)
    level = func.coalesce(projects.c.participation_level, literal(NOT_RECORDED))
    active = case((projects.c.status.in_(ACTIVE_PROJECT_STATUSES), 1), else_=0)
    statement = (
        select(
            topics.c.label.label("topic"),
            code.label("code"),
            level.label("level"),
            active.label("active"),
            func.count(func.distinct(projects.c.project_id)).label("projects"),
        )
        .select_from(
            projects.join(
                bridge_project_topics, bridge_project_topics.c.project_id == projects.c.project_id
            )
            .join(topics, topics.c.topic_id == bridge_project_topics.c.topic_id)
            .join(bridge, bridge.c.project_id == projects.c.project_id)
        )
        .where(published_clause(replace(filters, ward=(), population=())))
        .group_by(topics.c.label, code, level, active)
    )
    return read_frame(statement, engine)


def matrix_cells(engine: Engine, filters: Filters) -> pd.DataFrame:
    """One row per cell (topic x ward, or topic x population group), gaps included: projects,
    how many are ongoing or planned, projects per participation level, the column's need, need
    percentile and gap score. Columns come neediest first (wards) or alphabetically."""
    axis = axis_of(filters)
    topic_labels = _topic_rows(engine, filters)
    if axis == "population":
        columns = _population_columns(engine, filters)
        columns["need"] = float("nan")
        columns["need_percentile"] = float("nan")
        need_label = NO_AREA_INDICATOR
    else:
        columns = _ward_columns(engine)
        need = ward_need(engine, filters.need)
        columns = columns.merge(
            need.values.rename(columns={"ward_code": "code"}), on="code", how="left"
        )
        columns["need_percentile"] = need_percentiles(
            [None if pd.isna(v) else float(v) for v in columns["need"]],
            higher_is_more_need=need.higher_is_more_need,
        )
        columns = columns.sort_values(
            ["need_percentile", "label"], ascending=[False, True], na_position="last"
        )
        need_label = need.label
    if not topic_labels or columns.empty:
        return pd.DataFrame()
    counts = _cell_counts(engine, filters, axis)
    levels = LEVEL_COLUMNS + ([NOT_RECORDED] if (counts["level"] == NOT_RECORDED).any() else [])
    by_level = counts.pivot_table(
        index=["topic", "code"], columns="level", values="projects", aggfunc="sum", fill_value=0
    )
    active = counts[counts["active"] == 1].groupby(["topic", "code"])["projects"].sum()
    grid = pd.MultiIndex.from_product(
        [topic_labels, list(columns["code"])], names=["topic", "code"]
    )
    cells = pd.DataFrame(index=grid)
    for level in levels:
        cells[level] = by_level[level].reindex(grid, fill_value=0) if level in by_level else 0
    cells["projects"] = cells[levels].sum(axis=1)
    cells["ongoing_or_planned"] = active.reindex(grid, fill_value=0)
    cells = cells.reset_index().merge(columns, on="code", how="left")
    cells["need_indicator"] = need_label
    cells["gap_score"] = [
        round(gap_score(None if pd.isna(p) else float(p), int(n)), 1)
        for p, n in zip(cells["need_percentile"], cells["projects"], strict=True)
    ]
    cells["need"] = cells["need"].round(2)
    cells["need_percentile"] = cells["need_percentile"].round(1)
    column_name = "ward" if axis == "ward" else "population_group"
    cells = cells.rename(columns={"label": column_name})
    leading = ["topic", column_name] + (["ward_code"] if axis == "ward" else [])
    if axis == "ward":
        cells["ward_code"] = cells["code"]
    ordered = [
        *leading,
        "projects",
        "ongoing_or_planned",
        *levels,
        "need",
        "need_indicator",
        "need_percentile",
        "gap_score",
    ]
    for column in ("projects", "ongoing_or_planned", *levels):
        cells[column] = cells[column].astype(int)
    return cells[ordered].reset_index(drop=True)


def cell_label(projects: int, active: int) -> str:
    """What a cell says: "gap", "5", or "5 (2)" when 2 of the 5 are ongoing or planned."""
    if projects <= 0:
        return "gap"
    return f"{projects} ({active})" if active else f"{projects}"


def _need_label(value: float) -> str:
    if value != value:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def wide_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """The matrix as people read it: one row per topic, one column per ward (neediest first) or
    population group, each cell "gap", "5" or "5 (2)" (2 ongoing or planned); a first row gives
    each ward's need. ``projects_in_topic`` counts the topic's projects in any column. The cell
    rows ride along in ``attrs["cells"]`` for the figure's hover."""
    if cells.empty:
        return pd.DataFrame()
    field = "ward" if "ward" in cells.columns else "population_group"
    columns = list(dict.fromkeys(cells[field]))
    rows: list[dict[str, Any]] = []
    first = cells.drop_duplicates(field).set_index(field)
    if first["need"].notna().any():
        need_row: dict[str, Any] = {"topic": f"Need: {cells['need_indicator'].iloc[0]}"}
        needs = pd.to_numeric(first["need"], errors="coerce")
        need_row.update({c: _need_label(float(needs[c])) for c in columns})
        need_row["projects_in_topic"] = None
        rows.append(need_row)
    for topic, group in cells.groupby("topic", sort=True):
        row: dict[str, Any] = {"topic": topic}
        by_column = group.set_index(field)
        counts = by_column["projects"].astype(int).to_dict()
        active = by_column["ongoing_or_planned"].astype(int).to_dict()
        for column in columns:
            row[column] = cell_label(int(counts[column]), int(active[column]))
        row["projects_in_topic"] = int(group["topic_projects"].iloc[0])
        rows.append(row)
    table = pd.DataFrame(rows, columns=["topic", *columns, "projects_in_topic"])
    table["projects_in_topic"] = table["projects_in_topic"].astype("Int64")
    table.attrs["cells"] = cells
    return table


def gap_matrix(engine: Engine, filters: Filters) -> pd.DataFrame:
    """The gap map's chart data: ``wide_matrix`` of ``matrix_cells``."""
    cells = matrix_cells(engine, filters)
    if cells.empty:
        return pd.DataFrame()
    totals = _topic_totals(engine, filters, axis_of(filters))
    cells["topic_projects"] = cells["topic"].map(totals).fillna(0).astype(int)
    return wide_matrix(cells)


def _topic_totals(engine: Engine, filters: Filters, axis: str) -> dict[str, int]:
    """Distinct published projects per topic that cover at least one column of the axis."""
    bridge, _code = _column_link(axis)
    statement = (
        select(
            topics.c.label.label("topic"),
            func.count(func.distinct(projects.c.project_id)).label("projects"),
        )
        .select_from(
            projects.join(
                bridge_project_topics, bridge_project_topics.c.project_id == projects.c.project_id
            )
            .join(topics, topics.c.topic_id == bridge_project_topics.c.topic_id)
            .join(bridge, bridge.c.project_id == projects.c.project_id)
        )
        .where(published_clause(replace(filters, ward=(), population=())))
        .group_by(topics.c.label)
    )
    return {str(t): int(n) for t, n in read_frame(statement, engine).itertuples(index=False)}


def ranked_gaps(matrix: pd.DataFrame, *, limit: int = GAP_LIST_LENGTH) -> pd.DataFrame:
    """The cells with the highest gap scores, neediest first among equal scores."""
    if matrix.empty:
        return matrix
    ranked = matrix.assign(_need=matrix["need_percentile"].fillna(100.0)).sort_values(
        ["gap_score", "_need", "topic"], ascending=[False, False, True], kind="stable"
    )
    return ranked.drop(columns="_need").head(limit).reset_index(drop=True)


def cell_choices(engine: Engine, filters: Filters) -> tuple[list[str], list[str]]:
    """The matrix's row labels (topics) and column labels (ward names or population groups),
    for choosing a cell without a pointer."""
    if axis_of(filters) == "population":
        columns = _population_columns(engine, filters)
    else:
        columns = _ward_columns(engine)
    return _topic_rows(engine, filters), sorted(str(label) for label in columns["label"])


def column_code(engine: Engine, filters: Filters, label: str) -> str | None:
    """The code of the matrix column labelled ``label``: a ward's code from its name, or the
    population group itself; None when no column has that label."""
    if axis_of(filters) == "population":
        return label or None
    wards = _ward_columns(engine)
    matches = wards.loc[wards["label"] == label, "code"]
    return str(matches.iloc[0]) if not matches.empty else None


def cell_projects(engine: Engine, filters: Filters, topic: str, column: str) -> pd.DataFrame:
    """The published projects of one cell (at most ``CELL_PROJECT_LIMIT``): project_id, title,
    status, participation_level, start_date; active ones first, then the newest."""
    bridge, code = _column_link(axis_of(filters))
    statement = (
        select(
            projects.c.project_id,
            projects.c.title,
            projects.c.status,
            projects.c.participation_level,
            projects.c.start_date,
        )
        .where(
            published_clause(replace(filters, ward=(), population=())),
            projects.c.project_id.in_(
                select(bridge_project_topics.c.project_id)
                .join(topics, topics.c.topic_id == bridge_project_topics.c.topic_id)
                .where(topics.c.label == topic)
            ),
            projects.c.project_id.in_(select(bridge.c.project_id).where(code == column)),
        )
        .order_by(
            case((projects.c.status.in_(ACTIVE_PROJECT_STATUSES), 0), else_=1),
            projects.c.start_date.desc().nulls_last(),
            projects.c.project_id,
        )
        .limit(CELL_PROJECT_LIMIT)
    )
    return read_frame(statement, engine)


# --------------------------------------------------------------------------------------------
# Equity: P&C research funding per head by deprivation
# --------------------------------------------------------------------------------------------


def ward_funding(engine: Engine) -> pd.DataFrame:
    """Each ward: ward_code, ward, population, mean_decile, decile, imd_score, grants,
    amount_pence (P&C research grants placed in the ward). Aggregated in SQL."""
    # The facet mart holds the grants already counted and summed by beneficiary location (a
    # few thousand rows at a million grants), so no query here scans fct_grants.
    facets = mart_grants_by_facet
    lsoa = dim_areas.alias("lsoa")
    ward_code = func.coalesce(lsoa.c.parent_code, facets.c.beneficiary_geo_code)
    funding = (
        select(
            ward_code.label("ward_code"),
            func.sum(facets.c.grants_count).label("grants"),
            func.sum(facets.c.amount_awarded_pence).label("amount_pence"),
        )
        .select_from(
            facets.outerjoin(
                lsoa,
                and_(
                    lsoa.c.area_code == facets.c.beneficiary_geo_code,
                    lsoa.c.area_type == "LSOA",
                ),
            )
        )
        .where(
            facets.c.is_pc_research.is_(True),
            facets.c.currency == "GBP",
            facets.c.beneficiary_geo_code.is_not(None),
        )
        .group_by(ward_code)
    )
    money = read_frame(funding, engine)
    wards = _ward_columns(engine).rename(columns={"code": "ward_code", "label": "ward"})
    deciles = ward_imd_deciles(engine)
    scores = _iod_score_need(engine, IMD_KEY).values.rename(columns={"need": "imd_score"})
    table = wards.merge(deciles, on="ward_code", how="inner").merge(
        scores, on="ward_code", how="left"
    )
    table = table.merge(money, on="ward_code", how="left")
    table["grants"] = table["grants"].fillna(0).astype(int)
    table["amount_pence"] = table["amount_pence"].fillna(0).astype("int64")
    table["decile"] = table["mean_decile"].map(lambda d: math.floor(float(d) + 0.5))
    return table


def funding_by_decile(engine: Engine, filters: Filters) -> pd.DataFrame:
    """P&C research funding per head by ward IMD decile: decile, wards, population, grants,
    amount_pence, per_head_pence (1 = most deprived)."""
    wards = ward_funding(engine)
    if wards.empty or wards["grants"].sum() == 0:
        return pd.DataFrame()
    grouped = (
        wards.groupby("decile")
        .agg(
            wards=("ward_code", "count"),
            population=("population", "sum"),
            grants=("grants", "sum"),
            amount_pence=("amount_pence", "sum"),
        )
        .reset_index()
        .sort_values("decile")
    )
    grouped["population"] = grouped["population"].round().astype("int64")
    grouped["per_head_pence"] = (grouped["amount_pence"] / grouped["population"]).round()
    grouped["per_head_pence"] = grouped["per_head_pence"].astype("int64")
    return grouped.reset_index(drop=True)


def funding_concentration(engine: Engine) -> float | None:
    """The concentration index of P&C research funding per head over wards, ranked from the
    most deprived (highest IMD score) to the least."""
    return concentration_of(ward_funding(engine))


def concentration_of(wards: pd.DataFrame) -> float | None:
    """The concentration index over the rows of ``ward_funding`` (wards without an IMD score
    are left out)."""
    wards = wards.dropna(subset=["imd_score"])
    return concentration_index(
        wards["population"].astype(float).tolist(),
        wards["amount_pence"].astype(float).tolist(),
        wards["imd_score"].astype(float).tolist(),
    )


CHART_QUERIES: dict[str, ChartQuery] = {
    "gaps-matrix": gap_matrix,
    "gaps-funding-by-decile": funding_by_decile,
}

OPTION_QUERIES: dict[str, OptionQuery] = {
    "axis": axis_options,
    "need": need_options,
    "topic": RESEARCH_OPTIONS["topic"],
    "participation": RESEARCH_OPTIONS["participation"],
    "status": RESEARCH_OPTIONS["status"],
}
