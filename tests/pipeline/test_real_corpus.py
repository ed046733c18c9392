"""Every real published file of the corpus (tests/fixtures/real, sources in SOURCES.md) loads
without losing money: the rows and pence the pipeline reads, loads and rejects match the
figures computed from the file by hand (tests/real_corpus/figures.py, which shares no code
with the pipeline, wrote them to corpus.json), to the penny; and loaded + rejected = read, in
rows and in pence, for every file. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import REAL
from warehouse.schema import fct_grants, fct_spend, meta_load_runs

CORPUS: list[dict[str, Any]] = json.loads((REAL / "corpus.json").read_text())["files"]


def test_the_corpus_has_the_files_the_real_files_issue_asks_for() -> None:
    grants = [f for f in CORPUS if f["kind"].startswith("360giving")]
    spend = [f for f in CORPUS if f["kind"] == "spend-csv"]
    assert len({f["publisher"] for f in grants}) >= 8
    assert {f["kind"] for f in grants} == {"360giving-json", "360giving-csv", "360giving-xlsx"}
    assert len({f["publisher"] for f in spend}) >= 6
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("expected", CORPUS, ids=[f["path"].split("/")[-1] for f in CORPUS])
def test_a_real_file_loads_every_penny(expected: dict[str, Any], engine: Engine) -> None:
    # A spend file that names no paying body loads only with its publisher configured, as
    # a council's own observatory.toml names it ([spend] publisher).
    config = Config(
        spend_publisher=expected["publisher"] if expected["kind"] == "spend-csv" else None
    )
    result = load_file(engine, REAL / expected["path"], config)

    assert not result.rejected_whole, result.problems[:3]
    assert result.format_id == expected["kind"]
    assert result.rows_read == expected["rows"]
    assert (result.loaded, result.rejected) == (
        expected["expected_loaded_rows"],
        expected["expected_rejected_rows"],
    ), [str(p) for p in result.problems[:5]]
    assert result.loaded + result.rejected == result.rows_read
    assert result.money is not None
    assert result.money.column == expected["amount_column"]
    assert result.money.read_pence == expected["total_pence"]
    assert result.pence_loaded == expected["expected_loaded_pence"]
    assert result.money.rejected_pence == expected["expected_rejected_pence"]
    assert result.pence_loaded + result.money.rejected_pence == result.money.read_pence

    table = fct_spend if expected["kind"] == "spend-csv" else fct_grants
    amount = table.c.amount_pence if table is fct_spend else table.c.amount_awarded_pence
    with engine.connect() as conn:
        in_warehouse = conn.execute(
            select(func.count(), func.coalesce(func.sum(amount), 0)).select_from(table)
        ).one()
        run = conn.execute(
            select(meta_load_runs).where(meta_load_runs.c.load_run_id == result.load_run_id)
        ).one()
    assert tuple(in_warehouse) == (
        expected["expected_loaded_rows"],
        expected["expected_loaded_pence"],
    )
    assert (run.amount_column, run.pence_read, run.pence_loaded, run.pence_rejected) == (
        expected["amount_column"],
        expected["total_pence"],
        expected["expected_loaded_pence"],
        expected["expected_rejected_pence"],
    )
