"""What a decision paper can mention, read from the P&C registers in the warehouse.

- Every project (published or not: candidates are seen by staff only), by its id and title.
- Every output of a project, by its title; it cites its project.
- Every researcher organisation, that is, each provider of a project, by its name without
  "Ltd" and the like, and by an acronym it gives in brackets; a confirmed mention cites the
  organisation's latest project.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_pipeline.papers.mentions import Target, bracketed_acronyms, organisation_label
from warehouse.schema import dim_projects, fct_project_outputs

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
    targets = [
        Target(
            "project",
            p.project_id,
            p.title,
            p.project_id,
            ids=(p.project_id,),
            acronyms=bracketed_acronyms(p.title),
        )
        for p in projects
    ]
    project_titles = {p.title.strip().lower() for p in projects}
    targets.extend(
        Target("output", f"{o.project_id}#{o.output_no}", o.title, o.project_id)
        for o in outputs
        if o.title.strip().lower() not in project_titles  # the project's own title suffices
    )
    seen: set[str] = set()
    for p in projects:  # latest project first, so each organisation cites its latest
        if not p.provider_name:
            continue
        key = p.provider_org_id or organisation_label(p.provider_name).lower()
        if key in seen:
            continue
        seen.add(key)
        targets.append(
            Target(
                "organisation",
                key,
                organisation_label(p.provider_name),
                p.project_id,
                acronyms=bracketed_acronyms(p.provider_name),
            )
        )
    return targets
