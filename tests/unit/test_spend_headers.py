"""The spend header alias map: every header of the saved real files, and ODI Leeds' aliases,
map to the canonical field a person reading the file would pick."""

from __future__ import annotations

import pytest

from data_pipeline.formats import spend_headers as h
from data_pipeline.formats.spend_headers import field_of, header_key

# Each real file's header, as published, with the field each column means.
REAL_HEADERS: dict[str, dict[str, str]] = {
    "trafford": {
        "OrganisationLabel": h.BODY_NAME,
        "OrganisationURI": h.BODY_ID,
        "EffectiveDate": h.PERIOD_END,
        "OrganisationalUnit": h.ORG_UNIT,
        "BeneficiaryName": h.SUPPLIER_NAME,
        "BeneficiaryOtherID": h.SUPPLIER_REF,
        "PaymentDate": h.PAYMENT_DATE,
        "TransactionNumber": h.TRANSACTION_ID,
        "Amount": h.AMOUNT,
        "IrrecoverableVATAmount": h.IRRECOVERABLE_VAT,
        "Purpose": h.PURPOSE,
        "ProclassLabel": h.EXPENSE_TYPE,
        "ProclassCode": h.EXPENSE_CODE,
        "InvoiceNumber": h.TRANSACTION_ID,
        "ProfitCentre": h.COST_CENTRE,
        "VATRegistrationNumber": h.VAT_NUMBER,
    },
    "manchester": {
        "ï»¿Body Name": h.BODY_NAME,
        "Service Area": h.ORG_UNIT,
        "Expenses Type": h.EXPENSE_TYPE,
        "Invoice Payment Date": h.PAYMENT_DATE,
        "Transaction Number": h.TRANSACTION_ID,
        "Net Amount": h.AMOUNT,
        "Supplier Name": h.SUPPLIER_NAME,
    },
    "calderdale": {
        "Body": h.BODY_ID,
        "Organisation Name": h.BODY_NAME,
        "Date": h.PAYMENT_DATE,
        "Internal Ref Number": h.TRANSACTION_ID,
        "Invoice Number": h.TRANSACTION_ID,
        "Net Amount": h.AMOUNT,
        "Irrecoverable VAT": h.IRRECOVERABLE_VAT,
        "Supplier(Beneficiary) Name": h.SUPPLIER_NAME,
        "Supplier Registered Company Number": h.COMPANY_NUMBER,
        "Supplier Registered Charity Number": h.CHARITY_NUMBER,
        "Supplier ID": h.SUPPLIER_REF,
        "VAT Registration Number": h.VAT_NUMBER,
        "Expense Area": h.ORG_UNIT,
        "Procurement Classification: Council's Procurement Category Name": h.EXPENSE_TYPE,
        "Expense Code": h.EXPENSE_CODE,
        "BVACOP": h.EXPENSE_CODE,
        "Proclass": h.EXPENSE_TYPE,
        "Extended Description": h.PURPOSE,
        "Source": h.SOURCE_SYSTEM,
        "Subsource": h.SOURCE_SYSTEM,
        "Definition": h.SOURCE_SYSTEM,
        "Purpose of Spend (Summary)": h.PURPOSE,
        "Voluntary Community and Social Enterprise Supplier": h.VCSE,
    },
    "harrogate": {
        "Body Name": h.BODY_NAME,
        "Expenditure Category": h.EXPENSE_TYPE,
        "Capital / Revenue": h.CAPITAL_REVENUE,
        "Service Label": h.ORG_UNIT,
        "Service Code": h.SERVICE_DETAIL,
        "Expenditure Code": h.EXPENSE_CODE,
        "Payment Date": h.PAYMENT_DATE,
        "Supplier Name": h.SUPPLIER_NAME,
        "Transaction No.": h.TRANSACTION_ID,
        "Net Amount": h.AMOUNT,
        "Narrative": h.PURPOSE,
    },
    "gateshead": {
        "Nstrg(T)": h.ORG_UNIT,
        "Cipfsubj(T)": h.EXPENSE_TYPE,
        "Cipfsubs(T)": h.PURPOSE,
        "TransNo": h.TRANSACTION_ID,
        "Seq no": h.LINE_NO,
        "Period": h.PERIOD_END,
        "Supplier ID(T)": h.SUPPLIER_NAME,
        "Amount": h.AMOUNT,
        "Updated": h.PAYMENT_DATE,
    },
    "bradford": {
        "Service Code": h.SERVICE_DETAIL,
        "Service Label": h.ORG_UNIT,
        "Expenditure code": h.EXPENSE_CODE,
        "Expenditure category": h.EXPENSE_TYPE,
        "Payment date": h.PAYMENT_DATE,
        "Transaction Number": h.TRANSACTION_ID,
        "Net Amount": h.AMOUNT,
        "Supplier Number": h.SUPPLIER_REF,
        "Supplier Name": h.SUPPLIER_NAME,
    },
    "leeds": {
        "Organisation Code": h.BODY_ID,
        "Organisation Label": h.BODY_NAME,
        "Effective Date": h.PERIOD_END,
        "Organisational Unit": h.ORG_UNIT,
        "Service Division Label": h.SERVICE_DETAIL,
        "Category Internal Name": h.EXPENSE_TYPE,
        "Purpose": h.PURPOSE,
        "Detailed Expenditure Code": h.EXPENSE_CODE,
        "Payment Date": h.PAYMENT_DATE,
        "Transaction Number": h.TRANSACTION_ID,
        "Irrecoverable VAT Amount": h.IRRECOVERABLE_VAT,
        "Amount": h.AMOUNT,
        "Capital Or Revenue": h.CAPITAL_REVENUE,
        "Beneficiary Name": h.SUPPLIER_NAME,
        "Procurement Card": h.PROCUREMENT_CARD,
    },
}

# ODI Leeds' alias lists (STANDARDS.md 3.4), with typos and a "£" lost to encoding.
ODI_LEEDS: dict[str, list[str]] = {
    # ODI Leeds files Salford's "Gross" under its amount; here it is a field of its own, so a
    # file with "Gross", "VAT" and "Net" is loaded on "Net" (tests/unit/test_spend_amounts.py).
    h.GROSS_AMOUNT: ["Gross"],
    h.AMOUNT: [
        "'Total (excludes VAT)",
        "AMOUNT ()",
        "AMOUNT()",
        "Amount ()",
        "Amount (£)",
        "Amount Excluding VAT",
        "Grand Total",
        "INVOICE DISTRIBUTION AMOUNT",
        "Invoice Line Value (net of VAT)",
        "Invoiced Value",
        "Net Amount",
        "Net Amount £",
        "Net amount",
        "NetAmount",
        "SUM OF INVOICE DISTRIBUTION AMOUNT",
        "Spend",
        "Total",
        "Total (excludes VAT)",
        "Value",
        "amount",
    ],
    h.SUPPLIER_NAME: [
        "Approved Supplier (Beneficiary) Name",
        "Benificiary Name",
        "Supplier",
        "Supplier (Beneficiary) Name",
        "Supplier ID (T)",
        "Supplier ID(T)",
        "Supplier Name",
        "Supplier Name(T)",
        "Supplier Text",
        "Supplier id(T)",
        "Supplier name",
        "Supplier(Beneficiary) Name",
        "SupplierName",
        "Suuplier ID (T)",
        "Vendor Name",
        "beneficiary_name",
    ],
    h.ORG_UNIT: [
        "Business Unit Description",
        "Directorate",
        "Directotate",
        "Entity",
        "Expense Area",
        "Nstrg(T)",
        "Portfolio",
        "Service Area",
        "Service Category Label",
        "Service Label",
        "Service Label(T)",
        "Service label",
        "ServiceLabel",
        "Strategic Group",
        "Strgrp(T)",
        "Strgrpcc(T)",
        "org_short_name",
    ],
    # ODI Leeds files these under "Organisational Unit"; they name expense classifications.
    h.EXPENSE_TYPE: [
        "Category Family",
        "Expenditure Account",
        "Expenditure Account Code Description",
        "Proclass Description",
        "Procurement Classification",
    ],
    h.PAYMENT_DATE: [
        "Certified Date",
        "Clearing Date",
        "Date",
        "Date Paid",
        "Date of Payment",
        "Date paid",
        "DatePaid",
        "GL Date",
        "Invoice GL Date",
        "Invoice Payment Date",
        "Paid Date",
        "Pay date",
        "Payment Date",
        "Payment date",
        "Transaction Date",
        "Updated",
        "payment_date",
    ],
    h.BODY_NAME: ["Body Name", "Body name"],
    h.COMPANY_NUMBER: ["company_number"],
    h.CHARITY_NUMBER: ["charity_number"],
}


@pytest.mark.parametrize("publisher", sorted(REAL_HEADERS))
def test_every_header_of_each_real_file_maps_to_its_field(publisher: str) -> None:
    expected = REAL_HEADERS[publisher]
    assert {title: field_of(title) for title in expected} == expected


@pytest.mark.parametrize("field_name", sorted(ODI_LEEDS))
def test_odi_leeds_aliases_map_to_their_field(field_name: str) -> None:
    titles = ODI_LEEDS[field_name]
    assert {title: field_of(title) for title in titles} == dict.fromkeys(titles, field_name)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("ï»¿Body Name", "bodyname"),
        ("\ufeffBody Name", "bodyname"),
        ("  Payment   Date ", "paymentdate"),
        ("PaymentDate", "paymentdate"),
        ("Amount (£)", "amount"),
        ("Amount (Â£)", "amount"),
        ("Net Amount £", "netamount"),
        ("Transaction No.", "transactionno"),
        ("Supplier(Beneficiary) Name", "supplierbeneficiaryname"),
        ("Supplier (Beneficiary) Name", "supplierbeneficiaryname"),
    ],
)
def test_header_key_ignores_case_boms_spaces_pound_and_punctuation(title: str, key: str) -> None:
    assert header_key(title) == key


def test_unknown_headers_are_not_guessed() -> None:
    assert field_of("Amount Awarded") is None
    assert field_of("Recipient Org:Name") is None
    assert field_of("Award Date") is None


def test_preferred_alias_ranks_before_fallbacks() -> None:
    ranks = h.HEADER_RANKS
    assert ranks[header_key("Net Amount")] < ranks[header_key("Total")]
    assert ranks[header_key("Payment Date")] < ranks[header_key("Updated")]
    assert ranks[header_key("Transaction Number")] < ranks[header_key("Invoice Number")]
    assert (
        ranks[header_key("Extended Description")] < ranks[header_key("Purpose of Spend (Summary)")]
    )
