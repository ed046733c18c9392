"""The demo borough's organisations: its three home organisations, the national funders that
give to it, local community groups, and research suppliers.

Every identifier is shaped like a real org-id but sits where no real one can: charity numbers
from 9,000,000 (the Charity Commission has issued about 1,210,000), company numbers from
99,000,000, UKPRNs from 19,990,000, ``GB-GOR-ZZ9..`` government codes, and the home
organisations' codes ``GB-LAE-XDB`` and ``GB-NHS-QZZ``. They must agree with
``observatory.toml``, which names the home organisations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_pipeline.demo.geography import Geography, postcodes
from data_pipeline.demo.names import community_group_names


@dataclass(frozen=True)
class Organisation:
    """A funder, home organisation or supplier that appears by name in the demo files."""

    key: str
    org_id: str
    name: str
    grant_prefix: str  # the 360Giving prefix of the grants it makes
    data_source: str
    postcode: str = ""
    charity_number: str = ""
    company_number: str = ""


COUNCIL = Organisation(
    "council",
    "GB-LAE-XDB",
    "Marrowfield Borough Council",
    "360G-marrowfieldbc",
    "https://data.marrowfield.example/360giving/council-grants.csv",
    "MF9 1AA",
)
NHS = Organisation(
    "nhs",
    "GB-NHS-QZZ",
    "NHS Marrowfield Integrated Care Board",
    "360G-marrowfieldicb",
    "https://data.marrowfield.example/360giving/icb-grants.csv",
    "MF9 4QZ",
)
HDRC = Organisation(
    "hdrc",
    "360G-marrowfieldhdrc",
    "Marrowfield Health Determinants Research Collaboration",
    "360G-marrowfieldhdrc",
    "https://hdrc.marrowfield.example/open-data/grants.csv",
    "MF9 2HD",
)
HOME = (COUNCIL, NHS, HDRC)

LOTTERY = Organisation(
    "lottery",
    "GB-GOR-ZZ901",
    "Community Lottery Fund",
    "360G-communitylottery",
    "https://communitylottery.example/open-data",
)
INSTITUTE = Organisation(
    "institute",
    "GB-GOR-ZZ902",
    "Institute for Community Health Research",
    "360G-ichr",
    "https://ichr.example/funding/awards-data",
)
FERNCASTLE = Organisation(
    "ferncastle",
    "GB-CHC-9000001",
    "Ferncastle Foundation",
    "360G-ferncastle",
    "https://ferncastle.example/grants-data",
    charity_number="9000001",
)
ALDERWYN = Organisation(
    "alderwyn",
    "GB-CHC-9000002",
    "Alderwyn Trust",
    "360G-alderwyn",
    "https://alderwyn.example/our-grants",
    charity_number="9000002",
)
FUNDERS = {org.key: org for org in (*HOME, LOTTERY, INSTITUTE, FERNCASTLE, ALDERWYN)}

# Suppliers that bid for research and evaluation contracts, besides local groups.
RESEARCH_SUPPLIERS = (
    ("GB-UKPRN-19990001", "University of Marrowfield", "MF8 3UN"),
    ("GB-COH-99100001", "Northgate Evaluation Partners Ltd", "MF2 7NE"),
    ("GB-COH-99100002", "Civic Insight Research Ltd", "MF5 1CI"),
    ("GB-COH-99100003", "Harbourline Research Co-operative Ltd", "MF17 2HR"),
    ("GB-COH-99100004", "Open Door Health Consulting Ltd", "MF10 9OD"),
)

LOCAL_GROUP_COUNT = 320


def local_groups(geography: Geography, rng: np.random.Generator) -> pd.DataFrame:
    """Voluntary and community groups: id, name, charity/company numbers, postcode, ward.

    ``ward`` is the index of the ward a group is based in, or -1 for borough-wide groups.
    Half are registered charities, a fifth community interest companies, the rest small
    unregistered groups with a ``360G-`` id.
    """
    named = community_group_names(rng, LOCAL_GROUP_COUNT)
    ward = np.array([-1 if w is None else w for _, w in named])
    kind = rng.choice(3, size=len(named), p=[0.5, 0.2, 0.3])
    numbers = np.arange(len(named))
    charity = np.where(kind == 0, (9100000 + numbers).astype(str), "")
    company = np.where(kind == 1, (99200000 + numbers).astype(str), "")
    slugs = pd.Series([name for name, _ in named]).str.lower()
    slugs = slugs.str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    org_id = np.where(
        kind == 0,
        "GB-CHC-" + charity.astype(object),
        np.where(kind == 1, "GB-COH-" + company.astype(object), "360G-marrowfield-" + slugs),
    )
    home_ward = np.where(ward < 0, rng.integers(0, len(geography.wards), ward.size), ward)
    return pd.DataFrame(
        {
            "org_id": org_id,
            "name": [name for name, _ in named],
            "charity_number": charity,
            "company_number": company,
            "postcode": postcodes(rng, home_ward),
            "ward": ward,
        }
    )
