import dash
from dash import html

from components.views.paper_review import page_layout

SITE = "P&C Research Observatory"

dash.register_page(
    __name__,
    path="/papers/review",
    name="Review research found in papers",
    title=f"Review research found in decision papers · {SITE}",
    description="For workstream leads: committee papers that seem to cite local research, to "
    "confirm as policy decisions or dismiss.",
    nav=False,
    order=92,
)


def layout(**_query: str) -> html.Div:
    return page_layout()
