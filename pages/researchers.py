import dash
import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.chart_card import chart_card
from components.filter_bar import FilterSpec, filter_bar
from components.views.researcher_cards import directory_section

dash.register_page(
    __name__,
    path="/researchers",
    name="Researchers",
    title="Peer and community researchers · P&C Research Observatory",
    description="The directory of peer and community researchers who chose to be listed, by "
    "skill, language, area and availability; training for researchers and partners; how "
    "promptly and how researchers are paid; and where to get benefits advice.",
    order=4,
)

FILTERS = [
    FilterSpec("skill", "Skills"),
    FilterSpec("language", "Languages"),
    FilterSpec("area", "Areas"),
    FilterSpec("availability", "Availability"),
]


def _section(title: str, section_id: str, *children: object) -> html.Section:
    return html.Section(
        [html.H2(title, className="h3 mt-5 mb-2", id=f"{section_id}-heading"), *children],
        id=section_id,
        **{"aria-labelledby": f"{section_id}-heading"},
    )


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Peer and community researchers", className="h2"),
            html.P(
                "Find a local researcher by skill, language or area, and see how the borough "
                "trains and pays the people who do its community research.",
                className="lead",
            ),
            _section(
                "Researcher directory",
                "directory",
                html.P(
                    "Only researchers who agreed to a public listing appear here, with the "
                    "contact details they chose to share.",
                    className="text-body-secondary",
                ),
                filter_bar("researchers", FILTERS, query),
                directory_section(),
            ),
            _section(
                "Training",
                "training",
                dbc.Row(
                    [
                        dbc.Col(chart_card("training-attendance"), lg=7),
                        dbc.Col(chart_card("training-accredited-share"), lg=5),
                    ],
                    className="g-4",
                ),
            ),
            _section(
                "Paying researchers",
                "payments",
                html.P(
                    "Totals by quarter and by the organisation that paid, never single "
                    "payments. Where fewer than 5 payments lie behind a figure, it is not "
                    "shown.",
                    className="text-body-secondary",
                ),
                dbc.Row(
                    [
                        dbc.Col(chart_card("payments-days-to-pay"), lg=6),
                        dbc.Col(chart_card("payments-method-share"), lg=6),
                    ],
                    className="g-4",
                ),
            ),
            _section(
                "Benefits advice",
                "benefits-advice",
                html.P(
                    "Being paid for research can affect benefits. These services give free "
                    "advice; those marked as research payments specialists know paid research "
                    "well.",
                    className="text-body-secondary",
                ),
                dbc.Card(html.Div(id=ids.ADVICE_SERVICES), className="mb-4"),
            ),
        ]
    )
