"""Why a chart, table or list shows nothing: one answer for every page.

A view is empty for one of these reasons, checked in this order (the first that holds wins):

1. **Rejected**: no row of its kind is in the warehouse, but files of that kind were tried and
   every row of them was rejected (or the file refused whole): "Every grant in 2 files was
   rejected: see Sources and quality".
2. **Not loaded**: no row of its kind and no file of it tried: "No grants are loaded yet: load
   a 360Giving file on the Sources and quality page".
3. **Not shown**: rows are loaded, but none the pages may show (no project published, no
   researcher consenting to a public listing, no grant matching a P&C rule or naming a home
   organisation in ``observatory.toml``).
4. **Filtered**: a filter is set. Only then does the message say "Clear a filter".
5. **Nothing of this**: the data is there and no filter is set, but none of it is what this
   view counts (no pooled grants, no accredited training ...): the view's own sentence.

The public sees counts of rejected files and rows, never the rows: they are on ``/data`` for
admins. The configuration is not read here (the warehouse imports nothing from the pipeline);
what it decided at load time is in ``fct_grants.direction`` and ``is_pc_research``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import (
    ColumnElement,
    Engine,
    Table,
    and_,
    case,
    false,
    func,
    or_,
    select,
    true,
)

from warehouse.queries.filters import Filters
from warehouse.schema import (
    dim_organisations,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    fct_area_indicators,
    fct_commissions,
    fct_grants,
    fct_payments,
    fct_policy_decisions,
    fct_spend,
    fct_training_events,
    mart_grants_by_year,
    meta_load_runs,
)

CONFIG_FILE = "observatory.toml"
DATA_PAGE = "/data"
DATA_PAGE_NAME = "Sources and quality"
# Filters that choose how a view is drawn, not which records it counts.
VIEW_CHOICES = frozenset({"axis", "need"})


# The causes, in the order they are checked (see the module's docstring).
REJECTED, NOT_LOADED, NOT_SHOWN, FILTERED, NOTHING_OF_THIS = (
    "rejected",
    "not-loaded",
    "not-shown",
    "filtered",
    "nothing-of-this",
)


class EmptyReason(str):
    """Why a view is empty: a plain sentence (it is the ``str``, so it goes wherever a message
    does), its ``cause`` (one of the constants above), and ``link``, the words of it that link
    to ``href`` (the Sources and quality page)."""

    cause: str
    link: str | None
    href: str

    def __new__(
        cls, text: str, cause: str, link: str | None = None, href: str = DATA_PAGE
    ) -> EmptyReason:
        reason = super().__new__(cls, text)
        reason.cause, reason.link, reason.href = cause, link, href
        return reason

    @property
    def filtered(self) -> bool:
        """True when the filters are the reason: only then may a page offer to clear them."""
        return self.cause == FILTERED

    def __reduce__(self) -> tuple[object, ...]:
        return (EmptyReason, (str(self), self.cause, self.link, self.href))


@dataclass(frozen=True)
class DataKind:
    """One kind of data a view is drawn from: its table, the formats that load it, how to
    load it, and (where the public sees only some of it) which rows count and why none do."""

    noun: str  # plural: "grants"
    one: str  # singular: "grant"
    table: Table
    formats: tuple[str, ...]  # prefixes of meta_load_runs.detected_format
    how_to_load: str  # "load a 360Giving file"
    shown: Callable[[], ColumnElement[bool]] = true
    none_shown: str = ""  # "{count}": "2 research projects"; "{are}": is or are


GRANTS = DataKind("grants", "grant", fct_grants, ("360giving-",), "load a 360Giving file of grants")
# The grants the headline figures and the equity chart count: P&C research naming a home
# organisation. When none does, the configuration is the reason (``GrantConfiguration``).
PC_GRANTS = DataKind(
    "P&C research grants", "grant", fct_grants, ("360giving-",), "load a 360Giving file of grants"
)
COMMISSIONS = DataKind(
    "commissioning processes",
    "commissioning process",
    fct_commissions,
    ("ocds-",),
    "load an OCDS file of contracting processes",
)
SPEND = DataKind(
    "spend transactions",
    "spend transaction",
    fct_spend,
    ("spend-",),
    "load a Transparency Code file of spend over £500",
)
PROJECTS = DataKind(
    "research projects",
    "research project",
    dim_projects,
    ("register-projects-",),
    "load the research projects register",
    lambda: dim_projects.c.is_published.is_(True),
    "{count} {are} loaded, but none is published yet: a project shows here once "
    "the projects register marks it published (is_published).",
)
DECISIONS = DataKind(
    "policy decisions",
    "policy decision",
    fct_policy_decisions,
    ("register-policy_decisions-",),
    "load the policy decisions register",
    lambda: fct_policy_decisions.c.is_published.is_(True),
    "{count} {are} loaded, but none is published yet: a decision shows here once "
    "the policy decisions register marks it published (is_published).",
)
RECOMMENDATIONS = DataKind(
    "recommendations",
    "recommendation",
    dim_recommendations,
    ("register-recommendations-",),
    "load the recommendations register",
)
RESEARCHERS = DataKind(
    "researchers",
    "researcher",
    dim_researchers,
    ("register-researchers-",),
    "load the researchers register",
    lambda: dim_researchers.c.consent == "public",
    "{count} {are} loaded, but none has consented to a public listing (the researchers "
    "register's consent column says public).",
)
TRAINING = DataKind(
    "training events",
    "training event",
    fct_training_events,
    ("register-training_events-",),
    "load the training events register",
)
PAYMENTS = DataKind(
    "payments to researchers",
    "payment",
    fct_payments,
    ("register-payments-",),
    "load the payments register",
)
NEED = DataKind(
    "need indicators",
    "need indicator value",
    fct_area_indicators,
    ("iod-", "fingertips-", "census-"),
    "load deprivation, Fingertips or Census files",
)


def is_filtered(filters: Filters) -> bool:
    """True when a filter that narrows the records is set (a view choice such as the gap
    map's axis is not one)."""
    return any(getattr(filters, f.name) for f in fields(filters) if f.name not in VIEW_CHOICES)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class KindStatus:
    """What the warehouse holds of one kind: rows loaded, rows the pages may show, and the
    files of that kind that loaded nothing (with the rows rejected from them)."""

    rows: int
    shown: int
    rejected_files: int
    rejected_rows: int


def kind_status(engine: Engine, kind: DataKind) -> KindStatus:
    """Counts of one kind of data (see ``KindStatus``), in one statement."""
    runs = meta_load_runs.c
    of_kind = or_(false(), *(runs.detected_format.like(f"{prefix}%") for prefix in kind.formats))
    # Each file once, however often it was tried.
    refused = (
        select(runs.sha256, func.max(runs.rows_rejected).label("rows"))
        .where(of_kind, runs.status == "rejected")
        .group_by(runs.sha256)
        .subquery()
    )
    statement = select(
        select(func.count()).select_from(kind.table).scalar_subquery(),
        select(func.count()).select_from(kind.table).where(kind.shown()).scalar_subquery(),
        select(func.count()).select_from(refused).scalar_subquery(),
        select(func.coalesce(func.sum(refused.c.rows), 0)).scalar_subquery(),
    )
    with engine.connect() as conn:
        rows, shown, files, rejected = conn.execute(statement).one()
    return KindStatus(int(rows), int(shown), int(files), int(rejected))


def not_loaded_reason(kind: DataKind, status: KindStatus) -> EmptyReason | None:
    """Why nothing of ``kind`` is in the warehouse (rejected, or never loaded); None when some
    of it is."""
    if status.rows:
        return None
    if status.rejected_files:
        rows = f" ({_plural(status.rejected_rows, 'row')})" if status.rejected_rows else ""
        return EmptyReason(
            f"Every {kind.one} in {_plural(status.rejected_files, 'file')}{rows} was rejected: "
            f"see {DATA_PAGE_NAME} for why.",
            REJECTED,
            link=DATA_PAGE_NAME,
        )
    return EmptyReason(
        f"No {kind.noun} are loaded yet: {kind.how_to_load} on the {DATA_PAGE_NAME} page.",
        NOT_LOADED,
        link=DATA_PAGE_NAME,
    )


def filtered_reason(kind: DataKind) -> EmptyReason:
    return EmptyReason(f"No {kind.noun} match these filters. Clear a filter to see more.", FILTERED)


def why_empty(
    engine: Engine,
    kind: DataKind,
    filters: Filters,
    nothing_of_this: str | None = None,
) -> EmptyReason:
    """Why a view of ``kind`` shows nothing under ``filters`` (the order is in the module's
    docstring). ``nothing_of_this`` is the view's own sentence for when the data is loaded,
    shown and unfiltered, yet holds nothing the view counts."""
    status = kind_status(engine, kind)
    reason = not_loaded_reason(kind, status)
    if reason:
        return reason
    if status.shown == 0 and kind.none_shown:
        count, are = _plural(status.rows, kind.one, kind.noun), "is" if status.rows == 1 else "are"
        return EmptyReason(kind.none_shown.format(count=count, are=are), NOT_SHOWN)
    # A view of P&C grants is empty when the configuration matched none; a view of every
    # grant only when it asks for received or awarded ones.
    if kind is PC_GRANTS or (kind is GRANTS and filters.direction):
        reason = grant_configuration(engine).empty_reason(pc_only=kind is PC_GRANTS)
        if reason:
            return reason
    if is_filtered(filters):
        return filtered_reason(kind)
    return EmptyReason(
        nothing_of_this or f"None of the {kind.noun} loaded is of the kind this view counts.",
        NOTHING_OF_THIS,
    )


# ---- Grants and the configuration: home organisations and P&C rules ----


@dataclass(frozen=True)
class GrantConfiguration:
    """How the loaded grants matched the configuration when they were loaded: how many name a
    home organisation (so are received or awarded, not external) and how many matched a P&C
    research rule (a programme or classification code)."""

    grants: int
    with_home: int
    pc_research: int
    pc_with_home: int

    def no_home_message(self, config_file: str = CONFIG_FILE) -> str | None:
        """The warning when no loaded grant names a home organisation, else None."""
        if not self.grants or self.with_home:
            return None
        return (
            f"None of the {_plural(self.grants, 'grant')} loaded names a home organisation in "
            f"{config_file}: set your council's and NHS bodies' org-ids there "
            "([[home_organisations]] org_id, such as GB-LAE-… or GB-NHS-…), then load the "
            "grant files again. Until then every grant is external: nothing counts as "
            "received or awarded, so those figures would read £0."
        )

    def no_pc_message(self, config_file: str = CONFIG_FILE) -> str | None:
        """The warning when no loaded grant matches a P&C research rule, else None."""
        if not self.grants or self.pc_research:
            return None
        return (
            f"None of the {_plural(self.grants, 'grant')} loaded matches a P&C research rule "
            f"in {config_file}: list the programme codes or 360Giving classification codes "
            "of your P&C research grants under [pc_research] (programme_codes, "
            "classification_codes), then load the grant files again. Until then no grant "
            "counts as P&C research, so those figures would read £0."
        )

    def warnings(self, config_file: str = CONFIG_FILE) -> list[str]:
        """Every configuration warning that holds for the loaded grants."""
        found = (self.no_home_message(config_file), self.no_pc_message(config_file))
        return [message for message in found if message]

    def no_pc_home_message(self, config_file: str = CONFIG_FILE) -> str | None:
        """When P&C research grants are loaded but none names a home organisation."""
        if not self.pc_research or self.pc_with_home:
            return None
        return (
            f"{_plural(self.pc_research, 'P&C research grant')} "
            f"{'is' if self.pc_research == 1 else 'are'} loaded, but none was received "
            f"or awarded by a home organisation in {config_file} ([[home_organisations]] "
            "org_id): check your council's and NHS bodies' org-ids there, then load the grant "
            "files again."
        )

    def empty_reason(self, pc_only: bool) -> EmptyReason | None:
        """Why a view of grants that names home organisations (and, with ``pc_only``, only
        P&C research grants) is empty because of the configuration, else None."""
        message = self.no_home_message() or (
            (self.no_pc_message() or self.no_pc_home_message()) if pc_only else None
        )
        return EmptyReason(message, NOT_SHOWN) if message else None


def grant_configuration(engine: Engine) -> GrantConfiguration:
    """Counts of the loaded grants against the configuration (see ``GrantConfiguration``),
    read from ``mart_grants_by_year``, so it costs the same at a million grants."""
    m = mart_grants_by_year.c
    home = m.direction != "external"
    pc = m.is_pc_research.is_(True)

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, m.grants_count), else_=0)), 0)

    statement = select(
        counted(true()), counted(home), counted(pc), counted(and_(home, pc))
    ).select_from(mart_grants_by_year)
    with engine.connect() as conn:
        grants, with_home, pc_research, both = conn.execute(statement).one()
    return GrantConfiguration(int(grants), int(with_home), int(pc_research), int(both))


def home_organisations_found(engine: Engine) -> list[tuple[str, str, str]]:
    """The home organisations the loaded data names (as the configuration said when it was
    loaded): (name, org-id, role), councils first, then NHS bodies, then the rest."""
    o = dim_organisations.c
    order = case((o.home_role == "council", 0), (o.home_role == "nhs", 1), else_=2)
    statement = (
        select(o.name, o.org_id, func.coalesce(o.home_role, ""))
        .where(o.is_home.is_(True))
        .order_by(order, o.name)
    )
    with engine.connect() as conn:
        return [(str(n), str(i), str(r)) for n, i, r in conn.execute(statement).all()]
