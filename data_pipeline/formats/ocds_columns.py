"""Raw commission rows to ``fct_commissions`` and ``dim_organisations`` frames, column by column.

Rules:
- Research: the main CPV code starts with one of ``config.research_cpv_prefixes``. CPV codes
  are stored as their 8 digits: ``45233130.0`` (a spreadsheet artefact) and ``73110000-6`` (with
  its check digit) both become ``45233130`` / ``73110000``.
- Route: the first route in ``config.route_keywords`` whose keyword appears (any case) in the
  procurement method details, title or description; ``contract`` when none does.
- Collaboration condition: the tender description or award criteria details mention
  collaboration, partnership, co-production or co-design, or a release tag names collaboration.
  "Collaborative procurement" does not count: it describes how the buyer buys, not a condition
  on the supplier.
- Financial year: of the award date, else of the tender start date.
- A process with a value that cannot be stored (a date that is not a date, an amount too large
  for pence, an award id used twice) is rejected whole, at the row of the
  release (or record) it was compiled from, so that no process is stored half right.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.transform import (
    clean_text,
    financial_year,
    org_type_from_id,
    parse_dates,
    parse_datetimes,
    parse_money_pence,
)
from warehouse.schema import fct_commissions

DEFAULT_ROUTE = "contract"
# Larger amounts (in pounds) would overflow a 64-bit count of pence.
MAX_AMOUNT = 9e16
_COLLABORATION = re.compile(r"collaborat|partnership|co-?produc|co-?design", flags=re.IGNORECASE)
_NOT_A_CONDITION = re.compile(r"collaborative\s+procurement", flags=re.IGNORECASE)
# Double-encoded UTF-8 as Contracts Finder text carries it (``Â£`` for ``£``).
_MOJIBAKE = {"Â£": "£", "â€™": "’", "â€˜": "‘", "â€œ": "“", "â€“": "–", "â€”": "—"}

_DATE_FIELDS = {
    "tender_start_date": "tender/tenderPeriod/startDate",
    "tender_end_date": "tender/tenderPeriod/endDate",
    "award_date": "{award}/date",
    "contract_start_date": "{contract}/period/startDate",
    "contract_end_date": "{contract}/period/endDate",
}
_AMOUNT_FIELDS = {
    "tender_value_pence": ("tender_amount", "tender/value/amount"),
    "award_value_pence": ("award_amount", "{award}/value/amount"),
}
_NOT_TEXT = {"tender_amount", "award_amount", "sme_suitable", "vcse_suitable", "row_number"}


def _fix_text(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    for wrong, right in _MOJIBAKE.items():
        text = text.str.replace(wrong, right, regex=False)
    return clean_text(text)


def _path(template: str, raw: pd.DataFrame) -> pd.Series:
    """The JSON path of a field for each row, with the row's award or contract filled in."""
    for slot, column, fallback in (
        ("{award}", "award_path", "awards"),
        ("{contract}", "contract_path", "contracts"),
    ):
        if slot in template:
            prefix = raw[column].astype("string").fillna(fallback)
            return prefix + template.replace(slot, "")
    return pd.Series(template, index=raw.index, dtype="string")


def _cpv(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    eight = text.str.extract(r"^(\d{8})(?:\.0+|-\d)?$", expand=False)
    return eight.fillna(text).mask(text == "")


def _route(raw: pd.DataFrame, config: Config) -> pd.Series:
    haystack = (
        raw["procurement_method_details"].fillna("")
        + " "
        + raw["title"].fillna("")
        + " "
        + raw["description"].fillna("")
    ).astype("string")
    route = pd.Series(DEFAULT_ROUTE, index=raw.index, dtype="string")
    undecided = pd.Series(True, index=raw.index)
    for name, keywords in config.route_keywords.items():
        words = [re.escape(word) for word in keywords if word.strip()]
        if not words:
            continue
        hit = haystack.str.contains("|".join(words), case=False, regex=True).fillna(False)
        route = route.mask(hit & undecided, name)
        undecided &= ~hit
    return route


def _collaboration(raw: pd.DataFrame) -> pd.Series:
    text = (raw["description"].fillna("") + " " + raw["award_criteria_details"].fillna("")).astype(
        "string"
    )
    text = text.str.replace(_NOT_A_CONDITION, " ", regex=True)
    in_text = text.str.contains(_COLLABORATION, regex=True).fillna(False)
    in_tags = raw["tags"].astype("string").str.contains("collaborat", case=False).fillna(False)
    return (in_text | in_tags).astype(bool)


def _amount_pence(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Pence, invalid mask and the reason for each invalid amount."""
    number = pd.to_numeric(values, errors="coerce")
    too_large = number.abs() >= MAX_AMOUNT
    text = values.astype("string").mask(too_large.fillna(False))
    pence, invalid = parse_money_pence(text)
    reason = pd.Series("is not an amount", index=values.index, dtype="string")
    reason = reason.mask(too_large.fillna(False), "is too large to store")
    return pence, invalid | too_large.fillna(False), reason


def build_commissions(
    rows: list[dict[str, Any]], config: Config
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(fct_commissions frame, problems[row_number, ocid, field, reason])."""
    raw = pd.DataFrame(rows)
    if raw.empty:
        columns = [c.name for c in fct_commissions.columns if c.name in _content_columns()]
        return pd.DataFrame(columns=columns), _no_problems()
    text_columns = [c for c in raw.columns if c not in _NOT_TEXT]
    raw[text_columns] = raw[text_columns].astype("string")
    out = pd.DataFrame(index=raw.index)
    problems: list[pd.DataFrame] = []

    def problem(mask: pd.Series, field: pd.Series | str, reason: pd.Series | str) -> None:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            fields = field[mask] if isinstance(field, pd.Series) else field
            reasons = reason[mask] if isinstance(reason, pd.Series) else reason
            problems.append(
                pd.DataFrame(
                    {
                        "row_number": raw.loc[mask, "row_number"],
                        "ocid": raw.loc[mask, "ocid"],
                        "field": fields,
                        "reason": reasons,
                    }
                )
            )

    out["ocid"] = raw["ocid"]
    out["award_id"] = raw["award_id"].fillna("")
    out["release_id"] = raw["release_id"]
    release_date, bad = parse_datetimes(raw["release_date"])
    out["release_date"] = release_date
    problem(bad, "date", "'" + raw["release_date"].fillna("") + "' is not a date")
    out["stage"] = raw["stage"]
    out["buyer_org_id"] = clean_text(raw["buyer_org_id"])
    for column in ("title", "description", "procurement_method_details", "buyer_name"):
        out[column] = _fix_text(raw[column])
    out["tender_status"] = raw["tender_status"]
    out["procurement_method"] = raw["procurement_method"]
    out["main_category"] = raw["main_category"]
    out["cpv_code"] = _cpv(raw["cpv_code"])
    out["cpv_description"] = _fix_text(raw["cpv_description"])
    prefixes = tuple(config.research_cpv_prefixes)
    out["is_research"] = (
        out["cpv_code"].str.startswith(prefixes).fillna(False).astype(bool) if prefixes else False
    )
    out["route"] = _route(out, config)
    out["has_collaboration_condition"] = _collaboration(raw.assign(description=out["description"]))
    for column, template in _DATE_FIELDS.items():
        dates, bad = parse_dates(raw[column])
        out[column] = dates
        problem(bad, _path(template, raw), "'" + raw[column].fillna("") + "' is not a date")
    for column, (source, template) in _AMOUNT_FIELDS.items():
        pence, bad, reason = _amount_pence(raw[source])
        out[column] = pence
        shown = "'" + raw[source].astype("string").fillna("") + "' "
        problem(bad, _path(template, raw), shown + reason)
    out["award_status"] = raw["award_status"]
    award_or_tender = out["award_date"].where(out["award_date"].notna(), out["tender_start_date"])
    out["financial_year"] = financial_year(award_or_tender)
    out["currency"] = (
        raw["award_currency"]
        .fillna(raw["tender_currency"])
        .fillna(raw["contract_currency"])
        .astype("string")
    )
    out["supplier_org_ids"] = clean_text(raw["supplier_org_ids"])
    out["supplier_names"] = _fix_text(raw["supplier_names"])
    out["contract_id"] = raw["contract_id"]
    out["contract_status"] = raw["contract_status"]
    out["sme_suitable"] = raw["sme_suitable"].astype("boolean")
    out["vcse_suitable"] = raw["vcse_suitable"].astype("boolean")

    repeated = out.duplicated(["ocid", "award_id"], keep=False)
    problem(
        repeated,
        _path("{award}/id", raw),
        "award id '" + out["award_id"].astype("string") + "' is used by more than one award",
    )

    found = pd.concat(problems, ignore_index=True) if problems else _no_problems()
    keep = ~out["ocid"].isin(found["ocid"])
    return out.loc[keep, _content_columns()].reset_index(drop=True), found


def _content_columns() -> list[str]:
    lineage = {"source_file_id", "load_run_id", "row_hash"}
    return [c.name for c in fct_commissions.columns if c.name not in lineage]


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame(columns=["row_number", "ocid", "field", "reason"])


def build_organisations(orgs: list[dict[str, str | None]], config: Config) -> pd.DataFrame:
    """dim_organisations rows for the buyers and suppliers of the loaded processes."""
    columns = [
        "org_id",
        "name",
        "org_type",
        "is_home",
        "home_role",
        "charity_number",
        "company_number",
        "postal_code",
    ]
    if not orgs:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(orgs).astype("string")
    frame["org_id"] = clean_text(frame["org_id"])
    frame = frame.loc[frame["org_id"].notna()]
    frame = frame.drop_duplicates("org_id", keep="last").reset_index(drop=True)
    frame["name"] = _fix_text(frame["name"]).fillna(frame["org_id"])
    frame["org_type"] = org_type_from_id(frame["org_id"]).fillna("other")
    home = config.home_ids
    upper = frame["org_id"].str.upper()
    frame["is_home"] = upper.isin(list(home)).astype(bool)
    frame["home_role"] = upper.map({k: v.role for k, v in home.items()}).astype("string")
    frame["charity_number"] = frame["org_id"].str.extract(r"^GB-(?:CHC|SC|NIC)-(.+)$")[0]
    frame["company_number"] = frame["org_id"].str.extract(r"^GB-COH-(.+)$")[0]
    frame["postal_code"] = clean_text(frame["postal_code"])
    return frame[columns]
