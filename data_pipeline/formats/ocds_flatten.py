"""A compiled OCDS release as flat rows: one per award (plus one per contract whose award is not
in the release), or one row with award id '' before any award. Values stay raw here (text as
published, amounts as numbers); ``ocds_columns`` parses them column by column.

Rules:
- Organisation id: ``identifier.scheme`` + ``-`` + ``identifier.id`` when the scheme is an
  org-id.guide prefix (``GB-COH``, ``GB-LAE``, ...), else the party's own ``id``. Spreadsheet
  artefacts such as ``11111111.0`` lose their ``.0``. A reference without an ``id`` (OCDS 1.0
  style, with its own ``identifier``) uses that identifier.
- Stage: the furthest of planning, tender, award, contract, implementation that either the
  content shows (implementation details, contracts, awards, a tender whose status is past
  planned, or with a tender period and no status) or a release tag names (``tenderUpdate``
  counts as tender, ``contractTermination`` as contract, ...).
- CPV: ``tender.classification``, else the first tender item's classification, when its scheme
  is CPV (or absent).
- A contract belongs to the award its ``awardID`` names; the first such contract is stored.
- Title: the tender's, else the release's, else the award's or contract's.
"""

from __future__ import annotations

import re
from typing import Any

from data_pipeline.formats.ocds_compile import Process
from warehouse.vocabularies import COMMISSIONING_STAGES

_ORG_ID_SCHEME = re.compile(r"^[A-Z]{2}-[A-Z0-9]+$")
_SPREADSHEET_FLOAT = re.compile(r"^(\d+)\.0+$")
_TENDER_UNDER_WAY = {"active", "cancelled", "unsuccessful", "complete", "withdrawn"}
_TAG_STAGES = (
    ("implementation", "implementation"),
    ("contract", "contract"),
    ("award", "award"),
    ("tender", "tender"),
    ("planning", "planning"),
)


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _fix_number_text(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    match = _SPREADSHEET_FLOAT.match(text.strip())
    return match.group(1) if match else text.strip()


def identifier_org_id(identifier: object) -> str | None:
    """``GB-COH-01234567`` from an identifier block whose scheme is an org-id prefix."""
    block = _obj(identifier)
    scheme = (_text(block.get("scheme")) or "").strip()
    ident = _fix_number_text(block.get("id"))
    if not ident or not _ORG_ID_SCHEME.match(scheme):
        return None
    return ident if ident.upper().startswith(scheme + "-") else f"{scheme}-{ident}"


class Parties:
    """The release's parties, found by id, with their org ids."""

    def __init__(self, release: dict[str, Any]) -> None:
        self._by_id = {
            str(party["id"]): party
            for party in _list(release.get("parties"))
            if isinstance(party, dict) and party.get("id") is not None
        }
        self.seen: dict[str, dict[str, str | None]] = {}

    def resolve(self, reference: object) -> tuple[str | None, str | None]:
        """(org id, name) of an organisation reference; remembers it for dim_organisations."""
        ref = _obj(reference)
        party = self._by_id.get(str(ref.get("id"))) if ref.get("id") is not None else None
        source = party or ref
        org_id = identifier_org_id(source.get("identifier"))
        if org_id is None and ref.get("id") is not None:
            org_id = _fix_number_text(ref.get("id"))
        if org_id is None:
            org_id = _fix_number_text(_obj(source.get("identifier")).get("id"))
        name = (
            _text(source.get("name"))
            or _text(ref.get("name"))
            or _text(_obj(source.get("identifier")).get("legalName"))
        )
        if org_id:
            postal = _text(_obj(source.get("address")).get("postalCode"))
            self.seen[org_id] = {"org_id": org_id, "name": name or org_id, "postal_code": postal}
        return org_id, name

    def with_role(self, role: str) -> dict[str, Any] | None:
        """The first party with this role."""
        for party in self._by_id.values():
            if role in _list(party.get("roles")):
                return party
        return None


def stage(process: Process) -> str:
    """The furthest stage the process has reached (see the module rules)."""
    release = process.release
    contracts = [c for c in _list(release.get("contracts")) if isinstance(c, dict)]
    reached = 0
    if any(_implementation_started(c) for c in contracts):
        reached = 4
    elif contracts:
        reached = 3
    elif _list(release.get("awards")):
        reached = 2
    else:
        tender = _obj(release.get("tender"))
        status = tender.get("status")
        if status in _TENDER_UNDER_WAY or (status is None and tender.get("tenderPeriod")):
            reached = 1
    for tag in process.tags:
        for prefix, name in _TAG_STAGES:
            if tag.startswith(prefix):
                reached = max(reached, COMMISSIONING_STAGES.index(name))
                break
    return COMMISSIONING_STAGES[reached]


def _implementation_started(contract: dict[str, Any]) -> bool:
    implementation = _obj(contract.get("implementation"))
    return any(
        _list(implementation.get(key)) for key in ("transactions", "milestones", "documents")
    )


def _cpv(tender: dict[str, Any]) -> tuple[object, object]:
    candidates = [tender.get("classification")]
    candidates += [_obj(item).get("classification") for item in _list(tender.get("items"))[:1]]
    for candidate in candidates:
        block = _obj(candidate)
        scheme = (_text(block.get("scheme")) or "CPV").strip().upper()
        if scheme == "CPV" and block.get("id") is not None:
            return block.get("id"), block.get("description")
    return None, None


def _amount(value: object) -> tuple[object, object]:
    block = _obj(value)
    return block.get("amount"), block.get("currency")


def commission_rows(process: Process) -> tuple[list[dict[str, Any]], list[dict[str, str | None]]]:
    """The raw commission rows of one process, and the organisations they name."""
    release = process.release
    tender = _obj(release.get("tender"))
    parties = Parties(release)
    buyer = release.get("buyer")
    if not isinstance(buyer, dict):
        buyer = parties.with_role("buyer")
    buyer_org_id, buyer_name = parties.resolve(buyer) if buyer else (None, None)
    cpv_code, cpv_description = _cpv(tender)
    tender_amount, tender_currency = _amount(tender.get("value"))
    suitability = _obj(tender.get("suitability"))
    tags = " ".join(sorted(process.tags))
    base: dict[str, Any] = {
        "ocid": process.ocid,
        "release_id": _text(release.get("id")),
        "release_date": _text(release.get("date")),
        "stage": stage(process),
        "buyer_org_id": buyer_org_id,
        "buyer_name": buyer_name,
        "title": _text(tender.get("title")) or _text(release.get("title")),
        "description": _text(tender.get("description")),
        "tender_status": _text(tender.get("status")),
        "procurement_method": _text(tender.get("procurementMethod")),
        "procurement_method_details": _text(tender.get("procurementMethodDetails")),
        "main_category": _text(tender.get("mainProcurementCategory")),
        "cpv_code": _text(cpv_code),
        "cpv_description": _text(cpv_description),
        "award_criteria_details": _text(tender.get("awardCriteriaDetails")),
        "tags": tags,
        "tender_start_date": _text(_obj(tender.get("tenderPeriod")).get("startDate")),
        "tender_end_date": _text(_obj(tender.get("tenderPeriod")).get("endDate")),
        "tender_amount": tender_amount,
        "tender_currency": _text(tender_currency),
        "sme_suitable": suitability.get("sme")
        if isinstance(suitability.get("sme"), bool)
        else None,
        "vcse_suitable": (
            suitability.get("vcse") if isinstance(suitability.get("vcse"), bool) else None
        ),
        "row_number": process.row_number,
    }
    rows = []
    for award_fields, contract, index in _award_contract_pairs(release, parties):
        row = {**base, **award_fields, **_contract_fields(contract, index)}
        # Processes published from the contract stage on (Paraguay's) have no tender title.
        fallback = _text(_obj(contract).get("title"))
        row["title"] = row["title"] or row.pop("award_title") or fallback
        row.pop("award_title", None)
        rows.append(row)
    return rows, list(parties.seen.values())


def _award_contract_pairs(
    release: dict[str, Any], parties: Parties
) -> list[tuple[dict[str, Any], dict[str, Any] | None, int | None]]:
    contracts: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, contract in enumerate(_list(release.get("contracts"))):
        if isinstance(contract, dict) and contract.get("awardID") is not None:
            contracts.setdefault(str(contract["awardID"]), (index, contract))
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None, int | None]] = []
    award_ids: set[str] = set()
    for index, award in enumerate(_list(release.get("awards"))):
        award = _obj(award)
        award_id = str(award.get("id"))
        award_ids.add(award_id)
        contract_index, contract = contracts.get(award_id, (None, None))
        suppliers = _list(award.get("suppliers")) or _list(_obj(contract).get("suppliers"))
        amount, currency = _amount(award.get("value"))
        fields = {
            "award_id": award_id,
            "award_path": f"awards/{index}",
            "award_title": _text(award.get("title")),
            "award_status": _text(award.get("status")),
            "award_date": _text(award.get("date")),
            "award_amount": amount,
            "award_currency": _text(currency),
            **_supplier_fields(suppliers, parties),
        }
        pairs.append((fields, contract, contract_index))
    for award_id, (index, contract) in contracts.items():
        if award_id in award_ids:
            continue
        amount, currency = _amount(contract.get("value"))
        fields = {
            "award_id": award_id,
            "award_path": f"contracts/{index}",
            "award_title": None,
            "award_status": None,
            "award_date": None,
            "award_amount": None,
            "award_currency": _text(currency),
            **_supplier_fields(_list(contract.get("suppliers")), parties),
        }
        pairs.append((fields, contract, index))
    if not pairs:
        empty = {
            "award_id": "",
            "award_path": None,
            "award_title": None,
            "award_status": None,
            "award_date": None,
            "award_amount": None,
            "award_currency": None,
            "supplier_org_ids": None,
            "supplier_names": None,
        }
        pairs.append((empty, None, None))
    return pairs


def _supplier_fields(suppliers: list[Any], parties: Parties) -> dict[str, str | None]:
    resolved = [parties.resolve(supplier) for supplier in suppliers if isinstance(supplier, dict)]
    ids = [org_id for org_id, _ in resolved if org_id]
    names = [name for _, name in resolved if name]
    return {
        "supplier_org_ids": ";".join(ids) or None,
        "supplier_names": ";".join(names) or None,
    }


def _contract_fields(contract: dict[str, Any] | None, index: int | None) -> dict[str, Any]:
    block = _obj(contract)
    period = _obj(block.get("period"))
    return {
        "contract_path": None if index is None else f"contracts/{index}",
        "contract_id": _text(block.get("id")),
        "contract_status": _text(block.get("status")),
        "contract_start_date": _text(period.get("startDate")),
        "contract_end_date": _text(period.get("endDate")),
        "contract_currency": _text(_obj(block.get("value")).get("currency")),
    }
