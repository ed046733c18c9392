"""Location codes a 360Giving JSON file gives beyond what ``fct_grants`` keeps: every
beneficiary location, the recipient organisation's own locations, and GrantNav's enrichment
of the recipient's district and ward (``recipientDistrictGeoCode``, ``recipientWardNameGeoCode``,
``additional_data.locationLookup``). Pure: bytes in, codes by published grant id out."""

from __future__ import annotations

import json
import re
from typing import Any

from data_pipeline.fetch.area import GrantLocations

_ONS_CODE = re.compile(r"^[EWSNK]\d{8}$", re.IGNORECASE)


def _codes(values: Any) -> list[str]:
    found: list[str] = []
    for item in values if isinstance(values, list) else []:
        if isinstance(item, dict):
            code = item.get("geoCode")
            if isinstance(code, str) and code.strip():
                found.append(code.strip())
    return found


def _recipient_codes(grant: dict[str, Any]) -> list[str]:
    codes: list[str] = []
    for org in grant.get("recipientOrganization") or []:
        if isinstance(org, dict):
            codes.extend(_codes(org.get("location")))
    for key, value in grant.items():
        if key.startswith("recipient") and key.endswith("GeoCode") and isinstance(value, str):
            codes.append(value.strip())
    extra = grant.get("additional_data")
    lookups = extra.get("locationLookup") if isinstance(extra, dict) else None
    for lookup in lookups if isinstance(lookups, list) else []:
        if isinstance(lookup, dict) and lookup.get("source", "recipient") != "beneficiary":
            codes.extend(
                v
                for k, v in lookup.items()
                if k.endswith("cd") and isinstance(v, str) and _ONS_CODE.match(v)
            )
    return codes


def json_locations(content: bytes) -> GrantLocations:
    """Locations of a 360Giving JSON package; empty for anything else (a CSV, an XLSX, a file
    that is not JSON): their first beneficiary location and postcode are in the grants frame."""
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return GrantLocations()
    try:
        package = json.loads(content)
    except ValueError:
        return GrantLocations()
    grants = package.get("grants") if isinstance(package, dict) else None
    beneficiary: dict[str, tuple[str, ...]] = {}
    recipient: dict[str, tuple[str, ...]] = {}
    for grant in grants if isinstance(grants, list) else []:
        if not isinstance(grant, dict) or not isinstance(grant.get("id"), str):
            continue
        grant_id = grant["id"].strip()
        if codes := _codes(grant.get("beneficiaryLocation")):
            beneficiary[grant_id] = tuple(codes)
        if codes := _recipient_codes(grant):
            recipient[grant_id] = tuple(codes)
    return GrantLocations(beneficiary, recipient)
