"""The demo borough's geography: one district, 20 wards, 6 to 8 small areas (LSOAs) per ward.

The codes are shaped like ONS codes but sit in ranges ONS has never issued, so they cannot
collide with a real area: the district is ``E06000999``, wards are ``E05900001``..``E05900020``
and small areas ``E01900001`` onwards. Need rises from the affluent west to the deprived east,
with two pockets of deprivation (a town-centre ward and an estate in the west).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_pipeline.demo.names import BOROUGH, WARD_NAMES

DISTRICT_CODE = "E06000999"
DISTRICT_NAME = BOROUGH
WARD_CODE_START = 5900001
LSOA_CODE_START = 1900001
POSTCODE_AREA = "MF"  # not a UK postcode area, so demo postcodes match no real address

# Wards that are poorer than their place on the west-east gradient suggests.
_DEPRIVED_POCKETS = {"Kilnworth": 11.0, "Marrowfield Central": 8.0}


@dataclass(frozen=True)
class Geography:
    """Wards and small areas of the demo borough."""

    wards: pd.DataFrame  # code, name, east (0 west .. 1 east), need (mean IMD score), population
    lsoas: pd.DataFrame  # code, name, ward_code, ward_name, imd_score, population

    def ward_codes(self) -> list[str]:
        return [str(code) for code in self.wards["code"]]


def build_geography(rng: np.random.Generator) -> Geography:
    """Invent the wards and small areas, with a believable spread of need."""
    count = len(WARD_NAMES)
    east = np.linspace(0.0, 1.0, count)
    pockets = np.array([_DEPRIVED_POCKETS.get(name, 0.0) for name in WARD_NAMES])
    ward_need = 7.0 + 38.0 * east**1.4 + pockets + rng.normal(0.0, 2.0, count)
    lsoas_per_ward = rng.integers(6, 9, count)

    ward_index = np.repeat(np.arange(count), lsoas_per_ward)
    letters = np.concatenate([np.arange(n) for n in lsoas_per_ward])
    scores = ward_need[ward_index] * np.exp(rng.normal(0.0, 0.28, ward_index.size))
    population = rng.integers(1300, 2600, ward_index.size)
    lsoa_codes = [f"E0{LSOA_CODE_START + i}" for i in range(ward_index.size)]
    ward_codes = [f"E0{WARD_CODE_START + i}" for i in range(count)]
    lsoas = pd.DataFrame(
        {
            "code": lsoa_codes,
            "name": [
                f"{BOROUGH} {w + 1:03d}{chr(ord('A') + int(letter))}"
                for w, letter in zip(ward_index, letters, strict=True)
            ],
            "ward_code": [ward_codes[w] for w in ward_index],
            "ward_name": [WARD_NAMES[w] for w in ward_index],
            "imd_score": np.clip(scores, 1.2, 88.0).round(3),
            "population": population,
        }
    )
    ward_population = np.bincount(ward_index, weights=population).astype(int)
    weighted = np.bincount(ward_index, weights=lsoas["imd_score"] * population)
    wards = pd.DataFrame(
        {
            "code": ward_codes,
            "name": list(WARD_NAMES),
            "east": east,
            "need": (weighted / ward_population).round(2),
            "population": ward_population,
        }
    )
    return Geography(wards=wards, lsoas=lsoas)


def write_area_lookup(geography: Geography, path: Path) -> Path:
    """The ONS-style best-fit lookup of small areas to wards and the district."""
    lsoas = geography.lsoas
    frame = pd.DataFrame(
        {
            "LSOA21CD": lsoas["code"],
            "LSOA21NM": lsoas["name"],
            "WD24CD": lsoas["ward_code"],
            "WD24NM": lsoas["ward_name"],
            "LAD24CD": DISTRICT_CODE,
            "LAD24NM": DISTRICT_NAME,
        }
    )
    frame.to_csv(path, index=False)
    return path


def postcodes(rng: np.random.Generator, ward_index: np.ndarray) -> np.ndarray:
    """A postcode in the invented ``MF`` area for each ward index (district = ward number)."""
    sector = rng.integers(1, 10, ward_index.size)
    unit = rng.integers(0, 26 * 26, ward_index.size)
    letters = np.array([chr(65 + i) for i in range(26)], dtype=object)
    codes: np.ndarray = (
        POSTCODE_AREA
        + (ward_index + 1).astype(str).astype(object)
        + " "
        + sector.astype(str).astype(object)
        + letters[unit // 26]
        + letters[unit % 26]
    )
    return codes
