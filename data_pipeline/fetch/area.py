"""Which grants reached the area: a pure step, frames in and a placement out.

The rule, in this order (the first that holds places the grant, and the report names it):

1. ``home organisation``: a home organisation funds or receives it (always kept);
2. ``beneficiary location``: one of its beneficiary location codes (local authority, ward,
   small area) is in the area;
3. ``recipient location``: the recipient's location codes, as the publisher or GrantNav's
   enrichment give them (district, ward), are in the area;
4. ``recipient postcode``: the recipient's postcode is in the council's ONS postcode lookup
   for its area.

Every other grant is *elsewhere*: counted, with its money, and not stored. The area is a set
of codes: the council's own (``[area] codes``) and every ward and small area the warehouse's
area lookup or the postcode lookup puts inside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

HOME = "home organisation"
BENEFICIARY = "beneficiary location"
RECIPIENT_LOCATION = "recipient location"
POSTCODE = "recipient postcode"
RULES = (HOME, BENEFICIARY, RECIPIENT_LOCATION, POSTCODE)

_SPACES = re.compile(r"\s+")


def normalise_postcode(value: object) -> str | None:
    """``ls3 1hh`` and ``LS31HH`` both become ``LS31HH``; None for a blank."""
    if not isinstance(value, str):
        return None
    compact = _SPACES.sub("", value).upper()
    return compact or None


@dataclass(frozen=True)
class Area:
    """The configured area: its codes (any level) and the postcodes inside it."""

    codes: frozenset[str]
    postcodes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, codes: Iterable[str], postcodes: Iterable[str] = ()) -> Area:
        return cls(
            frozenset(c.strip().upper() for c in codes if c and c.strip()),
            frozenset(p for p in (normalise_postcode(x) for x in postcodes) if p),
        )

    @property
    def configured(self) -> bool:
        return bool(self.codes or self.postcodes)


@dataclass(frozen=True)
class GrantLocations:
    """Locations a file gives beyond the first beneficiary location of ``fct_grants``:
    every beneficiary code and the recipient's location codes, by published grant id."""

    beneficiary_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    recipient_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Placement:
    """The rule that placed each grant in the area (``<NA>``: elsewhere), by the grants'
    index, with the counts and money the report gives."""

    rule: pd.Series
    rows_read: int
    pence_read: int
    by_rule: dict[str, int]
    pence_elsewhere: int

    @property
    def kept(self) -> pd.Series:
        return self.rule.notna()

    @property
    def rows_in_area(self) -> int:
        return int(self.kept.sum())

    @property
    def rows_elsewhere(self) -> int:
        return self.rows_read - self.rows_in_area

    def summary(self) -> str:
        """``4,116 read, 37 in the area, 4,079 elsewhere``, with the rules that placed them."""
        rules = ", ".join(f"{n:,} by {rule}" for rule, n in self.by_rule.items() if n)
        text = (
            f"{self.rows_read:,} read, {self.rows_in_area:,} in the area, "
            f"{self.rows_elsewhere:,} elsewhere"
        )
        return f"{text} ({rules})" if rules else text


def _in_area(codes: pd.Series, area: frozenset[str]) -> pd.Series:
    return codes.map(lambda found: any(c.upper() in area for c in found), na_action="ignore")


def _codes_of(
    grants: pd.DataFrame, mapping: Mapping[str, tuple[str, ...]], first: str | None
) -> pd.Series:
    ids = (
        grants["published_id"].fillna(grants["grant_id"])
        if "published_id" in grants
        else grants["grant_id"]
    )
    values = []
    for published, own in zip(ids, grants[first] if first else [None] * len(grants), strict=True):
        codes = list(mapping.get(str(published), ()))
        if isinstance(own, str) and own.strip():
            codes.append(own.strip())
        values.append(tuple(codes))
    return pd.Series(values, index=grants.index, dtype=object)


def place_grants(
    grants: pd.DataFrame,
    area: Area,
    home_org_ids: Iterable[str],
    locations: GrantLocations | None = None,
) -> Placement:
    """Place each ``fct_grants`` row by the rules above. Pure: nothing is read or written."""
    locations = locations or GrantLocations()
    homes = {h.upper() for h in home_org_ids}
    rule = pd.Series(pd.NA, index=grants.index, dtype="string")

    def upper(column: str) -> pd.Series:
        if column not in grants:
            return pd.Series(pd.NA, index=grants.index, dtype="string")
        return grants[column].astype("string").str.strip().str.upper()

    checks = [
        (HOME, upper("funder_org_id").isin(homes) | upper("recipient_org_id").isin(homes)),
        (
            BENEFICIARY,
            _in_area(
                _codes_of(grants, locations.beneficiary_codes, "beneficiary_geo_code"), area.codes
            ),
        ),
        (
            RECIPIENT_LOCATION,
            _in_area(_codes_of(grants, locations.recipient_codes, None), area.codes),
        ),
        (
            POSTCODE,
            grants.get("recipient_postal_code", pd.Series(None, index=grants.index))
            .map(normalise_postcode)
            .isin(area.postcodes),
        ),
    ]
    for name, mask in checks:
        mask = mask.fillna(False).astype(bool)
        rule = rule.mask(rule.isna() & mask, name)
    amounts = pd.to_numeric(
        grants.get("amount_awarded_pence", pd.Series(0, index=grants.index)), errors="coerce"
    ).fillna(0)
    counts = rule.value_counts()
    return Placement(
        rule=rule,
        rows_read=len(grants),
        pence_read=int(amounts.sum()),
        by_rule={name: int(counts.get(name, 0)) for name in RULES},
        pence_elsewhere=int(amounts[rule.isna()].sum()),
    )
