import dash
from dash import dcc, html

from components.views import impact_case

SITE = "P&C Research Observatory"

dash.register_page(
    __name__,
    path_template="/impact/<project_id>",
    name="Impact case study",
    title=lambda project_id=None: f"Impact case study {project_id or ''} · {SITE}".replace(
        "  ", " "
    ),
    description="An impact case study of one peer and community research project: the summary "
    "of its impact, the underpinning research, references, details of the impact and the "
    "corroborating sources.",
    nav=False,
    order=61,
)


def layout(project_id: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=impact_case.PROJECT_ID, data=project_id or ""),
            dcc.Store(id=impact_case.TITLE),
            dcc.Store(id=impact_case.TITLE_SET),
            html.Nav(
                dcc.Link("← Impact", href="/impact"),
                className="mb-3 small",
                **{"aria-label": "Breadcrumb"},
            ),
            dcc.Loading(html.Div(id=impact_case.BODY), delay_show=400),
        ]
    )
