"""The demo's commissioning: an OCDS 1.1 release package with one compiled release per
contracting process, at every stage from planning to contract.

Processes use every route the observatory tracks (contract, grant, participatory commissioning,
pooled budgets, in-kind support), research and evaluation CPV codes beside service ones, and
some tenders make collaborative working a condition. The ocid prefix ``ocds-zz9mfd`` is not a
registered OCDS prefix. The package validates against the OCDS 1.1.5 release package schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data_pipeline.demo.geography import DISTRICT_NAME, Geography
from data_pipeline.demo.grants import in_sentence
from data_pipeline.demo.organisations import COUNCIL, HDRC, NHS, RESEARCH_SUPPLIERS, Organisation
from data_pipeline.demo.programmes import PROGRAMMES
from data_pipeline.demo.themes import POPULATIONS, TOPICS

OCID_PREFIX = "ocds-zz9mfd"
PROCESS_COUNT = 200
PUBLISHED = "2025-05-06T09:30:00Z"
_TODAY = date(2025, 5, 6)

# CPV code, description, is research, title templates ({topic}, {place}, {population}, {programme})
_CPVS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("73110000", "Research services", True,
     ("Peer research on {topic}", "Community research into {topic} in {place}")),
    ("79419000", "Evaluation consultancy services", True,
     ("Evaluation of the {programme}", "Independent evaluation of {topic} services")),
    ("79310000", "Market research services", True, ("Residents' survey on {topic}",)),
    ("73200000", "Research and development consultancy services", True,
     ("Research partnership on {topic}",)),
    ("85312000", "Social work services without accommodation", False,
     ("Community support service for {population}",)),
    ("85323000", "Community health services", False, ("Community health service: {topic}",)),
    ("80500000", "Training services", False,
     ("Peer researcher training programme", "Community engagement training for {population}")),
    ("98000000", "Other community, social and personal services", False,
     ("Community hub services in {place}",)),
    ("85140000", "Miscellaneous health services", False, ("Prevention service: {topic}",)),
    ("79952000", "Event services", False, ("Community research festival",)),
)  # fmt: skip
_CPV_WEIGHTS = np.array([0.15, 0.12, 0.04, 0.03, 0.16, 0.14, 0.08, 0.12, 0.12, 0.04])

# route, weight, procurement method, method details, sentence for the tender description
_ROUTES: tuple[tuple[str, float, str, str, str], ...] = (
    ("contract", 0.44, "open", "Open procedure (below threshold)",
     "This is a service contract let by open competition."),
    ("grant", 0.14, "direct", "Grant funding agreement",
     "Delivered under a grant funding agreement with a local organisation."),
    ("participatory", 0.12, "open", "Participatory commissioning (residents' panel)",
     "Participatory commissioning: a panel of residents and peer researchers shortlists "
     "and chooses the provider."),
    ("pooled", 0.13, "selective", "Call-off from a framework agreement",
     "Paid from the pooled budget the council and the NHS hold together (pooled fund)."),
    ("in-kind", 0.09, "direct", "In-kind support agreement",
     "In-kind support: the council provides venues, staff time and printing instead of "
     "payment; the value shown is the estimated worth of that support."),
    ("collaborative", 0.08, "selective", "Collaborative commissioning (provider alliance)",
     "Collaborative commissioning: an alliance of community providers delivers the service "
     "together under one agreement."),
)  # fmt: skip

COLLABORATION_CONDITION = (
    "Collaborative working condition: the provider must work in partnership with at least one "
    "local community organisation and share data and findings with the HDRC partners."
)

_STAGES = ("planning", "tender", "award", "contract")
_STAGE_WEIGHTS = np.array([0.10, 0.15, 0.35, 0.40])


@dataclass(frozen=True)
class Party:
    org_id: str
    name: str
    postcode: str


def _party_json(party: Party, roles: list[str]) -> dict[str, Any]:
    scheme, _, local_id = party.org_id.rpartition("-")
    identifier: dict[str, Any] = {"legalName": party.name}
    if not party.org_id.startswith("360G"):
        identifier = {"scheme": scheme, "id": local_id, "legalName": party.name}
    small = not party.org_id.startswith(("GB-LAE", "GB-NHS", "GB-UKPRN"))
    details = {"scale": "sme" if small else "large", "vcse": party.org_id.startswith("GB-CHC")}
    return {
        "id": party.org_id,
        "name": party.name,
        "identifier": identifier,
        "address": {
            "locality": DISTRICT_NAME,
            "postalCode": party.postcode,
            "countryName": "United Kingdom",
        },
        "roles": roles,
        "details": details,
    }


def _buyer_party(org: Organisation) -> dict[str, Any]:
    party = _party_json(Party(org.org_id, org.name, org.postcode), ["buyer", "procuringEntity"])
    party["contactPoint"] = {
        "name": "Commissioning Team",
        "email": f"commissioning@{org.key}.marrowfield.example",
        "telephone": "01632 960 001" if org is COUNCIL else "01632 960 002",
    }
    return party


def _iso(day: date, end_of_day: bool = False) -> str:
    return f"{day.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}Z"


def build_releases(
    geography: Geography, groups: pd.DataFrame, rng: np.random.Generator
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """The releases, and a summary of each process (ocid, route, research flag, suppliers)."""
    wards = list(geography.wards["name"])
    research_parties = [Party(*supplier) for supplier in RESEARCH_SUPPLIERS]
    group_parties = [
        Party(str(org_id), str(name), str(postcode))
        for org_id, name, postcode in zip(
            groups["org_id"], groups["name"], groups["postcode"], strict=True
        )
    ]
    programme_titles = sorted({p.title for p in PROGRAMMES})

    cpv_index = rng.choice(len(_CPVS), size=PROCESS_COUNT, p=_CPV_WEIGHTS / _CPV_WEIGHTS.sum())
    route_weights = np.array([r[1] for r in _ROUTES])
    route_index = rng.choice(
        len(_ROUTES), size=PROCESS_COUNT, p=route_weights / route_weights.sum()
    )
    stage_index = rng.choice(len(_STAGES), size=PROCESS_COUNT, p=_STAGE_WEIGHTS)
    releases: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    for number in range(PROCESS_COUNT):
        cpv, cpv_name, is_research, titles = _CPVS[int(cpv_index[number])]
        route, _, method, method_details, route_sentence = _ROUTES[int(route_index[number])]
        stage = _STAGES[int(stage_index[number])]
        buyer = NHS if rng.random() < 0.28 else COUNCIL
        topic = in_sentence(TOPICS[int(rng.integers(len(TOPICS)))][0])
        ward = int(rng.integers(len(wards)))
        title = str(titles[int(rng.integers(len(titles)))]).format(
            topic=topic,
            place=wards[ward],
            population=POPULATIONS[int(rng.integers(len(POPULATIONS)))].lower(),
            programme=programme_titles[int(rng.integers(len(programme_titles)))],
        )
        title = title[:1].upper() + title[1:]
        condition = rng.random() < (0.55 if is_research or route == "participatory" else 0.2)
        # The loader also reads "collaborative commissioning" as a collaboration condition.
        collaborative = condition or route == "collaborative"
        description = (
            f"The {buyer.name} seeks a provider for work on {topic} with residents of "
            f"{wards[ward]}. {route_sentence}"
            + (f" {COLLABORATION_CONDITION}" if condition else "")
        )
        low, high = (15000, 150000) if is_research else (40000, 900000)
        if route == "in-kind":
            low, high = 2000, 25000
        value = int(round(float(rng.uniform(low, high)), -2))

        if stage == "planning":
            tender_start = _TODAY + timedelta(days=int(rng.integers(30, 150)))
        else:
            tender_start = date(2019, 4, 1) + timedelta(days=int(rng.integers(0, 2150)))
        if stage == "tender":
            tender_start = _TODAY - timedelta(days=int(rng.integers(5, 40)))
        tender_end = tender_start + timedelta(days=int(rng.integers(21, 45)))
        award_day = tender_end + timedelta(days=int(rng.integers(14, 60)))
        contract_start = award_day + timedelta(days=int(rng.integers(14, 45)))
        contract_end = contract_start + timedelta(days=int(rng.choice([365, 548, 730, 1095])))

        ocid = f"{OCID_PREFIX}-{number + 1:06d}"
        pool = research_parties if is_research and rng.random() < 0.6 else group_parties
        lots = 2 if stage in ("award", "contract") and rng.random() < 0.08 else 1
        chosen = rng.choice(len(pool), size=lots, replace=False)
        suppliers = [pool[int(i)] for i in chosen]
        parties = [_buyer_party(buyer)]
        if route == "pooled":
            partner = COUNCIL if buyer is NHS else NHS
            parties.append(
                _party_json(Party(partner.org_id, partner.name, partner.postcode), ["funder"])
            )
        if is_research:
            parties.append(_party_json(Party(HDRC.org_id, HDRC.name, HDRC.postcode), ["payer"]))
        tender: dict[str, Any] = {
            "id": f"{ocid}-tender",
            "title": title,
            "description": description,
            "status": {"planning": "planned", "tender": "active"}.get(stage, "complete"),
            "classification": {"scheme": "CPV", "id": cpv, "description": cpv_name},
            "items": [
                {
                    "id": "1",
                    "description": title,
                    "classification": {"scheme": "CPV", "id": cpv, "description": cpv_name},
                    "deliveryAddresses": [{"region": wards[ward], "countryName": "United Kingdom"}],
                }
            ],
            "value": {"amount": value, "currency": "GBP"},
            "procurementMethod": method,
            "procurementMethodDetails": method_details,
            "mainProcurementCategory": "services",
            "tenderPeriod": {"startDate": _iso(tender_start), "endDate": _iso(tender_end, True)},
            "contractPeriod": {"startDate": _iso(contract_start), "endDate": _iso(contract_end)},
            "suitability": {"sme": bool(rng.random() < 0.8), "vcse": bool(rng.random() < 0.6)},
        }
        release: dict[str, Any] = {
            "ocid": ocid,
            "id": f"{ocid}-{stage}",
            "date": _iso(tender_start if stage in ("planning", "tender") else award_day),
            "tag": [stage],
            "initiationType": "tender",
            "language": "en",
            "parties": parties,
            "buyer": {"id": buyer.org_id, "name": buyer.name},
            "planning": {
                "rationale": f"Evidence from local need data and residents about {topic}.",
                "budget": {
                    "description": "Pooled budget" if route == "pooled" else "Revenue budget",
                    "amount": {"amount": value, "currency": "GBP"},
                },
            },
            "tender": tender,
        }
        if stage in ("award", "contract"):
            awards, contracts = [], []
            for lot, supplier in enumerate(suppliers, start=1):
                share = value if lots == 1 else int(round(value * (0.6 if lot == 1 else 0.4), -2))
                award_value = int(round(share * float(rng.uniform(0.85, 1.0)), -2))
                parties.append(_party_json(supplier, ["supplier"]))
                award_id = f"{ocid}-{lot}"
                awards.append(
                    {
                        "id": award_id,
                        "title": title if lots == 1 else f"{title} (lot {lot})",
                        "status": "active",
                        "date": _iso(award_day),
                        "value": {"amount": award_value, "currency": "GBP"},
                        "suppliers": [{"id": supplier.org_id, "name": supplier.name}],
                        "contractPeriod": {
                            "startDate": _iso(contract_start),
                            "endDate": _iso(contract_end),
                        },
                    }
                )
                if stage == "contract":
                    contracts.append(
                        {
                            "id": f"{ocid}-C{lot}",
                            "awardID": award_id,
                            "title": f"Agreement: {title}",
                            "status": "active" if contract_end >= _TODAY else "terminated",
                            "period": {
                                "startDate": _iso(contract_start),
                                "endDate": _iso(contract_end),
                            },
                            "value": {"amount": award_value, "currency": "GBP"},
                            "dateSigned": _iso(contract_start - timedelta(days=7)),
                        }
                    )
            release["awards"] = awards
            if contracts:
                release["contracts"] = contracts
                release["date"] = _iso(contract_start - timedelta(days=7))
        releases.append(release)
        summary.append(
            {
                "ocid": ocid,
                "stage": stage,
                "route": route,
                "is_research": is_research,
                "collaborative": collaborative,
                "topic": topic,
                "ward": ward,
                "suppliers": [s.org_id for s in suppliers]
                if stage in ("award", "contract")
                else [],
                "award_rows": lots if stage in ("award", "contract") else 1,
                "start": tender_start,
            }
        )
    return releases, pd.DataFrame(summary)


def write_release_package(releases: list[dict[str, Any]], path: Path) -> Path:
    """The releases in an OCDS 1.1 release package."""
    package = {
        "uri": "https://data.marrowfield.example/ocds/release-package.json",
        "version": "1.1",
        "publishedDate": PUBLISHED,
        "publisher": {
            "name": COUNCIL.name,
            "scheme": "GB-LAE",
            "uid": COUNCIL.org_id.rpartition("-")[2],
            "uri": "https://www.marrowfield.example/",
        },
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "publicationPolicy": "https://www.marrowfield.example/open-data/commissioning",
        "releases": releases,
    }
    path.write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
