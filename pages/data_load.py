import dash
from dash import dcc, html

from components import ids

SITE = "P&C Research Observatory"

dash.register_page(
    __name__,
    path_template="/data/loads/<load_run_id>",
    name="Load run",
    title=lambda load_run_id=None: f"Load {load_run_id or ''} · {SITE}",
    description="One load of one file (for the data team): its format, status and row counts, "
    "and the rows that were rejected with the reason, as a table and as CSV.",
    nav=False,
    order=91,
)


def layout(load_run_id: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.DATA_LOAD_ID, data=load_run_id or ""),
            html.Nav(
                dcc.Link("← Sources and quality", href="/data"),
                className="mb-3 small",
                **{"aria-label": "Breadcrumb"},
            ),
            dcc.Loading(html.Div(id=ids.DATA_LOAD_DETAIL), delay_show=400),
            # Re-reads a queued or running load until it ends (the callback then stops it).
            dcc.Interval(id=ids.DATA_LOAD_POLL, interval=1500, disabled=False),
        ]
    )
