"""A file loaded again unchanged writes nothing but its run: the same bytes, loaded by the same
loader under the same configuration, would write what its last load wrote."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import CliResult
from tests.pipeline.warehouse_state import warehouse_state
from warehouse.queries.overview import last_load_time, load_generation
from warehouse.schema import fct_grants, meta_load_runs

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name"
)
GRANTS = [
    "360G-u-1,One,Peer research,GBP,1500.50,2024-05-01,GB-CHC-1,Group,GB-LAE-XYZ,A Council",
    "360G-u-2,Two,Second grant,GBP,200,31/13/2024,GB-CHC-2,Other,GB-LAE-XYZ,A Council",
    "360G-u-3,Three,Third grant,GBP,300,2024-06-01,GB-CHC-3,Third,GB-LAE-XYZ,A Council",
]


def _grants_csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "grants.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _state_but_runs(engine: Engine) -> dict[str, tuple[int, str]]:
    state = warehouse_state(engine)
    del state[meta_load_runs.name]
    return state


def _runs(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(meta_load_runs)).scalar_one())


def test_a_file_loaded_again_unchanged_touches_no_table_but_its_run(
    engine: Engine, tmp_path: Path
) -> None:
    path = _grants_csv(tmp_path, GRANTS)
    first = load_file(engine, path, Config())
    assert (first.status, first.inserted, first.rejected) == ("partial", 2, 1)
    before, generation = _state_but_runs(engine), load_generation(engine)
    loaded_at = last_load_time(engine)

    again = load_file(engine, path, Config())

    assert again.status == "unchanged"
    assert again.unchanged_since == first.load_run_id
    assert again.load_run_id not in (None, first.load_run_id)
    assert (again.rows_read, again.inserted, again.updated) == (3, 0, 0)
    assert (again.unchanged, again.rejected) == (2, 1)
    assert again.problems == []
    assert _state_but_runs(engine) == before
    assert _runs(engine) == 2
    # Nothing changed, so cached answers stay good and "last updated" stays the first load's.
    assert load_generation(engine) == generation
    assert last_load_time(engine) == loaded_at


def test_a_file_loads_in_full_when_the_configuration_or_its_content_changed(
    engine: Engine, tmp_path: Path
) -> None:
    path = _grants_csv(tmp_path, GRANTS[:1])
    load_file(engine, path, Config())

    configured = load_file(engine, path, Config(area_name="a changed configuration"))
    assert configured.status == "loaded" and configured.unchanged == 1

    # Another version of the file under its name replaces its rows; the first version, loaded
    # again, must write them back.
    changed = _grants_csv(tmp_path, [GRANTS[0].replace("1500.50", "99")])
    assert load_file(engine, changed, Config()).updated == 1
    restored = _grants_csv(tmp_path, GRANTS[:1])
    back = load_file(engine, restored, Config())
    assert (back.status, back.updated) == ("loaded", 1)
    with engine.connect() as conn:
        pence = conn.execute(select(fct_grants.c.amount_awarded_pence)).scalar_one()
    assert pence == 150050


def test_the_command_line_says_unchanged_and_exits_0(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    path = _grants_csv(tmp_path, GRANTS)
    first: CliResult = run_cli("load", str(path), database_url=sqlite_url)  # type: ignore[operator]
    assert first.returncode == 1, first.stderr
    again: CliResult = run_cli("load", str(path), database_url=sqlite_url)  # type: ignore[operator]
    assert again.returncode == 0, again.stderr
    assert "unchanged: the same file was loaded by load run 1" in again.stdout
    report: CliResult = run_cli(  # type: ignore[operator]
        "report", "--file", "grants.csv", database_url=sqlite_url
    )
    assert report.returncode == 0, report.stderr
    assert "unchanged: loaded before, nothing written" in report.stdout
