"""The overview's headline figures agree with the grants and registers they summarise, on both
engines (they read the grants mart, so a stale or wrong mart shows here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.load import load_file
from warehouse.queries import headlines


@pytest.fixture
def demo_engine(engine: Engine, tmp_path: Path) -> Engine:
    config = load_config()
    for path in write_demo(tmp_path / "demo", scale=400):
        assert not load_file(engine, path, config).rejected_whole
    return engine


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql)).all()]


def test_pc_funding_by_year_matches_the_grants(demo_engine: Engine) -> None:
    expected = _rows(
        demo_engine,
        "SELECT g.financial_year, g.direction, o.home_role, COUNT(*), SUM(g.amount_awarded_pence) "
        "FROM fct_grants g JOIN dim_organisations o ON o.org_id = g.home_org_id "
        "WHERE g.is_pc_research AND g.direction IN ('received', 'awarded') "
        "AND g.currency = 'GBP' AND o.is_home "
        "GROUP BY g.financial_year, g.direction, o.home_role",
    )
    data = headlines.pc_funding_by_year(demo_engine)
    got = {
        (r.financial_year, r.direction, r.home_role): (int(r.grants), int(r.value))
        for r in data.itertuples()
    }
    assert got == {(y, d, h): (int(str(n)), int(str(v))) for y, d, h, n, v in expected}
    assert {"council", "nhs"} <= {role for _, _, role in got}


def test_participatory_share_is_participatory_pc_money_over_all_pc_money_awarded(
    demo_engine: Engine,
) -> None:
    expected = dict(
        _rows(
            demo_engine,
            "SELECT financial_year, "
            "1.0 * SUM(CASE WHEN route = 'participatory' THEN amount_awarded_pence ELSE 0 END) "
            "/ SUM(amount_awarded_pence) FROM fct_grants "
            "WHERE is_pc_research AND direction = 'awarded' AND currency = 'GBP' "
            "GROUP BY financial_year",
        )
    )
    data = headlines.participatory_share_by_year(demo_engine)
    assert dict(zip(data["financial_year"], data["value"], strict=True)) == pytest.approx(
        {year: float(str(share)) for year, share in expected.items()}
    )
    assert headlines.financial_years(demo_engine) == sorted(expected)


def test_recommendations_and_researchers_count_what_the_public_may_see(
    demo_engine: Engine,
) -> None:
    status = headlines.recommendation_status(demo_engine)
    assert status["total"] == 16
    (achieved,) = _rows(
        demo_engine, "SELECT COUNT(*) FROM dim_recommendations WHERE status = 'achieved'"
    )
    assert status["achieved"] == achieved[0]
    (public,) = _rows(demo_engine, "SELECT COUNT(*) FROM dim_researchers WHERE consent = 'public'")
    assert headlines.public_researchers(demo_engine) == public[0]
    years = headlines.financial_years(demo_engine)
    assert headlines.achieved_by_year(demo_engine, years)["value"].iloc[-1] == achieved[0]
