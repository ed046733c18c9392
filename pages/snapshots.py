import dash
from dash import dcc, html

from components import ids

dash.register_page(
    __name__,
    path="/snapshots",
    name="Board snapshots",
    title="Board snapshots · P&C Research Observatory",
    description="Frozen, citable copies of the published figures, one for each Health and "
    "Wellbeing Board or committee, and what changed since each.",
    order=90,
)

FORM_FIELDS = ("freeze_error", "name", "as_of")


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(
                id=ids.SNAPSHOTS_QUERY,
                data={key: str(query.get(key, ""))[:200] for key in FORM_FIELDS},
            ),
            html.H1("Board snapshots", className="h2"),
            html.P(
                "Each snapshot is a frozen copy of the published figures on the day of a "
                "board or committee. Its figures never change, so a committee paper can cite "
                "its address; its page also shows what has changed since.",
                className="lead",
            ),
            html.Div(id=ids.SNAPSHOTS_FREEZE),
            dcc.Loading(html.Div(id=ids.SNAPSHOTS_LIST), delay_show=300),
        ]
    )
