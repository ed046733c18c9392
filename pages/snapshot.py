import dash
from dash import dcc, html

from components import ids

SITE = "P&C Research Observatory"

dash.register_page(
    __name__,
    path_template="/snapshots/<snapshot_id>",
    name="Board snapshot",
    title=lambda snapshot_id=None: f"Board snapshot {snapshot_id or ''} · {SITE}",
    description="A frozen board snapshot: its figures as they stood, who froze it and when, "
    "how to cite it, and what changed since.",
    nav=False,
    order=91,
)


def layout(snapshot_id: str | None = None, view: str = "", **_query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.SNAPSHOT_ID, data={"snapshot_id": snapshot_id or "", "view": view}),
            dcc.Store(id=ids.SNAPSHOT_TITLE),
            html.Nav(
                dcc.Link("← All snapshots", href="/snapshots"),
                className="mb-3 small",
                **{"aria-label": "Breadcrumb"},
            ),
            dcc.Loading(html.Div(id=ids.SNAPSHOT_DETAIL), delay_show=400),
        ]
    )
