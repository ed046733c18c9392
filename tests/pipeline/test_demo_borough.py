"""The demo borough as someone exploring the dashboard meets it: a believable, fictional council
area with six years of grants, a commissioning pipeline on every route, P&C research with real
gaps, and the source report's 16 recommendations word for word."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Column, Engine, Table, func, select

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.load import load_file
from warehouse.db import make_engine, upgrade_schema
from warehouse.schema import (
    bridge_project_areas,
    bridge_project_topics,
    dim_areas,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_topics,
    dim_workstreams,
    fct_commissions,
    fct_grants,
    fct_milestones,
    fct_payments,
    fct_policy_citations,
    fct_policy_decisions,
    fct_recommendation_updates,
)

SCALE = 5000
FINANCIAL_YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
COUNCIL, NHS = "GB-LAE-XDB", "GB-NHS-QZZ"
ROUTES = {"grant", "contract", "participatory", "pooled", "in-kind", "collaborative"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_demo(tmp_path_factory.mktemp("demo"), scale=SCALE)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_files: list[Path]) -> Iterator[Engine]:
    """The demo at scale 5,000 loaded into SQLite, every file accepted in full."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('warehouse') / 'demo.db'}")
    upgrade_schema(engine)
    config = load_config()
    results = [load_file(engine, path, config) for path in demo_files]
    assert [(r.file_name, r.rejected, r.rejected_whole) for r in results] == [
        (path.name, 0, False) for path in demo_files
    ]
    yield engine
    engine.dispose()


def _frame(engine: Engine, *columns: Column[Any]) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(*columns)).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=[c.name for c in columns])


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_about_twenty_wards_with_codes_no_real_area_has(demo: Engine) -> None:
    areas = _frame(demo, dim_areas.c.area_code, dim_areas.c.area_type)
    wards = areas[areas["area_type"] == "WD"]["area_code"]
    assert 15 <= len(wards) <= 25
    assert wards.str.match(r"E059\d{5}").all()
    local = areas[areas["area_code"] != "E92000001"]["area_code"]  # England itself is real
    assert local.str.match(r"E059\d{5}|E019\d{5}|E06000999").all()


def test_grants_cover_six_financial_years_both_ways_for_council_and_nhs(demo: Engine) -> None:
    grants = _frame(
        demo,
        fct_grants.c.financial_year,
        fct_grants.c.home_org_id,
        fct_grants.c.direction,
        fct_grants.c.is_pc_research,
    )
    assert len(grants) == SCALE
    assert sorted(grants["financial_year"].unique()) == FINANCIAL_YEARS
    for home in (COUNCIL, NHS):
        directions = set(grants.loc[grants["home_org_id"] == home, "direction"])
        assert directions == {"awarded", "received"}, home
    assert grants["is_pc_research"].any()


def test_about_two_hundred_commissioning_processes_use_every_route(demo: Engine) -> None:
    commissions = _frame(demo, fct_commissions.c.ocid, fct_commissions.c.route)
    assert 180 <= commissions["ocid"].nunique() <= 220
    assert set(commissions["route"]) == ROUTES


def test_about_150_projects_some_without_methodology_and_with_gaps(demo: Engine) -> None:
    projects = _frame(demo, dim_projects.c.project_id, dim_projects.c.methodology)
    assert 130 <= len(projects) <= 170
    undescribed = projects["methodology"].isna().sum()
    assert 0 < undescribed < len(projects)

    covered = _frame(demo, bridge_project_topics.c.project_id, bridge_project_topics.c.topic_id)
    covered = covered.merge(
        _frame(demo, bridge_project_areas.c.project_id, bridge_project_areas.c.area_code)
    )
    ward_codes = _frame(demo, dim_areas.c.area_code, dim_areas.c.area_type)
    wards = set(ward_codes.loc[ward_codes["area_type"] == "WD", "area_code"])
    cells = covered[covered["area_code"].isin(wards)][["topic_id", "area_code"]].drop_duplicates()
    assert 0 < len(cells) < _count(demo, dim_topics) * len(wards)


def test_about_sixty_decisions_each_cite_a_project_that_exists(demo: Engine) -> None:
    decisions = _frame(demo, fct_policy_decisions.c.decision_id)
    citations = _frame(demo, fct_policy_citations.c.decision_id, fct_policy_citations.c.project_id)
    projects = set(_frame(demo, dim_projects.c.project_id)["project_id"])
    assert 50 <= len(decisions) <= 70
    assert set(decisions["decision_id"]) == set(citations["decision_id"])
    assert set(citations["project_id"]) <= projects


def test_researchers_have_mixed_consent_and_hidden_ones_keep_no_contact_details(
    demo: Engine, demo_files: list[Path]
) -> None:
    researchers = _frame(
        demo,
        dim_researchers.c.consent,
        dim_researchers.c.contact_email,
        dim_researchers.c.contact_phone,
    )
    assert 100 <= len(researchers) <= 140
    assert set(researchers["consent"]) == {"public", "partners", "hidden"}
    hidden = researchers[researchers["consent"] == "hidden"]
    assert hidden[["contact_email", "contact_phone"]].isna().all().all()

    register = next(path for path in demo_files if "researchers" in path.name)
    given = pd.read_excel(register, sheet_name="researchers", dtype=str)
    hidden_given = given[given["consent"] == "hidden"]
    # The file offers some of them anyway, as real registers do; the warehouse must not keep it.
    assert hidden_given["contact_email"].notna().any()


def test_the_sixteen_recommendations_read_word_for_word_in_five_workstreams(
    demo: Engine,
) -> None:
    shipped = resources.files("data_pipeline.demo").joinpath("recommendations.csv")
    with shipped.open(encoding="utf-8") as handle:
        source = pd.read_csv(handle, dtype=str, keep_default_na=False)
    stored = _frame(
        demo,
        dim_recommendations.c.recommendation_id,
        dim_recommendations.c.workstream_id,
        dim_recommendations.c.text,
    )
    assert len(stored) == 16
    expected = source[["recommendation_id", "workstream_id", "text"]]
    assert stored.sort_values("recommendation_id").to_dict("records") == expected.sort_values(
        "recommendation_id"
    ).to_dict("records")
    assert _count(demo, dim_workstreams) == 5

    milestones = set(_frame(demo, fct_milestones.c.recommendation_id)["recommendation_id"])
    updates = _frame(demo, fct_recommendation_updates.c.recommendation_id)
    assert milestones == set(stored["recommendation_id"])
    assert set(updates["recommendation_id"]) == set(stored["recommendation_id"])


def test_payments_are_totals_never_a_single_persons_payment(demo: Engine) -> None:
    payments = _frame(
        demo,
        fct_payments.c.period,
        fct_payments.c.provider,
        fct_payments.c.method,
        fct_payments.c.payments_count,
    )
    assert len(payments) > 0
    assert (payments["payments_count"] >= 2).all()
    assert not payments.duplicated(["period", "provider", "method"]).any()


def _digests(folder: Path, seed: int) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in write_demo(folder, scale=300, seed=seed)
    }


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = _digests(tmp_path / "first", seed=7)
    again = _digests(tmp_path / "again", seed=7)
    other = _digests(tmp_path / "other", seed=8)

    assert first == again
    grants = next(name for name in first if "grants" in name)
    assert other[grants] != first[grants]
