"""Invented names for the demo borough: places, community groups and people.

Every name here is made up. Places are compound names chosen not to be real boroughs or
wards; organisations are built from those places; people's names are common given names and
surnames put together at random, so no real person is meant.
"""

from __future__ import annotations

import numpy as np

BOROUGH = "Marrowfield"

# West to east: the order matters, because need rises towards the east (see geography.py).
WARD_NAMES = (
    "Ashcombe Heath",
    "Larkridge",
    "Pellham Woods",
    "Fennick Green",
    "Wrenholt",
    "Byrecroft",
    "Kilnworth",
    "Tansey Bridge",
    "Marrowfield Central",
    "St Aldric's",
    "Corrowmere",
    "Quillbrook",
    "Stennet Row",
    "Ebbwick",
    "Sallowfield",
    "Cinderbank",
    "Gallowmoor",
    "Ironhythe",
    "Pellow Marsh",
    "Thornquay",
)

_GROUP_NOUNS = (
    "Community Kitchen",
    "Carers Network",
    "Youth Collective",
    "Tenants' Association",
    "Women's Centre",
    "Men's Shed",
    "Community Garden",
    "Befriending Scheme",
    "Refugee Welcome",
    "Food Pantry",
    "Boxing Club",
    "Parents Forum",
    "Arts Collective",
    "Wellbeing Café",
    "Deaf Club",
    "Recovery Community",
    "Over 60s Club",
    "Digital Champions",
    "Walking Group",
    "Family Hub",
    "Neighbourhood Forum",
    "Sickle Cell Support Group",
    "Mental Health Peer Support",
    "Community Radio",
)

_BOROUGH_WIDE_GROUPS = (
    "Marrowfield Council for Voluntary Service",
    "Marrowfield Disability Voice",
    "Marrowfield Somali Community Association",
    "Marrowfield Polish Centre",
    "Marrowfield Pakistani Welfare Association",
    "Marrowfield LGBTQ+ Switchboard",
    "Marrowfield Carers Centre",
    "Marrowfield Advice Centre",
    "Marrowfield Youth Foundation",
    "Marrowfield Peer Research Network",
    "Marrowfield Community Researchers CIC",
    "Marrowfield Older People's Forum",
)

GIVEN_NAMES = (
    "Aisha", "Amir", "Anna", "Bilal", "Bronwen", "Chidi", "Chloe", "Daniel", "Deepa", "Dominika",
    "Ewa", "Farah", "Grace", "Hamza", "Hannah", "Ibrahim", "Imani", "Jack", "Jas", "Joy",
    "Kemi", "Kofi", "Leila", "Liam", "Lucy", "Marek", "Maryam", "Mohammed", "Nadia", "Niamh",
    "Oluwaseun", "Omar", "Priya", "Rashid", "Rosa", "Ruth", "Sam", "Sana", "Tariq", "Thomas",
    "Tomasz", "Una", "Yasmin", "Zainab", "Zoe",
)  # fmt: skip

SURNAMES = (
    "Adeyemi", "Ahmed", "Ali", "Begum", "Bennett", "Campbell", "Chowdhury", "Clarke", "Davies",
    "Evans", "Farah", "Green", "Hassan", "Hughes", "Iqbal", "Jones", "Khan", "Kowalski",
    "Mensah", "Morgan", "Murphy", "Nowak", "Okafor", "Osei", "Patel", "Rahman", "Roberts",
    "Shah", "Singh", "Taylor", "Thompson", "Walker", "Williams", "Wright", "Yusuf",
)  # fmt: skip


def community_group_names(rng: np.random.Generator, count: int) -> list[tuple[str, int | None]]:
    """``count`` distinct local group names with the index of the ward each is based in
    (``None`` for borough-wide groups)."""
    names: list[tuple[str, int | None]] = [(name, None) for name in _BOROUGH_WIDE_GROUPS]
    pairs = [(ward, noun) for ward in range(len(WARD_NAMES)) for noun in range(len(_GROUP_NOUNS))]
    chosen = rng.choice(len(pairs), size=count - len(names), replace=False)
    for index in sorted(int(i) for i in chosen):
        ward, noun = pairs[index]
        names.append((f"{WARD_NAMES[ward]} {_GROUP_NOUNS[noun]}", ward))
    return names


def people(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct invented full names."""
    given = rng.permutation(len(GIVEN_NAMES) * len(SURNAMES))[:count]
    return [f"{GIVEN_NAMES[i // len(SURNAMES)]} {SURNAMES[i % len(SURNAMES)]}" for i in given]
