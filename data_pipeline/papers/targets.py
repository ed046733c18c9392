"""What a decision paper can mention, read from the P&C registers in the warehouse.

- Every project (published or not: candidates are seen by staff only), by its id and title.
- Every output of a project, by its title, unless the title is the project's own or too
  generic to name one piece of work ("Final report": fewer than ``MIN_OUTPUT_WORDS``
  significant words); it cites its project.
- Every researcher organisation, that is, each provider of a project, by its name without
  "Ltd" and the like, and by an acronym it gives in brackets; a confirmed mention cites the
  organisation's latest project.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, select

from data_pipeline.papers.mentions import (
    Target,
    bracketed_acronyms,
    normalise,
    organisation_label,
    significant_words,
)
from warehouse.schema import dim_projects, fct_project_outputs

MIN_OUTPUT_WORDS = 3
_p = dim_projects.c
_o = fct_project_outputs.c


def research_targets(engine: Engine) -> list[Target]:
    """Projects, outputs and researcher organisations from the warehouse."""
    with engine.connect() as conn:
        projects = conn.execute(
            select(_p.project_id, _p.title, _p.provider_org_id, _p.provider_name).order_by(
                _p.start_date.desc(), _p.project_id
            )
        ).all()
        outputs = conn.execute(select(_o.project_id, _o.output_no, _o.title)).all()
    return targets_from_rows([p._asdict() for p in projects], [o._asdict() for o in outputs])


def targets_from_rows(
    projects: Sequence[dict[str, Any]], outputs: Iterable[dict[str, Any]]
) -> list[Target]:
    """Targets from project rows (``project_id``, ``title``, ``provider_org_id``,
    ``provider_name``; latest first) and output rows (``project_id``, ``output_no``,
    ``title``)."""
    targets = [
        Target(
            "project",
            str(p["project_id"]),
            str(p["title"]),
            str(p["project_id"]),
            ids=(str(p["project_id"]),),
            acronyms=bracketed_acronyms(str(p["title"])),
        )
        for p in projects
    ]
    project_titles = {normalise(str(p["title"])) for p in projects}
    targets.extend(
        Target(
            "output", f"{o['project_id']}#{o['output_no']}", str(o["title"]), str(o["project_id"])
        )
        for o in outputs
        if normalise(str(o["title"])) not in project_titles
        and len(significant_words(str(o["title"]))) >= MIN_OUTPUT_WORDS
    )
    seen: set[str] = set()
    for p in projects:  # latest project first, so each organisation cites its latest
        name = p.get("provider_name")
        if not name:
            continue
        key = str(p.get("provider_org_id") or organisation_label(str(name)).lower())
        if key in seen:
            continue
        seen.add(key)
        targets.append(
            Target(
                "organisation",
                key,
                organisation_label(str(name)),
                str(p["project_id"]),
                acronyms=bracketed_acronyms(str(name)),
            )
        )
    return targets
