"""The demo borough: a fictional council area whose files exercise every loader.

``write_demo`` writes, in load order: the small-area lookup and the need files (deprivation,
Fingertips, census), the 360Giving grants, the OCDS commissioning package, then the P&C
registers (most as CSV, researchers and training events as XLSX), then the Council's and the
NHS's spend over £500. The same seed always gives byte-identical files. Every place,
organisation and person in them is invented; the codes sit in ranges that real ones never use
(see ``geography`` and ``organisations``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from data_pipeline.demo import (
    capacity,
    commissioning,
    geography,
    grants,
    need,
    research,
    spend,
    tracker,
)
from data_pipeline.demo.organisations import local_groups
from data_pipeline.demo.writers import write_register_csv, write_register_xlsx

__all__ = ["write_demo"]


def write_demo(out_dir: Path, scale: int = 5000, seed: int = 2024) -> list[Path]:
    """Write the demo borough's files into ``out_dir``; ``scale`` is the number of grants.

    Returns the paths in the order they should be loaded.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1 grant")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    place = geography.build_geography(rng)
    groups = local_groups(place, rng)
    files = [
        geography.write_area_lookup(place, out_dir / "01_marrowfield_lsoa21_ward24_lookup.csv"),
        need.write_iod2025_file7(place, rng, out_dir / "02_marrowfield_iod2025_file7.csv"),
        need.write_fingertips(place, rng, out_dir / "03_marrowfield_fingertips_wards.csv"),
        need.write_census_general_health(
            place, rng, out_dir / "04_marrowfield_census2021_general_health_ward.csv"
        ),
    ]

    people = grants.recipients(groups)
    drawn = grants.draw_grants(place, people, rng, scale)
    files.append(
        grants.write_grants_csv(drawn, people, out_dir / "05_marrowfield_grants_360giving.csv")
    )
    research_grants = grants.research_grants(drawn, people)
    del drawn

    releases, commissions = commissioning.build_releases(place, groups, rng)
    files.append(
        commissioning.write_release_package(releases, out_dir / "06_marrowfield_ocds.json")
    )

    recommendations = tracker.shipped_recommendations()
    researchers = capacity.researchers_register(place, rng)
    projects = research.projects_register(
        place, research_grants, commissions, researchers, groups, rng
    )
    registers = (
        ("recommendations", tracker.recommendations_register(recommendations), "csv"),
        ("milestones", tracker.milestones_register(rng), "csv"),
        ("recommendation_updates", tracker.updates_register(recommendations, rng), "csv"),
        ("researchers", researchers, "xlsx"),
        ("projects", projects, "csv"),
        ("policy_decisions", research.decisions_register(projects, place, rng), "csv"),
        ("training_events", capacity.training_register(rng), "xlsx"),
        ("payments", capacity.payments_register(rng), "csv"),
        ("advice_services", capacity.advice_register(place), "csv"),
    )
    for number, (name, frame, kind) in enumerate(registers, start=7):
        path = out_dir / f"{number:02d}_{name}.{kind}"
        write = write_register_xlsx if kind == "xlsx" else write_register_csv
        files.append(write(name, frame, path))
    files += spend.write_spend_files(groups, research_grants, seed, out_dir, 7 + len(registers))
    return files
