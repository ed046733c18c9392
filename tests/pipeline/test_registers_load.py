"""Loading the P&C registers: the templates filled in, bad values, corrections, consent and the
refusal of individual payments."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, Table, func, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from data_pipeline.registers.spec import REGISTERS, Register, register_by_name
from tests.conftest import FIXTURES, ROOT
from warehouse.db import make_engine
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_populations,
    bridge_project_recommendations,
    bridge_project_researchers,
    bridge_project_topics,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_topics,
    dim_workstreams,
    fct_payments,
    fct_policy_citations,
    fct_policy_decisions,
    fct_project_outputs,
    fct_training_events,
    meta_load_runs,
    meta_rejected_rows,
    meta_source_files,
    metadata,
)

REGISTER_FIXTURES = FIXTURES / "registers"
TEMPLATES = ROOT / "docs" / "templates"


def _example_csv(register: Register, folder: Path) -> Path:
    """The committed CSV template with the spec's example row added."""
    path = folder / f"{register.name}.csv"
    row = io.StringIO()
    csv.writer(row, lineterminator="\n").writerow([f.example for f in register.fields])
    path.write_text((TEMPLATES / path.name).read_text(encoding="utf-8") + row.getvalue())
    return path


def _example_xlsx(register: Register, folder: Path) -> Path:
    """The committed XLSX template with the spec's example row added to its register sheet."""
    path = folder / f"{register.name}.xlsx"
    book = openpyxl.load_workbook(TEMPLATES / path.name)
    book[register.name].append([f.example for f in register.fields])
    book.save(path)
    return path


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _rows(engine: Engine, table: Table, *columns: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        selected = [table.c[c] for c in columns]
        return [tuple(r) for r in conn.execute(select(*selected).order_by(*selected))]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_template_with_its_example_row_loads(run_cli, tmp_path: Path, kind: str) -> None:
    write = _example_csv if kind == "csv" else _example_xlsx
    files = [write(register, tmp_path) for register in REGISTERS]
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    result = run_cli("load", *map(str, files), database_url=url)
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    runs = {
        r.file_name: r for r in engine.connect().execute(select(meta_load_runs)).mappings().all()
    }
    for register in REGISTERS:
        run = runs[f"{register.name}.{kind}"]
        assert run["detected_format"] == f"register-{register.name}-{kind}"
        assert (run["status"], run["rows_read"], run["rows_inserted"]) == ("loaded", 1, 1)
        assert _count(engine, register.primary) == 1
    assert _rows(engine, dim_projects, "project_id", "budget_pence", "financial_year") == [
        ("PCR-2024-001", 1250000, "2024/25")
    ]
    assert _rows(engine, fct_policy_citations, "decision_id", "project_id", "page") == [
        ("DEC-2025-004", "PCR-2024-001", "14")
    ]
    assert _rows(engine, fct_payments, "period", "total_pence") == [("2025-Q2", 276000)]
    engine.dispose()


BAD_VALUES = {
    "projects_bad.csv": (
        13,
        [
            "projects_bad.csv:3: participation_level: 'co production' is not one of inform, "
            "consult, involve, co-produce, community-led",
            "projects_bad.csv:4: start_date: '31/13/2024' is not a date (use YYYY-MM-DD)",
            "projects_bad.csv:5: budget: 'twelve thousand' is not an amount in pounds "
            "(e.g. 12500.00)",
            "projects_bad.csv:6: wards: 'Ashton' is not a 9-character ONS area code such as "
            "E05000650",
            "projects_bad.csv:7: outputs: 'Report | ftp://example.org/r.pdf' has a link that is "
            "not http:// or https://",
            "projects_bad.csv:8: published: 'maybe' is not yes or no",
            "projects_bad.csv:9: title: is required but blank",
            "projects_bad.csv:10: project_id: 'P-01' was already given on row 2; the first is kept",
            "projects_bad.csv:11: end_date: '2024-06-30' is before start_date 2024-10-01",
            "projects_bad.csv:12: budget: '-500' must not be negative",
            "projects_bad.csv:13: currency: 'EURO' is not a three-letter currency code (e.g. GBP)",
        ],
    ),
    "recommendations_bad.csv": (
        7,
        [
            "recommendations_bad.csv:4: progress_pct: '120' is not a whole number from 0 to 100",
            "recommendations_bad.csv:5: workstream_name: 'Training and skills' differs from "
            "'Training' given for WS2 on row 4",
            "recommendations_bad.csv:6: workstream_id: 'Workstream' is not an id with the "
            "workstream number in it, such as WS1",
            "recommendations_bad.csv:7: status: 'done' is not one of not_started, in_progress, "
            "achieved, paused",
            "recommendations_bad.csv:8: progress_pct: '33.5' is not a whole number from 0 to 100",
        ],
    ),
    "training_events_bad.csv": (
        5,
        [
            "training_events_bad.csv:3: attendees: '-3' is not a whole number of 0 or more",
            "training_events_bad.csv:4: attendees: '2.5' is not a whole number of 0 or more",
            "training_events_bad.csv:6: attendees: is required but blank",
        ],
    ),
    "policy_decisions_bad.csv": (
        3,
        [
            "policy_decisions_bad.csv:3: document_url: 'www.example.org/damp.pdf' is not a web "
            "address starting http:// or https://",
            "policy_decisions_bad.csv:4: reach: 'international' is not one of local, regional, "
            "national",
        ],
    ),
    "payments_bad.csv": (
        4,
        [
            "payments_bad.csv:3: period: '2025 Q2' is not a quarter written YYYY-Qn (e.g. 2024-Q3)",
            "payments_bad.csv:4: currency: 'pounds' is not a three-letter currency code (e.g. GBP)",
            "payments_bad.csv:4: median_days_to_pay: 'soon' is not a number of 0 or more",
            "payments_bad.csv:5: period, provider, method: '2025-Q1, Community Research "
            "Collective, bank-transfer' was already given on row 2; the first is kept",
        ],
    ),
    "researchers_bad.csv": (
        4,
        [
            "researchers_bad.csv:3: contact_email: 'jo at example.org' is not an email address",
            "researchers_bad.csv:5: consent: 'private' is not one of public, partners, hidden",
        ],
    ),
}


def test_bad_values_are_reported_and_the_valid_rows_still_load(run_cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    paths = [str(REGISTER_FIXTURES / name) for name in BAD_VALUES]
    result = run_cli("load", *paths, database_url=url)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        line for _, lines in BAD_VALUES.values() for line in lines
    ]
    engine = make_engine(url)
    with engine.connect() as conn:
        runs = {r["file_name"]: r for r in conn.execute(select(meta_load_runs)).mappings()}
        for file_name, (rows_read, expected) in BAD_VALUES.items():
            run = runs[file_name]
            rejected_rows = {int(line.split(":")[1]) for line in expected}
            assert run["status"] == "partial"
            assert run["rows_read"] == rows_read
            assert run["rows_rejected"] == len(rejected_rows)
            assert run["rows_inserted"] == rows_read - len(rejected_rows)
            stored = conn.execute(
                select(func.count())
                .select_from(meta_rejected_rows)
                .where(meta_rejected_rows.c.file_name == file_name)
            ).scalar_one()
            assert stored == len(expected)
    engine.dispose()


def test_valid_rows_of_a_file_with_bad_ones_are_stored_as_written(sqlite_engine: Engine) -> None:
    result = load_file(sqlite_engine, REGISTER_FIXTURES / "projects_bad.csv", Config())
    assert (result.rows_read, result.inserted, result.rejected) == (13, 2, 11)
    assert _rows(
        sqlite_engine, dim_projects, "project_id", "title", "budget_pence", "currency"
    ) == [
        ("P-01", "Food and the cost of living", 1250000, "GBP"),
        ("P-12", "Air quality", 400050, "GBP"),
    ]
    assert _rows(sqlite_engine, dim_topics, "topic_id", "label") == [
        ("air-quality", "Air quality"),
        ("food-insecurity", "Food insecurity"),
    ]
    result = load_file(sqlite_engine, REGISTER_FIXTURES / "training_events_bad.csv", Config())
    assert _rows(sqlite_engine, fct_training_events, "event_id", "attendees", "financial_year") == [
        ("T-01", 12, "2025/26"),
        ("T-04", 1200, "2025/26"),
    ]
    load_file(sqlite_engine, REGISTER_FIXTURES / "recommendations_bad.csv", Config())
    # WS2's only valid name came with a rejected row, so WS2 waits for a corrected file.
    assert _rows(sqlite_engine, dim_workstreams, "workstream_id", "number", "name") == [
        ("WS1", 1, "Resourcing")
    ]
    assert _rows(sqlite_engine, dim_recommendations, "recommendation_id", "progress_pct") == [
        ("R01", 40),
        ("R02", 100),
    ]


PROJECT_LINKS = (
    (bridge_project_topics, "topic_id"),
    (bridge_project_areas, "area_code"),
    (bridge_project_populations, "population"),
    (bridge_project_recommendations, "recommendation_id"),
    (bridge_project_researchers, "researcher_id"),
)


def _links_of(engine: Engine, project_id: str) -> dict[str, list[object]]:
    links: dict[str, list[object]] = {}
    with engine.connect() as conn:
        for table, column in PROJECT_LINKS:
            links[table.name] = sorted(
                conn.execute(
                    select(table.c[column]).where(table.c.project_id == project_id)
                ).scalars()
            )
        links["outputs"] = [
            tuple(r)
            for r in conn.execute(
                select(fct_project_outputs.c.output_no, fct_project_outputs.c.title)
                .where(fct_project_outputs.c.project_id == project_id)
                .order_by(fct_project_outputs.c.output_no)
            )
        ]
    return links


def test_a_corrected_projects_file_replaces_links_and_a_reload_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    """Runs on SQLite and on PostgreSQL."""
    first = load_file(engine, REGISTER_FIXTURES / "projects_v1.csv", Config())
    assert (first.rows_read, first.inserted, first.rejected) == (2, 2, 0)
    assert _links_of(engine, "P-01") == {
        "bridge_project_topics": ["cost-of-living", "food-insecurity"],
        "bridge_project_areas": ["E05000650", "E05000651"],
        "bridge_project_populations": ["Families"],
        "bridge_project_recommendations": ["R01", "R02"],
        "bridge_project_researchers": ["RES-01"],
        "outputs": [(1, "Interim report"), (2, "Summary")],
    }
    # A corrected file under the same name, as a data officer would save it.
    corrected = tmp_path / "projects_v1.csv"
    shutil.copy(REGISTER_FIXTURES / "projects_v2.csv", corrected)
    second = load_file(engine, corrected, Config())
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 1)
    assert _links_of(engine, "P-01") == {
        "bridge_project_topics": ["food-insecurity"],
        "bridge_project_areas": ["E05000651"],
        "bridge_project_populations": ["Families", "Older people"],
        "bridge_project_recommendations": ["R01"],
        "bridge_project_researchers": ["RES-01", "RES-03"],
        "outputs": [(1, "Final report")],
    }
    assert _links_of(engine, "P-02")["bridge_project_areas"] == ["E05000652"]
    assert _rows(engine, dim_projects, "project_id", "status", "is_published") == [
        ("P-01", "completed", True),
        ("P-02", "ongoing", True),
    ]

    before = {t.name: _count(engine, t) for t in metadata.sorted_tables if "row_hash" in t.c}
    again = load_file(engine, corrected, Config())
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    after = {t.name: _count(engine, t) for t in metadata.sorted_tables if "row_hash" in t.c}
    assert after == before


def test_policy_citations_are_one_per_citing_project(engine: Engine) -> None:
    result = load_file(engine, REGISTER_FIXTURES / "policy_decisions_bad.csv", Config())
    assert (result.inserted, result.rejected) == (1, 2)
    assert _rows(engine, fct_policy_decisions, "decision_id", "financial_year", "reach") == [
        ("D-01", "2025/26", "local")
    ]
    assert _rows(engine, fct_policy_citations, "decision_id", "project_id", "snippet", "page") == [
        ("D-01", "P-01", "Residents' own research showed it", "14"),
        ("D-01", "P-12", "Residents' own research showed it", "14"),
    ]


def test_contact_details_are_stored_only_with_consent(engine: Engine) -> None:
    result = load_file(engine, REGISTER_FIXTURES / "researchers_bad.csv", Config())
    assert (result.inserted, result.rejected) == (2, 2)
    assert _rows(
        engine, dim_researchers, "researcher_id", "consent", "contact_email", "contact_phone"
    ) == [
        ("RES-01", "public", "amina@example.org", "07700 900123"),
        ("RES-03", "hidden", None, None),
    ]
    with engine.connect() as conn:
        raw = " ".join(conn.execute(select(meta_rejected_rows.c.raw)).scalars())
    # RES-04's consent is not one the loader knows, so its contact details are not kept either.
    assert "lee@example.org" not in raw and "07700 900555" not in raw


def test_an_individual_payments_file_is_rejected_whole(
    run_cli, tmp_path: Path, sqlite_url: str
) -> None:
    run_cli("load", str(REGISTER_FIXTURES / "payments_bad.csv"), database_url=sqlite_url)
    engine = make_engine(sqlite_url)
    before = {t.name: _count(engine, t) for t in metadata.sorted_tables}

    result = run_cli(
        "load", str(REGISTER_FIXTURES / "payments_individual.csv"), database_url=sqlite_url
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "payments_individual.csv: has columns that identify individuals (researcher_id, payee); "
        "individual payments are not accepted: give totals per period, provider, method"
    ]
    # Nothing of the file is kept; only its refused load run, with the reason.
    after = {t.name: _count(engine, t) for t in metadata.sorted_tables}
    assert after == {**before, "meta_load_runs": before["meta_load_runs"] + 1}
    with engine.connect() as conn:
        names = conn.execute(select(meta_source_files.c.file_name)).scalars().all()
        run = conn.execute(
            select(meta_load_runs).order_by(meta_load_runs.c.load_run_id.desc()).limit(1)
        ).one()
    assert names == ["payments_bad.csv"]
    assert (run.file_name, run.status, run.source_file_id) == (
        "payments_individual.csv",
        "rejected",
        None,
    )
    assert run.message == result.stderr.strip()
    engine.dispose()


def test_a_file_missing_required_columns_is_rejected_whole(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "researchers.csv"
    path.write_text("researcher_id,display_name,skills\nRES-1,Amina K.,interviewing\n")
    result = load_file(sqlite_engine, path, Config(), format_id="register-researchers-csv")
    assert result.rejected_whole
    assert [str(p) for p in result.problems] == [
        "researchers.csv: is missing required column(s) of the researchers register: consent"
    ]
    assert _count(sqlite_engine, dim_researchers) == 0


def test_a_workbook_with_typed_cells_loads_like_the_csv(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """Spreadsheet dates, numbers and booleans are read as the text a CSV would hold."""
    register = register_by_name("training_events")
    path = tmp_path / "training.xlsx"
    book = openpyxl.load_workbook(TEMPLATES / "training_events.xlsx")
    sheet = book["training_events"]
    sheet.append(["T-1", datetime(2025, 3, 31), "Ethics", "Academics", True, 14, "HDRC"])
    sheet.append(["T-2", date(2025, 4, 1), "Interviews", "pc-researchers", "no", 9.0, None])
    book.move_sheet("notes", offset=-1)  # the register sheet is found by name, not position
    book.save(path)
    result = load_file(sqlite_engine, path, Config())
    assert result.format_id == f"register-{register.name}-xlsx"
    assert (result.rows_read, result.inserted, result.rejected) == (2, 2, 0)
    assert _rows(
        sqlite_engine,
        fct_training_events,
        "event_id",
        "event_date",
        "financial_year",
        "audience",
        "is_accredited",
        "attendees",
    ) == [
        ("T-1", date(2025, 3, 31), "2024/25", "academics", True, 14),
        ("T-2", date(2025, 4, 1), "2025/26", "pc-researchers", False, 9),
    ]
