"""Write the home organisations' awards as a 360Giving 1.4 package (JSON).

The grants are those in fct_grants with direction ``awarded``: money a configured home
organisation gave. Amounts go back to pounds, dates to ISO 8601. The file is validated
against the vendored 360Giving schemas before it is written, so an invalid file is never
published; a problem raises ``ExportError`` with a plain message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from data_pipeline.config import Config, HomeOrganisation
from data_pipeline.formats.threesixtygiving_json import grant_problems
from data_pipeline.formats.threesixtygiving_schema import geo_code_types, package_validator
from warehouse.schema import dim_organisations, fct_grants

STANDARD_VERSION = "1.4"
MAX_PROBLEMS_SHOWN = 5

# The package schema wants the licence as a URI; councils configure it by name.
LICENCE_URIS = {
    "open government licence v3.0": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "ogl v3": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "cc by 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "creative commons attribution 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


class ExportError(Exception):
    """The export cannot be written; the message says why in plain English."""


def _pounds(pence: int | None) -> int | float | None:
    if pence is None:
        return None
    return pence // 100 if pence % 100 == 0 else pence / 100


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _iso(day: date | str | None) -> str | None:
    return day.isoformat() if isinstance(day, date) else day


def _timestamp(moment: datetime | str | None) -> str | None:
    if moment is None or isinstance(moment, str):
        return moment
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != ""}


def _split(joined: str | None) -> list[str]:
    return [part.strip() for part in (joined or "").split(";") if part.strip()]


def _classification(pair: str) -> dict[str, str]:
    vocabulary, _, code = pair.rpartition(":")
    return _compact({"vocabulary": vocabulary, "code": code})


def grant_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """One warehouse grant (a fct_grants row, with the recipient's ``charity_number`` and
    ``company_number`` from dim_organisations where known) as a 360Giving grant object.

    The warehouse keeps no identifier for an individual recipient, so one is made from the
    grant id (``<grant id>-IND``): stable, and it names nobody."""
    grant: dict[str, Any] = _compact(
        {
            "id": row["grant_id"],
            "title": row["title"],
            "description": row["description"],
            "currency": row["currency"],
            "amountAppliedFor": _pounds(row["amount_applied_for_pence"]),
            "amountAwarded": _pounds(row["amount_awarded_pence"]),
            "amountDisbursed": _pounds(row["amount_disbursed_pence"]),
            "awardDate": _iso(row["award_date"]),
        }
    )
    planned = _compact(
        {
            "startDate": _iso(row["planned_start_date"]),
            "endDate": _iso(row["planned_end_date"]),
            "duration": _number(row["duration_months"]),
        }
    )
    if planned:
        grant["plannedDates"] = [planned]
    if row["recipient_is_individual"]:
        grant["recipientIndividual"] = {
            "id": f"{row['grant_id']}-IND",
            "name": row["recipient_name"],
        }
    else:
        grant["recipientOrganization"] = [
            _compact(
                {
                    "id": row["recipient_org_id"],
                    "name": row["recipient_name"],
                    "charityNumber": row.get("charity_number"),
                    "companyNumber": row.get("company_number"),
                    "postalCode": row["recipient_postal_code"],
                }
            )
        ]
    # Only 360Giving's own geoCodeType codes go out; types the warehouse derived from the ONS
    # prefix (UK, CTRY, SICBL, ...) are not in its codelist, and the code says enough.
    geo_type = (
        row["beneficiary_geo_type"] if row["beneficiary_geo_type"] in geo_code_types() else None
    )
    location = _compact(
        {
            "name": row["beneficiary_name"],
            "geoCode": row["beneficiary_geo_code"],
            "geoCodeType": geo_type,
        }
    )
    if location:
        grant["beneficiaryLocation"] = [location]
    grant["fundingOrganization"] = [
        _compact(
            {
                "id": row["funder_org_id"],
                "name": row["funder_name"],
                "department": row["funder_department"],
            }
        )
    ]
    programme = _compact({"code": row["programme_code"], "title": row["programme_title"]})
    if programme:
        grant["grantProgramme"] = [programme]
    if row["funding_type"]:
        grant["fundingType"] = [{"title": title} for title in _split(row["funding_type"])]
    if row["classifications"]:
        grant["classifications"] = [
            _classification(pair) for pair in _split(row["classifications"])
        ]
    grant.update(
        _compact(
            {
                "fromOpenCall": row["from_open_call"],
                "dateModified": _timestamp(row["date_modified"]),
                "dataSource": row["data_source"],
            }
        )
    )
    return grant


def _publisher(config: Config, home_ids: Iterable[str]) -> HomeOrganisation:
    """The home organisation that made the awards; with several, the council."""
    awarding = {org_id.upper() for org_id in home_ids}
    homes = [org for org in config.home_organisations if org.org_id.upper() in awarding]
    if len(homes) == 1:
        return homes[0]
    candidates = homes or list(config.home_organisations)
    return next((org for org in candidates if org.role == "council"), candidates[0])


def _licence_uri(licence: str | None) -> str | None:
    if licence is None:
        return None
    if licence.startswith(("http://", "https://")):
        return licence
    return LICENCE_URIS.get(licence.strip().lower())


def build_package(
    grants: list[dict[str, Any]], config: Config, home_ids: Iterable[str]
) -> dict[str, Any]:
    """The 360Giving package around the grants, with the publisher and licence."""
    publisher = _publisher(config, home_ids)
    return _compact(
        {
            "version": STANDARD_VERSION,
            "title": f"Grants awarded by {publisher.name}",
            "issued": date.today().isoformat(),
            "publisher": {"name": publisher.name, "identifier": publisher.org_id},
            "license": _licence_uri(config.default_licence),
            "grants": grants,
        }
    )


def package_problems(package: dict[str, Any]) -> list[str]:
    """Schema problems of a package, as ``grants/3/description: reason`` lines.

    The package schema is checked with one grant in place of all of them, and each grant with
    the grant schema: the schema's ``uniqueItems`` over a list of objects compares every pair,
    which takes hours for a large council, and grant ids are already unique in the warehouse.
    """
    sample = {**package, "grants": package["grants"][:1]}
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'package'}: {error.message}"
        for error in package_validator().iter_errors(sample)
    ]
    for number, grant in enumerate(package["grants"]):
        problems.extend(
            f"grants/{number}/{field or ''}: {reason}" for field, reason in grant_problems(grant)
        )
    return problems


def export_360giving(engine: Engine, config: Config, path: Path) -> int:
    """Write the awarded grants to ``path`` as a 360Giving package; return how many."""
    organisation = dim_organisations.alias("recipient")
    query = (
        select(fct_grants, organisation.c.charity_number, organisation.c.company_number)
        .outerjoin(organisation, organisation.c.org_id == fct_grants.c.recipient_org_id)
        .where(fct_grants.c.direction == "awarded")
        .order_by(fct_grants.c.award_date, fct_grants.c.grant_id)
    )
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    if not config.home_organisations:
        raise ExportError(
            "no home organisations are configured, so no grant counts as awarded; "
            "add them to observatory.toml under [[home_organisations]]"
        )
    if not rows:
        homes = ", ".join(org.org_id for org in config.home_organisations)
        raise ExportError(
            f"there are no grants awarded by the home organisations ({homes}) to export; "
            "a 360Giving file must hold at least one grant, so nothing was written"
        )
    grants = [grant_json(row) for row in rows]
    package = build_package(
        grants, config, {row["home_org_id"] for row in rows if row["home_org_id"]}
    )
    problems = package_problems(package)
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = (
            f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)"
            if len(problems) > MAX_PROBLEMS_SHOWN
            else ""
        )
        raise ExportError(
            f"the export would not be valid 360Giving, so nothing was written: {shown}{more}"
        )
    try:
        path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise ExportError(f"cannot write the file: {error.strerror}") from error
    return len(grants)
