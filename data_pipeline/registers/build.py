"""Valid register rows -> the warehouse frames they load into.

Rule: pure functions of frames. Each builder may reject rows for checks that span columns
(an end before a start, a workstream given two names), then builds its frames from the rows
that are left, and says which links a reload replaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Table

from data_pipeline.extract import ROW
from data_pipeline.formats.base import LinkScope, RejectCollector, quoted
from data_pipeline.registers.spec import Register
from data_pipeline.registers.validate import URL, Values
from data_pipeline.transform import clean_text, financial_year, slugify
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_commissions,
    bridge_project_grants,
    bridge_project_populations,
    bridge_project_recommendations,
    bridge_project_researchers,
    bridge_project_topics,
    dim_advice_services,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_topics,
    dim_workstreams,
    fct_milestones,
    fct_payments,
    fct_policy_citations,
    fct_policy_decisions,
    fct_project_outputs,
    fct_recommendation_updates,
    fct_training_events,
)
from warehouse.vocabularies import CONTACT_CONSENTS

TOPIC_ID_LENGTH = 80


@dataclass
class Built:
    """Frames in load order, and the links a reload of these parents replaces."""

    frames: list[tuple[Table, pd.DataFrame]]
    replace_links: list[LinkScope] = field(default_factory=list)


Builder = Callable[[pd.DataFrame, Values, RejectCollector], Built]


def redact(frame: pd.DataFrame, register: Register) -> pd.DataFrame:
    """Drop what must never be stored, before anything (even a reject) can keep it.

    Researchers' contact details go unless consent is public or partners.
    """
    if register.name != "researchers":
        return frame
    consent = clean_text(frame["consent"]).str.lower()
    hidden = ~consent.isin(CONTACT_CONSENTS).fillna(False).astype(bool)
    frame = frame.copy()
    frame.loc[hidden, ["contact_email", "contact_phone"]] = ""
    return frame


def _joined(lists: pd.Series) -> pd.Series:
    """Lists as ``a; b`` text; None for an empty list."""
    return lists.map(lambda items: "; ".join(items) if items else None)


def _links(ids: pd.Series, lists: pd.Series, parent: str, child: str) -> pd.DataFrame:
    """One row per (parent, item), each pair once."""
    pairs = pd.DataFrame({parent: ids, child: lists}).explode(child).dropna(subset=[child])
    return pairs.drop_duplicates().reset_index(drop=True)


def _select(values: Values, keep: pd.Series) -> Values:
    return {name: series[keep] for name, series in values.items()}


def build_projects(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """dim_projects, dim_topics, the project bridges and fct_project_outputs."""
    start, end = values["start_date"], values["end_date"]
    backwards = pd.Series(
        [s is not None and e is not None and e < s for s, e in zip(start, end, strict=True)],
        index=frame.index,
        dtype=bool,
    )
    rejects.add(
        backwards,
        "end_date",
        quoted(frame["end_date"]) + " is before start_date " + start.astype(str),
    )
    outputs = _project_outputs(values["project_id"], values["outputs"], rejects)
    labels = values["topics"].explode().dropna().astype("string")
    unnamed = labels.index[slugify(labels).eq("").fillna(False).to_numpy()]
    rejects.add(
        pd.Series(frame.index.isin(unnamed), index=frame.index),
        "topics",
        "has a topic label with no letters or digits",
    )

    keep = ~rejects.rejected
    v = _select(values, keep)
    ids = v["project_id"]
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "title": v["title"],
            "lay_summary": v["lay_summary"],
            "methodology": v["methodology"],
            "methods": _joined(v["methods"]),
            "participation_level": v["participation_level"],
            "provider_org_id": v["provider_org_id"],
            "provider_name": v["provider_name"],
            "status": v["status"],
            "start_date": v["start_date"],
            "end_date": v["end_date"],
            "financial_year": financial_year(v["start_date"]),
            "budget_pence": v["budget"],
            "currency": v["currency"].where(v["currency"].notna() | v["budget"].isna(), "GBP"),
            "findings": v["findings"],
            "is_published": v["published"],
        }
    ).reset_index(drop=True)

    topics = pd.DataFrame({"project_id": ids, "label": v["topics"]}).explode("label")
    topics = topics.dropna(subset=["label"])
    topics["topic_id"] = slugify(topics["label"]).str.slice(0, TOPIC_ID_LENGTH).str.strip("-")
    dim = topics.drop_duplicates("topic_id")[["topic_id", "label"]].reset_index(drop=True)
    bridges = [
        (bridge_project_topics, topics[["project_id", "topic_id"]].drop_duplicates()),
        (bridge_project_areas, _links(ids, v["wards"], "project_id", "area_code")),
        (bridge_project_populations, _links(ids, v["populations"], "project_id", "population")),
        (bridge_project_grants, _links(ids, v["grant_ids"], "project_id", "grant_id")),
        (bridge_project_commissions, _links(ids, v["ocids"], "project_id", "ocid")),
        (
            bridge_project_recommendations,
            _links(ids, v["recommendation_ids"], "project_id", "recommendation_id"),
        ),
        (
            bridge_project_researchers,
            _links(ids, v["researcher_ids"], "project_id", "researcher_id"),
        ),
        (fct_project_outputs, outputs[outputs.index.isin(ids.index)].reset_index(drop=True)),
    ]
    parents = ids.astype(str).tolist()
    return Built(
        frames=[(dim_topics, dim), (dim_projects, projects), *bridges],
        replace_links=[LinkScope(table, "project_id", parents) for table, _ in bridges],
    )


def _project_outputs(ids: pd.Series, lists: pd.Series, rejects: RejectCollector) -> pd.DataFrame:
    """Outputs written ``Title | https://address``, numbered in the order given."""
    items = pd.DataFrame({"project_id": ids, "item": lists}).explode("item")
    items = items.dropna(subset=["item"])
    items["output_no"] = items.groupby(level=0).cumcount() + 1
    parts = (
        items["item"].astype("string").str.extract(r"^(?P<title>[^|]*?)\s*(?:\|\s*(?P<url>.*))?$")
    )
    title = parts["title"].str.strip()
    title = title.mask(title.eq(""))
    url = parts["url"].str.strip()
    url = url.mask(url.eq(""))
    bad_url = (url.notna() & ~url.str.fullmatch(URL).fillna(False).astype(bool)).to_numpy()
    no_title = title.isna().to_numpy()
    problems = pd.concat(
        [
            quoted(items["item"][bad_url]) + " has a link that is not http:// or https://",
            quoted(items["item"][no_title]) + ' has no title before "|"',
        ]
    )
    problems = problems[~problems.index.duplicated()].sort_index()
    rejects.add(pd.Series(True, index=problems.index), "outputs", problems)
    outputs = pd.DataFrame(
        {
            "project_id": items["project_id"],
            "output_no": items["output_no"].astype("Int64"),
            "title": title,
            "url": url,
            "output_type": pd.Series(pd.NA, index=items.index, dtype="string"),
        }
    )
    valid: pd.DataFrame = outputs[~(bad_url | no_title)]
    return valid


def build_policy_decisions(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """fct_policy_decisions, and one fct_policy_citations row per citing project."""
    v = _select(values, ~rejects.rejected)
    ids = v["decision_id"]
    decisions = pd.DataFrame(
        {
            "decision_id": ids,
            "title": v["title"],
            "decision_body": v["decision_body"],
            "decision_date": v["decision_date"],
            "financial_year": financial_year(v["decision_date"]),
            "document_url": v["document_url"],
            "influence_type": v["influence_type"],
            "reach": v["reach"],
            "is_published": v["published"],
        }
    ).reset_index(drop=True)
    citations = pd.DataFrame(
        {
            "decision_id": ids,
            "project_id": v["citing_project_ids"],
            "snippet": v["citation_snippet"],
            "page": v["citation_page"],
        }
    ).explode("project_id")
    citations = citations.dropna(subset=["project_id"])
    citations = citations.drop_duplicates(["decision_id", "project_id"]).reset_index(drop=True)
    return Built(
        frames=[(fct_policy_decisions, decisions), (fct_policy_citations, citations)],
        replace_links=[LinkScope(fct_policy_citations, "decision_id", ids.astype(str).tolist())],
    )


def build_recommendations(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """dim_workstreams (number from the id's digits) and dim_recommendations."""
    workstream, name = values["workstream_id"], values["workstream_name"]
    given = workstream.notna() & name.notna()
    first_name = name[given].groupby(workstream[given]).transform("first")
    first_row = frame.loc[given, ROW].groupby(workstream[given]).transform("first")
    differs = (name[given] != first_name).fillna(False).astype(bool)
    rejects.add(
        differs,
        "workstream_name",
        quoted(name[given])
        + " differs from '"
        + first_name.astype(str)
        + "' given for "
        + workstream[given].astype(str)
        + " on row "
        + first_row.astype(str),
    )
    v = _select(values, ~rejects.rejected)
    workstreams = pd.DataFrame(
        {
            "workstream_id": v["workstream_id"],
            "number": v["workstream_id"].str.extract(r"(\d+)", expand=False).astype("Int64"),
            "name": v["workstream_name"],
        }
    ).drop_duplicates("workstream_id")
    recommendations = pd.DataFrame(
        {
            "recommendation_id": v["recommendation_id"],
            "workstream_id": v["workstream_id"],
            "text": v["text"],
            "owner": v["owner"],
            "status": v["status"],
            "rag": v["rag"],
            "progress_pct": v["progress_pct"],
        }
    )
    return Built(
        frames=[
            (dim_workstreams, workstreams.reset_index(drop=True)),
            (dim_recommendations, recommendations.reset_index(drop=True)),
        ]
    )


def build_milestones(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """fct_milestones."""
    v = _select(values, ~rejects.rejected)
    columns = ["milestone_id", "recommendation_id", "title", "due_date", "done_date"]
    return Built(frames=[(fct_milestones, _frame(v, columns))])


def build_recommendation_updates(
    frame: pd.DataFrame, values: Values, rejects: RejectCollector
) -> Built:
    """fct_recommendation_updates."""
    v = _select(values, ~rejects.rejected)
    updates = _frame(
        v,
        [
            "update_id",
            "recommendation_id",
            "update_date",
            "author",
            "note",
            "evidence_url",
            "status_from",
            "status_to",
            "progress_pct",
        ],
    )
    updates["is_published"] = v["published"].to_numpy()
    return Built(frames=[(fct_recommendation_updates, updates)])


def build_researchers(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """dim_researchers; contact details only with public or partners consent."""
    v = _select(values, ~rejects.rejected)
    researchers = _frame(v, ["researcher_id", "display_name", "availability", "consent"])
    for name in ("skills", "languages", "areas", "training_completed"):
        researchers[name] = _joined(v[name]).to_numpy()
    shared = v["consent"].isin(CONTACT_CONSENTS).to_numpy()
    for name in ("contact_email", "contact_phone"):
        researchers[name] = v[name].where(shared).to_numpy()
    return Built(frames=[(dim_researchers, researchers)])


def build_training_events(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """fct_training_events, with the financial year of the event."""
    v = _select(values, ~rejects.rejected)
    events = _frame(v, ["event_id", "event_date", "title", "audience", "attendees", "provider"])
    events["financial_year"] = financial_year(v["event_date"]).to_numpy()
    events["is_accredited"] = v["accredited"].to_numpy()
    return Built(frames=[(fct_training_events, events)])


def build_payments(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """fct_payments: totals per quarter, provider and method."""
    v = _select(values, ~rejects.rejected)
    payments = _frame(
        v, ["period", "provider", "method", "payments_count", "currency", "median_days_to_pay"]
    )
    payments["total_pence"] = v["total_amount"].to_numpy()
    return Built(frames=[(fct_payments, payments)])


def build_advice_services(frame: pd.DataFrame, values: Values, rejects: RejectCollector) -> Built:
    """dim_advice_services."""
    v = _select(values, ~rejects.rejected)
    services = _frame(
        v,
        ["service_id", "name", "provider", "description", "url", "phone", "specialist_pc_payments"],
    )
    services["areas"] = _joined(v["areas"]).to_numpy()
    return Built(frames=[(dim_advice_services, services)])


def _frame(values: Values, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: values[name] for name in columns}).reset_index(drop=True)


BUILDERS: dict[str, Builder] = {
    "projects": build_projects,
    "policy_decisions": build_policy_decisions,
    "recommendations": build_recommendations,
    "milestones": build_milestones,
    "recommendation_updates": build_recommendation_updates,
    "researchers": build_researchers,
    "training_events": build_training_events,
    "payments": build_payments,
    "advice_services": build_advice_services,
}
