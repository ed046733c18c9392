"""Board snapshots on both engines: a frozen snapshot's figures never change, whatever is loaded
afterwards, while the live figures move; "what changed since" finds every kind of change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update

from components.views.snapshot_view import snapshot_page
from data_pipeline.config import load_config
from data_pipeline.demo import write_demo
from data_pipeline.load import load_file
from warehouse import snapshots, users
from warehouse.schema import meta_snapshots
from warehouse.snapshot_data import Changes, Figures
from warehouse.snapshots import Snapshot

TODAY = date.today()
AS_OF = TODAY - timedelta(days=30)
NEW_GRANT_PENCE = 1_234_500
GRANT_HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
    "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Grant Programme:Code,"
    "Grant Programme:Title,Last Modified"
)


@pytest.fixture
def board(engine: Engine, tmp_path: Path) -> tuple[Engine, int]:
    """The demo borough's warehouse and a leadership account."""
    config = load_config()
    for path in write_demo(tmp_path / "demo", scale=300):
        assert not load_file(engine, path, config).rejected_whole
    chair = users.create_user(
        engine, "chair@board.example", "Board Chair", "correct horse battery", "leadership"
    )
    return engine, chair.user_id


def _load(engine: Engine, path: Path, body: str) -> None:
    path.write_text(body, encoding="utf-8")
    result = load_file(engine, path, load_config())
    assert not result.rejected_whole, result
    assert result.rejected == 0, result.problems


def _scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def _open_milestone(engine: Engine) -> tuple[str, str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT milestone_id, recommendation_id, title FROM fct_milestones "
                "WHERE done_date IS NULL AND due_date > :as_of ORDER BY milestone_id"
            ),
            {"as_of": AS_OF},
        ).first()
    assert row is not None, "the demo has open milestones due after the snapshot date"
    return str(row[0]), str(row[1]), str(row[2])


def _load_after_the_board(
    engine: Engine, folder: Path, open_milestone: tuple[str, str, str]
) -> None:
    """What happens between two boards: R01 moves to achieved and green, a P&C grant is awarded
    by the council, a milestone is met and two are added (one missed, one long overdue), and
    two decisions are recorded (one published, one a draft)."""
    _load(
        engine,
        folder / "new_grants.csv",
        GRANT_HEADER + "\n"
        f"360G-snapshot-test-1,Peer research on damp homes,Residents research damp.,GBP,"
        f"{NEW_GRANT_PENCE / 100:.2f},{TODAY - timedelta(days=3)},GB-CHC-1190001,"
        "Damp Homes Action Group,GB-LAE-XDB,Marrowfield Borough Council,MBC-CRF,"
        "Community Research Fund,2026-01-01T09:00:00Z\n",
    )
    _load(
        engine,
        folder / "recommendations.csv",
        "recommendation_id,workstream_id,workstream_name,text,owner,status,rag,progress_pct\n"
        "R01,WS1,Research Collaborative,Advocate collaborative working as a condition for all "
        "commissioning and funding activities.,Director of Public Health,achieved,green,100\n",
    )
    milestone_id, recommendation_id, title = open_milestone
    _load(
        engine,
        folder / "milestones.csv",
        "milestone_id,recommendation_id,title,due_date,done_date\n"
        f"{milestone_id},{recommendation_id},{title},{TODAY + timedelta(days=30)},"
        f"{TODAY - timedelta(days=5)}\n"
        f"R01-SNAP-MISSED,R01,Evaluation report to the board,{TODAY - timedelta(days=10)},\n"
        f"R01-SNAP-OLD,R01,Terms of reference agreed,{AS_OF - timedelta(days=40)},\n",
    )
    _load(
        engine,
        folder / "policy_decisions.csv",
        "decision_id,title,decision_body,decision_date,influence_type,reach,published\n"
        f"DEC-SNAP-1,Damp homes plan adopted,Cabinet,{TODAY - timedelta(days=2)},"
        "strategy-or-plan,local,yes\n"
        f"DEC-SNAP-DRAFT,Draft housing decision,Cabinet,{TODAY - timedelta(days=1)},"
        "strategy-or-plan,local,no\n",
    )


def _headline(figures: dict[str, object], key: str) -> dict[str, object]:
    found = [h for h in figures["headlines"] if h["key"] == key]  # type: ignore[attr-defined,index]
    assert len(found) == 1
    return found[0]  # type: ignore[no-any-return]


def _council_awarded(rows: list[dict[str, object]]) -> int:
    return sum(
        int(row["amount_pence"])  # type: ignore[call-overload]
        for row in rows
        if row["direction"] == "awarded" and row["home_role"] == "council"
    )


def test_a_frozen_snapshot_never_changes_after_new_loads(
    board: tuple[Engine, int], tmp_path: Path
) -> None:
    engine, chair = board
    snapshot_id = snapshots.freeze(
        engine, name="Health & Wellbeing Board", as_of=AS_OF, user_id=chair
    )
    assert snapshot_id == f"health-and-wellbeing-board-{AS_OF.isoformat()}"
    frozen = snapshots.get_snapshot(engine, snapshot_id)
    assert frozen is not None
    stored_before = _scalar(
        engine, "SELECT figures FROM meta_snapshots WHERE snapshot_id = :s", s=snapshot_id
    )
    assert stored_before == frozen.figures_json
    live_before = snapshots.frozen_figures(engine, AS_OF, datetime.now(UTC)).to_json()

    _load_after_the_board(engine, tmp_path, _open_milestone(engine))

    again = snapshots.get_snapshot(engine, snapshot_id)
    assert again is not None
    assert again.figures_json.encode() == frozen.figures_json.encode()  # byte for byte
    assert again.figures == frozen.figures
    assert (again.name, again.as_of, again.frozen_by) == (
        "Health & Wellbeing Board",
        AS_OF,
        "Board Chair",
    )
    # ... while the live figures moved.
    live_now = snapshots.frozen_figures(engine, AS_OF, datetime.now(UTC)).to_json()
    awarded_then = _council_awarded(frozen.figures.to_json()["funding"]["pc_by_year"])
    assert awarded_then == _council_awarded(live_before["funding"]["pc_by_year"])
    assert _council_awarded(live_now["funding"]["pc_by_year"]) == awarded_then + NEW_GRANT_PENCE
    assert _headline(live_now, "policy_decisions") != _headline(
        frozen.figures.to_json(), "policy_decisions"
    )
    r01_then = next(
        r for r in frozen.figures.to_json()["recommendations"] if r["recommendation_id"] == "R01"
    )
    r01_now = next(r for r in live_now["recommendations"] if r["recommendation_id"] == "R01")
    assert r01_now["status"] == "achieved" and r01_then["status"] != "achieved"


def test_changes_since_lists_every_kind_of_change(
    board: tuple[Engine, int], tmp_path: Path
) -> None:
    engine, chair = board
    snapshot_id = snapshots.freeze(engine, name="Board", as_of=AS_OF, user_id=chair)
    snapshot = snapshots.get_snapshot(engine, snapshot_id)
    assert snapshot is not None
    unchanged = snapshots.changes_since(engine, snapshot, TODAY).to_json()
    assert unchanged["status_moves"] == []
    assert unchanged["new_decisions"] == []
    assert all(row["change_pence"] == 0 for row in unchanged["funding"]["totals"])
    open_milestone = _open_milestone(engine)
    r01_then = next(
        r for r in snapshot.figures.to_json()["recommendations"] if r["recommendation_id"] == "R01"
    )

    _load_after_the_board(engine, tmp_path, open_milestone)
    changes = snapshots.changes_since(engine, snapshot, TODAY).to_json()

    assert changes["status_moves"] == [
        {
            "recommendation_id": "R01",
            "text": r01_then["text"],
            "workstream_name": r01_then["workstream_name"],
            "status_from": r01_then["status"],
            "status_to": "achieved",
            "rag_from": r01_then["rag"],
            "rag_to": "green",
            "progress_from": r01_then["progress_pct"],
            "progress_to": 100,
        }
    ]
    money = {(row["direction"], row["home_role"]): row for row in changes["funding"]["totals"]}
    council = money[("awarded", "council")]
    assert council["change_pence"] == NEW_GRANT_PENCE
    assert council["grants_now"] == council["grants_before"] + 1
    assert all(
        row["change_pence"] == 0 for key, row in money.items() if key != ("awarded", "council")
    )
    new_awards = changes["funding"]["new_awards"]
    assert new_awards["grants"] == 1 and new_awards["amount_pence"] == NEW_GRANT_PENCE
    assert [a["grant_id"] for a in new_awards["listed"]] == ["360G-snapshot-test-1"]
    assert new_awards["listed"][0]["recipient"] == "Damp Homes Action Group"

    met = {m["milestone_id"]: m for m in changes["milestones_met"]}
    assert open_milestone[0] in met and met[open_milestone[0]]["on_time"] is True
    missed = [m["milestone_id"] for m in changes["milestones_missed"]]
    assert "R01-SNAP-MISSED" in missed and "R01-SNAP-OLD" not in missed
    overdue = {m["milestone_id"]: m for m in changes["overdue"]}
    assert overdue["R01-SNAP-MISSED"]["days_overdue"] == 10
    assert overdue["R01-SNAP-OLD"]["days_overdue"] == 70
    assert open_milestone[0] not in overdue
    assert all(m["done_date"] is None for m in changes["overdue"])
    expected_overdue = _scalar(
        engine,
        "SELECT COUNT(*) FROM fct_milestones WHERE done_date IS NULL AND due_date < :today",
        today=TODAY,
    )
    assert len(changes["overdue"]) == expected_overdue

    assert [d["decision_id"] for d in changes["new_decisions"]] == ["DEC-SNAP-1"]
    assert "DEC-SNAP-DRAFT" not in json.dumps(changes)


def test_a_snapshot_holds_published_records_only(board: tuple[Engine, int]) -> None:
    engine, chair = board
    snapshot = snapshots.get_snapshot(
        engine, snapshots.freeze(engine, name="Cabinet", as_of=TODAY, user_id=chair)
    )
    assert snapshot is not None
    with engine.connect() as conn:
        published = {
            str(r[0])
            for r in conn.execute(
                text("SELECT decision_id FROM fct_policy_decisions WHERE is_published = :p"),
                {"p": True},
            )
        }
        drafts = [
            str(r[0])
            for r in conn.execute(
                text("SELECT decision_id FROM fct_policy_decisions WHERE is_published = :p"),
                {"p": False},
            )
        ]
    assert drafts, "the demo has draft decisions"
    assert {d["decision_id"] for d in snapshot.figures.to_json()["policy_decisions"]} == published
    assert not [d for d in drafts if d in snapshot.figures_json]
    series = _headline(snapshot.figures.to_json(), "policy_decisions")["series"]
    assert series  # the overview's years (those with grants), each with its published count
    for year, value in series:  # type: ignore[attr-defined]
        assert value == _scalar(
            engine,
            "SELECT COUNT(*) FROM fct_policy_decisions WHERE financial_year = :y "
            "AND is_published = :p",
            y=year,
            p=True,
        )
    assert len(snapshot.figures.to_json()["recommendations"]) == _scalar(
        engine, "SELECT COUNT(*) FROM dim_recommendations"
    )


def test_snapshot_ids_are_unique_and_names_are_checked(board: tuple[Engine, int]) -> None:
    engine, chair = board
    first = snapshots.freeze(engine, name="  Board  ", as_of=date(2026, 3, 5), user_id=chair)
    second = snapshots.freeze(engine, name="Board", as_of=date(2026, 3, 5), user_id=chair)
    third = snapshots.freeze(engine, name="Board", as_of=date(2026, 3, 5), user_id=chair)
    later = snapshots.freeze(engine, name="Cabinet: autumn", as_of=date(2026, 10, 1), user_id=chair)
    assert (first, second, third) == (
        "board-2026-03-05",
        "board-2026-03-05-2",
        "board-2026-03-05-3",
    )
    assert later == "cabinet-autumn-2026-10-01"
    listed = snapshots.list_snapshots(engine)
    assert [s.snapshot_id for s in listed] == [later, third, second, first]
    assert listed[0].frozen_by == "Board Chair" and listed[-1].name == "Board"
    latest = snapshots.latest_snapshot(engine)
    assert latest is not None and latest.snapshot_id == later
    assert snapshots.get_snapshot(engine, "no-such-snapshot") is None
    for bad in ("", "   ", "x" * 121):
        with pytest.raises(ValueError):
            snapshots.freeze(engine, name=bad, as_of=TODAY, user_id=chair)
    assert len(snapshots.list_snapshots(engine)) == 4


def test_an_empty_warehouse_freezes_and_compares(engine: Engine) -> None:
    chair = users.create_user(
        engine, "chair@board.example", "Chair", "correct horse battery", "admin"
    )
    snapshot = snapshots.get_snapshot(
        engine, snapshots.freeze(engine, name="Empty", as_of=TODAY, user_id=chair.user_id)
    )
    assert isinstance(snapshot, Snapshot)
    assert snapshot.figures.to_json()["financial_year"] is None
    assert snapshot.figures.to_json()["recommendations"] == []
    changes = snapshots.changes_since(engine, snapshot).to_json()
    assert changes["funding"]["new_awards"]["grants"] == 0
    assert changes["overdue"] == [] and changes["status_moves"] == []


def test_a_snapshot_stored_before_keys_were_added_still_opens(engine: Engine) -> None:
    chair = users.create_user(
        engine, "chair@board.example", "Chair", "correct horse battery", "admin"
    )
    snapshot_id = snapshots.freeze(engine, name="Old board", as_of=TODAY, user_id=chair.user_id)
    # As an early snapshot was stored: no sources, no load time, headlines without details,
    # recommendations without milestones, and a key the classes have never had.
    old = {
        "format": 1,
        "as_of": TODAY.isoformat(),
        "financial_year": "2024/25",
        "previous_year": None,
        "headlines": [{"key": "policy_decisions", "label": "Policy decisions", "unit": "count"}],
        "funding": {
            "pc_by_year": [
                {
                    "financial_year": "2024/25",
                    "direction": "awarded",
                    "home_role": "council",
                    "grants": 2,
                    "amount_pence": 150_000,
                }
            ]
        },
        "recommendations": [{"recommendation_id": "R01", "text": "Old text", "status": "paused"}],
        "policy_decisions": [],
        "retired_key": {"anything": 1},
    }
    with engine.begin() as conn:
        conn.execute(
            update(meta_snapshots)
            .where(meta_snapshots.c.snapshot_id == snapshot_id)
            .values(figures=json.dumps(old))
        )
    snapshot = snapshots.get_snapshot(engine, snapshot_id)
    assert snapshot is not None
    figures = snapshot.figures
    assert isinstance(figures, Figures)
    assert figures.sources == () and figures.data_last_loaded_at is None
    assert figures.headlines[0].detail == "" and figures.headlines[0].series == ()
    assert figures.funding.pc_by_year[0].amount_pence == 150_000
    assert figures.funding.by_year == ()
    assert figures.recommendations[0].milestones == ()
    assert snapshot.figures_json == json.dumps(old)  # served as stored
    changes = snapshots.changes_since(engine, snapshot, TODAY)
    assert isinstance(changes, Changes) and changes.snapshot_id == snapshot_id
    page = str(snapshot_page(snapshot, changes, url="https://example.org/s", view="changes"))
    assert "Old board" in page
    assert Figures.from_json(figures.to_json()) == figures
