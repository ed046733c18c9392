"""What a chart, table or list shows when it has nothing: the reason, as one sentence.

The reason comes from ``warehouse.queries.empty_states`` through the callbacks (components never
query): a ``str`` that may carry ``link`` (the words of it to link) and ``href``, and
``filtered`` (the filters are the reason). Only a filtered reason may offer to clear a filter.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc


def is_filtered(reason: str | None) -> bool:
    """True when the filters are why nothing shows (or no reason was given)."""
    return reason is None or bool(getattr(reason, "filtered", False))


def reason_text(reason: str) -> list[Any]:
    """The sentence, with its link words as a link to the page that explains them."""
    text, link = str(reason), getattr(reason, "link", None)
    if not link or link not in text:
        return [text]
    before, after = text.split(link, 1)
    return [before, dcc.Link(link, href=getattr(reason, "href", "/data")), after]


def empty_alert(reason: str, **kwargs: Any) -> dbc.Alert:
    """A quiet box holding the reason, where the records would be."""
    return dbc.Alert(
        reason_text(reason),
        color="secondary",
        className=f"{kwargs.pop('className', 'mb-0')} empty-state",
        **kwargs,
    )
