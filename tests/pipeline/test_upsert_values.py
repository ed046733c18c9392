"""Values survive the staging write unchanged on both engines: line breaks of either kind,
quotes, commas, empty text (which is not a missing value), missing values, booleans, dates."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, select

from warehouse.schema import dim_organisations, fct_grants
from warehouse.upsert import upsert_frame

AWKWARD = ["a\rb", "c\nd", "e\r\nf", 'say "hi", twice', "", None, "café €", "  spaced  "]


def test_awkward_text_and_missing_values_round_trip(engine: Engine) -> None:
    frame = pd.DataFrame(
        {
            "org_id": [f"GB-TEST-{n}" for n in range(len(AWKWARD))],
            "name": [f"Org {n}" for n in range(len(AWKWARD))],
            "org_type": "charity",
            "is_home": [n % 2 == 0 for n in range(len(AWKWARD))],
            "postal_code": AWKWARD,
        }
    )
    with engine.begin() as conn:
        counts = upsert_frame(conn, dim_organisations, frame, source_file_id=None, load_run_id=None)
        again = upsert_frame(conn, dim_organisations, frame, source_file_id=None, load_run_id=None)
        rows = conn.execute(
            select(dim_organisations.c.postal_code, dim_organisations.c.is_home).order_by(
                dim_organisations.c.org_id
            )
        ).all()
    assert counts.inserted == len(AWKWARD)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(AWKWARD))
    assert [r[0] for r in rows] == AWKWARD
    assert [r[1] for r in rows] == [n % 2 == 0 for n in range(len(AWKWARD))]


def test_whole_numbers_with_gaps_and_dates_round_trip(engine: Engine) -> None:
    frame = pd.DataFrame(
        {
            "grant_id": ["G-1", "G-2"],
            "title": ["One", "Two"],
            "currency": "GBP",
            "amount_awarded_pence": pd.array([1_234_567_890_123, None], dtype="Int64"),
            "award_date": [date(2024, 2, 29), date(2025, 3, 31)],
            "financial_year": ["2023/24", "2024/25"],
            "funder_org_id": "GB-TEST-F",
            "recipient_is_individual": [False, True],
            "route": "grant",
            "direction": "external",
            "is_pc_research": [True, False],
        }
    )
    with engine.begin() as conn:
        upsert_frame(conn, fct_grants, frame, source_file_id=None, load_run_id=None)
        rows = conn.execute(
            select(
                fct_grants.c.amount_awarded_pence,
                fct_grants.c.award_date,
                fct_grants.c.is_pc_research,
            ).order_by(fct_grants.c.grant_id)
        ).all()
    assert [r[0] for r in rows] == [1_234_567_890_123, None]
    assert [r[1] for r in rows] == [date(2024, 2, 29), date(2025, 3, 31)]
    assert [r[2] for r in rows] == [True, False]
