"""The single definition of every P&C register: its columns, their types and their meaning.

The loader validates against these definitions, and the templates and the documentation in
``docs/`` are generated from them, so the three cannot disagree. Column names here are a
contract with everyone who fills in a register: change one only with the people who use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Table

from warehouse.schema import (
    bridge_project_areas,
    bridge_project_commissions,
    bridge_project_grants,
    bridge_project_populations,
    bridge_project_recommendations,
    bridge_project_researchers,
    bridge_project_topics,
    dim_advice_services,
    dim_projects,
    dim_recommendations,
    dim_researchers,
    dim_topics,
    dim_workstreams,
    fct_milestones,
    fct_payments,
    fct_policy_citations,
    fct_policy_decisions,
    fct_project_outputs,
    fct_recommendation_updates,
    fct_training_events,
)
from warehouse.vocabularies import (
    AUDIENCES,
    AVAILABILITIES,
    CONSENTS,
    INFLUENCE_TYPES,
    PARTICIPATION_LEVELS,
    PAYMENT_METHODS,
    PROJECT_STATUSES,
    RAG_RATINGS,
    REACHES,
    RECOMMENDATION_STATUSES,
)

Kind = Literal[
    "text",
    "list",
    "date",
    "money",
    "integer",
    "number",
    "percent",
    "bool",
    "url",
    "email",
    "vocabulary",
    "currency",
    "quarter",
]

# How each type is written in a cell; shown in the docs and the XLSX notes.
KIND_FORMATS: dict[str, str] = {
    "text": "any text",
    "list": "items separated by ;",
    "date": "YYYY-MM-DD",
    "money": "amount in pounds, e.g. 12500.00",
    "integer": "whole number, 0 or more",
    "number": "number, 0 or more",
    "percent": "whole number from 0 to 100",
    "bool": "yes, no",
    "url": "web address starting http:// or https://",
    "email": "email address, e.g. name@example.org",
    "currency": "three-letter ISO 4217 code, e.g. GBP",
    "quarter": "YYYY-Qn, e.g. 2024-Q3",
}

ID_LENGTH = 60  # register ids are String(60) in the warehouse
RECOMMENDATION_ID_LENGTH = 20
LINK_LENGTH = 200  # bridge tables hold String(200) on each side
ONS_CODE = r"[EWSNK]\d{8}"


@dataclass(frozen=True)
class Field:
    """One column of a register."""

    name: str
    kind: Kind
    definition: str
    example: str
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    max_length: int | None = None  # for lists: of each item
    pattern: str | None = None  # for text and list items: the whole value must match
    pattern_hint: str = ""  # what ``pattern`` asks for, in plain words

    @property
    def allowed(self) -> str:
        """The values the column accepts, in plain words."""
        if self.vocabulary:
            return ", ".join(self.vocabulary)
        if self.pattern_hint:
            allowed = self.pattern_hint
            return f"{allowed}; items separated by ;" if self.kind == "list" else allowed
        allowed = KIND_FORMATS[self.kind]
        if self.max_length is not None:
            unit = "each item " if self.kind == "list" else ""
            allowed += f" ({unit}up to {self.max_length} characters)"
        return allowed


@dataclass(frozen=True)
class Register:
    """One register: a file layout and the warehouse tables it loads into."""

    name: str
    title: str
    purpose: str
    primary: Table
    tables: tuple[Table, ...]
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    rules: tuple[str, ...] = ()
    # Titles (as matched by the loader) that would make the file a register of individuals.
    refused_columns: frozenset[str] = frozenset()

    @property
    def columns(self) -> list[str]:
        """Column names in template order."""
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[str]:
        """Names of the required columns."""
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        """The column called ``name``."""
        return next(f for f in self.fields if f.name == name)


def _id(name: str, definition: str, example: str, length: int = ID_LENGTH) -> Field:
    return Field(name, "text", definition, example, required=True, max_length=length)


def _published(what: str) -> Field:
    return Field(
        "published",
        "bool",
        f"yes to show the {what} to the public; no keeps it as a draft for staff only.",
        "yes",
        required=True,
    )


PROJECTS = Register(
    name="projects",
    title="Research projects",
    purpose=(
        "One row per peer and community research project: what it asked, how, with whom, where, "
        "what it found and what it produced. It feeds the open research library, the evidence "
        "gap map and the links from research to funding, commissioning and recommendations."
    ),
    primary=dim_projects,
    tables=(
        dim_projects,
        dim_topics,
        bridge_project_topics,
        bridge_project_areas,
        bridge_project_populations,
        bridge_project_grants,
        bridge_project_commissions,
        bridge_project_recommendations,
        bridge_project_researchers,
        fct_project_outputs,
    ),
    key=("project_id",),
    fields=(
        _id("project_id", "Your own identifier for the project; never reuse one.", "PCR-2024-001"),
        Field(
            "title",
            "text",
            "Project title as it should appear in the library.",
            "Food and the cost of living",
            required=True,
        ),
        Field(
            "lay_summary",
            "text",
            "Two or three plain-English sentences a resident would understand.",
            "Residents interviewed neighbours about how rising prices change what they eat.",
        ),
        Field(
            "methodology",
            "text",
            "How the research was done; leave blank rather than guess.",
            "Peer researchers ran semi-structured interviews and analysed them with the group.",
        ),
        Field(
            "methods",
            "list",
            "Research methods used.",
            "interviews; focus groups",
        ),
        Field(
            "participation_level",
            "vocabulary",
            "How far the community shaped the research, from being informed to leading it.",
            "co-produce",
            vocabulary=PARTICIPATION_LEVELS,
        ),
        Field(
            "topics",
            "list",
            "Topic labels; the same label in two projects means the same topic.",
            "Food insecurity; Cost of living",
        ),
        Field(
            "wards",
            "list",
            "ONS codes of the wards (or other areas) the project covers.",
            "E05000650; E05000651",
            max_length=LINK_LENGTH,
            pattern=ONS_CODE,
            pattern_hint="a 9-character ONS area code such as E05000650",
        ),
        Field(
            "populations",
            "list",
            "Population groups the project is about or with.",
            "Older people; Carers",
            max_length=LINK_LENGTH,
        ),
        Field(
            "provider_org_id",
            "text",
            "org-id.guide identifier of the organisation that ran the research.",
            "GB-CHC-1234567",
            max_length=200,
        ),
        Field(
            "provider_name",
            "text",
            "Name of the organisation that ran the research.",
            "Community Research Collective",
        ),
        Field(
            "status",
            "vocabulary",
            "Where the project is now.",
            "completed",
            required=True,
            vocabulary=PROJECT_STATUSES,
        ),
        Field(
            "start_date",
            "date",
            "When the project started (or will); sets its financial year.",
            "2024-04-01",
        ),
        Field("end_date", "date", "When it ended or is planned to end.", "2025-03-31"),
        Field("budget", "money", "Total budget in pounds.", "12500.00"),
        Field(
            "currency",
            "currency",
            "Currency of the budget; GBP when blank.",
            "GBP",
        ),
        Field(
            "findings",
            "text",
            "Key findings in plain English.",
            "Half of the households interviewed skipped meals at least once a week.",
        ),
        Field(
            "outputs",
            "list",
            'Reports, summaries and other outputs, each written "Title | https://address".',
            "Final report | https://example.org/food-report.pdf",
        ),
        Field(
            "grant_ids",
            "list",
            "360Giving identifiers of the grants that fund the project.",
            "360G-EXAMPLE-0001",
            max_length=LINK_LENGTH,
        ),
        Field(
            "ocids",
            "list",
            "OCDS contracting process identifiers (ocids) of the commissions behind it.",
            "ocds-b5fd17-000001",
            max_length=LINK_LENGTH,
        ),
        Field(
            "recommendation_ids",
            "list",
            "Recommendations the project helps to deliver.",
            "R01; R07",
            max_length=RECOMMENDATION_ID_LENGTH,
        ),
        Field(
            "researcher_ids",
            "list",
            "Ids (from the researchers register) of the researchers on the project.",
            "RES-001",
            max_length=ID_LENGTH,
        ),
        _published("project"),
    ),
    rules=(
        "A project loaded again replaces its topics, wards, populations, links and outputs with "
        "the ones in the new file, so a corrected file never leaves old links behind.",
        "end_date may not be before start_date.",
        "Links to grants, commissions, recommendations or researchers not loaded yet are kept.",
    ),
)

POLICY_DECISIONS = Register(
    name="policy_decisions",
    title="Policy decisions",
    purpose=(
        "One row per decision, plan or change that P&C research informed, with the projects it "
        "cites and the citing words. It feeds the impact page."
    ),
    primary=fct_policy_decisions,
    tables=(fct_policy_decisions, fct_policy_citations),
    key=("decision_id",),
    fields=(
        _id("decision_id", "Your own identifier for the decision.", "DEC-2025-004"),
        Field(
            "title",
            "text",
            "What was decided.",
            "Food insecurity action plan adopted",
            required=True,
        ),
        Field(
            "decision_body",
            "text",
            "Who decided: Cabinet, a board, a committee, a service.",
            "Health and Wellbeing Board",
            required=True,
        ),
        Field("decision_date", "date", "Date of the decision.", "2025-06-12", required=True),
        Field(
            "document_url",
            "url",
            "The published decision, minutes or plan.",
            "https://example.org/decisions/food-plan.pdf",
        ),
        Field(
            "influence_type",
            "vocabulary",
            "How the research influenced the decision.",
            "strategy-or-plan",
            required=True,
            vocabulary=INFLUENCE_TYPES,
        ),
        Field(
            "reach",
            "vocabulary",
            "How far the decision reaches.",
            "local",
            required=True,
            vocabulary=REACHES,
        ),
        Field(
            "citing_project_ids",
            "list",
            "Ids (from the projects register) of the projects the decision draws on.",
            "PCR-2024-001",
            max_length=ID_LENGTH,
        ),
        Field(
            "citation_snippet",
            "text",
            "The words in the decision document that cite the research.",
            "Residents' own research showed that half of households skip meals.",
        ),
        Field(
            "citation_page",
            "text",
            "Page of the decision document where the citation is.",
            "14",
            max_length=20,
        ),
        _published("decision"),
    ),
    rules=(
        "Each citing project becomes one citation with the snippet and page of the row.",
        "A decision loaded again replaces its citations with the ones in the new file.",
    ),
)

RECOMMENDATIONS = Register(
    name="recommendations",
    title="Recommendations",
    purpose=(
        "One row per recommendation of the source report, with its workstream, owner, status, "
        "RAG rating and progress. It feeds the recommendations tracker."
    ),
    primary=dim_recommendations,
    tables=(dim_recommendations, dim_workstreams),
    key=("recommendation_id",),
    fields=(
        _id(
            "recommendation_id",
            "Identifier of the recommendation.",
            "R01",
            RECOMMENDATION_ID_LENGTH,
        ),
        Field(
            "workstream_id",
            "text",
            "Identifier of the workstream, with its number in it.",
            "WS1",
            required=True,
            max_length=20,
            pattern=r"\D*\d+\D*",
            pattern_hint="an id with the workstream number in it, such as WS1",
        ),
        Field(
            "workstream_name",
            "text",
            "Name of the workstream; the same for every row of one workstream.",
            "Resourcing and infrastructure",
            required=True,
        ),
        Field(
            "text",
            "text",
            "The recommendation, word for word.",
            "Establish a dedicated fund for peer and community research.",
            required=True,
        ),
        Field("owner", "text", "Who is accountable for it.", "Director of Public Health"),
        Field(
            "status",
            "vocabulary",
            "Where the recommendation is now.",
            "in_progress",
            required=True,
            vocabulary=RECOMMENDATION_STATUSES,
        ),
        Field(
            "rag",
            "vocabulary",
            "Red, amber or green rating of delivery confidence.",
            "amber_green",
            vocabulary=RAG_RATINGS,
        ),
        Field("progress_pct", "percent", "Progress towards delivery.", "40"),
    ),
    rules=(
        "The workstream number is read from the digits of workstream_id (WS1 is workstream 1).",
        "Rows of one workstream must give the same workstream_name.",
    ),
)

MILESTONES = Register(
    name="milestones",
    title="Milestones",
    purpose="One row per milestone of a recommendation, with when it is due and when it was met.",
    primary=fct_milestones,
    tables=(fct_milestones,),
    key=("milestone_id",),
    fields=(
        _id("milestone_id", "Your own identifier for the milestone.", "R01-M1"),
        Field(
            "recommendation_id",
            "text",
            "The recommendation the milestone belongs to.",
            "R01",
            required=True,
            max_length=RECOMMENDATION_ID_LENGTH,
        ),
        Field(
            "title",
            "text",
            "What will be done.",
            "Fund terms agreed with partners",
            required=True,
        ),
        Field("due_date", "date", "When it is due.", "2025-09-30"),
        Field("done_date", "date", "When it was met; blank while open.", "2025-09-12"),
    ),
)

RECOMMENDATION_UPDATES = Register(
    name="recommendation_updates",
    title="Recommendation updates",
    purpose=(
        "One row per progress update on a recommendation, kept as a history: add rows, do not "
        "edit old ones."
    ),
    primary=fct_recommendation_updates,
    tables=(fct_recommendation_updates,),
    key=("update_id",),
    fields=(
        _id("update_id", "Your own identifier for the update.", "UPD-2025-031"),
        Field(
            "recommendation_id",
            "text",
            "The recommendation updated.",
            "R01",
            required=True,
            max_length=RECOMMENDATION_ID_LENGTH,
        ),
        Field("update_date", "date", "Date of the update.", "2025-10-01", required=True),
        Field("author", "text", "Who wrote the update.", "Workstream 1 lead", required=True),
        Field(
            "note",
            "text",
            "What happened since the last update.",
            "Fund terms agreed; first call opens in November.",
            required=True,
        ),
        Field(
            "evidence_url",
            "url",
            "Where the evidence can be read.",
            "https://example.org/board/2025-10-01-minutes.pdf",
        ),
        Field(
            "status_from",
            "vocabulary",
            "Status before the update, if it changed.",
            "not_started",
            vocabulary=RECOMMENDATION_STATUSES,
        ),
        Field(
            "status_to",
            "vocabulary",
            "Status after the update, if it changed.",
            "in_progress",
            vocabulary=RECOMMENDATION_STATUSES,
        ),
        Field("progress_pct", "percent", "Progress reported with the update.", "40"),
        _published("update"),
    ),
)

RESEARCHERS = Register(
    name="researchers",
    title="Researchers",
    purpose=(
        "One row per peer or community researcher who agreed to be listed. It feeds the "
        "researcher directory."
    ),
    primary=dim_researchers,
    tables=(dim_researchers,),
    key=("researcher_id",),
    fields=(
        _id("researcher_id", "Your own identifier for the researcher.", "RES-001"),
        Field(
            "display_name",
            "text",
            "The name the researcher chose to show.",
            "Amina K.",
            required=True,
        ),
        Field("skills", "list", "Research skills.", "interviewing; data analysis"),
        Field("languages", "list", "Languages the researcher works in.", "English; Bengali"),
        Field("areas", "list", "Wards or areas the researcher knows well.", "E05000650"),
        Field(
            "training_completed",
            "list",
            "Training the researcher has completed.",
            "Research ethics; Qualitative interviewing",
        ),
        Field(
            "availability",
            "vocabulary",
            "Whether the researcher is free for new projects.",
            "available",
            vocabulary=AVAILABILITIES,
        ),
        Field(
            "consent",
            "vocabulary",
            "Who may see the researcher's contact details: everyone, partner organisations, or "
            "no one.",
            "partners",
            required=True,
            vocabulary=CONSENTS,
        ),
        Field(
            "contact_email",
            "email",
            "Contact email; stored only when consent is public or partners.",
            "amina@example.org",
        ),
        Field(
            "contact_phone",
            "text",
            "Contact phone; stored only when consent is public or partners.",
            "07700 900123",
        ),
    ),
    rules=(
        "With consent hidden, contact_email and contact_phone are dropped when the file is "
        "read: they are never stored, not even with a rejected row.",
    ),
)

TRAINING_EVENTS = Register(
    name="training_events",
    title="Training events",
    purpose=(
        "One row per training course or event for P&C researchers, policymakers, academics or "
        "community organisations."
    ),
    primary=fct_training_events,
    tables=(fct_training_events,),
    key=("event_id",),
    fields=(
        _id("event_id", "Your own identifier for the event.", "TRN-2025-007"),
        Field(
            "event_date",
            "date",
            "Date of the event (the first day, if several).",
            "2025-05-14",
            required=True,
        ),
        Field(
            "title",
            "text",
            "Name of the course or event.",
            "Introduction to peer research",
            required=True,
        ),
        Field(
            "audience",
            "vocabulary",
            "Who it was for.",
            "pc-researchers",
            required=True,
            vocabulary=AUDIENCES,
        ),
        Field("accredited", "bool", "yes if it led to an accredited award.", "yes", required=True),
        Field("attendees", "integer", "How many attended.", "12", required=True),
        Field("provider", "text", "Who delivered it.", "Local university"),
    ),
)

PAYMENTS = Register(
    name="payments",
    title="Payments to researchers (aggregated)",
    purpose=(
        "Totals of payments to P&C researchers per quarter, provider and method, to show how "
        "promptly and how people are paid. It is aggregate by design: a register of individual "
        "payments is refused."
    ),
    primary=fct_payments,
    tables=(fct_payments,),
    key=("period", "provider", "method"),
    fields=(
        Field("period", "quarter", "Calendar quarter the payments were made in.", "2025-Q2", True),
        Field(
            "provider",
            "text",
            "Organisation that paid the researchers.",
            "Community Research Collective",
            required=True,
        ),
        Field(
            "method",
            "vocabulary",
            "How they were paid.",
            "bank-transfer",
            required=True,
            vocabulary=PAYMENT_METHODS,
        ),
        Field("payments_count", "integer", "Number of payments made.", "23", required=True),
        Field("total_amount", "money", "Total paid, in pounds.", "2760.00", required=True),
        Field("currency", "currency", "Currency of the total.", "GBP", required=True),
        Field(
            "median_days_to_pay",
            "number",
            "Median days from claim or invoice to payment.",
            "9",
        ),
    ),
    rules=(
        "One row per period, provider and method.",
        "A file with columns that identify people (such as researcher_id, name or payee) is "
        "rejected whole: individual payments are never loaded.",
    ),
    refused_columns=frozenset(
        {
            "researcherid",
            "researcher",
            "researchername",
            "name",
            "fullname",
            "firstname",
            "surname",
            "lastname",
            "payee",
            "payeename",
            "payeeid",
            "recipient",
            "recipientname",
            "participant",
            "participantid",
            "participantname",
            "person",
            "email",
            "emailaddress",
            "phone",
            "address",
            "postcode",
            "dateofbirth",
            "nationalinsurancenumber",
            "ninumber",
            "bankaccount",
            "accountnumber",
            "sortcode",
        }
    ),
)

ADVICE_SERVICES = Register(
    name="advice_services",
    title="Benefits-advice services",
    purpose=(
        "One row per welfare-benefits advice service that P&C researchers can use, so that "
        "being paid for research does not put their benefits at risk."
    ),
    primary=dim_advice_services,
    tables=(dim_advice_services,),
    key=("service_id",),
    fields=(
        _id("service_id", "Your own identifier for the service.", "ADV-003"),
        Field("name", "text", "Name of the service.", "Welfare benefits advice line", True),
        Field("provider", "text", "Who runs it.", "Citizens Advice"),
        Field(
            "description",
            "text",
            "What it offers and to whom.",
            "Free, confidential advice on benefits and paid research.",
        ),
        Field("url", "url", "Web address.", "https://example.org/benefits-advice"),
        Field("phone", "text", "Public phone line.", "0800 000 0000"),
        Field("areas", "list", "Areas covered (ward codes or names).", "E05000650; E05000651"),
        Field(
            "specialist_pc_payments",
            "bool",
            "yes if it advises on research payments and benefits specifically.",
            "yes",
        ),
    ),
)

REGISTERS: tuple[Register, ...] = (
    PROJECTS,
    POLICY_DECISIONS,
    RECOMMENDATIONS,
    MILESTONES,
    RECOMMENDATION_UPDATES,
    RESEARCHERS,
    TRAINING_EVENTS,
    PAYMENTS,
    ADVICE_SERVICES,
)


def register_by_name(name: str) -> Register:
    """The register called ``name``."""
    return next(r for r in REGISTERS if r.name == name)
