"""'Has this been done already?' on SQLite and PostgreSQL alike: published projects and P&C
research grants are ranked against a proposed project, unpublished projects and other grants
never appear, and a new load changes the results on the next search."""

from __future__ import annotations

import csv
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries import similar
from warehouse.queries.similar import find_similar, similarity_documents, similarity_index
from warehouse.schema import fct_grants
from warehouse.similarity import SimilarityIndex, build_index

COLUMNS = ["project_id", "title", "lay_summary", "methodology", "findings", "topics", "status"]
COLUMNS += ["published"]

PROJECTS = [
    {
        "project_id": "P-FOOD",
        "title": "Food insecurity among older people",
        "lay_summary": "Peer researchers asked older residents how they cope when meals run short.",
        "methodology": "Peer interviews and a cost diary.",
        "findings": "Many skipped meals to pay for heating.",
        "topics": "Food insecurity",
        "status": "completed",
        "published": "yes",
    },
    {
        "project_id": "P-DAMP",
        "title": "Damp and mould in council flats",
        "lay_summary": "Tenants photographed damp in their homes.",
        "methodology": "Photovoice.",
        "topics": "Housing",
        "status": "ongoing",
        "published": "yes",
    },
    {
        "project_id": "P-PARK",
        "title": "Children's play in green spaces",
        "lay_summary": "Children mapped the parks they use after school.",
        "topics": "Green space",
        "status": "planned",
        "published": "yes",
    },
    {
        "project_id": "P-DRAFT",
        "title": "Food insecurity among older people: a draft",
        "lay_summary": "Peer researchers asked older residents how they cope when meals run short.",
        "methodology": "Peer interviews and a cost diary.",
        "topics": "Food insecurity",
        "status": "planned",
        "published": "no",
    },
]

FOOD_QUERY = (
    "Food insecurity among older people",
    "Peer researchers will ask older residents how they cope when meals run short.",
)


def _write_projects(path: Path, projects: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(projects)
    return path


def _load(engine: Engine, path: Path) -> None:
    result = load_file(engine, path, Config())
    assert (result.status, result.problems) == ("loaded", []), path.name


def _grant(grant_id: str, title: str, description: str, *, pc_research: bool) -> dict[str, object]:
    return {
        "grant_id": grant_id,
        "title": title,
        "description": description,
        "currency": "GBP",
        "amount_awarded_pence": 1_250_050,
        "award_date": date(2024, 5, 1),
        "financial_year": "2024/25",
        "funder_org_id": "GB-LAE-X",
        "funder_name": "The Council",
        "recipient_is_individual": False,
        "route": "grant",
        "direction": "awarded",
        "is_pc_research": pc_research,
        "row_hash": grant_id,
    }


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> Engine:
    with engine.begin() as conn:
        conn.execute(
            insert(fct_grants),
            [
                _grant(
                    "G-FOOD",
                    "Peer research award: food insecurity",
                    "Older residents research food insecurity and skipped meals.",
                    pc_research=True,
                ),
                _grant(
                    "G-NOT-PC",
                    "Food insecurity among older people",
                    "Peer researchers will ask older residents how they cope when meals run short.",
                    pc_research=False,
                ),
            ],
        )
    _load(engine, _write_projects(tmp_path / "projects.csv", PROJECTS))
    return engine


def _ranked(engine: Engine, title: str, description: str = "") -> list[tuple[str, str]]:
    rows = find_similar(engine, title, description).rows
    return list(zip(rows["kind"], rows["record_id"], strict=True))


def test_documents_are_published_projects_and_pc_research_grants_only(library: Engine) -> None:
    documents = similarity_documents(library)
    assert list(zip(documents["kind"], documents["record_id"], strict=True)) == [
        ("project", "P-DAMP"),
        ("project", "P-FOOD"),
        ("project", "P-PARK"),
        ("grant", "G-FOOD"),
    ]
    food = documents.set_index("record_id").loc["P-FOOD", "text"]
    assert food.split("\n") == [
        "Food insecurity among older people",
        "Peer researchers asked older residents how they cope when meals run short.",
        "Peer interviews and a cost diary.",
        "Many skipped meals to pay for heating.",
        "Food insecurity",
    ]
    grant = documents.set_index("record_id").loc["G-FOOD"]
    assert (grant["funder_name"], grant["financial_year"], int(grant["amount_pence"])) == (
        "The Council",
        "2024/25",
        1_250_050,
    )


def test_the_closest_project_ranks_first_and_drafts_never_appear(library: Engine) -> None:
    work = find_similar(library, *FOOD_QUERY)
    assert (work.projects, work.grants) == (3, 1)
    ranked = list(zip(work.rows["kind"], work.rows["record_id"], strict=True))
    assert ranked == [("project", "P-FOOD"), ("grant", "G-FOOD")]
    assert work.rows["score"].iloc[0] > 0.5 > work.rows["score"].iloc[1]
    terms = [term for term, _ in work.rows["matched_terms"].iloc[0]]
    assert "food insecurity" in terms and "older people" in terms
    # The draft's and the non-P&C grant's texts match the query word for word, yet neither shows.
    draft = PROJECTS[3]
    assert _ranked(library, draft["title"], draft["lay_summary"])[0] == ("project", "P-FOOD")
    assert all(rid not in {"P-DRAFT", "G-NOT-PC"} for _, rid in _ranked(library, draft["title"]))


def test_an_unrelated_proposal_finds_nothing(library: Engine) -> None:
    assert _ranked(library, "Bus routes to the hospital", "Riders time their journeys") == []
    assert _ranked(library, "", "") == []


def test_a_new_load_changes_the_results_on_the_next_search(library: Engine, tmp_path: Path) -> None:
    before = similarity_index(library)
    assert similarity_index(library) is before  # kept between searches while nothing loads
    assert _ranked(library, "Damp and mould", "in council flats")[0] == ("project", "P-DAMP")
    assert _ranked(library, "Air quality near schools") == []

    changed = [dict(p) for p in PROJECTS]
    changed[1] = {**changed[1], "published": "no"}  # the damp project is withdrawn
    changed[2] = {  # the park project is now about air quality
        **changed[2],
        "title": "Air quality near schools",
        "lay_summary": "Children measured air quality on the way to school.",
    }
    changed.append(
        {
            "project_id": "P-MOULD",
            "title": "Mould in private rented homes",
            "lay_summary": "Private renters recorded mould and damp.",
            "status": "ongoing",
            "published": "yes",
        }
    )
    _load(library, _write_projects(tmp_path / "projects-changed.csv", changed))

    assert similarity_index(library) is not before
    assert _ranked(library, "Damp and mould", "in council flats") == [("project", "P-MOULD")]
    assert _ranked(library, "Air quality near schools")[0] == ("project", "P-PARK")
    work = find_similar(library, "Air quality near schools", "")
    assert work.rows["title"].iloc[0] == "Air quality near schools"
    assert (work.projects, work.grants) == (3, 1)


def test_threads_searching_at_once_share_one_build(
    library: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []

    def slow_build(documents: pd.DataFrame) -> SimilarityIndex:
        builds.append(len(documents))
        time.sleep(0.2)  # long enough for every thread to arrive while the first one builds
        return build_index(documents)

    monkeypatch.setattr(similar, "build_index", slow_build)
    with ThreadPoolExecutor(max_workers=6) as pool:
        indexes = list(pool.map(lambda _: similarity_index(library), range(6)))
    assert builds == [4]
    assert all(index is indexes[0] for index in indexes)


def test_an_empty_warehouse_finds_nothing(engine: Engine) -> None:
    work = find_similar(engine, *FOOD_QUERY)
    assert work.rows.empty
    assert (work.projects, work.grants) == (0, 0)
