"""The research library's queries, on SQLite and PostgreSQL alike: search, facets, paging, the
chart, and a project's page. The projects come from a small projects register loaded through
the pipeline, with an unpublished project that must never show."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries.charts import CHART_QUERIES, filter_options
from warehouse.queries.filters import Filters
from warehouse.queries.research import project_detail, search_projects
from warehouse.schema import dim_areas, fct_commissions, fct_grants

PROJECT_COLUMNS = [
    "project_id",
    "title",
    "lay_summary",
    "methodology",
    "methods",
    "participation_level",
    "topics",
    "wards",
    "populations",
    "provider_org_id",
    "provider_name",
    "status",
    "start_date",
    "end_date",
    "budget",
    "findings",
    "outputs",
    "grant_ids",
    "ocids",
    "recommendation_ids",
    "researcher_ids",
    "published",
]

PROJECTS = [
    {
        "project_id": "P-1",
        "title": "Food and the cost of living",
        "lay_summary": "Residents asked neighbours how rising prices change what they eat.",
        "methodology": "Peer researchers ran semi-structured interviews.",
        "methods": "interviews; focus groups",
        "participation_level": "co-produce",
        "topics": "Food insecurity; Cost of living",
        "wards": "E05000650",
        "populations": "Families",
        "provider_org_id": "GB-CHC-1",
        "provider_name": "Food Collective",
        "status": "completed",
        "start_date": "2023-05-01",
        "end_date": "2024-03-31",
        "budget": "12500.00",
        "findings": "50% of households skipped meals at least once a week.",
        "outputs": "Final report | https://example.org/food.pdf; Summary for residents",
        "grant_ids": "G-1",
        "ocids": "ocds-x-1",
        "recommendation_ids": "R01",
        "researcher_ids": "RES-PUBLIC; RES-PARTNERS; RES-HIDDEN",
        "published": "yes",
    },
    {
        "project_id": "P-2",
        "title": "Housing damp and mould",
        "lay_summary": "Tenants photographed damp in their homes.",
        "methodology": "",
        "methods": "photovoice",
        "participation_level": "consult",
        "topics": "Housing",
        "wards": "E05000651",
        "populations": "Renters",
        "provider_org_id": "GB-CHC-2",
        "provider_name": "Tenants Together",
        "status": "ongoing",
        "start_date": "2024-06-01",
        "findings": "Families in damp homes cut back on FOOD to pay for heating.",
        "published": "yes",
    },
    {
        "project_id": "P-3",
        "title": "Food banks: who uses them",
        "lay_summary": "Volunteers walk to the food bank with visitors and listen.",
        "methodology": "Walking interviews and a cost diary.",
        "methods": "focus groups; walking interviews",
        "participation_level": "community-led",
        "topics": "Food insecurity",
        "wards": "E05000650; E05000651",
        "populations": "Families; Older people",
        "provider_org_id": "GB-CHC-1",
        "provider_name": "Food Collective",
        "status": "planned",
        "start_date": "2025-01-10",
        "published": "yes",
    },
    {
        "project_id": "P-4",
        "title": "Secret food draft",
        "lay_summary": "A draft about food that is not public.",
        "methodology": "Interviews.",
        "methods": "interviews",
        "participation_level": "co-produce",
        "topics": "Food insecurity; Secret topic",
        "wards": "E05000650",
        "populations": "Families; Hidden group",
        "provider_org_id": "GB-CHC-1",
        "provider_name": "Food Collective",
        "status": "completed",
        "start_date": "2023-05-01",
        "findings": "50% of something.",
        "outputs": "Draft report | https://example.org/draft.pdf",
        "published": "no",
    },
    {
        "project_id": "P-5",
        "title": "Walk_to_school survey",
        "lay_summary": "Children counted the cars on their way to school.",
        "methods": "survey",
        "participation_level": "involve",
        "topics": "Air quality",
        "status": "completed",
        "published": "yes",
    },
]

RESEARCHERS = [
    ("RES-PUBLIC", "Amina K.", "public", "amina@example.org", "07700 900001"),
    ("RES-PARTNERS", "Ben L.", "partners", "ben@example.org", "07700 900002"),
    ("RES-HIDDEN", "Cara M.", "hidden", "", ""),
]

DECISIONS = [
    ("D-1", "Food plan adopted", "2025-06-12", "P-1", "Residents' research showed...", "yes"),
    ("D-2", "Draft decision", "2025-07-01", "P-1", "Not yet public", "no"),
    ("D-3", "Decision citing a draft", "2025-08-01", "P-4", "About the draft", "yes"),
]


def _write(
    path: Path, header: list[str], rows: list[dict[str, str]] | list[tuple[str, ...]]
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    return path


@pytest.fixture
def library(engine: Engine, tmp_path: Path) -> Engine:
    """The five projects with their researchers, decisions, recommendation, grant and
    commission."""
    files = [
        _write(
            tmp_path / "recommendations.csv",
            ["recommendation_id", "workstream_id", "workstream_name", "text", "status"],
            [("R01", "WS1", "Resourcing", "Establish a dedicated fund.", "in_progress")],
        ),
        _write(
            tmp_path / "researchers.csv",
            ["researcher_id", "display_name", "consent", "contact_email", "contact_phone"],
            RESEARCHERS,
        ),
        _write(tmp_path / "projects.csv", PROJECT_COLUMNS, PROJECTS),
        _write(
            tmp_path / "policy_decisions.csv",
            [
                "decision_id",
                "title",
                "decision_body",
                "decision_date",
                "influence_type",
                "reach",
                "citing_project_ids",
                "citation_snippet",
                "published",
            ],
            [
                (d, t, "Cabinet", day, "strategy-or-plan", "local", p, s, pub)
                for d, t, day, p, s, pub in DECISIONS
            ],
        ),
    ]
    for path in files:
        result = load_file(engine, path, Config())
        assert (result.status, result.problems) == ("loaded", []), path.name
    grant = {
        "title": "Food research grant",
        "currency": "GBP",
        "award_date": date(2023, 4, 20),
        "financial_year": "2023/24",
        "funder_org_id": "GB-LAE-X",
        "funder_name": "The Council",
        "recipient_is_individual": False,
        "route": "grant",
        "direction": "awarded",
        "is_pc_research": True,
        "row_hash": "g",
    }
    commission = {
        "ocid": "ocds-x-1",
        "stage": "award",
        "buyer_name": "NHS Buyer",
        "title": "Peer research on food",
        "is_research": True,
        "route": "contract",
        "has_collaboration_condition": False,
        "currency": "GBP",
        "row_hash": "c",
    }
    with engine.begin() as conn:
        conn.execute(
            insert(fct_grants),
            [
                {**grant, "grant_id": "G-1", "amount_awarded_pence": 1_250_050},
                {**grant, "grant_id": "G-9", "amount_awarded_pence": 99, "title": "Unlinked"},
            ],
        )
        conn.execute(
            insert(fct_commissions),
            [
                {**commission, "award_id": "A-1", "award_value_pence": 3_000_000},
                {**commission, "award_id": "A-2", "award_value_pence": 2_000_000},
            ],
        )
        conn.execute(
            insert(dim_areas),
            [
                {
                    "area_code": "E05000650",
                    "area_name": "Riverside",
                    "area_type": "WD",
                    "row_hash": "a",
                },
                {
                    "area_code": "E05000651",
                    "area_name": "Hilltop",
                    "area_type": "WD",
                    "row_hash": "b",
                },
            ],
        )
    return engine


def _ids(engine: Engine, **filters: object) -> list[str]:
    results = search_projects(engine, Filters.from_values(filters), per_page=50)
    return list(results.rows["project_id"])


def test_without_a_search_every_published_project_shows_newest_first(library: Engine) -> None:
    results = search_projects(library, Filters())
    assert results.total == 4
    assert list(results.rows["project_id"]) == ["P-3", "P-2", "P-1", "P-5"]
    first = results.rows.iloc[2]
    assert first["topics"] == "Cost of living; Food insecurity"
    assert bool(first["has_methodology"]) is True
    assert bool(results.rows.iloc[1]["has_methodology"]) is False  # blank methodology


def test_search_ignores_case_looks_in_every_text_and_puts_title_matches_first(
    library: Engine,
) -> None:
    # P-2 holds "FOOD" only in its findings; P-4 is unpublished.
    assert _ids(library, q="FOOD") == ["P-3", "P-1", "P-2"]
    assert _ids(library, q="semi-structured") == ["P-1"]  # methodology
    assert _ids(library, q="photographed") == ["P-2"]  # lay summary


def test_every_search_word_must_match(library: Engine) -> None:
    assert _ids(library, q="food housing") == ["P-2"]
    assert _ids(library, q="  food   cost ") == ["P-1", "P-3"]
    assert _ids(library, q="food nothing-like-this") == []


def test_percent_and_underscore_are_plain_characters(library: Engine) -> None:
    assert _ids(library, q="50%") == ["P-1"]
    assert _ids(library, q="%") == ["P-1"]
    # As a LIKE wildcard "k_t" would also match "walk to" in P-3's lay summary.
    assert _ids(library, q="k_t") == ["P-5"]


def test_facets_narrow_results_and_combine_with_search(library: Engine) -> None:
    assert _ids(library, topic=["food-insecurity"]) == ["P-3", "P-1"]
    assert _ids(library, ward=["E05000651"]) == ["P-3", "P-2"]
    assert _ids(library, population=["Older people"]) == ["P-3"]
    assert _ids(library, participation=["consult", "involve"]) == ["P-2", "P-5"]
    assert _ids(library, method=["interviews"]) == ["P-1"]  # not "walking interviews"
    assert _ids(library, method=["Focus groups"]) == ["P-3", "P-1"]
    assert _ids(library, status=["completed"]) == ["P-1", "P-5"]
    assert _ids(library, provider=["GB-CHC-1"]) == ["P-3", "P-1"]
    assert _ids(library, year=["2023/24", "2024/25"]) == ["P-3", "P-2", "P-1"]
    assert _ids(library, q="food", ward="E05000651", status="planned,ongoing") == ["P-3", "P-2"]


def test_paging_counts_all_matches_and_clamps_the_page(library: Engine) -> None:
    second = search_projects(library, Filters(), page=2, per_page=3)
    assert (second.total, second.pages, second.page) == (4, 2, 2)
    assert list(second.rows["project_id"]) == ["P-5"]
    beyond = search_projects(library, Filters(), page=9, per_page=3)
    assert beyond.page == 2
    nothing = search_projects(library, Filters(q="zzz"), page=3)
    assert (nothing.total, nothing.pages, nothing.page, len(nothing.rows)) == (0, 1, 1, 0)


def _options(engine: Engine, name: str, **filters: object) -> dict[str, tuple[str, int]]:
    options = filter_options(engine, "research", name, Filters.from_values(filters))
    assert list(options.columns[:3]) == ["value", "label", "records"]
    return {str(r.value): (str(r.label), int(r.records)) for r in options.itertuples()}


def test_facet_options_count_published_projects_under_the_other_filters(library: Engine) -> None:
    assert _options(library, "topic") == {
        "food-insecurity": ("Food insecurity", 2),
        "cost-of-living": ("Cost of living", 1),
        "housing": ("Housing", 1),
        "air-quality": ("Air quality", 1),
    }
    assert _options(library, "ward") == {
        "E05000650": ("Riverside", 2),
        "E05000651": ("Hilltop", 2),
    }
    assert _options(library, "population") == {
        "Families": ("Families", 2),
        "Older people": ("Older people", 1),
        "Renters": ("Renters", 1),
    }
    assert list(_options(library, "participation")) == [
        "consult",
        "involve",
        "co-produce",
        "community-led",
    ]
    assert _options(library, "method") == {
        "focus groups": ("Focus groups", 2),
        "interviews": ("Interviews", 1),
        "photovoice": ("Photovoice", 1),
        "survey": ("Survey", 1),
        "walking interviews": ("Walking interviews", 1),
    }
    assert _options(library, "status") == {
        "planned": ("Planned", 1),
        "ongoing": ("Ongoing", 1),
        "completed": ("Completed", 2),
    }
    assert _options(library, "provider") == {
        "GB-CHC-1": ("Food Collective", 2),
        "GB-CHC-2": ("Tenants Together", 1),
    }
    assert list(_options(library, "year").items()) == [
        ("2024/25", ("2024/25", 2)),
        ("2023/24", ("2023/24", 1)),
    ]
    # Counted under the search and the other facets, but never under the facet's own choice.
    assert _options(library, "status", q="food", status="ongoing") == {
        "planned": ("Planned", 1),
        "ongoing": ("Ongoing", 1),
        "completed": ("Completed", 1),
    }
    assert _options(library, "topic", ward="E05000651") == {
        "food-insecurity": ("Food insecurity", 1),
        "housing": ("Housing", 1),
    }


def test_chart_counts_published_projects_by_year_and_participation(library: Engine) -> None:
    data = CHART_QUERIES["research-projects-by-year"](library, Filters())
    assert data.to_dict("records") == [
        {"financial_year": "2023/24", "participation_level": "co-produce", "projects": 1},
        {"financial_year": "2024/25", "participation_level": "consult", "projects": 1},
        {"financial_year": "2024/25", "participation_level": "community-led", "projects": 1},
    ]
    narrowed = CHART_QUERIES["research-projects-by-year"](library, Filters(q="housing"))
    assert narrowed["projects"].sum() == 1
    assert CHART_QUERIES["research-projects-by-year"](library, Filters(q="zzz")).empty


def test_project_page_holds_its_links_and_only_public_ones(library: Engine) -> None:
    detail = project_detail(library, "P-1")
    assert detail is not None
    assert detail.project["title"] == "Food and the cost of living"
    assert detail.project["has_methodology"] is True
    assert (detail.topics, detail.wards, detail.populations) == (
        ["Cost of living", "Food insecurity"],
        ["Riverside"],
        ["Families"],
    )
    assert list(detail.outputs["title"]) == ["Final report", "Summary for residents"]
    assert list(detail.outputs["url"].fillna("")) == ["https://example.org/food.pdf", ""]
    assert detail.grants[["grant_id", "funder_name", "amount_pence"]].to_dict("records") == [
        {"grant_id": "G-1", "funder_name": "The Council", "amount_pence": 1_250_050}
    ]
    assert detail.commissions[["ocid", "buyer_name", "value_pence"]].to_dict("records") == [
        {"ocid": "ocds-x-1", "buyer_name": "NHS Buyer", "value_pence": 5_000_000}
    ]
    assert list(detail.decisions["decision_id"]) == ["D-1"]
    assert list(detail.decisions["snippet"]) == ["Residents' research showed..."]
    assert detail.recommendations[["recommendation_id", "workstream"]].to_dict("records") == [
        {"recommendation_id": "R01", "workstream": "Resourcing"}
    ]
    assert detail.researchers[["display_name", "contact_email"]].to_dict("records") == [
        {"display_name": "Amina K.", "contact_email": "amina@example.org"}
    ]
    assert detail.unlisted_researchers == 2


def test_a_project_without_methodology_says_so(library: Engine) -> None:
    detail = project_detail(library, "P-2")
    assert detail is not None
    assert detail.project["has_methodology"] is False
    assert detail.grants.empty and detail.commissions.empty and detail.decisions.empty
    assert detail.researchers.empty and detail.unlisted_researchers == 0


def test_unpublished_or_unknown_projects_are_never_shown(library: Engine) -> None:
    assert project_detail(library, "P-4") is None
    assert project_detail(library, "P-404") is None
    assert "P-4" not in _ids(library, q="secret")
    assert _ids(library, q="draft") == []
    assert "secret-topic" not in _options(library, "topic")
    assert "Hidden group" not in _options(library, "population")
    assert _options(library, "provider")["GB-CHC-1"][1] == 2
