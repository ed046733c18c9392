"""The snapshot page's pure pieces: ids from names, headline values and their change on the year
before, the overview panel's sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime

from components.views.snapshot_view import _headline_change as headline_change
from components.views.snapshot_view import headline_value, overview_panel, snapshot_href
from warehouse.snapshot_data import Changes, Headline, SnapshotSummary
from warehouse.snapshots import clean_name, slug


def test_ids_are_ascii_slugs_of_the_name_and_the_date() -> None:
    day = date(2026, 3, 5)
    assert slug("Health & Wellbeing Board", day) == "health-and-wellbeing-board-2026-03-05"
    assert slug("Cabinet: Café Q&A!", day) == "cabinet-cafe-q-and-a-2026-03-05"
    assert slug("***", day) == "snapshot-2026-03-05"
    assert len(slug("x" * 500, day)) <= 60 + 11
    assert clean_name("  Health   board ") == "Health board"
    assert snapshot_href("a b/c") == "/snapshots/a%20b%2Fc"
    assert (
        snapshot_href("board-2026-03-05", "changes") == "/snapshots/board-2026-03-05?view=changes"
    )


def test_headline_values_show_exact_pounds_shares_counts_and_days() -> None:
    assert headline_value("pence", 1_234_567) == "£12,345.67"
    assert headline_value("pence", 3_550_000) == "£35,500"
    assert headline_value("share", 0.1834) == "18%"
    assert headline_value("count", 1234) == "1,234"
    assert headline_value("days", 7.4) == "7 days"
    assert headline_value("count", None) == "No data"


def test_the_change_on_the_year_before_says_which_way_and_by_how_much() -> None:
    series = (("2023/24", 100), ("2024/25", 250))
    money = Headline(unit="pence", value=250_00, previous=300_00, series=series)
    assert headline_change(money, "2023/24") == "▼ −£50 on 2023/24"
    share = Headline(unit="share", value=0.25, previous=0.1, series=series)
    assert headline_change(share, "2023/24") == "▲ +15.0 percentage points on 2023/24"
    same = Headline(unit="count", value=4, previous=4, series=series)
    assert headline_change(same, "2023/24") == "No change on 2023/24"
    first = Headline(unit="count", value=4, previous=None, series=series)
    assert headline_change(first, None) == "No figure for the year before"
    today_only = Headline(unit="count", value=35, previous=None, series=())
    assert headline_change(today_only, "2023/24") == "Count on the day it was frozen"


def test_the_overview_panel_sums_up_the_changes_and_links_to_them() -> None:
    assert overview_panel(None, None) is None
    meta = SnapshotSummary(
        "board-2026-03-05", "Board", date(2026, 3, 5), datetime(2026, 3, 5, tzinfo=UTC), "Chair"
    )
    changes = {
        "status_moves": [{}],
        "funding": {
            "totals": [{"change_pence": 1_234_500}, {"change_pence": 0}],
            "new_awards": {"grants": 2},
        },
        "milestones_met": [{}, {}],
        "milestones_missed": [],
        "new_decisions": [{}],
        "overdue": [{}, {}, {}],
    }
    # The repr holds every child and prop.
    shown = str(overview_panel(meta, Changes.from_json(changes)))
    assert "1 status move;" in shown
    assert "2 new awards (+£12,345 in P&C research funding)" in shown
    assert "2 milestones met, 0 missed" in shown and "1 new policy decision;" in shown
    assert "3 milestones overdue" in shown
    assert "/snapshots/board-2026-03-05?view=changes" in shown
