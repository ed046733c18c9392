"""The overview: headline figures for the selected financial year, and what the warehouse holds.

The headlines are kept in ``web.caching.cache`` per load generation, the year asked for and the
theme (``computed_for_this_load``), as the charts are: computing them runs every headline query
(over a second at a million grants), and a new load is never answered from an older one. Their
callback's inputs are the filter state and the theme, so ``callbacks.cache_warming`` warms the
page's default view after each load, and the first visitor after it does not wait either. What
the warehouse holds (ten row counts) is kept and warmed the same way: its input is the page's
address, which the warmer knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, html

from components import ids
from components.cards import count_card, headline_card
from components.empty_state import empty_alert, reason_text
from figures.headlines import trend_sparkline
from figures.money import pounds, signed_money
from warehouse.db import shared_engine
from warehouse.queries import headlines
from warehouse.queries.empty_states import (
    GRANTS,
    grant_configuration,
    home_organisations_found,
    why_empty,
)
from warehouse.queries.filters import Filters
from warehouse.queries.overview import warehouse_holdings
from warehouse.vocabularies import DIRECTIONS
from web.caching import computed_for_this_load


@dataclass(frozen=True)
class Headline:
    label: str
    series: pd.DataFrame  # financial_year, value
    show: Callable[[float], str]
    show_change: Callable[[float], str]
    detail: str
    href: str
    counts: bool = True  # a year without records counts 0 (a share or a median has no value)
    pc_money: bool = False  # P&C research money of home organisations (the configuration's)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _count_change(value: float) -> str:
    return f"{value:+,.0f}"


def _percent(share: float) -> str:
    return f"{share:.0%}"


def _points_change(share: float) -> str:
    return f"{share * 100:+.1f} percentage points"


def _days(days: float) -> str:
    return f"{days:.0f} days"


def _days_change(days: float) -> str:
    return f"{days:+.0f} days"


def _value_in(series: pd.DataFrame, year: str | None) -> float | None:
    row = series[series["financial_year"] == year]
    return None if row.empty else float(row["value"].iloc[0])


def _change_text(headline: Headline, year: str, previous: str | None) -> str:
    now, before = _value_in(headline.series, year), _value_in(headline.series, previous)
    if previous is None or before is None:
        return "No figure for the year before"
    if now is None:
        now = 0.0
    if now == before:
        return f"No change on {previous}"
    arrow = "▲" if now > before else "▼"
    return f"{arrow} {headline.show_change(now - before)} on {previous}"


def _trend_numbers(headline: Headline) -> list[tuple[str, str]]:
    """The trend's years and values as the card's table shows them."""
    return [
        (str(row.financial_year), headline.show(float(row.value)))
        for row in headline.series.itertuples()
    ]


def _page_exists(path: str) -> bool:
    return any(page["path"] == path for page in dash.page_registry.values())


def _funding(data: pd.DataFrame, direction: str, role: str) -> pd.DataFrame:
    rows = data[(data["direction"] == direction) & (data["home_role"] == role)]
    return rows[["financial_year", "value", "grants"]]


def _headlines(year: str, years: list[str]) -> list[Headline]:
    engine = shared_engine()
    funding = headlines.pc_funding_by_year(engine)
    headline_list = [
        Headline(
            f"P&C research funding {direction} by the {who}",
            _funding(funding, direction, role),
            pounds,
            partial(signed_money, short=True),
            f"{direction.capitalize()} in grants flagged as P&C research",
            f"/funding?direction={direction}",
            pc_money=True,
        )
        for direction in DIRECTIONS
        for role, who in (("council", "Council"), ("nhs", "NHS"))
    ]
    recommendations = headlines.recommendation_status(engine)
    headline_list += [
        Headline(
            "Awarded through participatory commissioning",
            headlines.participatory_share_by_year(engine),
            _percent,
            _points_change,
            "Share of P&C research money awarded",
            "/commissioning",
            counts=False,
            pc_money=True,
        ),
        Headline(
            "Active research projects",
            headlines.active_projects_by_year(engine, years),
            _count,
            _count_change,
            "Published projects running during the year",
            "/research",
        ),
        Headline(
            "Policy decisions informed",
            headlines.policy_decisions_by_year(engine),
            _count,
            _count_change,
            "Published decisions that cite P&C research",
            "/impact",
        ),
        Headline(
            "Recommendations achieved",
            headlines.achieved_by_year(engine, years),
            lambda achieved: f"{achieved:.0f} of {recommendations['total']}",
            _count_change,
            f"{recommendations['on_track']} more on track (green or amber-green)",
            "/recommendations",
        ),
        Headline(
            "Median days to pay P&C researchers",
            headlines.days_to_pay_by_year(engine),
            _days,
            _days_change,
            "Weighted median of quarterly medians, all providers",
            "/researchers",
            counts=False,
        ),
    ]
    return [_with_every_year(headline, years) for headline in headline_list]


def _with_every_year(headline: Headline, years: list[str]) -> Headline:
    """Counts and sums are 0 in a year without records, so the trend has no gaps."""
    if not headline.counts:
        return headline
    series = (
        headline.series.set_index("financial_year")["value"]
        .reindex(years, fill_value=0)
        .rename_axis("financial_year")
        .reset_index()
    )
    return replace(headline, series=series)


def _selected_year(chosen: str | None, years: list[str]) -> str | None:
    if chosen in years:
        return chosen
    return years[-1] if years else None


@callback(
    Output(ids.OVERVIEW_HEADLINES, "children"),
    Output(ids.OVERVIEW_YEAR, "children"),
    Input(ids.FILTER_STATE, "data"),
    Input(ids.THEME_STORE, "data"),
)
def show_headlines(
    filter_values: dict[str, Any] | None, theme: str | None
) -> tuple[list[dbc.Col], str]:
    # Of the filters only the year shapes the headlines; they show published data to everyone.
    chosen, theme = Filters.from_values(filter_values or {}).fy_to, theme or "light"
    engine = shared_engine()
    return computed_for_this_load(
        engine, "headlines", (chosen, theme), partial(_headline_answer, engine, chosen, theme)
    )


def _headline_answer(engine: Any, chosen: str | None, theme: str) -> tuple[list[dbc.Col], str]:
    """The headline cards and the year they are for, computed afresh."""
    years = headlines.financial_years(engine)
    year = _selected_year(chosen, years)
    if year is None:
        reason = why_empty(engine, GRANTS, Filters())
        latest = "the latest financial year (none loaded yet)"
        return [dbc.Col(empty_alert(reason, className="mb-0 overview-empty"))], latest
    previous = years[years.index(year) - 1] if years.index(year) > 0 else None
    columns: list[dbc.Col] = []
    headline_list = _headlines(year, years)
    # Instead of £0 received and awarded: why the configuration matched no grant.
    configuration = grant_configuration(engine).empty_reason(pc_only=True)
    if configuration:
        columns.append(dbc.Col(_configuration_alert(configuration), xs=12))
        headline_list = [h for h in headline_list if not h.pc_money]
    cards = []
    for headline in headline_list:
        value = _value_in(headline.series, year)
        has_trend = len(headline.series) > 1
        cards.append(
            headline_card(
                headline.label,
                headline.show(value) if value is not None else "No data",
                headline.detail,
                _change_text(headline, year, previous),
                # Plain data, as the charts keep theirs: a cached Figure is validated again,
                # trace by trace, each time the cache gives it back.
                trend_sparkline(headline.series, theme, year, headline.show).to_plotly_json()
                if has_trend
                else None,
                headline.href if _page_exists(headline.href.split("?")[0]) else None,
                _trend_numbers(headline) if has_trend else None,
            )
        )
    researchers = headlines.public_researchers(engine)
    cards.append(
        headline_card(
            "Researchers in the directory",
            _count(researchers),
            "Listed with consent to public listing",
            "Directory size today; it keeps no history",
            None,
            "/researchers" if _page_exists("/researchers") else None,
        )
    )
    return columns + [dbc.Col(card, xs=12, sm=6, lg=4, xl=3) for card in cards], year


def _configuration_alert(reason: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2("P&C research funding cannot be counted yet", className="h6 alert-heading"),
            html.P(reason_text(reason), className="mb-1"),
            html.P(
                [
                    "The money received and awarded is left out below. ",
                    html.A("What decides these figures", href="#what-decides"),
                    " is explained at the foot of the page.",
                ],
                className="small mb-0",
            ),
        ],
        color="warning",
        className="mb-0 overview-configuration",
    )


@callback(
    Output(ids.OVERVIEW_HOLDINGS, "children"),
    Output(ids.OVERVIEW_HOME_ORGANISATIONS, "children"),
    Input(ids.URL, "pathname"),
)
def show_holdings(_pathname: str | None) -> tuple[list[dbc.Col], Any]:
    # The same for every visitor and every address: one answer per load, warmed after it.
    engine = shared_engine()
    return computed_for_this_load(engine, "holdings", (), partial(_holdings, engine))


def _holdings(engine: Any) -> tuple[list[dbc.Col], Any]:
    """The row counts of what the warehouse holds, and its home organisations, afresh."""
    holdings = warehouse_holdings(engine)
    return [
        dbc.Col(count_card(row.label, row.rows), xs=12, sm=6, lg=4) for row in holdings.itertuples()
    ], _home_organisations(engine)


ROLES = {"council": "council", "nhs": "NHS", "hdrc": "research collaboration"}


def _home_organisations(engine: Any) -> Any:
    found = home_organisations_found(engine)
    if not found:
        return "No home organisation appears in the grants loaded so far."
    return [
        "Home organisations in the grants loaded: ",
        *(
            part
            for number, (name, org_id, role) in enumerate(found)
            for part in (
                ", " if number else "",
                html.Strong(name),
                f" ({ROLES.get(role, role) + ', ' if role else ''}{org_id})",
            )
        ),
        ".",
    ]
