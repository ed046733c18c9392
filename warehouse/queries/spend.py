"""Spend over £500 with the organisations that also receive P&C research grants, for the
public ``/spend`` page and the ``spend`` dataset of the API.

Public rules, kept here so that no caller can forget them:
- A spend row whose supplier is redacted or personal (``supplier_is_redacted``) is never read:
  not in a figure, a count, a filter option or a download.
- Only payments to an organisation that received a P&C research grant are shown. Grants to
  individuals never make a recipient (their names are not published).
- Payments are only ever totals. A total of fewer than ``SUPPRESS_BELOW`` payments shows
  ``"fewer than 5"`` and no amount, as the researchers' payments do
  (``warehouse.queries.researchers``), so no single payment can be read off a figure.

Matching a supplier to a P&C grant recipient, in this order (the first that matches wins):
its charity number, its company number (each against the recipient's numbers in
``dim_organisations`` and its ``GB-CHC-``/``GB-COH-`` org-id; leading zeros ignored), then its
name normalised by ``normalised_name`` (case, punctuation, spaces, "&"/"and", "Limited"/"Ltd"
and a leading "The" ignored).

The paying body is the spend row's body (``body_key``, shown by its published name); the
service is the row's ``org_unit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Engine,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union,
)

from warehouse.queries.filters import (
    ChartMessage,
    ChartQuery,
    Filters,
    OptionQuery,
    where_clause,
)
from warehouse.queries.frames import read_frame
from warehouse.queries.researchers import SUPPRESS_BELOW, SUPPRESSED
from warehouse.schema import dim_organisations, fct_spend, mart_grants_by_recipient

SPEND_FILTER_COLUMNS = {"fy": "financial_year", "payer": "body_key", "service": "org_unit"}
CURRENCY = "GBP"
NO_SERVICE = "Service not stated"
OTHER_SERVICES = "Other services"
TOP_SERVICES = 12
TOP_RECIPIENTS_SHOWN = 20
CHARITY_PREFIX = "GB-CHC-"
COMPANY_PREFIX = "GB-COH-"
# Punctuation and spaces dropped from names before they are compared.
_DROPPED = (" ", ".", ",", "'", "’", '"', "-", "(", ")", "/")

NO_SPEND = (
    "No spend over £500 is loaded yet. Load the Council's and NHS bodies' Transparency Code "
    "spend files to see what they pay organisations that hold P&C research grants."
)
NO_PC_RECIPIENTS = (
    "Spend over £500 is loaded, but no organisation has received a P&C research grant, so "
    "there is nobody to match the suppliers against."
)
NO_MATCHES = (
    "Spend over £500 is loaded, but none of its named suppliers matches an organisation that "
    "received a P&C research grant (by charity number, company number or name)."
)
NO_MATCHES_FILTERED = (
    "No payments to P&C grant recipients match these filters. Clear a filter to see more."
)

_s = fct_spend.c
_m = mart_grants_by_recipient.c
_o = dim_organisations.c


def normalised_name(column: ColumnElement[Any]) -> ColumnElement[str]:
    """An organisation name as compared across files, in SQL the same on both engines: lower
    case, "&" as "and", "limited" as "ltd", a leading "the " dropped, then spaces and
    punctuation dropped ("The Oak Tree Trust Limited" and "OAK TREE TRUST LTD." agree)."""
    text: ColumnElement[Any] = func.lower(func.trim(column))
    text = func.replace(text, "&", " and ")
    text = func.replace(text, "limited", "ltd")
    text = case((text.like("the %"), func.substr(text, 5)), else_=text)
    for character in _DROPPED:
        text = func.replace(text, character, "")
    return text


def _number(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A charity or company number as compared: upper case, no spaces, no leading zeros."""
    return func.ltrim(func.upper(func.replace(func.trim(column), " ", "")), "0")


def _number_in_org_id(org_id: ColumnElement[Any], prefix: str) -> ColumnElement[str]:
    """The charity or company number inside an org-id (``GB-CHC-1234567`` -> ``1234567``)."""
    return _number(func.substr(org_id, len(prefix) + 1))


def _recipients() -> CTE:
    """One row per organisation that received a P&C research grant: its org-id, name, and
    its P&C grants (count, and pounds sterling in pence)."""
    gbp = _m.currency == CURRENCY
    return (
        select(
            _m.recipient_org_id.label("org_id"),
            func.max(_m.recipient_name).label("name"),
            func.sum(_m.grants_count).label("pc_grants"),
            func.sum(case((gbp, _m.amount_awarded_pence), else_=0)).label("pc_grants_pence"),
        )
        .where(
            _m.is_pc_research.is_(True),
            _m.recipient_org_id.is_not(None),
            or_(_m.recipient_type.is_(None), _m.recipient_type != "individual"),
        )
        .group_by(_m.recipient_org_id)
        .cte("pc_recipients")
    )


def _match_keys(recipients: CTE) -> CTE:
    """(kind, value) -> org-id for every way a supplier can match a recipient; each key
    names one organisation (the first org-id, should two share it)."""
    r = recipients.c
    organisation = dim_organisations.join(recipients, _o.org_id == r.org_id)
    keys = union(
        select(
            literal("charity").label("kind"),
            _number(_o.charity_number).label("value"),
            _o.org_id.label("org_id"),
        )
        .select_from(organisation)
        .where(_o.charity_number.is_not(None)),
        select(literal("company"), _number(_o.company_number), _o.org_id)
        .select_from(organisation)
        .where(_o.company_number.is_not(None)),
        select(literal("charity"), _number_in_org_id(r.org_id, CHARITY_PREFIX), r.org_id).where(
            r.org_id.like(f"{CHARITY_PREFIX}%")
        ),
        select(literal("company"), _number_in_org_id(r.org_id, COMPANY_PREFIX), r.org_id).where(
            r.org_id.like(f"{COMPANY_PREFIX}%")
        ),
        select(literal("name"), normalised_name(r.name), r.org_id).where(r.name.is_not(None)),
    ).subquery()
    return (
        select(keys.c.kind, keys.c.value, func.min(keys.c.org_id).label("org_id"))
        .where(keys.c.value.is_not(None), keys.c.value != "")
        .group_by(keys.c.kind, keys.c.value)
        .cte("match_keys")
    )


def _public_spend() -> ColumnElement[bool]:
    return and_(
        _s.supplier_is_redacted.is_(False), _s.supplier_name.is_not(None), _s.currency == CURRENCY
    )


def matched_spend() -> tuple[CTE, CTE]:
    """The public spend rows paid to a P&C grant recipient, each with the recipient's org-id
    (``recipient_org_id``), and the recipients themselves."""
    recipients = _recipients()
    keys = _match_keys(recipients)
    by_charity, by_company, by_name = (
        keys.alias("by_charity"),
        keys.alias("by_company"),
        (keys.alias("by_name")),
    )
    joined = (
        fct_spend.outerjoin(
            by_charity,
            and_(
                by_charity.c.kind == "charity",
                by_charity.c.value == _number(_s.supplier_charity_number),
            ),
        )
        .outerjoin(
            by_company,
            and_(
                by_company.c.kind == "company",
                by_company.c.value == _number(_s.supplier_company_number),
            ),
        )
        .outerjoin(
            by_name,
            and_(by_name.c.kind == "name", by_name.c.value == normalised_name(_s.supplier_name)),
        )
    )
    recipient = func.coalesce(by_charity.c.org_id, by_company.c.org_id, by_name.c.org_id)
    rows = (
        select(
            _s.body_key,
            _s.body_name,
            _s.financial_year,
            _s.org_unit,
            _s.amount_pence,
            recipient.label("recipient_org_id"),
        )
        .select_from(joined)
        .where(_public_spend(), recipient.is_not(None))
        .cte("matched_spend")
    )
    return rows, recipients


def _where(rows: CTE, filters: Filters) -> ColumnElement[bool]:
    return where_clause(rows, filters, SPEND_FILTER_COLUMNS)  # type: ignore[arg-type]


def _payments(count: ColumnElement[Any]) -> ColumnElement[Any]:
    """The number of payments as text, or "fewer than 5" under the threshold."""
    return case((count < SUPPRESS_BELOW, literal(SUPPRESSED)), else_=cast(count, Text()))


def _amount(count: ColumnElement[Any], pence: ColumnElement[Any]) -> ColumnElement[Any]:
    """The total in pence, or nothing where fewer than 5 payments lie behind it."""
    return case((count < SUPPRESS_BELOW, literal(None)), else_=cast(pence, BigInteger))


def _payments_frame(data: pd.DataFrame) -> pd.DataFrame:
    """``payments`` as whole numbers where shown, and ``amount_pence`` as integers or blanks."""
    data["payments"] = pd.Series(
        [p if p == SUPPRESSED else int(p) for p in data["payments"]], index=data.index, dtype=object
    )
    data["amount_pence"] = pd.Series(
        [None if pd.isna(a) else int(a) for a in data["amount_pence"]],
        index=data.index,
        dtype=object,
    )
    return data


def spend_by_year(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per financial year and paying body: payments to P&C grant recipients and their total.
    Fewer than 5 payments: "fewer than 5" and no amount."""
    rows, _ = matched_spend()
    count = func.count()
    statement = (
        select(
            rows.c.financial_year,
            func.max(rows.c.body_name).label("payer"),
            _payments(count).label("payments"),
            _amount(count, func.sum(rows.c.amount_pence)).label("amount_pence"),
        )
        .where(_where(rows, filters))
        .group_by(rows.c.financial_year, rows.c.body_key)
        .order_by(rows.c.financial_year, func.max(rows.c.body_name), rows.c.body_key)
    )
    data = read_frame(statement, engine)
    if data.empty:
        return pd.DataFrame(columns=["financial_year", "payer", "payments", "amount_pence"])
    data["payer"] = data["payer"].fillna("Body not named")
    return _payments_frame(data)


def spend_by_service(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Per service (``org_unit``): payments to P&C grant recipients and their total, largest
    first; beyond the ``TOP_SERVICES`` largest, "Other services". Fewer than 5 payments:
    "fewer than 5" and no amount."""
    rows, _ = matched_spend()
    service = func.coalesce(rows.c.org_unit, literal(NO_SERVICE))
    by_service = (
        select(
            service.label("service"),
            func.count().label("payments"),
            func.sum(rows.c.amount_pence).label("amount_pence"),
        )
        .where(_where(rows, filters))
        .group_by(service)
        .subquery()
    )
    ranked = select(
        by_service,
        func.row_number()
        .over(order_by=[by_service.c.amount_pence.desc(), by_service.c.service])
        .label("rank"),
    ).subquery()
    shown = case((ranked.c.rank <= TOP_SERVICES, ranked.c.service), else_=literal(OTHER_SERVICES))
    count = func.sum(ranked.c.payments)
    pence = func.sum(ranked.c.amount_pence)
    statement = (
        select(
            shown.label("service"),
            _payments(count).label("payments"),
            _amount(count, pence).label("amount_pence"),
        )
        .group_by(shown)
        .order_by(func.min(ranked.c.rank))
    )
    data = read_frame(statement, engine)
    if data.empty:
        return pd.DataFrame(columns=["service", "payments", "amount_pence"])
    return _payments_frame(data)


def spend_recipients(
    engine: Engine, filters: Filters, limit: int | None = TOP_RECIPIENTS_SHOWN
) -> pd.DataFrame:
    """The P&C grant recipients the bodies paid under the filters, most paid first: their
    P&C research grants (all years), the payments and their total, and who paid. Fewer than 5
    payments: "fewer than 5" and no amount (such recipients come last)."""
    rows, recipients = matched_spend()
    r = recipients.c
    # Totalled first and joined to the recipients after, so the match is made once.
    paid = (
        select(
            rows.c.recipient_org_id,
            func.count().label("count"),
            func.sum(rows.c.amount_pence).label("pence"),
            func.count(func.distinct(rows.c.body_key)).label("payers"),
        )
        .where(_where(rows, filters))
        .group_by(rows.c.recipient_org_id)
        .subquery()
    )
    count, pence = paid.c["count"], paid.c.pence
    statement = (
        select(
            r.name.label("recipient"),
            r.org_id.label("recipient_org_id"),
            cast(r.pc_grants, BigInteger).label("pc_grants"),
            cast(r.pc_grants_pence, BigInteger).label("pc_grants_pence"),
            _payments(count).label("payments"),
            _amount(count, pence).label("amount_pence"),
            paid.c.payers,
        )
        .select_from(paid.join(recipients, r.org_id == paid.c.recipient_org_id))
        # Suppressed totals last, by name: their order must not hint at their amounts.
        .order_by(
            case((count < SUPPRESS_BELOW, 1), else_=0),
            case((count < SUPPRESS_BELOW, None), else_=pence).desc(),
            r.name,
            r.org_id,
        )
    )
    if limit is not None:
        statement = statement.limit(limit)
    data = read_frame(statement, engine)
    columns = [
        "recipient",
        "recipient_org_id",
        "pc_grants",
        "pc_grants_pence",
        "payments",
        "amount_pence",
        "payers",
    ]
    if data.empty:
        return pd.DataFrame(columns=columns)
    for column in ("pc_grants", "pc_grants_pence", "payers"):
        data[column] = data[column].astype("int64")
    return _payments_frame(data)[columns]


def spend_records(filters: Filters) -> Select[Any]:
    """The API's and the page's CSV rows: payments to P&C grant recipients totalled by
    financial year (newest first), paying body, service and recipient, each with a key of
    those four (``total_id``). Fewer than 5 payments:
    ``payments`` is "fewer than 5" and ``amount_pence`` null."""
    rows, recipients = matched_spend()
    r = recipients.c
    keys = (rows.c.financial_year, rows.c.body_key, rows.c.org_unit, rows.c.recipient_org_id)
    totals = (
        select(
            *keys,
            func.max(rows.c.body_name).label("payer"),
            func.count().label("count"),
            func.sum(rows.c.amount_pence).label("pence"),
        )
        .where(_where(rows, filters))
        .group_by(*keys)
        .subquery()
    )
    t = totals.c
    total_id = (
        t.financial_year
        + literal(":")
        + t.body_key
        + literal(":")
        + func.coalesce(t.org_unit, literal(""))
        + literal(":")
        + t.recipient_org_id
    )
    return (
        select(
            total_id.label("total_id"),
            t.financial_year,
            t.body_key.label("payer_id"),
            t.payer,
            t.org_unit.label("service"),
            t.recipient_org_id,
            r.name.label("recipient_name"),
            _payments(t["count"]).label("payments"),
            literal(CURRENCY).label("currency"),
            _amount(t["count"], t.pence).label("amount_pence"),
        )
        .select_from(totals.join(recipients, r.org_id == t.recipient_org_id))
        .order_by(t.financial_year.desc(), t.body_key, t.org_unit, t.recipient_org_id)
    )


@dataclass(frozen=True)
class SpendStatus:
    """What the spend view has to show: spend rows loaded (public ones), the P&C grant
    recipients, and how many of them were paid, in how many payments, for how much."""

    spend_rows: int
    recipients: int
    recipients_paid: int
    payments: int
    amount_pence: int

    @property
    def empty_reason(self) -> str | None:
        """Why the view is empty before any filter is applied, or None when it is not."""
        if self.spend_rows == 0:
            return NO_SPEND
        if self.recipients == 0:
            return NO_PC_RECIPIENTS
        if self.payments == 0:
            return NO_MATCHES
        return None


def spend_status(engine: Engine) -> SpendStatus:
    """Counts behind the spend view, under no filter (see ``SpendStatus``)."""
    rows, recipients = matched_spend()
    statement = select(
        select(func.count()).select_from(fct_spend).scalar_subquery(),
        select(func.count()).select_from(recipients).scalar_subquery(),
        select(func.count(func.distinct(rows.c.recipient_org_id))).scalar_subquery(),
        select(func.count()).select_from(rows).scalar_subquery(),
        select(func.coalesce(func.sum(rows.c.amount_pence), 0)).scalar_subquery(),
    )
    with engine.connect() as conn:
        spend_rows, known, paid, payments, pence = conn.execute(statement).one()
    return SpendStatus(int(spend_rows), int(known), int(paid), int(payments), int(pence))


def empty_reason(engine: Engine, filters: Filters) -> str:
    """Why a spend chart has nothing to show: nothing loaded, nothing matched, or (only when
    a filter is set) the filters."""
    return spend_status(engine).empty_reason or NO_MATCHES_FILTERED


# ---- filter options: value, label, records (matched payments under the other filters) ----


def payer_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Paying bodies by name, with their payments to P&C grant recipients."""
    rows, _ = matched_spend()
    statement = (
        select(
            rows.c.body_key.label("value"),
            func.coalesce(func.max(rows.c.body_name), rows.c.body_key).label("label"),
            func.count().label("records"),
        )
        .where(_where(rows, filters))
        .group_by(rows.c.body_key)
        .order_by(rows.c.body_key)
    )
    data = read_frame(statement, engine)
    return data.sort_values(["label", "value"]).reset_index(drop=True)


def service_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Services (``org_unit``) with their payments to P&C grant recipients."""
    rows, _ = matched_spend()
    statement = (
        select(
            rows.c.org_unit.label("value"),
            rows.c.org_unit.label("label"),
            func.count().label("records"),
        )
        .where(_where(rows, filters), rows.c.org_unit.is_not(None))
        .group_by(rows.c.org_unit)
        .order_by(rows.c.org_unit)
    )
    return read_frame(statement, engine)


def year_options(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Financial years with their payments to P&C grant recipients (the year filters
    themselves ignored)."""
    rows, _ = matched_spend()
    unbounded = Filters(payer=filters.payer, service=filters.service)
    statement = (
        select(
            rows.c.financial_year.label("value"),
            rows.c.financial_year.label("label"),
            func.count().label("records"),
        )
        .where(_where(rows, unbounded))
        .group_by(rows.c.financial_year)
        .order_by(rows.c.financial_year)
    )
    return read_frame(statement, engine)


CHART_QUERIES: dict[str, ChartQuery] = {
    "spend-by-year": spend_by_year,
    "spend-by-service": spend_by_service,
}

OPTION_QUERIES: dict[str, OptionQuery] = {
    "fy_from": year_options,
    "fy_to": year_options,
    "payer": payer_options,
    "service": service_options,
}

EMPTY_REASONS: dict[str, ChartMessage] = {chart_id: empty_reason for chart_id in CHART_QUERIES}
