"""Research capacity in the demo borough: the researcher directory (with mixed consent), training
events, payments to researchers (aggregated by quarter, provider and method, some under 5) and
welfare-benefits advice services.

Contact details use reserved values: ``example.org`` addresses and Ofcom's drama numbers
(07700 900xxx, 01632 960xxx), so none reaches a real person.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_pipeline.demo.geography import DISTRICT_CODE, Geography
from data_pipeline.demo.names import people
from warehouse.vocabularies import AVAILABILITIES, CONSENTS

RESEARCHER_COUNT = 120
TRAINING_EVENT_COUNT = 40

_SKILLS = (
    "interviewing",
    "focus group facilitation",
    "survey design",
    "data analysis",
    "photography",
    "community outreach",
    "report writing",
    "translation",
    "video making",
    "mapping",
)
_LANGUAGES = ("Bengali", "Urdu", "Polish", "Somali", "Arabic", "Punjabi", "Romanian", "BSL")
_COURSES = (
    "Introduction to peer research",
    "Research ethics and consent",
    "Qualitative interviewing",
    "Analysing data together",
    "Safeguarding for researchers",
    "Level 3 Award in Community Research",
)
# audience, title, accredited, provider
_EVENTS = (
    ("pc-researchers", "Introduction to peer research", "no", "Marrowfield Peer Research Network"),
    ("pc-researchers", "Level 3 Award in Community Research", "yes", "University of Marrowfield"),
    ("pc-researchers", "Qualitative interviewing", "no", "Marrowfield HDRC"),
    ("pc-researchers", "Mentoring circle for peer researchers", "no", "Marrowfield HDRC"),
    ("policymakers", "Using residents' research in decisions", "no", "Marrowfield HDRC"),
    ("policymakers", "Ethical engagement with residents", "no", "University of Marrowfield"),
    ("academics", "Working with peer researchers", "no", "Marrowfield HDRC"),
    ("academics", "Co-producing research with communities", "yes", "University of Marrowfield"),
    (
        "community-organisations",
        "Commissioning community research",
        "no",
        "Marrowfield Council for Voluntary Service",
    ),
    (
        "community-organisations",
        "Paying peer researchers fairly",
        "no",
        "Marrowfield Council for Voluntary Service",
    ),
)
_PAYERS = (
    ("Marrowfield HDRC", ("bank-transfer", "voucher", "payroll"), 14),
    ("Marrowfield Borough Council", ("bank-transfer", "payroll"), 8),
    ("Marrowfield Peer Research Network", ("bank-transfer", "voucher", "cash"), 10),
    ("University of Marrowfield", ("bank-transfer", "voucher"), 5),
)


def researchers_register(geography: Geography, rng: np.random.Generator) -> pd.DataFrame:
    """The researcher directory: 120 researchers, each with the consent they gave."""
    names = people(rng, RESEARCHER_COUNT)
    ward_codes = geography.ward_codes()
    weight = geography.wards["need"].to_numpy()
    rows = []
    for number, full_name in enumerate(names, start=1):
        given, surname = full_name.split(" ", 1)
        consent = str(rng.choice(CONSENTS, p=[0.35, 0.4, 0.25]))
        shows_full_name = consent == "public" and rng.random() < 0.5
        has_contact = consent != "hidden" or rng.random() < 0.4
        area_count = int(rng.integers(1, 4))
        areas = rng.choice(len(ward_codes), size=area_count, replace=False, p=weight / weight.sum())
        languages = ["English"] + [
            str(lang)
            for lang in rng.choice(_LANGUAGES, size=int(rng.integers(0, 3)), replace=False)
        ]
        rows.append(
            {
                "researcher_id": f"RES-{number:03d}",
                "display_name": full_name if shows_full_name else f"{given} {surname[0]}.",
                "skills": "; ".join(
                    str(s) for s in rng.choice(_SKILLS, size=int(rng.integers(1, 4)), replace=False)
                ),
                "languages": "; ".join(languages),
                "areas": "; ".join(ward_codes[int(a)] for a in sorted(areas)),
                "training_completed": "; ".join(
                    _COURSES[: int(rng.integers(0, len(_COURSES) + 1))]
                ),
                "availability": str(rng.choice(AVAILABILITIES, p=[0.5, 0.35, 0.15])),
                "consent": consent,
                "contact_email": f"{given}.{surname}.{number}@example.org".lower()
                if has_contact
                else "",
                "contact_phone": f"07700 900{number:03d}" if has_contact else "",
            }
        )
    return pd.DataFrame(rows)


def training_register(rng: np.random.Generator) -> pd.DataFrame:
    """Training events from 2022 to spring 2025, a few with fewer than 5 attendees."""
    start, end = date(2022, 1, 10), date(2025, 4, 30)
    days = np.sort(rng.choice((end - start).days, size=TRAINING_EVENT_COUNT, replace=False))
    rows = []
    for number, offset in enumerate(days, start=1):
        audience, title, accredited, provider = _EVENTS[int(rng.integers(len(_EVENTS)))]
        day = start + timedelta(days=int(offset))
        small = rng.random() < 0.2
        attendees = int(rng.integers(2, 9)) if small else int(rng.integers(6, 31))
        rows.append(
            {
                "event_id": f"TRN-{day.year}-{number:03d}",
                "event_date": day.isoformat(),
                "title": title,
                "audience": audience,
                "accredited": accredited,
                "attendees": str(attendees),
                "provider": provider,
            }
        )
    return pd.DataFrame(rows)


def payments_register(rng: np.random.Generator) -> pd.DataFrame:
    """Payments to researchers per quarter, provider and method, from 2022-Q2 to 2025-Q1."""
    quarters = [f"{year}-Q{q}" for year in range(2022, 2026) for q in range(1, 5)][1:13]
    rows = []
    for index, period in enumerate(quarters):
        growth = 0.6 + 0.08 * index
        for provider, methods, typical in _PAYERS:
            shares = rng.dirichlet(np.ones(len(methods)) * 2)
            for method, share in zip(methods, shares, strict=True):
                count = int(rng.poisson(typical * growth * share * len(methods) / 1.5))
                # A row of a single payment would be one person's payment, which this
                # register of totals must never hold.
                if count < 2:
                    continue
                average = float(rng.uniform(45, 140))
                days = {"cash": 0.0, "voucher": 3.0}.get(method, float(rng.integers(7, 42)))
                rows.append(
                    {
                        "period": period,
                        "provider": provider,
                        "method": method,
                        "payments_count": str(count),
                        "total_amount": f"{count * average:.2f}",
                        "currency": "GBP",
                        "median_days_to_pay": f"{days:g}",
                    }
                )
    return pd.DataFrame(rows)


def advice_register(geography: Geography) -> pd.DataFrame:
    """Eight welfare-benefits advice services, three of them specialists in research payments."""
    codes = geography.ward_codes()
    east, west = "; ".join(codes[13:]), "; ".join(codes[:7])
    services = (
        ("Benefits and research payments advice line", "Marrowfield Advice Centre",
         "Free, confidential advice on how research payments affect benefits.",
         "01632 960 101", DISTRICT_CODE, "yes"),
        ("Peer researcher payments clinic", "Marrowfield HDRC",
         "Monthly drop-in for researchers with questions about being paid.",
         "01632 960 102", DISTRICT_CODE, "yes"),
        ("East Marrowfield welfare rights", "Cinderbank Family Hub",
         "Welfare rights casework for families in the east of the borough.",
         "01632 960 103", east, "no"),
        ("Money and debt advice", "Marrowfield Borough Council",
         "Help with debts, budgeting and benefit claims.", "01632 960 104", DISTRICT_CODE, "no"),
        ("Disability benefits support", "Marrowfield Disability Voice",
         "Support with disability benefit claims, reviews and appeals.",
         "01632 960 105", DISTRICT_CODE, "yes"),
        ("Carers' benefits advice", "Marrowfield Carers Centre",
         "Advice for unpaid carers on Carer's Allowance and related benefits.",
         "01632 960 106", DISTRICT_CODE, "no"),
        ("West Marrowfield advice surgery", "Wrenholt Neighbourhood Forum",
         "Weekly advice surgery at the community centre.", "01632 960 107", west, "no"),
        ("Refugee benefits advice", "Marrowfield Somali Community Association",
         "Benefits advice in Somali, Arabic and English.", "01632 960 108", DISTRICT_CODE, "no"),
    )  # fmt: skip
    return pd.DataFrame(
        [
            {
                "service_id": f"ADV-{number:03d}",
                "name": name,
                "provider": provider,
                "description": description,
                "url": f"https://advice.marrowfield.example/services/{number}",
                "phone": phone,
                "areas": areas,
                "specialist_pc_payments": specialist,
            }
            for number, (name, provider, description, phone, areas, specialist) in enumerate(
                services, start=1
            )
        ]
    )
