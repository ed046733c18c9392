"""Every warehouse table, defined once.

Conventions (see the design document):
- ``meta_`` load runs, source files, rejected rows and users; ``dim_`` entities; ``fct_`` events
  and amounts; ``bridge_`` many-to-many links; ``mart_`` pre-aggregated tables that pages read.
- Money is an integer number of pence in ``*_pence`` with ``currency`` beside it.
- Dates are ISO dates (``Date``); the UK financial year is text such as ``2024/25``.
- Every loaded row carries ``source_file_id`` and ``load_run_id`` and a ``row_hash`` of its
  content, so that a reload can tell unchanged rows from updated ones.
- Each table's natural key is its primary key or a unique constraint named ``uq_<table>_key``;
  loads upsert on it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _lineage() -> list[Column[object]]:
    """Columns every loaded row carries: where it came from, and a hash of its content."""
    return [
        Column(
            "source_file_id",
            Integer,
            ForeignKey("meta_source_files.source_file_id"),
            nullable=True,
            comment="The file this row was last changed by (meta_source_files)",
        ),
        Column(
            "load_run_id",
            Integer,
            ForeignKey("meta_load_runs.load_run_id"),
            nullable=True,
            comment="The load run that last inserted or changed this row",
        ),
        Column(
            "row_hash",
            String(32),
            nullable=False,
            comment="Hash of the row's content columns; equal hashes mean an unchanged row",
        ),
    ]


def _money(name: str, comment: str) -> Column[object]:
    return Column(f"{name}_pence", BigInteger, comment=f"{comment}, in pence")


# --------------------------------------------------------------------------------------------
# meta_: load runs, source files, rejected rows, users
# --------------------------------------------------------------------------------------------

meta_source_files = Table(
    "meta_source_files",
    metadata,
    Column("source_file_id", Integer, primary_key=True, comment="Surrogate key"),
    Column("sha256", String(64), nullable=False, unique=True, comment="SHA-256 of the file bytes"),
    Column("file_name", Text, nullable=False, comment="File name as given to the loader"),
    Column("detected_format", Text, nullable=False, comment="Format id, e.g. 360giving-csv"),
    Column("row_count", Integer, nullable=False, comment="Data rows read from the file"),
    Column("publisher", Text, comment="Publisher named in the file, or the funder/buyer/body"),
    Column("licence", Text, comment="Licence named in the file or its package metadata"),
    Column("first_loaded_at", DateTime(timezone=True), nullable=False, comment="First load (UTC)"),
    Column("last_loaded_at", DateTime(timezone=True), nullable=False, comment="Latest load (UTC)"),
    comment="Each distinct file (by content) that has been loaded",
)

meta_load_runs = Table(
    "meta_load_runs",
    metadata,
    Column("load_run_id", Integer, primary_key=True, comment="Surrogate key"),
    Column(
        "source_file_id",
        Integer,
        ForeignKey("meta_source_files.source_file_id"),
        comment="The file loaded (null when the file was rejected whole)",
    ),
    Column("file_name", Text, nullable=False, comment="File name as given to the loader"),
    Column("sha256", String(64), nullable=False, comment="SHA-256 of the file bytes"),
    Column("detected_format", Text, comment="Format id, or null if undetectable"),
    Column("started_at", DateTime(timezone=True), nullable=False, comment="Start of the run (UTC)"),
    Column("finished_at", DateTime(timezone=True), comment="End of the run (UTC)"),
    Column(
        "status",
        Text,
        nullable=False,
        comment="queued or running (an upload's background load), then loaded, partial, "
        "rejected, unchanged (the same file as an earlier run's, nothing written) or failed "
        "(the load stopped: the server restarted or it broke)",
    ),
    Column("stage", Text, comment="Where a queued or running load has got to, e.g. validating"),
    Column("fraction", Float, comment="How far a queued or running load has got, 0 to 1"),
    Column("worker", Text, comment="host:pid of the server process running a background load"),
    Column("rows_read", Integer, nullable=False, default=0, comment="Data rows read"),
    Column("rows_inserted", Integer, nullable=False, default=0, comment="New rows"),
    Column("rows_updated", Integer, nullable=False, default=0, comment="Changed rows"),
    Column("rows_unchanged", Integer, nullable=False, default=0, comment="Rows already identical"),
    Column("rows_rejected", Integer, nullable=False, default=0, comment="Rows kept as rejects"),
    Column("message", Text, comment="Why the file was rejected whole, if it was"),
    Column("amount_column", Text, comment="The file's column its amounts came from"),
    Column("pence_read", BigInteger, comment="Total of the amounts of every row read (pence)"),
    Column("pence_loaded", BigInteger, comment="Total of the amounts of the rows loaded"),
    Column("pence_rejected", BigInteger, comment="Total of the amounts of the rows rejected"),
    Column(
        "loader_fingerprint",
        String(64),
        comment="Hash of the loader's code, the configuration and the format asked for: the "
        "same file loaded again under the same fingerprint is unchanged",
    ),
    Column(
        "unchanged_since",
        Integer,
        comment="For an unchanged run, the load run that wrote what the file holds",
    ),
    comment="One row per attempt to load one file",
)

meta_load_warnings = Table(
    "meta_load_warnings",
    metadata,
    Column("load_warning_id", Integer, primary_key=True, comment="Surrogate key"),
    Column(
        "load_run_id",
        Integer,
        ForeignKey("meta_load_runs.load_run_id"),
        nullable=False,
        comment="The run that found it",
    ),
    Column("kind", Text, nullable=False, comment="repaired, blanked, missing-column, ..."),
    Column("field", Text, comment="Field (column title or JSON path) concerned, if one"),
    Column("message", Text, nullable=False, comment="What was found and done, in plain English"),
    Column("rows", Integer, nullable=False, comment="Rows it touched (0: the whole file)"),
    Column("examples", Text, comment="Up to five [row, value] pairs, as JSON"),
    Index("ix_meta_load_warnings_run", "load_run_id"),
    comment="What a load repaired, blanked or noticed without rejecting a row: the quality report",
)

meta_fetch_sources = Table(
    "meta_fetch_sources",
    metadata,
    Column("source_key", Text, primary_key=True, comment="registry:<identifier> or url:<name>"),
    Column("kind", Text, nullable=False, comment="registry (a 360Giving registry file) or url"),
    Column("title", Text, nullable=False, comment="The file's title, as its publisher gives it"),
    Column("url", Text, nullable=False, comment="The URL it is fetched from"),
    Column("publisher", Text, comment="Publisher's name, as the registry gives it"),
    Column("publisher_prefix", Text, comment="Publisher's 360Giving prefix, e.g. 360G-ABCT"),
    Column("licence", Text, comment="Licence URL or name, as the registry gives it"),
    Column("etag", Text, comment="ETag of the last download, for a conditional request"),
    Column("last_modified", Text, comment="Last-Modified of the last download, as served"),
    Column("sha256", String(64), comment="SHA-256 of the bytes last downloaded"),
    Column("last_fetch_at", DateTime(timezone=True), comment="Last fetch attempt (UTC)"),
    Column(
        "last_status",
        Text,
        comment="loaded, partial, unchanged, failed, rejected or skipped (with last_reason)",
    ),
    Column("last_reason", Text, comment="Why the last fetch failed or was skipped"),
    Column("last_ok_at", DateTime(timezone=True), comment="Last fetch that loaded or was current"),
    Column("load_run_id", Integer, comment="The load run that holds the source's data now"),
    Column("period_start", Date, comment="Earliest award or payment date of its data"),
    Column("period_end", Date, comment="Latest award or payment date of its data"),
    Column("rows_read", Integer, comment="Rows read from the file last loaded"),
    Column("rows_rejected", Integer, comment="Rows rejected from the file last loaded"),
    Column("pence_read", BigInteger, comment="Total of the amounts read from it (pence)"),
    Column(
        "next_run_at",
        DateTime(timezone=True),
        comment="When the schedule fetches it next: its last fetch plus [refresh] every_hours",
    ),
    comment="Every source the refresh fetches, with what it last got: the /data sources table",
)

meta_fetches = Table(
    "meta_fetches",
    metadata,
    Column("fetch_id", Integer, primary_key=True, comment="Surrogate key"),
    Column("source_key", Text, nullable=False, comment="The source fetched (meta_fetch_sources)"),
    Column("url", Text, nullable=False, comment="The URL requested"),
    Column("started_at", DateTime(timezone=True), nullable=False, comment="Request start (UTC)"),
    Column("seconds", Float, nullable=False, comment="Time the fetch took, retries included"),
    Column("http_status", Integer, comment="Last HTTP status (null: no answer)"),
    Column("bytes", BigInteger, nullable=False, comment="Bytes downloaded"),
    Column("attempts", Integer, nullable=False, comment="Requests made (retries included)"),
    Column("outcome", Text, nullable=False, comment="loaded, partial, unchanged, failed, ..."),
    Column("reason", Text, comment="Why it failed or was skipped"),
    Column("sha256", String(64), comment="SHA-256 of the bytes downloaded"),
    Column("load_run_id", Integer, comment="The load run it fed (meta_load_runs), if any"),
    Column("rows_read", Integer, comment="Grants read from the file"),
    Column("rows_elsewhere", Integer, comment="Grants read that reached outside the area"),
    Column("pence_elsewhere", BigInteger, comment="Total of those grants' amounts (pence)"),
    Column("placed_by", Text, comment="Grants kept by each area rule, as JSON"),
    Index("ix_meta_fetches_source", "source_key", "started_at"),
    comment="One row per fetch of a source: what was asked, what came back, what it fed",
)

meta_alerts = Table(
    "meta_alerts",
    metadata,
    Column("alert_id", Integer, primary_key=True, comment="Surrogate key"),
    Column("source_key", Text, nullable=False, comment="The source the incident is about"),
    Column("kind", Text, nullable=False, comment="failed, rejected, rejects-jump, total-jump"),
    Column("message", Text, nullable=False, comment="What was sent"),
    Column("opened_at", DateTime(timezone=True), nullable=False, comment="First seen (UTC)"),
    Column("closed_at", DateTime(timezone=True), comment="When the source was well again"),
    Column("sent_to", Text, comment="Where it was sent (email addresses, webhook), or why not"),
    Index("ix_meta_alerts_open", "source_key", "kind", "closed_at"),
    comment="Incidents the refresh alerted on: one alert each, however many runs see it",
)

meta_locks = Table(
    "meta_locks",
    metadata,
    Column("lock_name", String(64), primary_key=True, comment="What is locked, e.g. refresh"),
    Column("holder", Text, nullable=False, comment="host:pid of the holder"),
    Column("acquired_at", DateTime(timezone=True), nullable=False, comment="Taken at (UTC)"),
    Column("expires_at", DateTime(timezone=True), nullable=False, comment="Stale after (UTC)"),
    comment="Locks between processes (two refreshes never run at once), on any engine",
)

meta_rejected_rows = Table(
    "meta_rejected_rows",
    metadata,
    Column("rejected_row_id", Integer, primary_key=True, comment="Surrogate key"),
    Column(
        "load_run_id",
        Integer,
        ForeignKey("meta_load_runs.load_run_id"),
        nullable=False,
        comment="The run that rejected the row",
    ),
    Column("file_name", Text, nullable=False, comment="File the row came from"),
    Column("sha256", String(64), nullable=False, comment="SHA-256 of that file"),
    Column("row_number", Integer, comment="Row in the file (1 = header line for CSV/XLSX)"),
    Column("field", Text, comment="Field (column title or JSON path) at fault"),
    Column("reason", Text, nullable=False, comment="Why the row was rejected, in plain English"),
    Column("raw", Text, comment="The rejected row as JSON, for correction and reload"),
    Index("ix_meta_rejected_rows_sha256", "sha256"),
    comment="Rows that could not be loaded, with the reason; nothing is silently dropped",
)

meta_users = Table(
    "meta_users",
    metadata,
    Column("user_id", Integer, primary_key=True, comment="Surrogate key"),
    Column("email", Text, nullable=False, unique=True, comment="Sign-in name"),
    Column("display_name", Text, nullable=False, comment="Name shown in audit trails"),
    Column("password_hash", Text, nullable=False, comment="Salted password hash"),
    Column("role", Text, nullable=False, comment="lead, leadership or admin"),
    Column("workstreams", Text, comment="Workstream ids a lead may edit, ';'-separated"),
    Column("is_active", Boolean, nullable=False, default=True, comment="False once disabled"),
    Column("created_at", DateTime(timezone=True), nullable=False, comment="When created (UTC)"),
    comment="Local accounts of staff who sign in",
)

meta_audit_log = Table(
    "meta_audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True, comment="Surrogate key, in order of change"),
    Column("changed_at", DateTime(timezone=True), nullable=False, comment="When (UTC)"),
    Column(
        "user_id",
        Integer,
        ForeignKey("meta_users.user_id"),
        nullable=False,
        comment="Who made the change",
    ),
    Column("action", Text, nullable=False, comment="e.g. update.posted, milestone.edited"),
    Column("entity", Text, nullable=False, comment="Table changed, e.g. fct_milestones"),
    Column("entity_id", Text, nullable=False, comment="Key of the record changed"),
    Column("recommendation_id", Text, comment="Recommendation concerned, if any"),
    Column("detail", Text, comment="What changed, as JSON: field -> [before, after]"),
    Index("ix_meta_audit_log_recommendation_id", "recommendation_id"),
    comment="Append-only trail of every change made on the site: who, what and when",
)

meta_snapshots = Table(
    "meta_snapshots",
    metadata,
    Column("snapshot_id", Text, primary_key=True, comment="Stable slug used in its URL"),
    Column("name", Text, nullable=False, comment="Name, e.g. Health & Wellbeing Board"),
    Column("as_of", Date, nullable=False, comment="Date the snapshot stands for"),
    Column("created_at", DateTime(timezone=True), nullable=False, comment="When frozen (UTC)"),
    Column(
        "user_id",
        Integer,
        ForeignKey("meta_users.user_id"),
        nullable=False,
        comment="Who froze it",
    ),
    Column("figures", Text, nullable=False, comment="The frozen figures, as JSON; never changed"),
    comment="Board snapshots: read-only copies of published figures, citable by URL",
)

# --------------------------------------------------------------------------------------------
# dim_: entities
# --------------------------------------------------------------------------------------------

dim_organisations = Table(
    "dim_organisations",
    metadata,
    Column("org_id", Text, primary_key=True, comment="org-id.guide identifier"),
    Column("name", Text, nullable=False, comment="Name as last published"),
    Column("org_type", Text, nullable=False, comment="council, nhs, charity, company, ..."),
    Column("is_home", Boolean, nullable=False, comment="A configured home organisation"),
    Column("home_role", Text, comment="council, nhs or hdrc for home organisations"),
    Column("charity_number", Text, comment="Charity Commission number"),
    Column("company_number", Text, comment="Companies House number"),
    Column("postal_code", Text, comment="Postcode"),
    *_lineage(),
    comment="Funders, recipients, buyers, suppliers and spend bodies",
)

dim_areas = Table(
    "dim_areas",
    metadata,
    Column("area_code", Text, primary_key=True, comment="ONS 9-character code"),
    Column("area_name", Text, comment="Area name"),
    Column("area_type", Text, nullable=False, comment="LSOA, MSOA, WD, LAD, ... from prefix"),
    Column("code_vintage", Text, comment="Boundary vintage, e.g. LSOA2011, WD2023"),
    Column("parent_code", Text, comment="Containing ward or district code, if known"),
    Column("population", Integer, comment="Population used for weighting, if known"),
    *_lineage(),
    comment="Small areas, wards and districts with their code vintage",
)

dim_topics = Table(
    "dim_topics",
    metadata,
    Column("topic_id", Text, primary_key=True, comment="Slug of the topic label"),
    Column("label", Text, nullable=False, comment="Topic label as written in the registers"),
    *_lineage(),
    comment="Research topics used by projects",
)

dim_workstreams = Table(
    "dim_workstreams",
    metadata,
    Column("workstream_id", Text, primary_key=True, comment="e.g. WS1"),
    Column("number", Integer, nullable=False, comment="Workstream number"),
    Column("name", Text, nullable=False, comment="Workstream name"),
    *_lineage(),
    comment="The HDRC workstreams",
)

dim_recommendations = Table(
    "dim_recommendations",
    metadata,
    Column("recommendation_id", Text, primary_key=True, comment="e.g. R01"),
    Column(
        "workstream_id",
        Text,
        nullable=False,
        comment="Workstream the recommendation sits under",
    ),
    Column("text", Text, nullable=False, comment="Recommendation, word for word"),
    Column("owner", Text, comment="Accountable owner"),
    Column("status", Text, nullable=False, comment="not_started, in_progress, achieved, ..."),
    Column("rag", Text, comment="green, amber_green, amber, amber_red or red"),
    Column("progress_pct", Integer, comment="Progress, 0 to 100"),
    Column(
        "version",
        Integer,
        nullable=False,
        default=1,
        server_default="1",
        comment="Edit counter: a change names the version it read, so none is lost",
    ),
    *_lineage(),
    comment="The recommendations of the source report",
)

dim_projects = Table(
    "dim_projects",
    metadata,
    Column("project_id", Text, primary_key=True, comment="Register id"),
    Column("title", Text, nullable=False, comment="Project title"),
    Column("lay_summary", Text, comment="Plain-English summary"),
    Column("methodology", Text, comment="How the research was done; null when not described"),
    Column("methods", Text, comment="Methods, ';'-separated (survey, interviews, ...)"),
    Column("participation_level", Text, comment="inform, consult, involve, co-produce, ..."),
    Column("provider_org_id", Text, comment="Provider organisation id"),
    Column("provider_name", Text, comment="Provider organisation name"),
    Column("status", Text, nullable=False, comment="planned, ongoing or completed"),
    Column("start_date", Date, comment="Start"),
    Column("end_date", Date, comment="End (planned or actual)"),
    Column("financial_year", String(7), comment="UK financial year of the start"),
    _money("budget", "Budget"),
    Column("currency", Text, comment="ISO 4217 currency of the budget"),
    Column("findings", Text, comment="Key findings"),
    Column("is_published", Boolean, nullable=False, comment="Shown to the public when true"),
    *_lineage(),
    comment="P&C research projects (register)",
)

dim_researchers = Table(
    "dim_researchers",
    metadata,
    Column("researcher_id", Text, primary_key=True, comment="Register id"),
    Column("display_name", Text, nullable=False, comment="Name the researcher chose to show"),
    Column("skills", Text, comment="Skills, ';'-separated"),
    Column("languages", Text, comment="Languages, ';'-separated"),
    Column("areas", Text, comment="Ward or area codes or names, ';'-separated"),
    Column("training_completed", Text, comment="Training completed, ';'-separated"),
    Column("availability", Text, comment="available, limited or unavailable"),
    Column("consent", Text, nullable=False, comment="public, partners or hidden"),
    Column("contact_email", Text, comment="Only stored with public or partners consent"),
    Column("contact_phone", Text, comment="Only stored with public or partners consent"),
    *_lineage(),
    comment="P&C researchers (register); contact details kept only with consent",
)

dim_advice_services = Table(
    "dim_advice_services",
    metadata,
    Column("service_id", Text, primary_key=True, comment="Register id"),
    Column("name", Text, nullable=False, comment="Service name"),
    Column("provider", Text, comment="Who runs it"),
    Column("description", Text, comment="What it offers"),
    Column("url", Text, comment="Web address"),
    Column("phone", Text, comment="Public phone line"),
    Column("areas", Text, comment="Areas covered, ';'-separated"),
    Column("specialist_pc_payments", Boolean, comment="Advises on research payments and benefits"),
    *_lineage(),
    comment="Welfare-benefits advice services for P&C researchers (register)",
)

# --------------------------------------------------------------------------------------------
# fct_: events and amounts
# --------------------------------------------------------------------------------------------

fct_grants = Table(
    "fct_grants",
    metadata,
    Column("grant_id", Text, primary_key=True, comment="360Giving grant identifier"),
    Column(
        "published_id",
        Text,
        comment="The id as published; grant_id adds ~2, ~3 ... to the later lines of a "
        "repeated id whose lines differ",
    ),
    Column("title", Text, nullable=False, comment="Grant title"),
    Column("description", Text, comment="Grant description"),
    Column("currency", Text, nullable=False, comment="ISO 4217 currency"),
    _money("amount_awarded", "Amount awarded"),
    _money("amount_applied_for", "Amount applied for"),
    _money("amount_disbursed", "Amount disbursed"),
    Column("award_date", Date, nullable=False, comment="Award date"),
    Column("financial_year", String(7), nullable=False, comment="UK financial year of award"),
    Column("planned_start_date", Date, comment="Planned start"),
    Column("planned_end_date", Date, comment="Planned end"),
    Column("duration_months", Float, comment="Planned duration in months"),
    Column("funder_org_id", Text, nullable=False, comment="Funding org-id"),
    Column("funder_name", Text, comment="Funding organisation name"),
    Column("funder_department", Text, comment="Funding department"),
    Column("recipient_org_id", Text, comment="Recipient org-id (null for individuals)"),
    Column("recipient_name", Text, comment="Recipient name (anonymised for individuals)"),
    Column("recipient_is_individual", Boolean, nullable=False, comment="Grant to an individual"),
    Column("recipient_type", Text, comment="charity, company, council, nhs, individual..."),
    Column("recipient_postal_code", Text, comment="Recipient postcode"),
    Column("beneficiary_geo_code", Text, comment="First beneficiary location ONS code"),
    Column("beneficiary_geo_type", Text, comment="Its type, derived from the code prefix"),
    Column("beneficiary_name", Text, comment="First beneficiary location name"),
    Column("programme_code", Text, comment="Grant programme code"),
    Column("programme_title", Text, comment="Grant programme title"),
    Column("funding_type", Text, comment="Funding type title(s), ';'-separated"),
    Column("classifications", Text, comment="vocabulary:code pairs, ';'-separated"),
    Column("route", Text, nullable=False, comment="grant, participatory, pooled, ..."),
    Column("from_open_call", Text, comment="Yes or No"),
    Column("direction", Text, nullable=False, comment="awarded, received or external"),
    Column("home_org_id", Text, comment="The home organisation on this grant, if any"),
    Column("is_pc_research", Boolean, nullable=False, comment="A P&C research grant"),
    Column("date_modified", DateTime(timezone=True), comment="Publisher's last modified"),
    Column("data_source", Text, comment="Publisher's data source URL"),
    *_lineage(),
    Index("ix_fct_grants_financial_year", "financial_year"),
    # Which files hold each funder's grants by year (the funding charts' publishers) is read
    # from this index alone, in its order: at a million grants 0.2 s, against 1.5-3 s through
    # a funder-only index (one table lookup a grant, then a sort). It serves a funder filter
    # as that index did.
    Index(
        "ix_fct_grants_funder_files",
        "funder_org_id",
        "financial_year",
        "source_file_id",
        "currency",
    ),
    Index("ix_fct_grants_direction_fy", "direction", "financial_year"),
    # The grants table pages through grants by these orders (grant_id breaks ties).
    Index("ix_fct_grants_award_date", "award_date", "grant_id"),
    Index("ix_fct_grants_amount", "amount_awarded_pence", "grant_id"),
    comment="Grants from 360Giving files: received and awarded",
)

fct_commissions = Table(
    "fct_commissions",
    metadata,
    Column("ocid", Text, nullable=False, comment="OCDS contracting process id"),
    Column("award_id", Text, nullable=False, comment="Award id; '' before an award"),
    Column("release_id", Text, comment="Release the row was read from"),
    Column("release_date", DateTime(timezone=True), comment="Date of that release"),
    Column("stage", Text, nullable=False, comment="planning, tender, award, contract, ..."),
    Column("buyer_org_id", Text, comment="Buyer org-id"),
    Column("buyer_name", Text, comment="Buyer name"),
    Column("title", Text, comment="Tender title"),
    Column("description", Text, comment="Tender description"),
    Column("tender_status", Text, comment="OCDS tender status"),
    Column("procurement_method", Text, comment="open, selective, limited or direct"),
    Column("procurement_method_details", Text, comment="Publisher's method detail"),
    Column("main_category", Text, comment="goods, works or services"),
    Column("cpv_code", Text, comment="Main CPV code"),
    Column("cpv_description", Text, comment="Main CPV description"),
    Column("is_research", Boolean, nullable=False, comment="Research or evaluation by CPV"),
    Column("route", Text, nullable=False, comment="grant, contract, participatory, ..."),
    Column("has_collaboration_condition", Boolean, nullable=False, comment="Collaborative terms"),
    Column("tender_start_date", Date, comment="Call opened"),
    Column("tender_end_date", Date, comment="Call closed"),
    _money("tender_value", "Tender value"),
    Column("award_status", Text, comment="OCDS award status"),
    Column("award_date", Date, comment="Award date"),
    Column("financial_year", String(7), comment="UK financial year of award or tender"),
    _money("award_value", "Award value"),
    Column("currency", Text, comment="ISO 4217 currency"),
    Column("supplier_org_ids", Text, comment="Supplier ids, ';'-separated"),
    Column("supplier_names", Text, comment="Supplier names, ';'-separated"),
    Column("contract_id", Text, comment="Contract id, if contracted"),
    Column("contract_status", Text, comment="OCDS contract status"),
    Column("contract_start_date", Date, comment="Contract start"),
    Column("contract_end_date", Date, comment="Contract end"),
    Column("sme_suitable", Boolean, comment="Tender marked suitable for SMEs"),
    Column("vcse_suitable", Boolean, comment="Tender marked suitable for VCSEs"),
    *_lineage(),
    UniqueConstraint("ocid", "award_id", name="uq_fct_commissions_key"),
    comment="Commissioning processes from OCDS (compiled state), one row per award",
)

fct_spend = Table(
    "fct_spend",
    metadata,
    Column("body_key", Text, nullable=False, comment="Spending body, normalised"),
    Column("transaction_id", Text, nullable=False, comment="Transaction number"),
    Column("line_no", Integer, nullable=False, comment="Line within the transaction"),
    Column("body_name", Text, comment="Spending body name as published"),
    Column("payment_date", Date, nullable=False, comment="Payment (or period end) date"),
    Column("financial_year", String(7), nullable=False, comment="UK financial year"),
    Column("org_unit", Text, comment="Department or service area"),
    Column("expense_type", Text, comment="Merchant or expenditure category"),
    Column("purpose", Text, comment="Purpose of spend"),
    Column("supplier_name", Text, comment="Beneficiary; null when redacted"),
    Column("supplier_is_redacted", Boolean, nullable=False, comment="Supplier redacted"),
    Column("supplier_ref", Text, comment="Supplier reference"),
    Column("supplier_company_number", Text, comment="Companies House number"),
    Column("supplier_charity_number", Text, comment="Charity number"),
    _money("amount", "Net amount (negative for credits)"),
    _money("irrecoverable_vat", "Irrecoverable VAT"),
    Column("currency", Text, nullable=False, comment="Always GBP"),
    Column("capital_revenue", Text, comment="Capital or revenue"),
    Column("is_vcse", Boolean, comment="Voluntary, community or social enterprise supplier"),
    *_lineage(),
    UniqueConstraint("body_key", "transaction_id", "line_no", name="uq_fct_spend_key"),
    comment="Council spend over £500 (Transparency Code)",
)

fct_area_indicators = Table(
    "fct_area_indicators",
    metadata,
    Column("indicator_key", Text, nullable=False, comment="e.g. imd2019.imd, ft.93239"),
    Column("indicator_name", Text, nullable=False, comment="Indicator name"),
    Column("edition", Text, nullable=False, comment="IoD2019, IoD2025, Fingertips, ..."),
    Column("area_code", Text, nullable=False, comment="ONS area code"),
    Column("area_type", Text, nullable=False, comment="LSOA, WD, LAD, ..."),
    Column("code_vintage", Text, comment="Boundary vintage of the code"),
    Column("period", Text, nullable=False, comment="Time period as published"),
    Column("measure", Text, nullable=False, comment="score, rank, decile, value, count"),
    Column("category", Text, nullable=False, comment="Breakdown; '' for the headline"),
    Column("value", Float, comment="The value"),
    Column("unit", Text, comment="Unit or measure description"),
    Column("compared_to_england", Text, comment="Better, Similar, Worse, ..."),
    *_lineage(),
    UniqueConstraint(
        "indicator_key",
        "area_code",
        "period",
        "measure",
        "category",
        name="uq_fct_area_indicators_key",
    ),
    Index("ix_fct_area_indicators_area_code", "area_code"),
    comment="Need indicators by area: deprivation, Fingertips and census",
)

fct_project_outputs = Table(
    "fct_project_outputs",
    metadata,
    Column("project_id", Text, nullable=False, comment="Project"),
    Column("output_no", Integer, nullable=False, comment="Order within the project"),
    Column("title", Text, nullable=False, comment="Output title"),
    Column("url", Text, comment="Where it can be read"),
    Column("output_type", Text, comment="report, summary, video, ..."),
    *_lineage(),
    UniqueConstraint("project_id", "output_no", name="uq_fct_project_outputs_key"),
    comment="Outputs and documents of research projects",
)

fct_policy_decisions = Table(
    "fct_policy_decisions",
    metadata,
    Column("decision_id", Text, primary_key=True, comment="Register id"),
    Column("title", Text, nullable=False, comment="Decision title"),
    Column("decision_body", Text, nullable=False, comment="Cabinet, Board, ..."),
    Column("decision_date", Date, nullable=False, comment="Date of the decision"),
    Column("financial_year", String(7), nullable=False, comment="UK financial year"),
    Column("document_url", Text, comment="Decision document"),
    Column("influence_type", Text, nullable=False, comment="Fixed vocabulary"),
    Column("reach", Text, nullable=False, comment="local, regional or national"),
    Column("is_published", Boolean, nullable=False, comment="Shown to the public when true"),
    *_lineage(),
    comment="Policy decisions informed by P&C research (register)",
)

fct_policy_citations = Table(
    "fct_policy_citations",
    metadata,
    Column("decision_id", Text, nullable=False, comment="Decision"),
    Column("project_id", Text, nullable=False, comment="Project cited"),
    Column("snippet", Text, comment="The citing text"),
    Column("page", Text, comment="Page of the decision document"),
    *_lineage(),
    UniqueConstraint("decision_id", "project_id", name="uq_fct_policy_citations_key"),
    comment="Which projects each decision cites, with the citing context",
)

dim_decision_papers = Table(
    "dim_decision_papers",
    metadata,
    Column("paper_id", Integer, primary_key=True, comment="Surrogate key"),
    Column(
        "location",
        Text,
        nullable=False,
        unique=True,
        comment="Natural key: the document's URL, else its path as read",
    ),
    Column("source", Text, nullable=False, comment="folder or moderngov"),
    Column("committee", Text, comment="Committee or board that met"),
    Column("meeting_date", Date, comment="Date of the meeting"),
    Column("title", Text, nullable=False, comment="Document title"),
    Column("url", Text, comment="Where the public can read it"),
    Column("file_name", Text, comment="File name as read"),
    Column("doc_format", Text, nullable=False, comment="pdf, html or docx"),
    Column("sha256", String(64), nullable=False, comment="SHA-256 of the bytes read"),
    Column("page_count", Integer, nullable=False, comment="Pages with text (0 when unreadable)"),
    Column("unreadable_reason", Text, comment="Why no text could be read; null when readable"),
    Column("first_read_at", DateTime(timezone=True), nullable=False, comment="First read (UTC)"),
    Column("last_read_at", DateTime(timezone=True), nullable=False, comment="Latest read (UTC)"),
    comment="Council and NHS committee papers (agendas, reports, minutes) read for research use",
)

fct_paper_pages = Table(
    "fct_paper_pages",
    metadata,
    Column("paper_id", Integer, primary_key=True, comment="Paper (dim_decision_papers)"),
    Column("page_no", Integer, primary_key=True, comment="Page, from 1"),
    Column("text", Text, nullable=False, comment="The page's text as extracted"),
    comment="The text of each page of each decision paper",
)

fct_paper_mentions = Table(
    "fct_paper_mentions",
    metadata,
    Column("mention_id", Integer, primary_key=True, comment="Surrogate key"),
    Column("paper_id", Integer, nullable=False, comment="Paper (dim_decision_papers)"),
    Column("target_kind", Text, nullable=False, comment="project, output or organisation"),
    Column("target_id", Text, nullable=False, comment="Project id, project#output or org key"),
    Column("target_label", Text, nullable=False, comment="Title or name of what is mentioned"),
    Column("project_id", Text, comment="Project a confirmed mention cites"),
    Column("match_kind", Text, nullable=False, comment="id, title, near-title or acronym"),
    Column("matched_text", Text, nullable=False, comment="The words that matched"),
    Column("score", Float, nullable=False, comment="Confidence, 0 to 1"),
    Column("page", Integer, nullable=False, comment="Page of the best mention"),
    Column("snippet", Text, nullable=False, comment="The citing text around it"),
    Column("status", Text, nullable=False, comment="pending, confirmed or dismissed"),
    Column("reviewed_by", Integer, ForeignKey("meta_users.user_id"), comment="Reviewer"),
    Column("reviewed_at", DateTime(timezone=True), comment="When reviewed (UTC)"),
    Column("decision_id", Text, comment="Policy decision made from it when confirmed"),
    UniqueConstraint("paper_id", "target_kind", "target_id", name="uq_fct_paper_mentions_key"),
    Index("ix_fct_paper_mentions_status", "status"),
    comment="Candidate mentions of research in decision papers, and their review; never public",
)

fct_milestones = Table(
    "fct_milestones",
    metadata,
    Column("milestone_id", Text, primary_key=True, comment="Register id"),
    Column("recommendation_id", Text, nullable=False, comment="Recommendation"),
    Column("title", Text, nullable=False, comment="Milestone"),
    Column("due_date", Date, comment="Due"),
    Column("done_date", Date, comment="Met on; null while open"),
    Column(
        "version",
        Integer,
        nullable=False,
        default=1,
        server_default="1",
        comment="Edit counter: a change names the version it read, so none is lost",
    ),
    *_lineage(),
    comment="Milestones of recommendations",
)

fct_recommendation_updates = Table(
    "fct_recommendation_updates",
    metadata,
    Column("update_id", Text, primary_key=True, comment="Register id"),
    Column("recommendation_id", Text, nullable=False, comment="Recommendation"),
    Column("update_date", Date, nullable=False, comment="Date of the update"),
    Column("author", Text, nullable=False, comment="Who wrote it"),
    Column("note", Text, nullable=False, comment="What happened"),
    Column("evidence_url", Text, comment="Evidence link"),
    Column("status_from", Text, comment="Status before, if it changed"),
    Column("status_to", Text, comment="Status after, if it changed"),
    Column("rag_from", Text, comment="Delivery confidence before, if it changed"),
    Column("rag_to", Text, comment="Delivery confidence after (green ... red), if it changed"),
    Column("progress_pct", Integer, comment="Progress reported, 0 to 100"),
    Column("milestone_id", Text, comment="Milestone this update reports as met, if any"),
    Column(
        "user_id",
        Integer,
        ForeignKey("meta_users.user_id"),
        comment="Signed-in author; null for updates loaded from the register",
    ),
    Column("created_at", DateTime(timezone=True), comment="When saved on the site (UTC)"),
    Column("is_published", Boolean, nullable=False, comment="Shown to the public when true"),
    *_lineage(),
    comment="Append-only history of recommendation updates",
)

fct_training_events = Table(
    "fct_training_events",
    metadata,
    Column("event_id", Text, primary_key=True, comment="Register id"),
    Column("event_date", Date, nullable=False, comment="Date"),
    Column("financial_year", String(7), nullable=False, comment="UK financial year"),
    Column("title", Text, nullable=False, comment="Course or event"),
    Column("audience", Text, nullable=False, comment="Who it was for"),
    Column("is_accredited", Boolean, nullable=False, comment="Accredited training"),
    Column("attendees", Integer, nullable=False, comment="Number who attended"),
    Column("provider", Text, comment="Who delivered it"),
    *_lineage(),
    comment="Training for P&C researchers, policymakers, academics and community groups",
)

fct_payments = Table(
    "fct_payments",
    metadata,
    Column("period", Text, nullable=False, comment="Quarter, e.g. 2024-Q3"),
    Column("provider", Text, nullable=False, comment="Who paid the researchers"),
    Column("method", Text, nullable=False, comment="bank transfer, voucher, cash, ..."),
    Column("payments_count", Integer, nullable=False, comment="Payments made"),
    _money("total", "Total paid"),
    Column("currency", Text, nullable=False, comment="ISO 4217 currency"),
    Column("median_days_to_pay", Float, comment="Median days from invoice to payment"),
    *_lineage(),
    UniqueConstraint("period", "provider", "method", name="uq_fct_payments_key"),
    comment="Payments to P&C researchers, aggregated; never individuals",
)

# --------------------------------------------------------------------------------------------
# bridge_: many-to-many links
# --------------------------------------------------------------------------------------------


def _bridge(name: str, left: str, right: str, comment: str) -> Table:
    return Table(
        name,
        metadata,
        Column(left, Text, primary_key=True, comment=f"{left} of the link"),
        Column(right, Text, primary_key=True, comment=f"{right} of the link"),
        *_lineage(),
        comment=comment,
    )


bridge_project_topics = _bridge("bridge_project_topics", "project_id", "topic_id", "Topics")
bridge_project_areas = _bridge(
    "bridge_project_areas", "project_id", "area_code", "Wards or areas a project covers"
)
bridge_project_populations = _bridge(
    "bridge_project_populations", "project_id", "population", "Population groups a project covers"
)
bridge_project_grants = _bridge(
    "bridge_project_grants", "project_id", "grant_id", "Grants that fund a project"
)
bridge_project_commissions = _bridge(
    "bridge_project_commissions", "project_id", "ocid", "Commissioning processes of a project"
)
bridge_project_recommendations = _bridge(
    "bridge_project_recommendations",
    "project_id",
    "recommendation_id",
    "Recommendations a project helps deliver",
)
bridge_project_researchers = _bridge(
    "bridge_project_researchers", "project_id", "researcher_id", "Researchers on a project"
)

# --------------------------------------------------------------------------------------------
# mart_: pre-aggregated tables, rebuilt at the end of each load
# --------------------------------------------------------------------------------------------

mart_grants_by_year = Table(
    "mart_grants_by_year",
    metadata,
    Column("financial_year", String(7), primary_key=True, comment="UK financial year"),
    Column("direction", Text, primary_key=True, comment="awarded, received or external"),
    Column("funder_org_id", Text, primary_key=True, comment="Funder"),
    Column("route", Text, primary_key=True, comment="Commissioning route"),
    Column("is_pc_research", Boolean, primary_key=True, comment="P&C research grants"),
    Column("currency", Text, primary_key=True, comment="ISO 4217 currency"),
    Column(
        "home_org_id", Text, primary_key=True, comment="Home organisation on the grants; '' if none"
    ),
    Column("grants_count", Integer, nullable=False, comment="Grants"),
    _money("amount_awarded", "Sum of amounts awarded"),
    comment="Grants counted and summed by year, direction, funder, route and home organisation",
)


def _grant_facets() -> list[Column[object]]:
    """The grant columns the funding page filters and groups by (nullable, as in fct_grants)."""
    return [
        Column("financial_year", String(7), nullable=False, comment="UK financial year"),
        Column("direction", Text, nullable=False, comment="awarded, received or external"),
        Column("funder_org_id", Text, nullable=False, comment="Funder"),
        Column("programme_title", Text, comment="Grant programme title"),
        Column("recipient_type", Text, comment="charity, company, council, nhs, individual..."),
        Column("beneficiary_geo_code", Text, comment="First beneficiary location ONS code"),
        Column("route", Text, nullable=False, comment="Commissioning route"),
        Column("is_pc_research", Boolean, nullable=False, comment="P&C research grants"),
        Column("currency", Text, nullable=False, comment="ISO 4217 currency"),
    ]


mart_grants_by_recipient = Table(
    "mart_grants_by_recipient",
    metadata,
    *_grant_facets(),
    Column("recipient_org_id", Text, comment="Recipient org-id (null for individuals)"),
    Column("recipient_name", Text, comment="Recipient name as last published"),
    Column("grants_count", Integer, nullable=False, comment="Grants"),
    _money("amount_awarded", "Sum of amounts awarded"),
    comment="Grants counted and summed by every funding-page filter and the recipient",
)

mart_grants_by_facet = Table(
    "mart_grants_by_facet",
    metadata,
    *_grant_facets(),
    Column("grants_count", Integer, nullable=False, comment="Grants"),
    _money("amount_awarded", "Sum of amounts awarded"),
    comment="Grants counted and summed by every funding-page filter (no recipient)",
)

mart_ward_need = Table(
    "mart_ward_need",
    metadata,
    Column("ward_code", String(20), primary_key=True, comment="Ward (parent_code of its LSOAs)"),
    Column("indicator_key", String(120), primary_key=True, comment="IoD indicator, e.g. iod.imd"),
    Column("period", String(40), primary_key=True, comment="IoD edition, e.g. IoD2019"),
    Column("score", Float, nullable=False, comment="Population-weighted mean of LSOA scores"),
    Column("population", BigInteger, nullable=False, comment="Population of the LSOAs weighted"),
    Column("lsoa_count", Integer, nullable=False, comment="LSOAs with a score and a population"),
    comment="IoD scores of wards: population-weighted means of their LSOAs' scores (MHCLG method)",
)


# Every table whose rows come from source files: loaders upsert into these.
def loaded_tables() -> list[Table]:
    """Tables that carry lineage columns, in dependency order."""
    return [t for t in metadata.sorted_tables if "row_hash" in t.c]
