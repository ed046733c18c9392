"""Researcher page figures on empty and typical data; suppressed numbers are never drawn."""

from __future__ import annotations

import pandas as pd

from figures.charts import REGISTRY
from figures.registry import records_counted
from figures.researchers import (
    NOT_SHOWN,
    payments_days_to_pay_figure,
    payments_method_share_figure,
    training_accredited_share_figure,
    training_attendance_figure,
)

TRAINING = ["financial_year", "audience", "events", "attendees"]
ACCREDITED = ["financial_year", "events", "accredited_events", "accredited_share_pct"]
DAYS = ["quarter", "provider", "payments", "median_days_to_pay"]
METHODS = ["quarter", "method", "payments", "share_pct"]


def _drawn(figure: object, name: str) -> list[object]:
    return [t for t in figure.data if t.name == name]  # type: ignore[attr-defined]


def test_training_attendance_on_empty_data_draws_nothing() -> None:
    assert training_attendance_figure(pd.DataFrame(columns=TRAINING), "light").data == ()


def test_training_attendance_stacks_events_and_attendees_and_leaves_out_fewer_than_5() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "pc-researchers", 3, 40),
            ("2023/24", "academics", 1, "fewer than 5"),
            ("2024/25", "pc-researchers", 2, 25),
            ("2024/25", "academics", 2, 11),
        ],
        columns=TRAINING,
    )
    figure = training_attendance_figure(data, "dark")
    events, attendees = _drawn(figure, "P&C researchers")
    assert list(events.y) == [3, 2] and list(attendees.y) == [40, 25]
    academic_events, academic_attendees = _drawn(figure, "Academics")
    assert list(academic_events.x) == ["2023/24", "2024/25"]
    assert list(academic_attendees.x) == ["2024/25"] and list(academic_attendees.y) == [11]
    assert figure.layout.barmode == "stack"
    assert [t.showlegend for t in figure.data] == [None, False, None, False]
    assert records_counted(REGISTRY["training-attendance"], data) == 8


def test_accredited_share_on_empty_data_draws_nothing() -> None:
    figure = training_accredited_share_figure(pd.DataFrame(columns=ACCREDITED), "light")
    assert figure.data == ()


def test_accredited_share_labels_each_year_with_its_counts() -> None:
    data = pd.DataFrame(
        [("2023/24", 4, 1, 25.0), ("2024/25", 3, 0, 0.0)],
        columns=ACCREDITED,
    )
    figure = training_accredited_share_figure(data, "light")
    (bars,) = figure.data
    assert list(bars.y) == [25.0, 0.0]
    assert list(bars.text) == ["25%<br>1 of 4", "0%<br>0 of 3"]
    assert list(figure.layout.yaxis.range) == [0, 100]


def test_days_to_pay_on_empty_data_draws_nothing() -> None:
    assert payments_days_to_pay_figure(pd.DataFrame(columns=DAYS), "light").data == ()


def test_days_to_pay_draws_a_line_per_provider_with_gaps_where_suppressed() -> None:
    data = pd.DataFrame(
        [
            ("2024-Q1", "Provider A", 13, 9.0),
            ("2024-Q1", "Provider B", "fewer than 5", ""),
            ("2024-Q2", "Provider A", "fewer than 5", ""),
            ("2024-Q2", "Provider B", 7, 30.0),
            ("2024-Q3", "Provider A", 6, 20.0),
        ],
        columns=DAYS,
    )
    figure = payments_days_to_pay_figure(data, "light")
    (a,) = _drawn(figure, "Provider A")
    (b,) = _drawn(figure, "Provider B")
    assert list(a.y) == [9.0, None, 20.0]
    assert list(b.y) == [None, 30.0]
    assert a.connectgaps is False
    assert list(figure.layout.xaxis.categoryarray) == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert records_counted(REGISTRY["payments-days-to-pay"], data) == 26


def test_method_share_on_empty_data_draws_nothing() -> None:
    assert payments_method_share_figure(pd.DataFrame(columns=METHODS), "light").data == ()


def test_method_share_stacks_methods_and_greys_out_what_is_suppressed() -> None:
    data = pd.DataFrame(
        [
            ("2024-Q1", "bank-transfer", 10, 58.8),
            ("2024-Q1", "cash", "fewer than 5", ""),
            ("2024-Q1", "voucher", 7, 41.2),
            ("2024-Q2", "bank-transfer", 6, 60.0),
            ("2024-Q2", "cash", "fewer than 5", ""),
            ("2024-Q2", "voucher", "fewer than 5", ""),
        ],
        columns=METHODS,
    )
    figure = payments_method_share_figure(data, "dark")
    assert [t.name for t in figure.data] == ["Bank transfer", "Voucher", NOT_SHOWN]
    assert list(_drawn(figure, "Bank transfer")[0].y) == [58.8, 60.0]
    (hidden,) = _drawn(figure, NOT_SHOWN)
    assert list(hidden.x) == ["2024-Q2"] and list(hidden.y) == [40.0]
    assert _drawn(figure, "Cash") == []
    assert records_counted(REGISTRY["payments-method-share"], data) == 23
