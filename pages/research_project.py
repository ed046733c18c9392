import dash
from dash import dcc, html

from components import ids

SITE = "P&C Research Observatory"

dash.register_page(
    __name__,
    path_template="/research/<project_id>",
    name="Research project",
    title=lambda project_id=None: f"Research project {project_id or ''} · {SITE}".replace(
        "  ", " "
    ),
    description="A peer and community research project: its lay summary, methodology, "
    "outputs, funding, the decisions it informed and the researchers who agreed to be listed.",
    nav=False,
    order=31,
)


def layout(project_id: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.RESEARCH_PROJECT_ID, data=project_id or ""),
            dcc.Store(id=ids.RESEARCH_PROJECT_TITLE),
            html.Nav(
                dcc.Link("← Research library", href="/research"),
                className="mb-3 small",
                **{"aria-label": "Breadcrumb"},
            ),
            dcc.Loading(html.Div(id=ids.RESEARCH_PROJECT), delay_show=400),
        ]
    )
