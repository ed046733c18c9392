"""Component ids, in one place, so pages and callbacks agree."""

import json

URL = "url"
FOOTER_LAST_LOAD = "footer-last-load"
FOOTER_SOURCES = "footer-sources"
OVERVIEW_HOLDINGS = "overview-holdings"
OVERVIEW_HEADLINES = "overview-headlines"
OVERVIEW_YEAR = "overview-year"
FILTER_STATE = "filter-state"
# Written by the URL sync; its own output keeps that callback apart from other no-output ones,
# which Dash would otherwise merge into one callback id.
FILTER_URL = "filter-url"
CLEAR_FILTERS = "clear-filters"
THEME_SWITCH = "theme-switch"
THEME_STORE = "theme-store"
NAV_ACCOUNT = "nav-account"  # who is signed in, and Sign out (callbacks/account.py)
DIRECTORY_COUNT = "directory-count"
DIRECTORY_CARDS = "directory-cards"
DIRECTORY_PAGER = "directory-pager"
DIRECTORY_CSV = "directory-csv"
DIRECTORY_CSV_DOWNLOAD = "directory-csv-download"
ADVICE_SERVICES = "advice-services"
RESEARCH_RESULTS = "research-results"
RESEARCH_COUNT = "research-count"
RESEARCH_PAGER = "research-pager"
RESEARCH_PROJECT_ID = "research-project-id"
RESEARCH_PROJECT = "research-project"
RESEARCH_PROJECT_TITLE = "research-project-title"
SIMILAR_TITLE = "similar-title"
SIMILAR_DESCRIPTION = "similar-description"
SIMILAR_SUBMIT = "similar-submit"
SIMILAR_RESULTS = "similar-results"
RECOMMENDATIONS_TRACKER = "recommendations-tracker"
RECOMMENDATIONS_ROLLUP = "recommendations-rollup"
RECOMMENDATION_ID = "recommendation-id"
RECOMMENDATION_DETAIL = "recommendation-detail"
RECOMMENDATION_TITLE = "recommendation-title"


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


FUNDING_GRANTS_GRID = "funding-grants"


def grid_part(grid_id: str, part: str) -> str:
    """Id of one part (grid, count, csv) of a server-side data grid."""
    return f"grid-{grid_id}-{part}"


def dom_id(component_id: dict[str, str]) -> str:
    """The id a pattern-matching (dict) id has in the page, as Dash writes it: JSON with sorted
    keys. Labels point at controls by it."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
