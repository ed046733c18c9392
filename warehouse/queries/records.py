"""The published records behind the open-data API (``/api/v1/<dataset>.json|.csv``): each
dataset filtered with the same parameters as its page, counted in SQL, read one page at a time
with LIMIT/OFFSET in a stable order, or every row streamed from one cursor for CSV.

Public rules, kept here so that no caller can forget them (each dataset reuses the WHERE clause
of the page that shows it, so the API can never show more than the pages do):
- grants: every grant the funding page shows; a grant to an individual never carries the
  recipient's name, postcode or the grant's description.
- projects: published projects only (``research.published_clause``); of their links, topics,
  areas, populations and outputs.
- recommendations: every recommendation with its *published* updates only, its milestones and
  the published projects that deliver it.
- policy-decisions: published decisions that cite a published project (as on ``/impact``,
  ``impact.decisions_clause``), with their citations of published projects only.
- researchers: consent ``public`` only (``researchers._directory_where``); ``public`` consent is
  consent to show the contact details, and the columns are guarded again on consent.
- spend: only totals, never a payment: payments over £500 to organisations that received a
  P&C research grant, by year, body, service and organisation, with redacted suppliers never
  read and totals of fewer than 5 payments withheld (``spend.spend_records``).
Payments to researchers are not a dataset: only the researchers page's suppressed aggregates
are public.

Each dataset is a main statement (one row per record, ordered, ending with its key) and nested
lists read for the ids of one page or one CSV chunk at a time (never a whole table).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    case,
    func,
    literal,
    select,
)

from warehouse.queries import impact, recommendations, research, researchers, spend
from warehouse.queries.filters import Filters, where_clause
from warehouse.queries.funding import OPTION_QUERIES as FUNDING_FILTERS
from warehouse.queries.grants_table import WITHHELD, count_grants, grid_where
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_populations,
    bridge_project_recommendations,
    bridge_project_topics,
    dim_organisations,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_topics,
    dim_workstreams,
    fct_grants,
    fct_milestones,
    fct_policy_citations,
    fct_policy_decisions,
    fct_project_outputs,
    fct_recommendation_updates,
)
from warehouse.spreadsheet_cells import SafeCsvWriter

CSV_CHUNK = 2_000
# Paging of the JSON answers: at most this many records a page, and pages up to MAX_PAGE.
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1_000
MAX_PAGE = 1_000_000_000
LIST_SEPARATOR = "; "
PARENT = "parent_id"  # the label of the parent's key in every nested statement
WITHHELD_DESCRIPTION = "A grant to an individual; the description is withheld for their privacy."

Record = dict[str, Any]


@dataclass(frozen=True)
class Nested:
    """A list inside each record: its statement selects ``PARENT`` and the item's columns for
    the given parent ids, in order. A one-column item is a plain value (a list of strings)."""

    name: str
    statement: Callable[[Sequence[str]], Select[Any]]
    description: str

    @cached_property
    def item_columns(self) -> list[str]:
        return [key for key, _ in self.statement(()).selected_columns.items() if key != PARENT]

    @cached_property
    def is_scalar(self) -> bool:
        return len(self.item_columns) == 1


@dataclass(frozen=True)
class Dataset:
    """One published dataset of the API."""

    name: str
    title: str
    row: str  # what one record is
    page: str  # the dashboard page that shows it, whose filters it takes
    filters: tuple[str, ...]
    key: str
    statement: Callable[[Filters], Select[Any]]  # one row per record, in a stable order
    nested: tuple[Nested, ...] = ()
    list_columns: tuple[str, ...] = ()  # stored as "a; b", given as lists
    csv_rows_per: str | None = None  # a nested list whose items are the CSV's rows
    count: Callable[[Engine, Filters], int] | None = None  # a faster count than the default
    descriptions: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def columns(self) -> list[str]:
        """The record's own columns (nested lists come after them)."""
        return list(self.statement(Filters()).selected_columns.keys())

    @cached_property
    def csv_columns(self) -> list[str]:
        """The CSV's header: the record's columns, each plain list joined by "; ", each list
        of objects counted (or, for ``csv_rows_per``, spread one item per row)."""
        header = list(self.columns)
        for nested in self.nested:
            if nested.is_scalar:
                header.append(nested.name)
            elif nested.name == self.csv_rows_per:
                header.extend(f"{_singular(nested.name)}_{c}" for c in nested.item_columns)
            else:
                header.append(f"{nested.name}_count")
        return header


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


# --------------------------------------------------------------------------------------------
# grants
# --------------------------------------------------------------------------------------------

_g = fct_grants.c
_individual = _g.recipient_is_individual.is_(True)


def _unless_individual(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((_individual, None), else_=column)


def _public_recipient_name() -> ColumnElement[Any]:
    return case((_individual, literal(WITHHELD)), else_=_g.recipient_name)


def _grants(filters: Filters) -> Select[Any]:
    return (
        select(
            _g.grant_id,
            _g.title,
            _unless_individual(_g.description).label("description"),
            _g.currency,
            _g.amount_awarded_pence,
            _g.amount_disbursed_pence,
            _g.award_date,
            _g.financial_year,
            _g.planned_start_date,
            _g.planned_end_date,
            _g.funder_org_id,
            _g.funder_name,
            _g.recipient_org_id,
            _public_recipient_name().label("recipient_name"),
            _g.recipient_is_individual,
            _g.recipient_type,
            _unless_individual(_g.recipient_postal_code).label("recipient_postal_code"),
            _g.beneficiary_geo_code,
            _g.beneficiary_name,
            _g.programme_code,
            _g.programme_title,
            _g.route,
            _g.direction,
            _g.home_org_id,
            _g.is_pc_research,
            _g.data_source,
        )
        .where(grid_where(filters, None))
        # Newest first, read along ix_fct_grants_award_date.
        .order_by(_g.award_date.desc(), _g.grant_id.desc())
    )


def _count_grants(engine: Engine, filters: Filters) -> int:
    return count_grants(engine, filters, None)


# --------------------------------------------------------------------------------------------
# projects
# --------------------------------------------------------------------------------------------

_p = dim_projects.c


def _projects(filters: Filters) -> Select[Any]:
    return (
        select(
            _p.project_id,
            _p.title,
            _p.lay_summary,
            _p.methodology,
            _p.methods,
            _p.participation_level,
            _p.provider_org_id,
            _p.provider_name,
            _p.status,
            _p.start_date,
            _p.end_date,
            _p.financial_year,
            _p.budget_pence,
            _p.currency,
            _p.findings,
        )
        .where(research.published_clause(filters))
        .order_by(_p.project_id)
    )


def _project_topics(ids: Sequence[str]) -> Select[Any]:
    b = bridge_project_topics.c
    return (
        select(b.project_id.label(PARENT), dim_topics.c.label.label("topic"))
        .select_from(bridge_project_topics.join(dim_topics, dim_topics.c.topic_id == b.topic_id))
        .where(b.project_id.in_(list(ids)))
        .order_by(b.project_id, dim_topics.c.label)
    )


def _project_areas(ids: Sequence[str]) -> Select[Any]:
    b = bridge_project_areas.c
    return (
        select(b.project_id.label(PARENT), b.area_code)
        .where(b.project_id.in_(list(ids)))
        .order_by(b.project_id, b.area_code)
    )


def _project_populations(ids: Sequence[str]) -> Select[Any]:
    b = bridge_project_populations.c
    return (
        select(b.project_id.label(PARENT), b.population)
        .where(b.project_id.in_(list(ids)))
        .order_by(b.project_id, b.population)
    )


def _project_outputs(ids: Sequence[str]) -> Select[Any]:
    o = fct_project_outputs.c
    return (
        select(o.project_id.label(PARENT), o.title, o.url, o.output_type)
        .where(o.project_id.in_(list(ids)))
        .order_by(o.project_id, o.output_no)
    )


# --------------------------------------------------------------------------------------------
# recommendations
# --------------------------------------------------------------------------------------------

_r, _w = dim_recommendations.c, dim_workstreams.c
_u, _m = fct_recommendation_updates.c, fct_milestones.c


def _recommendations(filters: Filters) -> Select[Any]:
    return (
        recommendations.recommendations_with_workstreams()
        .where(where_clause(dim_recommendations, filters, {"status": "status"}))
        .order_by(_w.number, _r.recommendation_id)
    )


def _recommendation_updates(ids: Sequence[str]) -> Select[Any]:
    return (
        select(
            _u.recommendation_id.label(PARENT),
            _u.update_id,
            _u.update_date,
            _u.author,
            _u.note,
            _u.evidence_url,
            _u.status_from,
            _u.status_to,
            _u.rag_from,
            _u.rag_to,
            _u.progress_pct,
        )
        .where(_u.recommendation_id.in_(list(ids)), _u.is_published.is_(True))
        .order_by(_u.recommendation_id, _u.update_date, _u.update_id)
    )


def _recommendation_milestones(ids: Sequence[str]) -> Select[Any]:
    return (
        select(
            _m.recommendation_id.label(PARENT), _m.milestone_id, _m.title, _m.due_date, _m.done_date
        )
        .where(_m.recommendation_id.in_(list(ids)))
        .order_by(
            _m.recommendation_id,
            case((_m.due_date.is_(None), 1), else_=0),
            _m.due_date,
            _m.milestone_id,
        )
    )


def _recommendation_projects(ids: Sequence[str]) -> Select[Any]:
    b = bridge_project_recommendations.c
    return (
        select(b.recommendation_id.label(PARENT), b.project_id)
        .select_from(
            bridge_project_recommendations.join(dim_projects, _p.project_id == b.project_id)
        )
        .where(b.recommendation_id.in_(list(ids)), _p.is_published.is_(True))
        .order_by(b.recommendation_id, b.project_id)
    )


# --------------------------------------------------------------------------------------------
# policy decisions
# --------------------------------------------------------------------------------------------

_d, _c = fct_policy_decisions.c, fct_policy_citations.c


def _decisions(filters: Filters) -> Select[Any]:
    return (
        select(*impact.DECISION_COLUMNS)
        .where(impact.decisions_clause(filters))
        .order_by(_d.decision_date.desc(), _d.decision_id)
    )


def _decision_citations(ids: Sequence[str]) -> Select[Any]:
    return (
        select(
            _c.decision_id.label(PARENT),
            _c.project_id,
            _p.title.label("project_title"),
            _c.snippet,
            _c.page,
        )
        .select_from(fct_policy_citations.join(dim_projects, _p.project_id == _c.project_id))
        .where(_c.decision_id.in_(list(ids)), _p.is_published.is_(True))
        .order_by(_c.decision_id, _c.project_id)
    )


# --------------------------------------------------------------------------------------------
# researchers
# --------------------------------------------------------------------------------------------

_s = dim_researchers.c


def _if_public(column: ColumnElement[Any]) -> ColumnElement[Any]:
    # The WHERE clause keeps only public entries already; this guards the column itself.
    return case((_s.consent == researchers.PUBLIC, column), else_=None)


def _researchers(filters: Filters) -> Select[Any]:
    return (
        select(
            _s.researcher_id,
            _s.display_name,
            _s.skills,
            _s.languages,
            _s.areas,
            _s.training_completed,
            _s.availability,
            _if_public(_s.contact_email).label("contact_email"),
            _if_public(_s.contact_phone).label("contact_phone"),
        )
        .where(researchers._directory_where(filters))
        .order_by(_s.display_name, _s.researcher_id)
    )


# --------------------------------------------------------------------------------------------
# The datasets
# --------------------------------------------------------------------------------------------

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="grants",
        title="Grants",
        row="a grant (360Giving), newest award first; individuals' names withheld",
        page="funding",
        filters=tuple(FUNDING_FILTERS),
        key="grant_id",
        statement=_grants,
        count=_count_grants,
        descriptions={
            "recipient_name": f"Recipient; '{WITHHELD}' for grants to individuals",
            "description": "Grant description; null for grants to individuals",
            "recipient_postal_code": "Recipient's postcode; null for grants to individuals",
            "direction": "awarded (by a home organisation), received (by one) or external",
        },
    ),
    Dataset(
        name="projects",
        title="Research projects",
        row="a published P&C research project, by project id",
        page="research",
        filters=("q", *research.OPTION_QUERIES),
        key="project_id",
        statement=_projects,
        list_columns=("methods",),
        nested=(
            Nested("topics", _project_topics, "Topic labels"),
            Nested("areas", _project_areas, "Codes of the wards or areas the project covers"),
            Nested("populations", _project_populations, "Population groups it covers"),
            Nested("outputs", _project_outputs, "Reports and other outputs"),
        ),
    ),
    Dataset(
        name="recommendations",
        title="Recommendations",
        row="a recommendation, by workstream, with its published updates and milestones",
        page="recommendations",
        filters=tuple(recommendations.OPTION_QUERIES),
        key="recommendation_id",
        statement=_recommendations,
        nested=(
            Nested("updates", _recommendation_updates, "Published updates, oldest first"),
            Nested("milestones", _recommendation_milestones, "Milestones, by due date"),
            Nested("projects", _recommendation_projects, "Ids of published projects delivering it"),
        ),
    ),
    Dataset(
        name="policy-decisions",
        title="Policy decisions",
        row=(
            "a published policy decision citing published research, newest first, with its "
            "citations (in CSV, one row per citation)"
        ),
        page="impact",
        filters=tuple(impact.OPTION_QUERIES),
        key="decision_id",
        statement=_decisions,
        nested=(Nested("citations", _decision_citations, "Published projects it cites"),),
        csv_rows_per="citations",
    ),
    Dataset(
        name="researchers",
        title="Researchers",
        row="a researcher who consented to the public directory, by name",
        page="researchers",
        filters=tuple(researchers.OPTION_QUERIES),
        key="researcher_id",
        statement=_researchers,
        list_columns=("skills", "languages", "areas", "training_completed"),
        descriptions={
            "contact_email": "Shown only with the researcher's consent to a public entry",
            "contact_phone": "Shown only with the researcher's consent to a public entry",
        },
    ),
    Dataset(
        name="spend",
        title="Spend with P&C grant recipients",
        row=(
            "the payments over £500 a Council or NHS body made to an organisation that received "
            "a P&C research grant, totalled by financial year (newest first), paying body, "
            "service and organisation; never a single payment"
        ),
        page="spend",
        filters=tuple(spend.OPTION_QUERIES),
        key="total_id",
        statement=spend.spend_records,
        descriptions={
            "total_id": "financial_year:payer_id:service:recipient_org_id",
            "financial_year": "UK financial year of the payments, e.g. 2024/25",
            "payer_id": "The paying body's identifier in its spend file (lower case)",
            "payer": "The paying body's name as published",
            "service": "Department or service area that paid",
            "recipient_org_id": "Org-id of the P&C grant recipient the supplier matched",
            "recipient_name": "Its name as its grants publish it",
            "payments": "Number of payments, or 'fewer than 5' (then amount_pence is null)",
            "currency": "Always GBP",
            "amount_pence": "Total paid, net of VAT, in pence; null for fewer than 5 payments",
        },
    ),
)
DATASET_NAMES: dict[str, Dataset] = {d.name: d for d in DATASETS}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def count_records(engine: Engine, dataset: Dataset, filters: Filters) -> int:
    """How many records match ``filters`` (counted in SQL)."""
    if dataset.count is not None:
        return dataset.count(engine, filters)
    statement = dataset.statement(filters).order_by(None)
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
        )


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    return [item.strip() for item in str(value).split(";") if item.strip()]


def _with_nested(conn: Connection, dataset: Dataset, rows: Sequence[Any]) -> list[Record]:
    """Rows of the main statement as records, with their nested lists read for these ids."""
    records = [dict(row._mapping) for row in rows]
    for record in records:
        for column in dataset.list_columns:
            record[column] = _split(record[column])
    ids = [record[dataset.key] for record in records]
    for nested in dataset.nested:
        items: dict[str, list[Any]] = {key: [] for key in ids}
        if ids:
            for row in conn.execute(nested.statement(ids)).mappings():
                item = {k: v for k, v in row.items() if k != PARENT}
                items[row[PARENT]].append(next(iter(item.values())) if nested.is_scalar else item)
        for record in records:
            record[nested.name] = items[record[dataset.key]]
    return records


def records_page(
    engine: Engine, dataset: Dataset, filters: Filters, offset: int, limit: int
) -> list[Record]:
    """Records ``offset`` to ``offset + limit`` in the dataset's order, with nested lists;
    dates stay ``date`` objects and money integer pence."""
    statement = dataset.statement(filters).limit(max(0, limit)).offset(max(0, offset))
    with engine.connect() as conn:
        return _with_nested(conn, dataset, conn.execute(statement).all())


def _csv_value(value: Any) -> Any:
    # Most values are text or numbers, which the csv writer takes as they are.
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def csv_rows(dataset: Dataset, record: Record) -> list[list[Any]]:
    """One record as CSV rows (several when it is spread over its ``csv_rows_per`` list)."""
    base = [_csv_value(record[column]) for column in dataset.columns]
    spread: list[list[Any]] = [[]]
    for nested in dataset.nested:
        items = record[nested.name]
        if nested.is_scalar:
            base.append(_csv_value(items))
        elif nested.name == dataset.csv_rows_per:
            columns = nested.item_columns
            spread = [[_csv_value(item[c]) for c in columns] for item in items] or [
                [""] * len(columns)
            ]
        else:
            base.append(len(items))
    return [base + extra for extra in spread]


def records_csv_chunks(
    engine: Engine, dataset: Dataset, filters: Filters, chunk: int = CSV_CHUNK
) -> Iterator[str]:
    """Every record matching ``filters`` as CSV text: the header, then ``chunk`` records at a
    time from one streaming cursor, each chunk's nested lists read for its ids."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")
    writer.writerow(dataset.csv_columns)
    yield buffer.getvalue()
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(
            dataset.statement(filters)
        )
        flat = not dataset.nested and not dataset.list_columns
        for rows in result.partitions():
            buffer.seek(0)
            buffer.truncate()
            if flat:  # one row per record, as selected: no records to build
                writer.writerows([_csv_value(v) for v in row] for row in rows)
            else:
                writer.writerows(
                    line
                    for record in _with_nested(conn, dataset, rows)
                    for line in csv_rows(dataset, record)
                )
            yield buffer.getvalue()


# --------------------------------------------------------------------------------------------
# 360Giving: the home organisations' awards
# --------------------------------------------------------------------------------------------


def awarded_grants_statement() -> Select[Any]:
    """Grants a home organisation awarded, oldest first, with the recipient's charity and
    company numbers where known (what a 360Giving grant object is made from). As everywhere
    public, a grant to an individual carries no name, description or postcode."""
    organisation = dim_organisations.alias("recipient")
    guarded = {
        "recipient_name": _public_recipient_name(),
        # 360Giving requires a description.
        "description": case((_individual, literal(WITHHELD_DESCRIPTION)), else_=_g.description),
        "recipient_postal_code": _unless_individual(_g.recipient_postal_code),
    }
    columns = [guarded[c.name].label(c.name) if c.name in guarded else c for c in fct_grants.c]
    return (
        select(*columns, organisation.c.charity_number, organisation.c.company_number)
        .outerjoin(organisation, organisation.c.org_id == _g.recipient_org_id)
        .where(_g.direction == "awarded")
        .order_by(_g.award_date, _g.grant_id)
    )


def awarding_home_organisations(engine: Engine) -> list[str]:
    """The org-ids of the home organisations that awarded grants."""
    statement = (
        select(_g.home_org_id)
        .where(and_(_g.direction == "awarded", _g.home_org_id.is_not(None)))
        .distinct()
        .order_by(_g.home_org_id)
    )
    with engine.connect() as conn:
        return [str(value) for value in conn.execute(statement).scalars()]


def awarded_grant_rows(engine: Engine, chunk: int = CSV_CHUNK) -> Iterator[dict[str, Any]]:
    """The awarded grants one row at a time, from one streaming cursor."""
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(
            awarded_grants_statement()
        )
        for row in result.mappings():
            yield dict(row)
