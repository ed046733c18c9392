"""The demo's grant programmes: who funds them, who receives, how much, and on which route.

Routes show the way councils publish them: in programme titles and funding types
(participatory grant-making, pooled funds, in-kind support), matching the route keywords in
``observatory.toml``. Peer and community (P&C) research programmes carry the codes that file
lists as P&C research. ``{org}``, ``{topic}`` and ``{place}`` in the grant titles and
descriptions are filled in per grant.
"""

from __future__ import annotations

from dataclasses import dataclass

LOCAL = "local"  # a programme that funds local community groups


@dataclass(frozen=True)
class Programme:
    """A grant programme and how its grants are drawn."""

    code: str
    title: str
    funder: str  # key in organisations.FUNDERS
    department: str
    recipient: str  # "local" for community groups, else a home organisation's key
    share: float  # of all grants
    median: float  # amount in pounds
    spread: float  # sigma of the log amount
    months: tuple[int, ...]
    open_call: str
    funding_type: str
    is_pc_research: bool
    grant_title: str  # {org}, {topic} and {place} are filled in per grant
    description: str


PROGRAMMES: tuple[Programme, ...] = (
    Programme(
        "MBC-VSG", "Voluntary Sector Grants", "council", "Communities and Neighbourhoods",
        LOCAL, 0.20, 6000, 0.8, (12,), "Yes", "Grant", False,
        "Voluntary Sector Grant to {org}",
        "Core funding for {org} to support residents of {place}, including work on {topic}.",
    ),
    Programme(
        "MBC-CRF", "Community Research Fund", "council", "Public Health",
        LOCAL, 0.05, 9000, 0.6, (12, 18), "Yes", "Grant", True,
        "Community research on {topic}: {org}",
        "Peer researchers from {org} will investigate {topic} with residents of {place} and "
        "report what they find to the council.",
    ),
    Programme(
        "MBC-NDP", "Neighbourhood Decides (participatory grant-making)", "council",
        "Communities and Neighbourhoods", LOCAL, 0.06, 4000, 0.6, (12,), "Yes", "Grant", False,
        "Neighbourhood Decides award to {org}",
        "Chosen by a residents' panel in {place} through participatory grant-making: "
        "{org} will run activities on {topic}.",
    ),
    Programme(
        "MBC-PRA", "Peer Research Awards (participatory grant-making)", "council",
        "Public Health", LOCAL, 0.02, 5000, 0.5, (12,), "Yes", "Grant", True,
        "Peer Research Award: {topic} in {place}",
        "Residents chose this peer research project by participatory grant-making. {org} will "
        "train local people to research {topic} in {place}.",
    ),
    Programme(
        "MBC-IKS", "Community Space Support (in-kind)", "council", "Property and Assets",
        LOCAL, 0.04, 2500, 0.5, (12,), "No", "In-kind", False,
        "In-kind use of council premises: {org}",
        "Rent-free use of a council building in {place} for {org}, valued at the market rent; "
        "the space supports work on {topic}.",
    ),
    Programme(
        "MBC-HWP", "Health and Wellbeing Pooled Fund", "council", "Public Health",
        LOCAL, 0.05, 15000, 0.7, (12, 24), "Yes", "Grant", False,
        "Health and Wellbeing Pooled Fund grant to {org}",
        "Awarded from the pooled fund held with NHS partners: {org} will tackle {topic} in "
        "{place}.",
    ),
    Programme(
        "ICB-HIG", "Health Inequalities Grants", "nhs", "Population Health",
        LOCAL, 0.10, 12000, 0.7, (12, 24), "Yes", "Grant", False,
        "Health Inequalities Grant to {org}",
        "{org} will reduce inequalities in {topic} among residents of {place}.",
    ),
    Programme(
        "ICB-CVR", "Community Voices Research", "nhs", "Population Health",
        LOCAL, 0.03, 10000, 0.6, (12, 18), "Yes", "Grant", True,
        "Community Voices Research: {topic} ({org})",
        "Community researchers from {org} will gather residents' experience of {topic} in "
        "{place} to shape NHS services.",
    ),
    Programme(
        "ICB-BHP", "Better Health Pooled Fund", "nhs", "Population Health",
        LOCAL, 0.03, 20000, 0.6, (12, 24), "No", "Grant", False,
        "Better Health Pooled Fund grant to {org}",
        "Awarded from the pooled fund the ICB holds with the council: {org} will improve "
        "{topic} outcomes in {place}.",
    ),
    Programme(
        "HDRC-PRS", "Peer Researcher Seed Grants", "hdrc", "Research Collaborative",
        LOCAL, 0.03, 3000, 0.5, (6, 12), "Yes", "Grant", True,
        "Peer researcher seed grant: {topic}",
        "A seed grant for peer researchers at {org} to scope research on {topic} in {place}.",
    ),
    Programme(
        "HDRC-CPF", "Collaborative Research Pooled Fund", "hdrc", "Research Collaborative",
        LOCAL, 0.01, 25000, 0.5, (18, 24), "Yes", "Grant", True,
        "Collaborative research on {topic}: {org}",
        "From the research pooled fund of the council, the ICB and the HDRC: {org} will lead a "
        "collaborative study of {topic} in {place} with academic partners.",
    ),
    Programme(
        "CLF-AFC", "Awards for All Communities", "lottery", "England",
        LOCAL, 0.12, 8000, 0.4, (12,), "Yes", "Grant", False,
        "Awards for All: {org}",
        "{org} will bring people together in {place} through activities on {topic}.",
    ),
    Programme(
        "CLF-RC", "Reaching Communities", "lottery", "England",
        LOCAL, 0.04, 90000, 0.5, (24, 36), "Yes", "Grant", False,
        "Reaching Communities: {org}",
        "Three years of funding for {org} to work with residents of {place} on {topic}.",
    ),
    Programme(
        "FF-CHG", "Community Health Grants", "ferncastle", "Grants",
        LOCAL, 0.06, 15000, 0.6, (12, 24), "Yes", "Grant", False,
        "Community Health Grant: {org}",
        "{org} will improve the health of residents of {place}, starting with {topic}.",
    ),
    Programme(
        "AT-SG", "Small Grants", "alderwyn", "Grants",
        LOCAL, 0.06, 3000, 0.5, (12,), "Yes", "Grant", False,
        "Small grant to {org}",
        "A contribution towards {org}'s work on {topic} in {place}.",
    ),
    Programme(
        "ICHR-CRP", "Community Research Partnerships", "institute", "Public Health Research",
        LOCAL, 0.01, 40000, 0.4, (18, 24), "Yes", "Grant", True,
        "Community research partnership: {topic} ({org})",
        "{org} will co-produce research on {topic} with residents of {place} and a university "
        "partner.",
    ),
    Programme(
        "ICHR-HDRC", "Health Determinants Research Collaborations", "institute",
        "Public Health Research", "hdrc", 0.0016, 900000, 0.25, (60,), "Yes", "Grant", True,
        "Health Determinants Research Collaboration: {org}",
        "Funding for {org} to build research capacity in local government and to embed peer "
        "and community research in decisions on {topic}.",
    ),
    Programme(
        "ICHR-PHR", "Public Health Research Programme", "institute", "Public Health Research",
        "council", 0.003, 250000, 0.5, (24, 36), "Yes", "Grant", False,
        "Public health research award: {topic}",
        "{org} will evaluate a borough-wide intervention on {topic}.",
    ),
    Programme(
        "ICHR-ICR", "Integrated Care Research Capacity", "institute", "Public Health Research",
        "nhs", 0.003, 180000, 0.4, (24, 36), "Yes", "Grant", True,
        "Integrated care research capacity award: {topic}",
        "{org} will build the capacity of NHS staff and community partners to research "
        "{topic} together.",
    ),
    Programme(
        "CLF-BCP", "Better Connected Places", "lottery", "England",
        "council", 0.003, 300000, 0.4, (36,), "No", "Grant", False,
        "Better Connected Places: {org}",
        "Partnership funding for {org} to connect services for residents affected by {topic}.",
    ),
    Programme(
        "FF-CRP", "Community Research Partnerships", "ferncastle", "Grants",
        "council", 0.003, 60000, 0.4, (24,), "No", "Grant", True,
        "Community research partnership: {org}",
        "{org} will fund and mentor peer researchers studying {topic} across the borough.",
    ),
    Programme(
        "AT-IKS", "Research Venue Support (in-kind)", "alderwyn", "Grants",
        "hdrc", 0.001, 8000, 0.3, (12,), "No", "In-kind", False,
        "In-kind venue support for {org}",
        "Free use of the Trust's community rooms by {org} for research workshops on {topic}.",
    ),
    Programme(
        "ICB-PFC", "Health and Wellbeing Pooled Fund contributions", "nhs",
        "Finance", "council", 0.0012, 400000, 0.2, (12,), "No", "Pooled fund contribution", False,
        "Contribution to the Health and Wellbeing Pooled Fund held by {org}",
        "The ICB's yearly contribution to the pooled fund held by {org}, for work on {topic}.",
    ),
    Programme(
        "MBC-PFC", "Better Health Pooled Fund contributions", "council",
        "Finance", "nhs", 0.0012, 250000, 0.2, (12,), "No", "Pooled fund contribution", False,
        "Contribution to the Better Health Pooled Fund held by {org}",
        "The council's yearly contribution to the pooled fund held by {org}, for work on "
        "{topic}.",
    ),
)  # fmt: skip

PC_PROGRAMME_CODES = frozenset(p.code for p in PROGRAMMES if p.is_pc_research)
