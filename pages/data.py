import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.views import fetched_sources
from components.views import quality_tables as q

dash.register_page(
    __name__,
    path="/data",
    name="Sources and quality",
    title="Sources and quality · P&C Research Observatory",
    description="Every file behind the observatory, with its format, publisher, licence, rows, "
    "last load and sha256; how many rows were rejected and why; how complete each register "
    "and workstream is; and full-dataset CSV downloads of the published tables.",
    order=9,
)


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=q.LOADED, data=True),
            html.H1("Sources and quality", className="h2"),
            html.P(
                "Where the numbers come from and how complete they are. Each file is listed "
                "with its sha256, so anyone can check that a copy is the file that was loaded.",
                className="lead",
            ),
            html.Div(id=ids.DATA_ADMIN),  # the upload and every rejected row, for admin only
            dbc.Row(
                [
                    dbc.Col(
                        q.section(
                            "Loaded files",
                            "Every file loaded into the observatory, by file name. Hover over a "
                            "shortened sha256 to see it whole.",
                            q.FILES,
                            "quality-files-heading",
                        ),
                        lg=12,
                    ),
                    dbc.Col(fetched_sources.section(), lg=12),
                    dbc.Col(
                        q.section(
                            "Rejected rows",
                            "Rows that failed validation, counted by file, field and reason. "
                            "Their contents are never published; values in reasons are withheld.",
                            q.REJECTED,
                            "quality-rejected-heading",
                        ),
                        lg=12,
                    ),
                    dbc.Col(
                        q.section(
                            "Completeness by register",
                            "For each register, how many of its public records have each field "
                            "that matters.",
                            q.REGISTERS,
                            "quality-registers-heading",
                        ),
                        lg=12,
                    ),
                    dbc.Col(
                        q.section(
                            "Completeness by workstream",
                            "Recommendations with an owner, a progress figure and a published "
                            "update in the last 6 months; milestones with a due date.",
                            q.WORKSTREAMS,
                            "quality-workstreams-heading",
                        ),
                        lg=12,
                    ),
                    dbc.Col(
                        q.section(
                            "Projects to complete",
                            "Published projects with no methodology, no location (ward or "
                            "area) or no participation level.",
                            q.INCOMPLETE,
                            "quality-incomplete-heading",
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        q.section(
                            "Download the data",
                            "Full datasets of the published tables, as CSV. Drafts, rejected "
                            "rows and hidden researchers are never included.",
                            q.DOWNLOADS,
                            "quality-downloads-heading",
                        ),
                        lg=6,
                    ),
                ],
                className="g-4",
            ),
        ]
    )
