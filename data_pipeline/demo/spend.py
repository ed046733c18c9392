"""The demo borough's spend over £500: one Transparency Code CSV for the Council and one for
the NHS Integrated Care Board, as each would publish it.

Suppliers are a mix a real file has: community groups that also hold P&C research grants
(written by charity or company number where they have one, and in capitals, as finance
systems keep names, so the view must match on numbers and normalised names), other local
groups, invented companies, and payments to individuals whose names are redacted. Dates run
over the last four financial years of the grants. Drawn from its own random stream, so the
other demo files are the same with or without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data_pipeline.demo.organisations import COUNCIL, NHS, Organisation

FIRST_DAY = np.datetime64("2021-04-01")
LAST_DAY = np.datetime64("2025-03-31")
REDACTED = "REDACTED PERSONAL DATA"
PC_RECIPIENTS_PAID = 36
OTHER_GROUPS_PAID = 40
INDIVIDUALS_PAID = 60
COMPANIES = (
    ("Marrowfield Facilities Services Ltd", "99300001"),
    ("Brightwater Catering Ltd", "99300002"),
    ("Kestrel Print and Design Ltd", "99300003"),
    ("Northgate Evaluation Partners Ltd", "99100001"),
    ("Greenway Transport Ltd", "99300004"),
    ("Civic Insight Research Ltd", "99100002"),
)
SERVICES = {
    COUNCIL.key: (
        ("Public Health", "Grants to voluntary organisations", "Community health programmes"),
        ("Adult Social Care", "Third party payments", "Day opportunities and support"),
        ("Children's Services", "Third party payments", "Family support services"),
        ("Communities and Neighbourhoods", "Grants to voluntary organisations", "Community"),
        ("Housing", "Contracted services", "Tenancy sustainment"),
        ("Culture and Leisure", "Contracted services", "Events and activities"),
    ),
    NHS.key: (
        ("Population Health", "Voluntary sector contracts", "Health inequalities programme"),
        ("Mental Health Commissioning", "Voluntary sector contracts", "Peer support"),
        ("Primary Care", "Social prescribing", "Link worker partners"),
        ("Community Services", "Voluntary sector contracts", "Community services"),
    ),
}
HEADER = (
    "Body Name",
    "Body",
    "Service Area",
    "Expenses Type",
    "Purpose",
    "Payment Date",
    "Transaction Number",
    "Net Amount",
    "Supplier Name",
    "Supplier Registered Charity Number",
    "Supplier Registered Company Number",
)


def _suppliers(
    groups: pd.DataFrame, research_grants: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Who is paid: name, charity and company numbers as the finance system holds them, and
    how many payments each gets over the four years."""
    holders = pd.Index(research_grants["recipient_id"].drop_duplicates())
    local = groups.set_index("org_id")
    pc = local.loc[local.index.intersection(holders)]
    pc = pc.iloc[rng.permutation(len(pc))[:PC_RECIPIENTS_PAID]]
    others = local.drop(index=local.index.intersection(holders))
    others = others.iloc[rng.permutation(len(others))[:OTHER_GROUPS_PAID]]
    chosen = pd.concat([pc, others])
    names = pd.Series(chosen["name"].to_numpy(), dtype=object)
    # Half the names as a finance system keeps them: in capitals, "&" for "and".
    shouting = rng.random(len(chosen)) < 0.5
    names[shouting] = names[shouting].str.upper().str.replace(" AND ", " & ", regex=False)
    frame = pd.DataFrame(
        {
            "name": names,
            "charity": chosen["charity_number"].to_numpy(),
            "company": chosen["company_number"].to_numpy(),
            "payments": rng.integers(8, 60, len(chosen)),
        }
    )
    companies = pd.DataFrame(
        {
            "name": [name for name, _ in COMPANIES],
            "charity": "",
            "company": [number for _, number in COMPANIES],
            "payments": rng.integers(8, 30, len(COMPANIES)),
        }
    )
    people = pd.DataFrame(
        {"name": REDACTED, "charity": "", "company": "", "payments": np.ones(INDIVIDUALS_PAID)}
    )
    return pd.concat([frame, companies, people], ignore_index=True).astype({"payments": int})


def _payments(
    body: Organisation, suppliers: pd.DataFrame, rng: np.random.Generator, prefix: str
) -> pd.DataFrame:
    services = SERVICES[body.key]
    # Each supplier works with one or two services of the body.
    first = rng.integers(0, len(services), len(suppliers))
    second = rng.integers(0, len(services), len(suppliers))
    rows = suppliers.loc[suppliers.index.repeat(suppliers["payments"])].reset_index()
    pick = np.where(rng.random(len(rows)) < 0.85, first[rows["index"]], second[rows["index"]])
    days = rng.integers(0, int((LAST_DAY - FIRST_DAY).astype(int)) + 1, len(rows))
    dates = FIRST_DAY + days.astype("timedelta64[D]")
    pounds = np.round(np.exp(rng.normal(7.1, 0.7, len(rows))) + 500, 2)
    table = pd.DataFrame(
        {
            "Body Name": body.name,
            "Body": body.org_id,
            "Service Area": [services[i][0] for i in pick],
            "Expenses Type": [services[i][1] for i in pick],
            "Purpose": [services[i][2] for i in pick],
            "Payment Date": pd.to_datetime(dates).strftime("%Y-%m-%d"),
            "Net Amount": [f"{value:.2f}" for value in pounds],
            "Supplier Name": rows["name"].to_numpy(),
            "Supplier Registered Charity Number": rows["charity"].to_numpy(),
            "Supplier Registered Company Number": rows["company"].to_numpy(),
        }
    ).sort_values(["Payment Date", "Supplier Name"], kind="stable")
    table["Transaction Number"] = [f"{prefix}{n:07d}" for n in range(1, len(table) + 1)]
    return table[list(HEADER)]


def write_spend_files(
    groups: pd.DataFrame, research_grants: pd.DataFrame, seed: int, out_dir: Path, number: int
) -> list[Path]:
    """The Council's and the ICB's spend files, numbered from ``number``."""
    rng = np.random.default_rng([seed, 500])
    paths = []
    for offset, (body, prefix) in enumerate(((COUNCIL, "MBC"), (NHS, "ICB"))):
        suppliers = _suppliers(groups, research_grants, rng)
        path = out_dir / f"{number + offset:02d}_{body.key}_spend_over_500.csv"
        _payments(body, suppliers, rng, prefix).to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths
