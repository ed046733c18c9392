import dash
from dash import dcc, html

from components import ids

SITE = "P&C Research Observatory"

dash.register_page(
    __name__,
    path_template="/recommendations/<recommendation_id>",
    name="Recommendation",
    title=lambda recommendation_id=None: f"Recommendation {recommendation_id or ''} · {SITE}",
    description="One recommendation of the report: its status and progress, the timeline of "
    "published updates with their evidence, its milestones, and the projects and funding that "
    "deliver it.",
    nav=False,
    order=51,
)


def layout(recommendation_id: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.RECOMMENDATION_ID, data=recommendation_id or ""),
            dcc.Store(id=ids.RECOMMENDATION_TITLE),
            html.Nav(
                dcc.Link("← All recommendations", href="/recommendations"),
                className="mb-3 small",
                **{"aria-label": "Breadcrumb"},
            ),
            dcc.Loading(html.Div(id=ids.RECOMMENDATION_DETAIL), delay_show=400),
            # For a lead of its workstream: the update and milestone forms (empty for others).
            html.Div(id=ids.RECOMMENDATION_EDITOR),
            html.Div(id=ids.RECOMMENDATION_HISTORY),
        ]
    )
