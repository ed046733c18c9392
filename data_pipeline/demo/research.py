"""The demo's research registers: 150 P&C research projects and 60 policy decisions citing them.

Projects grow out of the other demo files: most are the work a P&C research grant paid for
(same provider, ward, topic and dates), some come from research commissions (OCDS), a few had
no funding. About one in six leaves its methodology blank, about one in ten is unpublished,
and the two topics in ``themes.NOT_STUDIED_IN_THE_EAST`` are never studied in the east, so the
gap map has holes where need is highest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_pipeline.demo.geography import Geography
from data_pipeline.demo.grants import in_sentence
from data_pipeline.demo.organisations import RESEARCH_SUPPLIERS
from data_pipeline.demo.themes import (
    METHODS,
    NOT_STUDIED_IN_THE_EAST,
    POPULATIONS,
    TOPICS,
)
from data_pipeline.demo.tracker import AS_OF
from warehouse.vocabularies import PARTICIPATION_LEVELS, REACHES

PROJECT_COUNT = 150
FROM_COMMISSIONS = 25
DECISION_COUNT = 60
_EAST_FROM = 14  # wards with this index or more are "the east"
_URL = "https://hdrc.marrowfield.example/research"
_RELATED_RECOMMENDATIONS = ("R04", "R05", "R08", "R09", "R10", "R14", "R15")

_TITLES = (
    "{topic} in {ward}: residents' own research",
    "What {population} say about {topic}",
    "Listening to {population} about {topic} in {ward}",
    "{topic}: a peer research study in {ward}",
)
_FINDINGS = (
    "Residents described {topic} as the main pressure on their health; {share}% of those "
    "interviewed had changed how they live because of it.",
    "Services were hard to reach: {share}% of participants did not know where to get help "
    "with {topic}.",
    "People trusted community groups more than services; {share}% said they would only "
    "raise {topic} with someone they knew.",
)
_DECISION_BODIES = (
    "Cabinet",
    "Health and Wellbeing Board",
    "ICB Board",
    "Overview and Scrutiny Committee",
    "Housing Board",
    "Community Safety Partnership",
    "Public Health Directorate",
)
_INFLUENCE = (
    ("policy-citation", 0.22, "{topic} policy refreshed"),
    ("strategy-or-plan", 0.2, "{topic} action plan adopted"),
    ("commissioning-change", 0.16, "Recommissioning of {topic} support"),
    ("service-change", 0.14, "Changes to {topic} services in {ward}"),
    ("budget-allocation", 0.1, "Budget allocated for {topic}"),
    ("advisory-membership", 0.06, "Peer researchers join the {topic} advisory group"),
    ("consultation-response", 0.07, "Response to the national consultation on {topic}"),
    ("practitioner-guidance", 0.05, "Practitioner guidance on {topic}"),
)


@dataclass(frozen=True)
class _Origin:
    """What a project grew out of: the grant or commission that paid for it, or neither."""

    wards: tuple[int, ...]  # indexes of the wards it covers
    topic: int  # index into TOPICS
    provider_id: str
    provider_name: str
    start: date
    end: date
    budget: int  # whole pounds; 0 for unfunded work
    grant_ids: tuple[str, ...] = ()
    ocids: tuple[str, ...] = ()


def _pick(rng: np.random.Generator, options: tuple[str, ...], low: int, high: int) -> list[str]:
    size = int(rng.integers(low, high + 1))
    return [options[int(i)] for i in sorted(rng.choice(len(options), size=size, replace=False))]


def _topics_for(rng: np.random.Generator, first: int, wards: list[int]) -> list[str]:
    """The project's topics: its main one and maybe another, none the east never studies."""
    east = any(w >= _EAST_FROM for w in wards)
    chosen = [TOPICS[first][0]]
    if rng.random() < 0.45:
        chosen.append(TOPICS[int(rng.integers(len(TOPICS)))][0])
    allowed = [t for t in dict.fromkeys(chosen) if not (east and t in NOT_STUDIED_IN_THE_EAST)]
    return allowed or ["Cost of living"]


def projects_register(
    geography: Geography,
    research_grants: pd.DataFrame,
    commissions: pd.DataFrame,
    researchers: pd.DataFrame,
    groups: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The projects register, linked to the demo's grants, commissions and researchers."""
    ward_codes = geography.ward_codes()
    ward_names = list(geography.wards["name"])
    ward_of_area = dict(zip(geography.lsoas["code"], geography.lsoas["ward_code"], strict=True))
    ward_index = {code: i for i, code in enumerate(ward_codes)}
    researcher_areas = [str(a).split("; ") for a in researchers["areas"]]

    origins: list[_Origin] = []
    from_grants = min(len(research_grants), PROJECT_COUNT - FROM_COMMISSIONS - 10)
    if from_grants:
        rows = np.sort(rng.choice(len(research_grants), size=from_grants, replace=False))
        chosen = research_grants.iloc[rows]
        # The project runs over the grant's planned dates, as the 360Giving file gives them.
        start_month = chosen["award_date"].to_numpy().astype("datetime64[M]") + 1
        starts = start_month.astype("datetime64[D]").astype(object)
        ends = (start_month + chosen["months"].to_numpy()).astype("datetime64[D]") - 1
        for grant_id, recipient_id, recipient_name, location, topic, amount, start, end in zip(
            chosen["grant_id"],
            chosen["recipient_id"],
            chosen["recipient_name"],
            chosen["location"],
            chosen["topic"],
            chosen["amount"],
            starts,
            ends.astype(object),
            strict=True,
        ):
            code = ward_of_area.get(str(location), str(location))
            origins.append(
                _Origin(
                    wards=(ward_index[code],) if code in ward_index else (),
                    topic=int(topic),
                    provider_id=str(recipient_id),
                    provider_name=str(recipient_name),
                    start=start,
                    end=end,
                    budget=int(amount),
                    grant_ids=(str(grant_id),),
                )
            )
    research = commissions[
        commissions["is_research"] & commissions["stage"].isin(["award", "contract"])
    ]
    supplier_names = dict(zip(groups["org_id"], groups["name"], strict=True))
    supplier_names.update({org_id: name for org_id, name, _ in RESEARCH_SUPPLIERS})
    topic_of_text = {in_sentence(label): i for i, (label, _) in enumerate(TOPICS)}
    picked = research.iloc[: PROJECT_COUNT - len(origins) - 10]
    for ocid, suppliers, topic_text, ward, tender_start in zip(
        picked["ocid"],
        picked["suppliers"],
        picked["topic"],
        picked["ward"],
        picked["start"],
        strict=True,
    ):
        supplier = str(suppliers[0])
        start = tender_start + timedelta(days=int(rng.integers(60, 120)))
        origins.append(
            _Origin(
                wards=(int(ward),),
                topic=topic_of_text[str(topic_text)],
                provider_id=supplier,
                provider_name=str(supplier_names.get(supplier, "")),
                start=start,
                end=start + timedelta(days=int(rng.choice([180, 270, 365]))),
                budget=int(rng.integers(15, 120)) * 1000,
                ocids=(str(ocid),),
            )
        )
    while len(origins) < PROJECT_COUNT:
        group = int(rng.integers(len(groups)))
        group_ward = int(groups["ward"].iloc[group])
        start = date(2019, 6, 1) + timedelta(days=int(rng.integers(0, 2300)))
        origins.append(
            _Origin(
                wards=(group_ward,) if group_ward >= 0 else (),
                topic=int(rng.integers(len(TOPICS))),
                provider_id=str(groups["org_id"].iloc[group]),
                provider_name=str(groups["name"].iloc[group]),
                start=start,
                end=start + timedelta(days=int(rng.choice([120, 240, 365]))),
                budget=0,
            )
        )
    origins.sort(key=lambda origin: (origin.start, origin.provider_id, origin.provider_name))

    rows_out = []
    for number, origin in enumerate(origins, start=1):
        wards = list(origin.wards)
        if not wards and rng.random() < 0.5:
            wards = sorted(int(w) for w in rng.choice(len(ward_codes), size=3, replace=False))
        elif wards and rng.random() < 0.2:
            wards = sorted({wards[0], min(wards[0] + 1, len(ward_codes) - 1)})
        topics = _topics_for(rng, origin.topic, wards)
        populations = _pick(rng, POPULATIONS, 1, 2)
        start, end = origin.start, origin.end
        status = "completed" if end < AS_OF else "ongoing" if start <= AS_OF else "planned"
        place = ward_names[wards[0]] if wards else "the borough"
        topic_text = in_sentence(topics[0])
        title = str(_TITLES[int(rng.integers(len(_TITLES)))]).format(
            topic=topic_text, ward=place, population=populations[0].lower()
        )
        provider_id, provider_name = origin.provider_id, origin.provider_name
        methods = _pick(rng, METHODS, 1, 3)
        project_id = f"PCR-{start.year}-{number:03d}"
        team = [
            str(researchers["researcher_id"].iloc[i])
            for i in range(len(researchers))
            if any(ward_codes[w] in researcher_areas[i] for w in wards)
        ]
        chosen_team: list[str] = []
        if team:
            size = min(len(team), int(rng.integers(1, 5)))
            chosen_team = sorted(str(t) for t in rng.choice(team, size=size, replace=False))
        share = int(rng.integers(20, 75))
        completed = status == "completed"
        rows_out.append(
            {
                "project_id": project_id,
                "title": title[:1].upper() + title[1:],
                "lay_summary": (
                    f"Peer researchers from {provider_name or 'the community'} talked with "
                    f"{populations[0].lower()} in {place} about {topic_text}, to find out what "
                    "would make a difference."
                ),
                "methodology": ""
                if rng.random() < 0.17
                else (
                    f"{int(rng.integers(4, 16))} peer researchers were trained over "
                    f"{int(rng.integers(3, 9))} sessions, then used {', '.join(methods)}. "
                    "They analysed the data together with an academic mentor."
                ),
                "methods": "; ".join(methods),
                "participation_level": str(
                    rng.choice(PARTICIPATION_LEVELS, p=[0.05, 0.15, 0.25, 0.35, 0.2])
                ),
                "topics": "; ".join(topics),
                "wards": "; ".join(ward_codes[w] for w in wards),
                "populations": "; ".join(populations),
                "provider_org_id": provider_id,
                "provider_name": provider_name,
                "status": status,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "budget": f"{origin.budget}.00" if origin.budget else "",
                "currency": "GBP" if origin.budget else "",
                "findings": str(_FINDINGS[int(rng.integers(len(_FINDINGS)))]).format(
                    topic=topic_text, share=share
                )
                if completed
                else "",
                "outputs": (
                    f"Final report | {_URL}/{project_id}/report.pdf"
                    + (
                        f"; Community summary | {_URL}/{project_id}/summary"
                        if rng.random() < 0.6
                        else ""
                    )
                )
                if completed
                else "",
                "grant_ids": "; ".join(origin.grant_ids),
                "ocids": "; ".join(origin.ocids),
                "recommendation_ids": "; ".join(_pick(rng, _RELATED_RECOMMENDATIONS, 0, 2)),
                "researcher_ids": "; ".join(chosen_team),
                "published": "no" if rng.random() < 0.1 else "yes",
            }
        )
    return pd.DataFrame(rows_out)


def decisions_register(
    projects: pd.DataFrame, geography: Geography, rng: np.random.Generator
) -> pd.DataFrame:
    """Policy decisions, each citing one to three completed, published projects."""
    ward_names = dict(zip(geography.wards["code"], geography.wards["name"], strict=True))
    citable = projects[(projects["status"] == "completed") & (projects["published"] == "yes")]
    citable = citable.reset_index(drop=True)
    weights = np.array([w for _, w, _ in _INFLUENCE])
    drafts = []
    for _ in range(DECISION_COUNT):
        size = min(len(citable), int(rng.choice([1, 1, 2, 3])))
        cited = citable.iloc[np.sort(rng.choice(len(citable), size=size, replace=False))]
        latest = max(date.fromisoformat(d) for d in cited["end_date"])
        room = max((AS_OF - latest).days, 1)
        day = latest + timedelta(days=int(rng.integers(0, room)))
        influence, _, template = _INFLUENCE[int(rng.choice(len(_INFLUENCE), p=weights))]
        first = cited.iloc[0]
        topic = in_sentence(str(first["topics"]).split("; ")[0])
        ward_code = str(first["wards"]).split("; ")[0]
        ward = ward_names.get(ward_code, "the borough")
        title = template.format(topic=topic, ward=ward)
        reach = str(rng.choice(REACHES, p=[0.75, 0.18, 0.07]))
        drafts.append(
            {
                "decision_id": "",
                "title": title[:1].upper() + title[1:],
                "decision_body": _DECISION_BODIES[int(rng.integers(len(_DECISION_BODIES)))],
                "decision_date": day.isoformat(),
                "document_url": "",
                "influence_type": influence,
                "reach": reach,
                "citing_project_ids": "; ".join(cited["project_id"]),
                "citation_snippet": (
                    f"Residents' own research on {topic} ({first['title']}) found that "
                    + str(first["findings"])[:1].lower()
                    + str(first["findings"])[1:]
                ),
                "citation_page": str(int(rng.integers(2, 48))),
                "published": "no" if rng.random() < 0.08 else "yes",
            }
        )
    frame = pd.DataFrame(drafts).sort_values("decision_date", kind="stable", ignore_index=True)
    frame["decision_id"] = [
        f"DEC-{day[:4]}-{number:03d}" for number, day in enumerate(frame["decision_date"], start=1)
    ]
    frame["document_url"] = (
        "https://democracy.marrowfield.example/documents/" + frame["decision_id"] + ".pdf"
    )
    return frame
