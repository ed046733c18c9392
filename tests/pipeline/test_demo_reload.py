"""The demo borough loads cleanly, and loading it again changes nothing, on both engines."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.load import load_file
from tests.pipeline.warehouse_state import warehouse_state


def test_loading_the_demo_twice_leaves_identical_table_contents(
    engine: Engine, tmp_path: Path
) -> None:
    config = load_config()
    files = write_demo(tmp_path / "demo", scale=2000)
    first = [load_file(engine, path, config) for path in files]
    assert [(r.file_name, r.rejected, r.rejected_whole) for r in first] == [
        (r.file_name, 0, False) for r in first
    ]
    state = warehouse_state(engine, include_meta=False)
    assert state["fct_grants"][0] == 2000

    again = [load_file(engine, path, config) for path in files]

    assert [(r.inserted, r.updated) for r in again] == [(0, 0)] * len(files)
    assert warehouse_state(engine, include_meta=False) == state
