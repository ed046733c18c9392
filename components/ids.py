"""Component ids, in one place, so pages and callbacks agree."""

URL = "url"
FOOTER_LAST_LOAD = "footer-last-load"
OVERVIEW_HOLDINGS = "overview-holdings"
