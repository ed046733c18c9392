"""Component ids, in one place, so pages and callbacks agree."""

import json

URL = "url"
FOOTER_LAST_LOAD = "footer-last-load"
FOOTER_SOURCES = "footer-sources"
OVERVIEW_HOLDINGS = "overview-holdings"
OVERVIEW_HEADLINES = "overview-headlines"
OVERVIEW_YEAR = "overview-year"
OVERVIEW_HOME_ORGANISATIONS = "overview-home-organisations"
FILTER_STATE = "filter-state"
# Written by the URL sync; its own output keeps that callback apart from other no-output ones,
# which Dash would otherwise merge into one callback id.
FILTER_URL = "filter-url"
CLEAR_FILTERS = "clear-filters"
THEME_SWITCH = "theme-switch"
THEME_STORE = "theme-store"
# "narrow" on a phone, else "wide"; assets/observatory.js writes it by this name on a resize.
VIEWPORT_STORE = "viewport-store"
NAV_ACCOUNT = "nav-account"  # who is signed in, and Sign out (callbacks/account.py)
DIRECTORY_COUNT = "directory-count"
DIRECTORY_CARDS = "directory-cards"
DIRECTORY_PAGER = "directory-pager"
DIRECTORY_CSV = "directory-csv"
DIRECTORY_CSV_DOWNLOAD = "directory-csv-download"
ADVICE_SERVICES = "advice-services"
# Spend over £500 with P&C grant recipients (components/views/spend_view.py)
SPEND_STATUS = "spend-status"
SPEND_RECIPIENTS = "spend-recipients"
SPEND_RECIPIENTS_COUNT = "spend-recipients-count"
SPEND_CSV = "spend-csv"
SPEND_JSON = "spend-json"
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
# Editing by workstream leads (components/views/recommendation_editor.py)
RECOMMENDATION_EDITOR = "recommendation-editor"
RECOMMENDATION_HISTORY = "recommendation-history"
EDITOR_VERSION = "editor-version"
EDITOR_NOTE = "editor-note"
EDITOR_EVIDENCE = "editor-evidence"
EDITOR_STATUS = "editor-status"
EDITOR_RAG = "editor-rag"
EDITOR_PROGRESS = "editor-progress"
EDITOR_MILESTONE = "editor-milestone"
EDITOR_PUBLISH = "editor-publish"
EDITOR_DRAFT = "editor-draft"
EDITOR_MILESTONE_CHOICE = "editor-milestone-choice"
EDITOR_MILESTONE_TITLE = "editor-milestone-title"
EDITOR_MILESTONE_DUE = "editor-milestone-due"
EDITOR_MILESTONE_DONE = "editor-milestone-done"
EDITOR_MILESTONE_VERSIONS = "editor-milestone-versions"
EDITOR_MILESTONE_SAVE = "editor-milestone-save"
PUBLISH_UPDATE = "publish-update"  # with the update's id: {"type": PUBLISH_UPDATE, "update": id}
# Board snapshots (components/views/snapshot_view.py)
SNAPSHOTS_QUERY = "snapshots-query"
SNAPSHOTS_LIST = "snapshots-list"
SNAPSHOTS_FREEZE = "snapshots-freeze"
SNAPSHOT_ID = "snapshot-id"
SNAPSHOT_DETAIL = "snapshot-detail"
SNAPSHOT_TITLE = "snapshot-title"
OVERVIEW_SNAPSHOT = "overview-snapshot"
# The data officer's upload and load runs (components/views/upload_card.py, admin only)
DATA_ADMIN = "data-admin"
DATA_UPLOAD_FORM = "data-upload-form"
DATA_UPLOAD_FILE = "data-upload-file"
DATA_UPLOAD_FORMAT = "data-upload-format"
DATA_UPLOAD_SUBMIT = "data-upload-submit"
DATA_UPLOAD_PROGRESS = "data-upload-progress"  # filled by assets/observatory.js on submit
DATA_ALL_REJECTED_GRID = "data-all-rejected-grid"
DATA_ALL_REJECTED_CSV = "data-all-rejected-csv"
DATA_LOAD_ID = "data-load-id"
DATA_LOAD_DETAIL = "data-load-detail"
DATA_LOAD_POLL = "data-load-poll"
DATA_LOAD_PROGRESS = "data-load-progress"
DATA_LOAD_STATUS = "data-load-status"
DATA_LOAD_FILE = "data-load-file"
DATA_LOAD_MESSAGE = "data-load-message"
DATA_LOAD_COUNTS = "data-load-counts"
DATA_LOAD_GRID = "data-load-grid"
DATA_LOAD_CSV = "data-load-csv"
DATA_LOAD_NO_REJECTS = "data-load-no-rejects"
DATA_LOAD_NOT_FOUND = "data-load-not-found"
DATA_LOAD_ADMINS_ONLY = "data-load-admins-only"


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
