"""The controlled vocabularies: every list of values a column may hold, once.

The register templates and their validation (``data_pipeline.registers``), the queries' filter
options and orderings, the editing forms and the paper review all read these tuples, so a value
added here is accepted by the loader, offered by the filters and shown in the forms at once.
Order matters where a tuple is a scale (participation, delivery confidence, pipeline stages):
lists and charts follow it. Who may do what is in ``warehouse.access``.
"""

from __future__ import annotations

# P&C research projects
PARTICIPATION_LEVELS = ("inform", "consult", "involve", "co-produce", "community-led")
PROJECT_STATUSES = ("planned", "ongoing", "completed")
ACTIVE_PROJECT_STATUSES = ("planned", "ongoing")  # not yet completed: the gap map's "(n)"

# Policy decisions citing research
INFLUENCE_TYPES = (
    "policy-citation",
    "strategy-or-plan",
    "commissioning-change",
    "service-change",
    "budget-allocation",
    "advisory-membership",
    "consultation-response",
    "practitioner-guidance",
)
REACHES = ("local", "regional", "national")

# The recommendations tracker
RECOMMENDATION_STATUSES = ("not_started", "in_progress", "achieved", "paused")
ACHIEVED = "achieved"
RAG_RATINGS = ("green", "amber_green", "amber", "amber_red", "red")
ON_TRACK_RAG_RATINGS = ("green", "amber_green")  # counted as "on track" in the headlines
RAG_LABELS = {
    "green": "Green",
    "amber_green": "Amber/green",
    "amber": "Amber",
    "amber_red": "Amber/red",
    "red": "Red",
}

# Researchers, training and payments
AVAILABILITIES = ("available", "limited", "unavailable")
CONSENTS = ("public", "partners", "hidden")
CONTACT_CONSENTS = ("public", "partners")  # consents under which contact details are kept
AUDIENCES = ("pc-researchers", "policymakers", "academics", "community-organisations")
PAYMENT_METHODS = ("bank-transfer", "voucher", "cash", "payroll", "other")

# Commissioning (OCDS stages, in the order a process moves through them)
COMMISSIONING_STAGES = ("planning", "tender", "award", "contract", "implementation")

# Money of the home organisations (the council, the NHS bodies, the HDRC)
HOME_ROLES = ("council", "nhs", "hdrc")
DIRECTIONS = ("received", "awarded")
