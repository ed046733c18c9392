"""Component ids, in one place, so pages and callbacks agree."""

URL = "url"
FOOTER_LAST_LOAD = "footer-last-load"
OVERVIEW_HOLDINGS = "overview-holdings"
FILTER_STATE = "filter-state"
CLEAR_FILTERS = "clear-filters"
THEME_SWITCH = "theme-switch"
THEME_STORE = "theme-store"


def filter_control(name: str) -> dict[str, str]:
    """Id of the filter control for one filter parameter."""
    return {"type": "filter", "name": name}


def chart_part(chart_id: str, part: str) -> str:
    """Id of one part (graph, table, n, ...) of the card of a chart."""
    return f"chart-{chart_id}-{part}"
