"""The researcher page's queries on SQLite and PostgreSQL, over small registers loaded through
the pipeline: only public researchers, items matched whole, payments and attendance under 5
suppressed."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries.filters import Filters
from warehouse.queries.researchers import (
    CHART_QUERIES,
    OPTION_QUERIES,
    SUPPRESSED,
    advice_services,
    payments_days_to_pay,
    payments_method_share,
    researcher_directory,
    researcher_directory_csv,
    training_accredited_share,
    training_attendance,
)
from warehouse.schema import dim_areas

RESEARCHERS = [
    # id, name, skills, languages, areas, training, availability, consent, email, phone
    (
        "RES-01",
        "Amina Public",
        "interviewing; data analysis",
        "English; Bengali",
        "E05000001; E05000002",
        "Research ethics",
        "available",
        "public",
        "amina@example.org",
        "07700 900001",
    ),
    (
        "RES-02",
        "Ben Public",
        "data analysis",
        "English",
        "E05000002",
        "",
        "limited",
        "public",
        "",
        "",
    ),
    (
        "RES-03",
        "Cat Public",
        "interviewing skills",
        "English",
        "E05000003",
        "",
        "unavailable",
        "public",
        "",
        "07700 900003",
    ),
    (
        "RES-04",
        "Priya Partnersonly",
        "interviewing; photography",
        "Bengali; Somali",
        "E05000001",
        "Research ethics",
        "available",
        "partners",
        "priya@example.org",
        "07700 900004",
    ),
    (
        "RES-05",
        "Harry Hiddenentry",
        "interviewing; mapping",
        "Bengali",
        "E05000001",
        "",
        "available",
        "hidden",
        "harry@example.org",
        "07700 900005",
    ),
]
NOT_PUBLIC = ("Priya Partnersonly", "Harry Hiddenentry", "priya@", "harry@", "900004", "900005")

PAYMENTS = [
    # period, provider, method, count, total (£), median days
    ("2024-Q1", "Provider A", "bank-transfer", 10, "900.00", 9),
    ("2024-Q1", "Provider A", "voucher", 3, "150.00", 2),
    ("2024-Q1", "Provider B", "cash", 4, "200.00", 0),
    ("2024-Q2", "Provider A", "bank-transfer", 6, "480.00", 20),
]

TRAINING = [
    ("TRN-1", "2024-05-01", "Introduction to peer research", "pc-researchers", "yes", 12),
    ("TRN-2", "2024-06-01", "Qualitative interviewing", "pc-researchers", "no", 8),
    ("TRN-3", "2024-07-01", "Working with peer researchers", "academics", "no", 3),
    ("TRN-4", "2023-09-01", "Introduction to peer research", "pc-researchers", "no", 20),
]

ADVICE = [
    (
        "ADV-1",
        "Debt advice",
        "The Council",
        "Help with debts.",
        "",
        "01632 960 001",
        "E05000002",
        "no",
    ),
    (
        "ADV-2",
        "Research payments line",
        "Advice Centre",
        "Benefits and research payments.",
        "https://example.org/advice",
        "01632 960 002",
        "E05000001; E05000003",
        "yes",
    ),
]


def _write(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    files = [
        _write(
            tmp_path / "researchers.csv",
            [
                "researcher_id",
                "display_name",
                "skills",
                "languages",
                "areas",
                "training_completed",
                "availability",
                "consent",
                "contact_email",
                "contact_phone",
            ],
            RESEARCHERS,
        ),
        _write(
            tmp_path / "payments.csv",
            [
                "period",
                "provider",
                "method",
                "payments_count",
                "total_amount",
                "currency",
                "median_days_to_pay",
            ],
            [(*row[:5], "GBP", row[5]) for row in PAYMENTS],
        ),
        _write(
            tmp_path / "training_events.csv",
            ["event_id", "event_date", "title", "audience", "accredited", "attendees"],
            TRAINING,
        ),
        _write(
            tmp_path / "advice_services.csv",
            [
                "service_id",
                "name",
                "provider",
                "description",
                "url",
                "phone",
                "areas",
                "specialist_pc_payments",
            ],
            ADVICE,
        ),
    ]
    for path in files:
        result = load_file(engine, path, Config())
        assert not result.rejected_whole and not result.problems, result.problems
    with engine.begin() as conn:
        conn.execute(
            insert(dim_areas),
            [
                {"area_code": code, "area_name": name, "area_type": "WD", "row_hash": code}
                for code, name in [("E05000001", "North Ward"), ("E05000002", "South Ward")]
            ],
        )
    return engine


def _names(frame: pd.DataFrame) -> list[str]:
    return list(frame["display_name"])


def _options(engine: Engine, name: str, filters: Filters | None = None) -> dict[str, int]:
    options = OPTION_QUERIES[name](engine, filters or Filters())
    return dict(zip(options["value"], options["records"].astype(int), strict=True))


def test_directory_lists_public_researchers_only_with_their_contact_details(
    loaded: Engine,
) -> None:
    found = researcher_directory(loaded, Filters())
    assert found.total == 3
    assert _names(found.researchers) == ["Amina Public", "Ben Public", "Cat Public"]
    amina = found.researchers.iloc[0]
    assert (amina["contact_email"], amina["contact_phone"]) == ("amina@example.org", "07700 900001")
    assert amina["areas"] == "North Ward; South Ward"
    assert amina["training_completed"] == "Research ethics"
    text = found.researchers.to_csv() + researcher_directory_csv(loaded, Filters()).to_csv()
    assert not any(secret in text for secret in NOT_PUBLIC)


def test_a_skill_matches_whole_items_only_and_never_a_non_public_entry(loaded: Engine) -> None:
    found = researcher_directory(loaded, Filters(skill=("interviewing",)))
    assert _names(found.researchers) == ["Amina Public"]  # not "interviewing skills"
    assert researcher_directory(loaded, Filters(skill=("mapping",))).total == 0
    assert researcher_directory(loaded, Filters(skill=("interview",))).total == 0


def test_values_of_one_filter_widen_and_filters_together_narrow(loaded: Engine) -> None:
    either = researcher_directory(loaded, Filters(skill=("interviewing", "data analysis")))
    assert _names(either.researchers) == ["Amina Public", "Ben Public"]
    both = Filters(skill=("interviewing", "data analysis"), language=("Bengali",))
    assert _names(researcher_directory(loaded, both).researchers) == ["Amina Public"]
    by_area = researcher_directory(loaded, Filters(area=("E05000002",), availability=("limited",)))
    assert _names(by_area.researchers) == ["Ben Public"]


def test_options_count_public_researchers_per_item(loaded: Engine) -> None:
    assert _options(loaded, "skill") == {
        "data analysis": 2,
        "interviewing": 1,
        "interviewing skills": 1,
    }
    assert _options(loaded, "language") == {"English": 3, "Bengali": 1}
    assert _options(loaded, "availability") == {"available": 1, "limited": 1, "unavailable": 1}
    assert _options(loaded, "skill", Filters(language=("Bengali",))) == {
        "data analysis": 1,
        "interviewing": 1,
    }


def test_area_options_are_labelled_with_area_names(loaded: Engine) -> None:
    options = OPTION_QUERIES["area"](loaded, Filters())
    labels = dict(zip(options["value"], options["label"], strict=True))
    assert labels == {
        "E05000001": "North Ward",
        "E05000002": "South Ward",
        "E05000003": "E05000003",
    }
    records = dict(zip(options["value"], options["records"].astype(int), strict=True))
    assert records == {"E05000001": 1, "E05000002": 2, "E05000003": 1}


def test_directory_pages_and_clamps_the_page(loaded: Engine) -> None:
    second = researcher_directory(loaded, Filters(), page=2, page_size=2)
    assert (second.total, second.pages, second.page) == (3, 2, 2)
    assert _names(second.researchers) == ["Cat Public"]
    assert researcher_directory(loaded, Filters(), page=99, page_size=2).page == 2


def test_days_to_pay_by_quarter_and_provider_suppresses_fewer_than_5(loaded: Engine) -> None:
    data = payments_days_to_pay(loaded, Filters())
    rows = [tuple(r) for r in data.itertuples(index=False)]
    # Provider A in 2024-Q1: medians 2 (3 payments) and 9 (10 payments); weighted median 9.
    assert rows == [
        ("2024-Q1", "Provider A", 13, 9.0),
        ("2024-Q1", "Provider B", SUPPRESSED, ""),
        ("2024-Q2", "Provider A", 6, 20.0),
    ]


def test_method_share_by_quarter_suppresses_fewer_than_5(loaded: Engine) -> None:
    data = payments_method_share(loaded, Filters())
    rows = [tuple(r) for r in data.itertuples(index=False)]
    assert rows == [
        ("2024-Q1", "bank-transfer", 10, 58.8),
        ("2024-Q1", "cash", SUPPRESSED, ""),
        ("2024-Q1", "voucher", SUPPRESSED, ""),
        ("2024-Q2", "bank-transfer", 6, 100.0),
    ]
    for count in (3, 4):
        assert count not in list(data["payments"])


def test_training_by_year_and_audience_suppresses_fewer_than_5_attendees(loaded: Engine) -> None:
    rows = [tuple(r) for r in training_attendance(loaded, Filters()).itertuples(index=False)]
    assert rows == [
        ("2023/24", "pc-researchers", 1, 20),
        ("2024/25", "academics", 1, SUPPRESSED),
        ("2024/25", "pc-researchers", 2, 20),
    ]
    share = [tuple(r) for r in training_accredited_share(loaded, Filters()).itertuples(index=False)]
    assert share == [("2023/24", 1, 0, 0.0), ("2024/25", 3, 1, 33.3)]


def test_advice_services_list_specialists_first_with_area_names(loaded: Engine) -> None:
    services = advice_services(loaded)
    assert list(services["name"]) == ["Research payments line", "Debt advice"]
    assert list(services["areas"]) == ["North Ward; E05000003", "South Ward"]
    assert list(services["phone"]) == ["01632 960 002", "01632 960 001"]


def test_an_empty_warehouse_gives_empty_results(engine: Engine) -> None:
    for chart_id, query in CHART_QUERIES.items():
        assert query(engine, Filters()).empty, chart_id
    for name, options in OPTION_QUERIES.items():
        assert options(engine, Filters()).empty, name
    assert researcher_directory(engine, Filters()).total == 0
    assert advice_services(engine).empty
