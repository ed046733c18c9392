"""The recommendations tracker of the demo: the 16 recommendations word for word (shipped in
``recommendations.csv``), with invented owners, statuses and progress, their milestones, and a
history of updates that ends where each recommendation stands now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

import numpy as np
import pandas as pd

AS_OF = date(2025, 5, 6)  # the demo's "today" for the research, funding and need files
# The tracker is kept up to date by its leads, so its history runs to the autumn of 2026, and
# open milestones fall due over the two years after; otherwise every one would show as overdue.
TRACKER_AS_OF = date(2026, 10, 30)
_TRACKING_STARTS = date(2025, 5, 1)
_URL = "https://hdrc.marrowfield.example/tracker"


def shipped_recommendations() -> pd.DataFrame:
    """recommendation_id, workstream_id, workstream_name, text: the source report's 16."""
    with (
        resources.files("data_pipeline.demo")
        .joinpath("recommendations.csv")
        .open(encoding="utf-8") as handle
    ):
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Standing:
    owner: str
    status: str
    rag: str
    progress: int
    updates: int
    milestones: int


STANDINGS: dict[str, Standing] = {
    "R01": Standing("Director of Public Health", "in_progress", "amber", 40, 8, 3),
    "R02": Standing("HDRC Director", "in_progress", "green", 55, 8, 3),
    "R03": Standing("HDRC Director", "achieved", "green", 100, 9, 4),
    "R04": Standing("HDRC Research Lead", "in_progress", "amber_green", 35, 7, 3),
    "R05": Standing("HDRC Research Lead", "not_started", "red", 0, 4, 2),
    "R06": Standing("Head of Organisational Development", "in_progress", "amber", 25, 7, 3),
    "R07": Standing("Head of Performance and Insight", "in_progress", "green", 70, 10, 4),
    "R08": Standing("Head of Commissioning", "in_progress", "amber_green", 45, 8, 4),
    "R09": Standing("HDRC Research Lead", "paused", "amber_red", 15, 6, 2),
    "R10": Standing("Head of Commissioning", "in_progress", "amber", 30, 7, 3),
    "R11": Standing("HDRC Community Engagement Lead", "achieved", "green", 100, 9, 4),
    "R12": Standing("Head of Revenues and Benefits", "in_progress", "amber", 50, 9, 4),
    "R13": Standing("HDRC Director", "not_started", "amber_red", 0, 4, 2),
    "R14": Standing("HDRC Community Engagement Lead", "in_progress", "green", 60, 8, 4),
    "R15": Standing("Head of Digital", "in_progress", "amber_green", 65, 8, 3),
    "R16": Standing("Head of Performance and Insight", "achieved", "green", 100, 8, 2),
}

_MILESTONE_STEPS = (
    "Scope and lead agreed with partners",
    "Options paper to the HDRC board",
    "Resources secured",
    "Pilot running",
    "Evaluation published",
)

_NOTES = (
    "Discussed at the HDRC partnership board; partners support the approach.",
    "Workshop held with residents and VCSE partners to shape the next steps.",
    "Draft proposal shared with council and NHS colleagues for comment.",
    "Funding bid submitted to a national funder.",
    "Lead officer appointed and work plan agreed.",
    "Peer researchers reviewed the draft and their changes were adopted.",
    "Progress reported to the Health and Wellbeing Board.",
    "Delayed while the budget for next year is set.",
    "Pilot started with two community organisations.",
    "Early findings shared with commissioners.",
)


def recommendations_register(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The recommendations register: the shipped text plus owner, status, RAG and progress."""
    frame = recommendations.copy()
    standing = [STANDINGS[r] for r in frame["recommendation_id"]]
    frame["owner"] = [s.owner for s in standing]
    frame["status"] = [s.status for s in standing]
    frame["rag"] = [s.rag for s in standing]
    frame["progress_pct"] = [str(s.progress) for s in standing]
    return frame


def milestones_register(rng: np.random.Generator) -> pd.DataFrame:
    """Milestones: those the progress covers were met before the tracker's "today"; the rest
    fall due after it, except that a recommendation rated red, amber/red or amber is behind
    on its next one (it is overdue)."""
    rows = []
    for rec, standing in STANDINGS.items():
        count = standing.milestones
        met_count = count if standing.status == "achieved" else int(standing.progress / 100 * count)
        behind = standing.rag in {"red", "amber_red", "amber"} and met_count < count
        met_step = (TRACKER_AS_OF - _TRACKING_STARTS).days // (met_count + 1)
        due_dates = [
            _TRACKING_STARTS + timedelta(days=met_step * (n + 1) - int(rng.integers(0, 30)))
            for n in range(met_count)
        ]
        next_due = TRACKER_AS_OF + timedelta(days=int(rng.integers(20, 90)))
        if behind:
            next_due = TRACKER_AS_OF - timedelta(days=int(rng.integers(20, 60)))
        for _ in range(count - met_count):
            due_dates.append(next_due)
            next_due += timedelta(days=int(rng.integers(110, 200)))
        for number, due in enumerate(due_dates):
            done = ""
            if number < met_count:
                met = due + timedelta(days=int(rng.integers(-20, 25)))
                done = min(met, TRACKER_AS_OF).isoformat()
            rows.append(
                {
                    "milestone_id": f"{rec}-M{number + 1}",
                    "recommendation_id": rec,
                    "title": _MILESTONE_STEPS[min(number, len(_MILESTONE_STEPS) - 1)],
                    "due_date": due.isoformat(),
                    "done_date": done,
                }
            )
    return pd.DataFrame(rows)


def updates_register(recommendations: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The history of updates: progress rises to where each recommendation stands now."""
    workstream = dict(
        zip(recommendations["recommendation_id"], recommendations["workstream_name"], strict=True)
    )
    rows = []
    span = (TRACKER_AS_OF - _TRACKING_STARTS).days
    for rec, standing in STANDINGS.items():
        days = np.sort(rng.choice(span, size=standing.updates, replace=False))
        progress = np.round(np.linspace(0, standing.progress, standing.updates + 1)[1:] / 5) * 5
        status = "not_started"
        for number, (offset, pct) in enumerate(zip(days, progress, strict=True), start=1):
            last = number == standing.updates
            target = status
            if standing.status != "not_started" and pct > 0:
                target = "in_progress"
            if last:
                target = standing.status
            changed = target != status
            rows.append(
                {
                    "update_id": f"UPD-{rec}-{number:02d}",
                    "recommendation_id": rec,
                    "update_date": (_TRACKING_STARTS + timedelta(days=int(offset))).isoformat(),
                    "author": f"{workstream[rec]} workstream lead",
                    "note": _NOTES[int(rng.integers(len(_NOTES)))],
                    "evidence_url": f"{_URL}/{rec}/update-{number}" if rng.random() < 0.6 else "",
                    "status_from": status if changed else "",
                    "status_to": target if changed else "",
                    "progress_pct": str(int(pct)),
                    "published": "no" if last and rng.random() < 0.35 else "yes",
                }
            )
            status = target
    return pd.DataFrame(rows)
