"""Column titles councils use in spend-over-£500 files, mapped to one canonical field each.

The Transparency Code prescribes no column names, so every publisher differs. Titles are matched
on a normalised key (``header_key``): case-folded, byte-order marks (real or double-encoded)
removed, and everything except ASCII letters and digits dropped, so ``Payment Date``,
``PaymentDate`` and ``payment_date`` are the same key, and so are ``Amount (£)``, ``Amount ()``
(a ``£`` lost to encoding) and ``AMOUNT()``.

Within a field, titles are listed in order of preference: when a file has more than one column
for a field, the first listed one that holds any value is used (Calderdale's "Extended
Description" is empty, so its "Purpose of Spend (Summary)" is used instead).

A file with both a net and a gross amount (Salford's ``Gross``, ``VAT``, ``Net``) is loaded
on its net amount, as the Transparency Code asks: net titles rank first under ``amount``, and
gross and VAT titles are fields of their own.

Sources: every header of the saved real files, the LGA "Spend" schema and ODI Leeds' alias map
(``odileeds/council-spending-data`` ``*/index.json``), typos included. Where ODI Leeds files a
classification under "Organisational Unit" (Procurement Classification, Proclass Description,
Category Family, Expenditure Account) it is filed here under ``expense_type``, which is what
those columns describe.
"""

from __future__ import annotations

import re

# Fields that are loaded into fct_spend (directly or to derive a column).
BODY_NAME = "body_name"
BODY_ID = "body_id"
PAYMENT_DATE = "payment_date"
PERIOD_END = "period_end"
ORG_UNIT = "org_unit"
EXPENSE_TYPE = "expense_type"
PURPOSE = "purpose"
SUPPLIER_NAME = "supplier_name"
SUPPLIER_REF = "supplier_ref"
COMPANY_NUMBER = "supplier_company_number"
CHARITY_NUMBER = "supplier_charity_number"
TRANSACTION_ID = "transaction_id"
LINE_NO = "line_no"
AMOUNT = "amount"
# A gross amount is loaded only when a file has no net (or plain) amount; VAT never is.
GROSS_AMOUNT = "gross_amount"
VAT_AMOUNT = "vat_amount"
IRRECOVERABLE_VAT = "irrecoverable_vat"
CAPITAL_REVENUE = "capital_revenue"
VCSE = "is_vcse"

# Fields that are recognised (so the map covers every header) but have no fct_spend column.
VAT_NUMBER = "supplier_vat_number"
SERVICE_DETAIL = "service_detail"
EXPENSE_CODE = "expense_code"
COST_CENTRE = "cost_centre"
PROCUREMENT_CARD = "procurement_card"
SOURCE_SYSTEM = "source_system"

NOT_LOADED = frozenset(
    {
        VAT_NUMBER,
        SERVICE_DETAIL,
        EXPENSE_CODE,
        COST_CENTRE,
        PROCUREMENT_CARD,
        SOURCE_SYSTEM,
        VAT_AMOUNT,
    }
)

ALIASES: dict[str, tuple[str, ...]] = {
    BODY_NAME: (
        "Body Name",
        "OrganisationLabel",
        "Organisation Label",
        "Organisation Name",
        "Organisation",
        "Local Authority",
        "Authority Name",
    ),
    BODY_ID: (
        "OrganisationURI",
        "Organisation URI",
        "Body URI",
        "Body",
        "Organisation Code",
        "OrganisationCode",
        "Body Code",
    ),
    PAYMENT_DATE: (
        "Payment Date",
        "Invoice Payment Date",
        "Date Paid",
        "Paid Date",
        "Date of Payment",
        "Pay date",
        "Transaction Date",
        "Date",
        "Clearing Date",
        "GL Date",
        "Invoice GL Date",
        "Certified Date",
        "payment_date",
        "Updated",
    ),
    PERIOD_END: (
        "EffectiveDate",
        "Effective Date",
        "Period",
        "Period End",
        "Period Ending",
    ),
    ORG_UNIT: (
        "OrganisationalUnit",
        "Organisational Unit",
        "Directorate / Service Where Expenditure Incurred",
        "Department/service where expenditure occurred",
        "Service Area",
        "Service Label",
        "Service Label(T)",
        "Expense Area",
        "Directorate",
        "Directotate",
        "Department",
        "Service",
        "Portfolio",
        "Nstrg(T)",
        "Strategic Group",
        "Strgrp(T)",
        "Strgrpcc(T)",
        "Business Unit Description",
        "Entity",
        "Service Category Label",
        "org_short_name",
    ),
    EXPENSE_TYPE: (
        "Expenses Type",
        "Expense Type",
        "Expenditure Type",
        "Expenditure Category",
        "ProclassLabel",
        "Proclass Label",
        "Proclass Description",
        "Procurement Classification",
        "Procurement Classification: Council's Procurement Category Name",
        "Procurement Category",
        "Merchant Category",
        "SeRCOP Expenditure Category",
        "Category Internal Name",
        "Category Family",
        "Expenditure Account Code Description",
        "Expenditure Account",
        "Cipfsubj(T)",
        "Proclass",
        "G/L Description",
        "GL Description",
        "G/L descript",
        "G/L Descripition",
        "Account",
    ),
    PURPOSE: (
        "Purpose",
        "Purpose of Spend",
        "Purpose of Expenditure",
        "Summary of Purpose",
        "Extended Description",
        "Purpose of Spend (Summary)",
        "Narrative",
        "Description",
        "Cipfsubs(T)",
    ),
    SUPPLIER_NAME: (
        "Supplier Name",
        "BeneficiaryName",
        "Supplier (Beneficiary) Name",
        "Approved Supplier (Beneficiary) Name",
        "Benificiary Name",
        "Supplier",
        "Supplier Name(T)",
        "Supplier Text",
        "Supplier ID(T)",
        "Suuplier ID (T)",
        "Vendor Name",
        "Payee",
        "beneficiary_name",
    ),
    SUPPLIER_REF: (
        "Supplier Number",
        "Supplier ID",
        "Supplier Reference",
        "Supplier Ref",
        "Supplier Code",
        "BeneficiaryOtherID",
        "Local Supplier Internal Reference",
        "Vendor Number",
        "Vendor ID",
    ),
    COMPANY_NUMBER: (
        "Supplier Registered Company Number",
        "Company Number",
        "company_number",
        "Companies House Number",
        "Registered Company Number",
    ),
    CHARITY_NUMBER: (
        "Supplier Registered Charity Number",
        "Charity Number",
        "charity_number",
        "Registered Charity Number",
    ),
    TRANSACTION_ID: (
        "Transaction Number",
        "Transaction No.",
        "Transaction ID",
        "TransNo",
        "Internal Ref Number",
        "Document No",
        "Document Number",
        "Payment Reference",
        "Invoice Number",
        "SAP Document Number",
        "Order Number",
        "Order",
    ),
    LINE_NO: (
        "Seq no",
        "Sequence Number",
        "Line Number",
        "Line No",
    ),
    AMOUNT: (
        "Net Amount",
        "Net Amount £",
        "Net",
        "Net Value",
        "Amount Excluding VAT",
        "Amount excl. VAT",
        "Amount ex VAT",
        "Net of VAT",
        "Total (excludes VAT)",
        "'Total (excludes VAT)",
        "Invoice Line Value (net of VAT)",
        "Amount",
        "Invoiced Value",
        "INVOICE DISTRIBUTION AMOUNT",
        "SUM OF INVOICE DISTRIBUTION AMOUNT",
        "Value",
        "Spend",
        "Total",
        "Grand Total",
    ),
    GROSS_AMOUNT: (
        "Gross",
        "Gross Amount",
        "Gross Value",
        "Amount incl. VAT",
        "Amount Including VAT",
        "Amount inc VAT",
        "Total (includes VAT)",
        "Total incl. VAT",
    ),
    VAT_AMOUNT: (
        "VAT",
        "VAT Amount",
        "VAT Value",
    ),
    IRRECOVERABLE_VAT: (
        "Irrecoverable VAT",
        "IrrecoverableVATAmount",
        "Irrecoverable VAT Amount",
    ),
    CAPITAL_REVENUE: (
        "Capital / Revenue",
        "Capital Or Revenue",
        "Cap/Rev",
    ),
    VCSE: (
        "Voluntary Community and Social Enterprise Supplier",
        "VCSE Supplier",
        "VCSE",
    ),
    VAT_NUMBER: (
        "VATRegistrationNumber",
        "VAT Number",
    ),
    SERVICE_DETAIL: (
        "Service Division Label",
        "Service Code",
    ),
    EXPENSE_CODE: (
        "Expenditure Code",
        "Expense Code",
        "Detailed Expenditure Code",
        "SeRCOP Expenditure Code",
        "SeRCOP Detailed Expenditure Code",
        "Service Category URI",
        "ProclassCode",
        "BVACOP",
        "G/L no.",
    ),
    COST_CENTRE: (
        "ProfitCentre",
        "Cost Centre",
    ),
    PROCUREMENT_CARD: ("Procurement Card",),
    SOURCE_SYSTEM: (
        "Source",
        "Subsource",
        "Definition",
    ),
}

_NOT_KEY_CHARS = re.compile(r"[^0-9a-z]")


def header_key(title: str) -> str:
    """A column title reduced to lower-case ASCII letters and digits, for matching."""
    text = title.replace("\ufeff", "").replace("ï»¿", "").casefold()
    return _NOT_KEY_CHARS.sub("", text)


def _build_index() -> tuple[dict[str, str], dict[str, int]]:
    fields: dict[str, str] = {}
    ranks: dict[str, int] = {}
    for field_name, titles in ALIASES.items():
        for rank, title in enumerate(titles):
            key = header_key(title)
            if fields.get(key, field_name) != field_name:
                raise ValueError(f"{title!r} is listed under both {fields[key]} and {field_name}")
            fields[key] = field_name
            ranks.setdefault(key, rank)
    return fields, ranks


HEADER_FIELDS, HEADER_RANKS = _build_index()
"""Normalised header key -> canonical field, and -> preference within the field (0 = best)."""


NET_KEYS = frozenset(header_key(t) for t in ALIASES[AMOUNT][: ALIASES[AMOUNT].index("Amount")])
"""Keys of the amount titles that say they are net of VAT (the rest of AMOUNT's are plain)."""


def field_of(title: str) -> str | None:
    """The canonical field a column title stands for, or None when it is not recognised."""
    return HEADER_FIELDS.get(header_key(title))
