import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.filter_bar import FilterSpec, filter_bar

dash.register_page(
    __name__,
    path="/",
    name="Overview",
    title="Overview · P&C Research Observatory",
    description="Headline figures for peer and community research: funding received and "
    "awarded by the Council and the NHS, participatory commissioning, active projects, policy "
    "decisions informed, progress on the 16 recommendations, researchers and payment times.",
    order=0,
)

FILTERS = [FilterSpec("fy_to", "Financial year", multi=False, placeholder="Latest")]


def layout(**query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Overview", className="h2"),
            html.P(
                [
                    "Peer and community research in ",
                    html.Span(id=ids.OVERVIEW_YEAR),
                    ": each figure against the year before, with its trend over the years.",
                ],
                className="lead",
            ),
            html.Div(id=ids.OVERVIEW_SNAPSHOT),
            filter_bar("overview", FILTERS, query),
            dcc.Loading(dbc.Row(id=ids.OVERVIEW_HEADLINES, className="g-3 mb-4"), delay_show=300),
            html.H2("What the warehouse holds", className="h5 mt-4"),
            html.P(
                "Records loaded from published files and the P&C registers, all years.",
                className="small text-body-secondary",
            ),
            dcc.Loading(dbc.Row(id=ids.OVERVIEW_HOLDINGS, className="g-3"), delay_show=300),
            what_decides(),
        ]
    )


def what_decides() -> html.Section:
    """What makes a grant received, awarded or P&C research, and where a council sets it."""
    return html.Section(
        [
            html.H2("What decides these figures", id="what-decides-heading", className="h5"),
            html.Dl(
                [
                    html.Dt("Received and awarded"),
                    html.Dd(
                        "A grant is received when one of the home organisations (the council, "
                        "its NHS bodies, the research collaboration) is the recipient, and "
                        "awarded when one of them is the funder. Every other grant is "
                        "external and is left out of these figures. Home organisations are "
                        "named by org-id, the identifier 360Giving files use: GB-LAE-… for a "
                        "council, GB-NHS-… for an NHS body."
                    ),
                    html.Dt("Peer and community (P&C) research"),
                    html.Dd(
                        "A grant is P&C research when its grant programme code, or one of its "
                        "360Giving classification codes, is on the council's list. A "
                        "commission is research or evaluation when its CPV code starts with "
                        "one of the listed prefixes."
                    ),
                    html.Dt("Where to change them"),
                    html.Dd(
                        [
                            "The council's data officer sets both in the file ",
                            html.Code("observatory.toml"),
                            ": the home organisations under ",
                            html.Code("[[home_organisations]]"),
                            " (org_id, name, role), and the P&C rules under ",
                            html.Code("[pc_research]"),
                            " (programme_codes, classification_codes, research_cpv_prefixes). "
                            "They apply to files loaded after the change, so load the grant "
                            "files again after editing it.",
                        ]
                    ),
                ],
                className="mb-2",
            ),
            html.P(id=ids.OVERVIEW_HOME_ORGANISATIONS, className="small mb-0"),
        ],
        id="what-decides",
        className="mt-5 border-top pt-3",
        **{"aria-labelledby": "what-decides-heading"},
    )
