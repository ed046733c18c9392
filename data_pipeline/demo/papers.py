"""The demo's decision papers: committee reports and minutes, as PDF and HTML, that cite the
demo's research in the ways real papers do, with near-misses and distractors beside them.

Every paper comes with its label: the projects, outputs and organisations it really mentions
(a paper that cites a title several projects share mentions each of them).
That makes the set a benchmark of the matching (``benchmarks/papers_matching.py``) as well as
the demo's review queue. How a paper cites:
- by register id ("ref. PCR-2024-012"), by exact title (quoted, or broken over lines, or as an
  upper-case heading), by a title with a slip in it (a letter dropped, the apostrophe lost, a
  small word missing), or by the researcher organisation's name;
- near-misses, which are *not* mentions: a title with another ward's name that no project has,
  an id that is not in the register, the topic named without the work;
- distractors: papers about budgets, roads and waste that cite nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

PAPER_COUNT = 24
COMMITTEES = (
    "Cabinet",
    "Health and Wellbeing Board",
    "Overview and Scrutiny Committee",
    "ICB Board",
    "Housing Board",
)
_BOILERPLATE = (
    "The committee received the report of the Director of Public Health and noted the "
    "progress made since the last meeting.",
    "Members asked about the timetable for the next phase and were told that officers would "
    "report back in the new municipal year.",
    "The revenue budget position was reported as a forecast overspend of £1.2m, mainly in "
    "adult social care and home-to-school transport.",
    "Resolved: that the recommendations set out in the report be agreed, subject to the "
    "comments made at the meeting.",
    "The chair thanked officers and partners from the voluntary and community sector for "
    "their work over the winter period.",
    "An equality impact assessment was completed and is appended to this report; no adverse "
    "impact on any protected group was identified.",
    "The waste strategy consultation closes at the end of the month and residents are "
    "encouraged to respond online or at their local library.",
    "Members discussed road maintenance priorities and the backlog of pothole repairs on "
    "rural routes.",
)
_LEADS = (
    "The report draws on {cite}, which the board found persuasive.",
    "Officers summarised the findings of {cite} for members.",
    "In reaching this recommendation, the service took account of {cite}.",
    "Appendix B sets out how the plan responds to {cite}.",
)


@dataclass(frozen=True)
class LabelledPaper:
    """A demo paper and what it really mentions: ``(kind, target_id)`` pairs."""

    path: Path
    committee: str
    meeting_date: date
    title: str
    expected: frozenset[tuple[str, str]]


def write_demo_papers(
    projects: Sequence[dict[str, Any]],
    out: Path,
    count: int = PAPER_COUNT,
    seed: int = 16,
) -> list[LabelledPaper]:
    """Write ``count`` papers (half PDF, half HTML) citing ``projects`` (rows with
    ``project_id``, ``title``, ``provider_org_id``, ``provider_name``) into ``out``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    titles = {str(p["title"]).lower() for p in projects}
    wards = sorted({w for p in projects for w in _capitalised_tail(str(p["title"]))})
    papers: list[LabelledPaper] = []
    for number in range(count):
        committee = COMMITTEES[number % len(COMMITTEES)]
        meeting = date(2025, 4, 10) + timedelta(days=14 * number)
        expected: set[tuple[str, str]] = set()
        paragraphs = [str(rng.choice(_BOILERPLATE)) for _ in range(3)]
        if number % 6 != 5:  # one paper in six is a pure distractor
            for _ in range(int(rng.integers(1, 4))):
                project = projects[int(rng.integers(len(projects)))]
                sentence, target = _cite(rng, project)
                paragraphs.insert(int(rng.integers(len(paragraphs) + 1)), sentence)
                expected.add(target)
                if target[0] == "project" and project["project_id"] not in sentence:
                    # Cited by a title other projects share: the paper names each of them.
                    expected.update(
                        ("project", str(p["project_id"]))
                        for p in projects
                        if str(p["title"]).lower() == str(project["title"]).lower()
                    )
        paragraphs.insert(
            int(rng.integers(len(paragraphs) + 1)),
            _near_miss(rng, projects[int(rng.integers(len(projects)))], wards, titles),
        )
        title = f"{committee}: report of {meeting:%d %B %Y}"
        pages = [paragraphs[: len(paragraphs) // 2], paragraphs[len(paragraphs) // 2 :]]
        pages[1].extend(str(rng.choice(_BOILERPLATE)) for _ in range(2))
        stem = f"{number + 1:02d}_{_slug(committee)}_{meeting.isoformat()}"
        if number % 2 == 0:
            path = out / f"{stem}.pdf"
            path.write_bytes(_pdf(title, pages))
        else:
            path = out / f"{stem}.html"
            path.write_text(_html(title, pages), encoding="utf-8")
        papers.append(LabelledPaper(path, committee, meeting, title, frozenset(expected)))
    # What a council scraper writes beside its downloads: the committee and date of each.
    metadata = [
        {
            "filename": p.path.name,
            "committee": p.committee,
            "meeting_date": p.meeting_date.isoformat(),
            "title": p.title,
        }
        for p in papers
    ]
    (out / "papers-metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
    return papers


def _cite(rng: np.random.Generator, project: dict[str, Any]) -> tuple[str, tuple[str, str]]:
    title = str(project["title"])
    project_id = str(project["project_id"])
    way = int(rng.integers(7))
    if way == 0:
        return (
            f"Local evidence (research register ref. {project_id}) shows that residents want "
            "services closer to home.",
            ("project", project_id),
        )
    if way == 5 and project.get("provider_name"):
        name = re.sub(r"\s+(Ltd|Limited|CIC)\.?$", "", str(project["provider_name"]))
        key = str(project.get("provider_org_id") or name.lower())
        return (
            f"Fieldwork was carried out by {name}, working with residents as peer researchers.",
            ("organisation", key),
        )
    if way == 1:
        cite = f"“{title}”"
    elif way == 2:
        cite = f"the study {title.upper()}"
    elif way == 3:
        cite = f"the report {_slip(rng, title)}"
    else:
        cite = f"the peer research report {title}"
    lead = str(rng.choice(_LEADS))
    return lead.format(cite=cite), ("project", project_id)


def _slip(rng: np.random.Generator, title: str) -> str:
    """The title with one slip a minute-taker makes."""
    kind = int(rng.integers(3))
    if kind == 0 and "'" in title:
        return title.replace("'", "")
    if kind == 1 and re.search(r"\b(the|a|of) ", title):
        return re.sub(r"\b(the|a|of) ", "", title, count=1)
    words = title.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]) if words[i].islower() else 0)
    word = words[longest]
    if len(word) > 5:
        words[longest] = word[:3] + word[4:]
    return " ".join(words)


def _near_miss(
    rng: np.random.Generator, project: dict[str, Any], wards: list[str], titles: set[str]
) -> str:
    title = str(project["title"])
    kind = int(rng.integers(3))
    if kind == 0:
        for ward in rng.permutation(wards):
            for own in _capitalised_tail(title):
                other = title.replace(own, str(ward))
                if other.lower() not in titles and other != title:
                    return f"A similar piece of work, {other}, is planned for next year."
    if kind == 1:
        return (
            "The service plan refers to research ref. PCR-2031-999, which has not yet been "
            "commissioned."
        )
    return f"Members noted that {_topic(title).lower()} remains a concern across the borough."


def _topic(title: str) -> str:
    """What a title is about, without who or where: "Food insecurity" of "What carers say
    about food insecurity" and of "Food insecurity in Ebbwick: residents' own research"."""
    about = title.split(" about ", 1)[1] if " about " in title else title
    return about.split(":")[0].split(" in ")[0]


def _capitalised_tail(title: str) -> list[str]:
    words = re.findall(r"[A-Za-z]+", title)
    return [w for w in words[1:] if w[0].isupper()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _pdf(title: str, pages: list[list[str]]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    for paragraphs in pages:
        pdf.add_page()
        pdf.set_font("helvetica", "B", size=13)
        pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def _html(title: str, pages: list[list[str]]) -> str:
    import html

    body = "".join(
        f"<section><h2>Part {n}</h2>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + "</section>"
        for n, paragraphs in enumerate(pages, start=1)
    )
    return (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>"
    )
