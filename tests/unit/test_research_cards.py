"""How the research library writes money, years and empty states for readers."""

from __future__ import annotations

from datetime import date

import pandas as pd

from components.format import money, project_years
from components.links import project_href
from components.views.research_cards import NO_METHODOLOGY, count_text, project_card, results_list


def _text(component: object) -> str:
    """All the text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_money_is_pounds_with_separators_and_pence_only_when_there_are_some() -> None:
    assert money(1_250_000, "GBP") == "£12,500"
    assert money(1_250_050, "GBP") == "£12,500.50"
    assert money(99, None) == "£0.99"
    assert money(-150) == "-£1.50"
    assert money(500_000, "EUR") == "5,000 EUR"
    assert money(None) == "Amount not given"
    assert money(float("nan")) == "Amount not given"


def test_years_from_iso_text_or_dates() -> None:
    assert project_years("2019-05-01", "2021-03-31") == "2019–2021"
    assert project_years(date(2024, 4, 1), date(2024, 9, 1)) == "2024"
    assert project_years("2024-04-01", None) == "From 2024"
    assert project_years(None, float("nan")) == "Dates not given"


def test_counts_and_links() -> None:
    assert count_text(1) == "1 project"
    assert count_text(1234) == "1,234 projects"
    assert project_href("PCR 2024/001") == "/research/PCR%202024%2F001"


def test_a_card_flags_a_missing_methodology_and_an_empty_list_says_so() -> None:
    row = {
        "project_id": "P-1",
        "title": "Food",
        "lay_summary": "What we found.",
        "status": "ongoing",
        "participation_level": "co-produce",
        "start_date": "2024-05-01",
        "end_date": None,
        "provider_name": None,
        "topics": "",
        "has_methodology": False,
    }
    text = _text(project_card(row))
    assert "What we found." in text and NO_METHODOLOGY in text and "From 2024" in text
    assert NO_METHODOLOGY not in _text(project_card({**row, "has_methodology": True}))
    assert "No published projects match" in _text(results_list(pd.DataFrame()))
