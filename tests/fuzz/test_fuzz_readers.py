"""The fuzz tier (issue 14.7): real published files, mutated (bytes changed, cut short, lines
repeated or dropped, columns swapped, huge cells, NUL and control characters, formula-like
text), fed to every reader through ``load_file``. Whatever comes in:

- nothing escapes: no exception, and no "could not be parsed (...)" catch-all reason;
- the status is the one its counts give, so the exit code (0 loaded, 1 partial, 2 rejected)
  tells the truth;
- loaded + rejected = read, in rows, and in pence where the format counts money;
- a file that loads nothing leaves the warehouse's data as it was.

Hypothesis runs with a fixed seed (``derandomize``) and a bounded number of examples, so the
tier is repeatable and takes about two minutes; it never checks the clock.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from data_pipeline.cli import exit_code
from data_pipeline.config import Config
from data_pipeline.load import UNCHANGED, LoadResult, load_file, run_status
from tests.conftest import FIXTURES, REAL
from tests.pipeline.warehouse_state import warehouse_state
from warehouse.db import make_engine, upgrade_schema

PUBLISHERS = REAL / "360giving" / "publishers"
HEALTH = REAL / "health-indicators"
DEPRIVATION = REAL / "deprivation"
ROWS_KEPT = 25
"""Rows of each real file kept before mutating it: enough for every kind of row, small enough
for many examples."""

SEEDS: dict[str, Path] = {
    "360giving-csv": PUBLISHERS / "trafford-mbc_council-grants_360giving_2017-11.csv",
    "360giving-csv-older": PUBLISHERS / "indigo-trust_IndigoTrust_360giving_2015.csv",
    "360giving-json": PUBLISHERS / "baring-foundation_2016.json",
    "360giving-xlsx": PUBLISHERS / "andrew-lloyd-webber-foundation_a003W000001B7PzQAK.xlsx",
    "spend": REAL / "spending" / "salford-cc_spend_2021-05_odileeds-clean.csv",
    "spend-raw": REAL / "spending" / "leeds-cc_spend_2020-06_raw_truncated.csv",
    "ocds": REAL
    / "ocds"
    / "uk-contracts-finder"
    / "contracts-finder_ocds-b5fd17-0d7a6907-8595-4413-9a4e-746f8a1313a0_award.json",
    "register": FIXTURES / "registers" / "projects_v1.csv",
    "deprivation": DEPRIVATION
    / "IoD2019_File_2_Domains_of_Deprivation_Trafford-E08000009_and_Manchester-E08000003.csv",
    "fingertips": HEALTH
    / "fingertips-derived_93239_hospital-admissions-self-harm_ward_trafford_tidy.csv",
    "census": HEALTH / "ons-census2021_general-health_ward_trafford_tidy.csv",
    "area-lookup": FIXTURES / "area_lookup_sample.csv",
}


def _seed_bytes(path: Path) -> bytes:
    """The real file, cut to its first ``ROWS_KEPT`` records (CSV rows, JSON grants)."""
    data = path.read_bytes()
    if path.suffix == ".csv":
        text = data.decode("utf-8-sig", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))[: ROWS_KEPT + 1]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")
    if path.suffix == ".json":
        document = json.loads(data)
        if isinstance(document.get("grants"), list):
            document["grants"] = document["grants"][:ROWS_KEPT]
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    return data


SEED_BYTES = {name: _seed_bytes(path) for name, path in SEEDS.items()}
HUGE = 50_000
EXAMPLES_PER_READER = 10
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", '@HYPERLINK("x")', "\t=1"]
CONTROLS = ["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x00\x00\x00"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutations(draw: st.DrawFn, kind: str) -> bytes:
    """A real file's bytes after one to three mutations."""
    data = SEED_BYTES[kind]
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(draw, data)
    return data


def _mutate(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(
        st.sampled_from(
            ["bytes", "cut", "repeat", "drop", "swap", "huge", "control", "formula", "blank"]
        )
    )
    if not data:
        return data
    lines = _lines(data)
    if how == "bytes":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if how == "cut":
        return data[: draw(st.integers(0, len(data)))]
    line = draw(st.integers(0, max(len(lines) - 1, 0)))
    if how == "repeat":
        return b"\n".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
    if how == "drop":
        return b"\n".join(lines[:line] + lines[line + 1 :])
    if how == "blank":
        return b"\n".join([*lines[:line], b"", *lines[line:]])
    text = data.decode("utf-8", errors="ignore")
    if how == "swap":
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            return data
        width = max((len(r) for r in rows), default=0)
        if width < 2:
            return data
        a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
        for row in rows:
            if max(a, b) < len(row):
                row[a], row[b] = row[b], row[a]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")
    value = {
        "huge": "A" * HUGE,
        "control": draw(st.sampled_from(CONTROLS)),
        "formula": draw(st.sampled_from(FORMULAS)),
    }[how]
    # Into a value: after a comma in CSV, inside a string in JSON.
    marks = [i + 1 for i, c in enumerate(text) if c in ',"'] or [0]
    at = draw(st.sampled_from(marks))
    return (text[:at] + value + text[at:]).encode("utf-8")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'warehouse.db'}")
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def _check(result: LoadResult) -> None:
    reasons = [str(p) for p in result.problems]
    assert not any("could not be parsed (" in r for r in reasons), reasons
    if result.status == UNCHANGED:
        # Hypothesis draws the same bytes more than once: a file loaded before writes nothing
        # (the caller checks the warehouse) and answers as its first load did not fail.
        assert result.unchanged_since is not None
        assert exit_code([result]) == 0
    else:
        assert result.status == run_status(result.rejected_whole, result.loaded, result.rejected)
        assert exit_code([result]) == {"loaded": 0, "partial": 1, "rejected": 2}[result.status]
    if result.rejected_whole:
        assert result.loaded == 0 and reasons
        return
    assert result.loaded + result.rejected == result.rows_read, (
        result.loaded,
        result.rejected,
        result.rows_read,
        reasons[:5],
    )
    if result.money is not None:
        assert result.pence_loaded is not None
        assert result.money.read_pence == result.pence_loaded + result.money.rejected_pence, (
            result.money,
            result.pence_loaded,
        )


@settings(
    max_examples=EXAMPLES_PER_READER,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@pytest.mark.parametrize("kind", sorted(SEEDS))
@given(data=st.data())
def test_a_mutated_real_file_loads_or_is_refused_and_reconciles(
    warehouse: Engine, tmp_path_factory: pytest.TempPathFactory, kind: str, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp(kind) / SEEDS[kind].name
    path.write_bytes(data.draw(mutations(kind)))
    before = warehouse_state(warehouse, include_meta=False)

    result = load_file(warehouse, path, Config())

    event(f"{kind}: {result.status}")
    _check(result)
    if result.status in ("rejected", UNCHANGED):
        assert warehouse_state(warehouse, include_meta=False) == before, [
            str(p) for p in result.problems[:3]
        ]


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_every_seed_file_loads_before_it_is_mutated(
    warehouse: Engine, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / SEEDS[kind].name
    path.write_bytes(SEED_BYTES[kind])
    result = load_file(warehouse, path, Config())
    _check(result)
    assert result.loaded > 0, [str(p) for p in result.problems[:3]]
