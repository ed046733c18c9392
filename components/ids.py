"""Component ids, in one place, so pages and callbacks agree."""

URL = "url"
FOOTER_LAST_LOAD = "footer-last-load"
OVERVIEW_HOLDINGS = "overview-holdings"
FILTER_STATE = "filter-state"
CLEAR_FILTERS = "clear-filters"
THEME_SWITCH = "theme-switch"
THEME_STORE = "theme-store"


def filter_control(page: str, name: str) -> dict[str, str]:
    """Id of the dropdown for one filter parameter of a page (options come from the page's
    option queries, ``warehouse.queries.charts.OPTION_QUERIES[page]``)."""
    return {"type": "filter", "page": page, "name": name}


def filter_text(page: str, name: str) -> dict[str, str]:
    """Id of a free-text filter (a search box) of a page."""
    return {"type": "filter-text", "page": page, "name": name}


def chart_part(chart_id: str, part: str) -> str:
    """Id of one part (graph, table, n, ...) of the card of a chart."""
    return f"chart-{chart_id}-{part}"
