"""From canonical 360Giving grants to warehouse rows (fct_grants, dim_organisations).

Rule: pure and column-wise; nothing here reads files or touches the database. The input is the
*canonical grant frame* that the JSON reader and the spreadsheet reader both produce: one row
per grant, one column per field the warehouse uses, keyed by JSON path (``id``,
``recipientOrganization/0/id``: the first item of each array), plus the funding types and
classifications of all items joined with ``;``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Table

from data_pipeline.config import Config
from data_pipeline.distinct_values import per_distinct
from data_pipeline.text_cells import (
    arrow_text,
    ascii_text,
    blank_cells,
    matching,
    stripped_array,
    stripped_text,
    trimmed,
)
from data_pipeline.transform import (
    financial_year,
    geo_type_from_code,
    org_type_from_id,
    parse_dates,
    parse_datetimes,
    parse_money_pence,
    parse_number,
)
from warehouse.schema import dim_organisations, fct_grants

SCALARS = (
    "id",
    "title",
    "description",
    "currency",
    "amountAppliedFor",
    "amountAwarded",
    "amountDisbursed",
    "awardDate",
    "fromOpenCall",
    "dateModified",
    "dataSource",
)
FIRST_ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "plannedDates": ("startDate", "endDate", "duration"),
    "recipientOrganization": ("id", "name", "charityNumber", "companyNumber", "postalCode"),
    "beneficiaryLocation": ("name", "geoCode", "geoCodeType"),
    "fundingOrganization": (
        "id",
        "name",
        "department",
        "charityNumber",
        "companyNumber",
        "postalCode",
    ),
    "grantProgramme": ("code", "title"),
}
INDIVIDUAL = ("recipientIndividual/id", "recipientIndividual/name")
LIST_ARRAYS = ("fundingType", "classifications")
LIST_ITEM_FIELDS = ("vocabulary", "code", "title")
JOINED = ("fundingType", "classifications", "classificationCodes", "classificationTitles")
CANONICAL_COLUMNS = (
    *SCALARS,
    *(f"{array}/0/{name}" for array, names in FIRST_ITEM_FIELDS.items() for name in names),
    *INDIVIDUAL,
    *JOINED,
)
AMOUNTS = ("amountAwarded", "amountAppliedFor", "amountDisbursed")
ORG_IDS = ("fundingOrganization/0/id", "recipientOrganization/0/id")

# Canonical keys whose values land in a limited-length warehouse column.
LIMITED: dict[str, tuple[Table, str]] = {
    "id": (fct_grants, "grant_id"),
    "fundingOrganization/0/id": (fct_grants, "funder_org_id"),
    "recipientOrganization/0/id": (fct_grants, "recipient_org_id"),
    "recipientOrganization/0/postalCode": (fct_grants, "recipient_postal_code"),
    "beneficiaryLocation/0/geoCode": (fct_grants, "beneficiary_geo_code"),
    "recipientOrganization/0/charityNumber": (dim_organisations, "charity_number"),
    "recipientOrganization/0/companyNumber": (dim_organisations, "company_number"),
    "fundingOrganization/0/charityNumber": (dim_organisations, "charity_number"),
    "fundingOrganization/0/companyNumber": (dim_organisations, "company_number"),
    "fundingOrganization/0/postalCode": (dim_organisations, "postal_code"),
}

AddProblem = Callable[[pd.Series, str, "str | pd.Series"], None]
"""add(mask, field key, reason): records a problem on the rows where mask is True."""


def is_blank(values: pd.Series) -> pd.Series:
    """True where a value is missing or only spaces. Stricter than ``transform.blank_mask``:
    "N/A" is a value here, as it is to the 360Giving schema."""
    return blank_cells(values)


def text(values: pd.Series) -> pd.Series:
    """Values as stripped text; blanks become <NA>."""
    return stripped_text(values)


def few_values_text(values: pd.Series) -> pd.Series:
    """``text(values)``, computed once per distinct value: for a column of a few values
    (currencies, Yes or No, types), which a repair may have left as Python objects, each
    turned to text once rather than once a grant."""
    return per_distinct(values, text)


def _upper_text(values: pd.Series) -> pd.Series:
    return text(values).str.upper()


def join_items(pieces: list[pd.Series], index: pd.Index) -> pd.Series:
    """Join the non-blank pieces of each row with ``;``, in item order."""
    arrays = [arrow_text(piece.reindex(index)) for piece in pieces]
    if arrays and all(array is not None for array in arrays):
        stripped = [stripped_array(array) for array in arrays if array is not None]
        joined_array = stripped[0]
        for piece_array in stripped[1:]:
            both = pc.binary_join_element_wise(joined_array, piece_array, ";")  # null if either
            joined_array = pc.coalesce(both, joined_array, piece_array)
        return pd.Series(pd.array(joined_array, dtype="string"), index=index)
    joined = pd.Series(pd.NA, index=index, dtype="string")
    for piece in pieces:
        piece = text(piece.reindex(index))
        both = joined.notna() & piece.notna()
        joined = joined.fillna(piece).mask(both, joined + ";" + piece)
    return joined


def joined_lists(
    items: Mapping[str, list[dict[str, pd.Series]]], index: pd.Index
) -> dict[str, pd.Series]:
    """The joined funding-type and classification columns from per-item columns:
    ``items["classifications"][n]["code"]`` is the code of each grant's item ``n``."""
    blank = pd.Series(pd.NA, index=index, dtype="string")

    def part(item: dict[str, pd.Series], name: str) -> pd.Series:
        return text(item.get(name, blank).reindex(index))

    funding = [part(i, "title").fillna(part(i, "code")) for i in items.get("fundingType", [])]
    pairs, codes, titles = [], [], []
    for item in items.get("classifications", []):
        vocabulary, code = part(item, "vocabulary"), part(item, "code")
        pairs.append(code.mask(vocabulary.notna() & code.notna(), vocabulary + ":" + code))
        codes.append(code)
        titles.append(part(item, "title"))
    return {
        "fundingType": join_items(funding, index),
        "classifications": join_items(pairs, index),
        "classificationCodes": join_items(codes, index),
        "classificationTitles": join_items(titles, index),
    }


def parse_event_dates(values: pd.Series, *, end: bool) -> tuple[pd.Series, pd.Series]:
    """Planned or actual dates, which the standard allows as YYYY or YYYY-MM too: a start is
    taken as the first day of that year or month, an end as the last."""
    return per_distinct(values, partial(_parse_event_dates, end=end))


def _parse_event_dates(values: pd.Series, *, end: bool) -> tuple[pd.Series, pd.Series]:
    raw = values.astype("string").str.strip()
    year = raw.str.fullmatch(r"\d{4}").fillna(False).astype(bool)
    month = raw.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False).astype(bool)
    padded = values.astype(object).copy()
    if year.any():
        padded[year] = raw[year] + ("-12-31" if end else "-01-01")
    if month.any():
        first = pd.to_datetime(raw[month] + "-01", format="%Y-%m-%d")
        day = first + pd.offsets.MonthEnd(0) if end else first
        padded[month] = day.dt.strftime("%Y-%m-%d")
    return parse_dates(padded)


def direction_of(
    funder_ids: pd.Series, recipient_ids: pd.Series, config: Config
) -> tuple[pd.Series, pd.Series]:
    """``awarded`` when a home organisation is the funder, ``received`` when it is the
    recipient, else ``external``; and that home organisation's id."""
    home = set(config.home_ids)
    fast = _direction_in_arrow(funder_ids, recipient_ids, home)
    if fast is not None:
        return fast
    funder = per_distinct(funder_ids, _upper_stripped)
    recipient = per_distinct(recipient_ids, _upper_stripped)
    gives = funder.isin(home).fillna(False).astype(bool)
    gets = recipient.isin(home).fillna(False).astype(bool) & ~gives
    direction = pd.Series("external", index=funder_ids.index, dtype="string")
    direction[gets] = "received"
    direction[gives] = "awarded"
    home_org = pd.Series(pd.NA, index=funder_ids.index, dtype="string")
    home_org[gives] = text(funder_ids)[gives]
    home_org[gets] = text(recipient_ids)[gets]
    return direction, home_org


def _direction_in_arrow(
    funder_ids: pd.Series, recipient_ids: pd.Series, home: set[str]
) -> tuple[pd.Series, pd.Series] | None:
    """``direction_of`` in Arrow's kernels, when both columns are plain ASCII text (where
    Arrow's strip and upper case are pandas' and Python's); else None."""
    funder, recipient = _plain_ascii(funder_ids), _plain_ascii(recipient_ids)
    if funder is None or recipient is None:
        return None
    wanted = pa.array(sorted(home), type=pa.string())

    def is_home(array: pa.Array) -> np.ndarray:
        upper = pc.utf8_upper(trimmed(array))
        return np.asarray(pc.fill_null(pc.is_in(upper, value_set=wanted), False), dtype=bool)

    gives = is_home(funder)
    gets = is_home(recipient) & ~gives
    direction = pc.if_else(gives, "awarded", pc.if_else(gets, "received", "external"))
    home_org = pc.if_else(
        gives, stripped_array(funder), pc.if_else(gets, stripped_array(recipient), None)
    )
    index = funder_ids.index
    return (
        pd.Series(pd.array(direction, dtype="string"), index=index),
        pd.Series(pd.array(home_org, dtype="string"), index=index),
    )


def _plain_ascii(values: pd.Series) -> pa.Array | None:
    """The column as Arrow text when it is ASCII without the rare spaces (vertical tab, form
    feed, \\x1c-\\x1f) that Python's strip takes and Arrow's may not."""
    array = ascii_text(values)
    if array is None or matching(array, "[\x0b\x0c\x1c-\x1f]").any():
        return None
    return array


def _upper_stripped(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.upper()


def route_of(
    programme_titles: pd.Series,
    funding_types: pd.Series,
    classification_titles: pd.Series,
    route_keywords: Mapping[str, tuple[str, ...]],
) -> pd.Series:
    """The commissioning route: the first configured route with a keyword that starts a word
    of the programme title, funding types or classification titles (any case); else
    ``grant``. Matching word starts keeps "pool" out of "Liverpool"."""
    route = partial(_first_route, route_keywords=route_keywords)
    columns = (programme_titles, funding_types, classification_titles)
    found = _per_distinct_joined(columns, " | ", route)
    if found is not None:
        return found
    haystack = (
        programme_titles.astype("string").fillna("")
        + " | "
        + funding_types.astype("string").fillna("")
        + " | "
        + classification_titles.astype("string").fillna("")
    )
    return per_distinct(haystack, route)


def _per_distinct_joined(
    columns: tuple[pd.Series, ...], separator: str, parse: Callable[[pd.Series], pd.Series]
) -> pd.Series | None:
    """``parse`` of each row's texts joined with ``separator`` (missing ones as ""), as
    ``a.astype("string").fillna("") + separator + ...`` joins them, run once per distinct
    joined text; None when a column holds anything but text."""
    arrays = [arrow_text(column) for column in columns]
    if any(array is None for array in arrays):
        return None
    joined = pc.binary_join_element_wise(*(pc.fill_null(a, "") for a in arrays), separator)
    encoded = pc.dictionary_encode(joined)
    uniques = pd.Series(encoded.dictionary.to_pylist(), dtype="string")
    parsed = parse(uniques)
    positions = encoded.indices.to_numpy(zero_copy_only=False)
    spread: pd.Series = parsed.iloc[positions].set_axis(columns[0].index)
    return spread


def _first_route(haystack: pd.Series, route_keywords: Mapping[str, tuple[str, ...]]) -> pd.Series:
    route = pd.Series("grant", index=haystack.index, dtype="string")
    decided = pd.Series(False, index=haystack.index)
    for name, keywords in route_keywords.items():
        words = [re.escape(k.strip()) for k in keywords if k.strip()]
        if not words:
            continue
        pattern = r"\b(?:" + "|".join(words) + ")"
        hit = haystack.str.contains(pattern, case=False, regex=True).fillna(False).astype(bool)
        route[hit & ~decided] = name
        decided |= hit
    return route


def is_pc_research(
    programme_codes: pd.Series,
    classification_codes: pd.Series,
    classifications: pd.Series,
    config: Config,
) -> pd.Series:
    """True when the programme code, or any classification code (alone or as
    ``vocabulary:code``), is one the configuration names as P&C research (any case)."""
    programmes = {c.strip().upper() for c in config.pc_research_programme_codes}
    wanted = {c.strip().upper() for c in config.pc_research_classification_codes}
    # A file has a handful of programme codes: each is cased once, not once a grant.
    by_programme = per_distinct(programme_codes, _upper_stripped).isin(programmes)
    names_any = partial(_names_any, wanted=wanted)
    both = (classification_codes, classifications)
    by_classification = _per_distinct_joined(both, ";", names_any)
    if by_classification is None:
        joined = (
            classification_codes.astype("string").fillna("")
            + ";"
            + classifications.astype("string").fillna("")
        )
        by_classification = per_distinct(joined, names_any)
    by_classification = by_classification.reindex(programme_codes.index, fill_value=False)
    return (by_programme.fillna(False).astype(bool) | by_classification.astype(bool)).astype(bool)


def _names_any(joined: pd.Series, wanted: set[str]) -> pd.Series:
    """True where any ``;``-separated item of a cell is one of ``wanted`` (any case)."""
    codes = joined.str.upper().str.split(";").explode().str.strip()
    return codes.isin(wanted).groupby(level=0).any().reindex(joined.index, fill_value=False)


def _numbers_from_id(org_ids: pd.Series, prefixes: tuple[str, ...]) -> pd.Series:
    ids = text(org_ids)
    pattern = r"^(?:" + "|".join(re.escape(p) for p in prefixes) + r")-(.+)$"
    return ids.str.extract(pattern, flags=re.IGNORECASE, expand=False).astype("string")


def organisations_frame(canonical: pd.DataFrame, rows: pd.Series, config: Config) -> pd.DataFrame:
    """dim_organisations rows for every funder and recipient organisation, one per org-id; the
    name (and each detail) last given in the file wins. Charity and company numbers missing
    from the file are read from ``GB-CHC-``/``GB-SC-``/``GB-NIC-`` and ``GB-COH-`` ids."""
    return organisations_from(last_given(canonical, rows), config)


def last_given(
    canonical: pd.DataFrame, rows: pd.Series, earlier: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each organisation's details as last given by the grants (in file order, ``rows``), after
    those ``earlier`` grants gave (this function's answer for the rows before them)."""
    parts = [] if earlier is None else [earlier]
    for order, array in enumerate(("fundingOrganization", "recipientOrganization")):
        part = pd.DataFrame(
            {
                "org_id": text(canonical[f"{array}/0/id"]),
                "name": text(canonical[f"{array}/0/name"]),
                "charity_number": text(canonical[f"{array}/0/charityNumber"]),
                "company_number": text(canonical[f"{array}/0/companyNumber"]),
                "postal_code": text(canonical[f"{array}/0/postalCode"]),
                "_order": rows * 2 + order,
            }
        )
        parts.append(part[part["org_id"].notna()])
    orgs = pd.concat(parts, ignore_index=True).sort_values("_order", kind="stable")
    # ``last`` takes each column's last value that is not missing.
    return orgs.groupby("org_id", sort=True).last().reset_index()


def organisations_from(given: pd.DataFrame, config: Config) -> pd.DataFrame:
    """dim_organisations rows from the details ``last_given`` found."""
    orgs = given.drop(columns="_order")
    orgs["name"] = orgs["name"].fillna(orgs["org_id"])  # an id published without a name
    orgs["charity_number"] = orgs["charity_number"].fillna(
        _numbers_from_id(orgs["org_id"], ("GB-CHC", "GB-SC", "GB-NIC"))
    )
    orgs["company_number"] = orgs["company_number"].fillna(
        _numbers_from_id(orgs["org_id"], ("GB-COH",))
    )
    orgs["org_type"] = org_type_from_id(orgs["org_id"])
    homes = config.home_ids
    upper = orgs["org_id"].str.upper()
    orgs["is_home"] = upper.isin(homes).astype(bool)
    orgs["home_role"] = upper.map({k: v.role for k, v in homes.items()}).astype("string")
    return orgs


def grants_frame(canonical: pd.DataFrame, config: Config) -> pd.DataFrame:
    """fct_grants rows, one per canonical grant."""
    c = canonical
    award_date, _ = parse_dates(c["awardDate"])
    start, _ = parse_event_dates(c["plannedDates/0/startDate"], end=False)
    end, _ = parse_event_dates(c["plannedDates/0/endDate"], end=True)
    duration, _ = parse_number(c["plannedDates/0/duration"])
    modified, _ = parse_datetimes(c["dateModified"])
    org_id = text(c["recipientOrganization/0/id"])
    individual = org_id.isna() & few_values_text(c["recipientIndividual/name"]).notna()
    geo_code = text(c["beneficiaryLocation/0/geoCode"])
    published_type = text(c["beneficiaryLocation/0/geoCodeType"])
    published_type = published_type.mask(published_type.str.len() > 20)
    direction, home_org = direction_of(c["fundingOrganization/0/id"], org_id, config)
    frame = pd.DataFrame(
        {
            "grant_id": text(c["id"]),
            "published_id": text(c["published_id"] if "published_id" in c else c["id"]),
            "title": text(c["title"]),
            "description": text(c["description"]),
            "currency": per_distinct(c["currency"], _upper_text),
            "amount_awarded_pence": parse_money_pence(c["amountAwarded"])[0],
            "amount_applied_for_pence": parse_money_pence(c["amountAppliedFor"])[0],
            "amount_disbursed_pence": parse_money_pence(c["amountDisbursed"])[0],
            "award_date": award_date,
            "financial_year": financial_year(award_date),
            "planned_start_date": start,
            "planned_end_date": end,
            "duration_months": duration,
            "funder_org_id": text(c["fundingOrganization/0/id"]),
            "funder_name": text(c["fundingOrganization/0/name"]),
            "funder_department": text(c["fundingOrganization/0/department"]),
            "recipient_org_id": org_id,
            "recipient_name": text(c["recipientOrganization/0/name"]).fillna(
                few_values_text(c["recipientIndividual/name"])
            ),
            "recipient_is_individual": individual.astype(bool),
            "recipient_type": org_type_from_id(org_id).mask(individual, "individual"),
            "recipient_postal_code": text(c["recipientOrganization/0/postalCode"]),
            "beneficiary_geo_code": geo_code,
            "beneficiary_geo_type": published_type.fillna(geo_type_from_code(geo_code)),
            "beneficiary_name": text(c["beneficiaryLocation/0/name"]),
            "programme_code": text(c["grantProgramme/0/code"]),
            "programme_title": text(c["grantProgramme/0/title"]),
            "funding_type": few_values_text(c["fundingType"]),
            "classifications": few_values_text(c["classifications"]),
            "route": route_of(
                c["grantProgramme/0/title"],
                c["fundingType"],
                c["classificationTitles"],
                config.route_keywords,
            ),
            "from_open_call": few_values_text(c["fromOpenCall"]),
            "direction": direction,
            "home_org_id": home_org,
            "is_pc_research": is_pc_research(
                c["grantProgramme/0/code"], c["classificationCodes"], c["classifications"], config
            ),
            "date_modified": modified,
            "data_source": text(c["dataSource"]),
        },
        index=c.index,
    )
    return frame
