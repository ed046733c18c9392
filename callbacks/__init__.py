"""Wiring only: read inputs, call queries, call figures. Imported once by app.py."""

from callbacks import (
    account,
    chart_cards,
    chart_sources,
    commissioning,
    data_upload,
    fetched_sources,
    filter_bar,
    gaps,
    grants_table,
    impact,
    overview,
    paper_review,
    quality,
    recommendation_editing,
    recommendations,
    research,
    researchers,
    shell,
    similar,
    snapshots,
    spend,
)

chart_cards.register_all()
chart_sources.register_all()

__all__ = [
    "account",
    "chart_cards",
    "chart_sources",
    "commissioning",
    "data_upload",
    "fetched_sources",
    "filter_bar",
    "gaps",
    "grants_table",
    "impact",
    "overview",
    "paper_review",
    "quality",
    "recommendation_editing",
    "recommendations",
    "research",
    "researchers",
    "shell",
    "similar",
    "snapshots",
    "spend",
]
