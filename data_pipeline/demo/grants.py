"""The demo's grants: one 360Giving flat CSV (official column titles) over six financial years.

Home organisations award grants to local groups; national funders award to local groups and
to the home organisations; partners pay into each other's pooled funds. Routes show in the
programme titles and funding types (participatory grant-making, pooled funds, in-kind
support), the way councils publish them. Peer and community (P&C) research programmes carry
the codes listed in ``observatory.toml``.

Everything is drawn, rendered and written column by column with numpy (its variable-width
``StringDType`` strings, not a Python object per grant), a chunk of grants at a time, so a
million grants take seconds and memory stays flat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_pipeline.demo.geography import DISTRICT_CODE, DISTRICT_NAME, Geography
from data_pipeline.demo.organisations import FUNDERS
from data_pipeline.demo.programmes import LOCAL, PROGRAMMES
from data_pipeline.demo.themes import TOPICS
from warehouse.vocabularies import HOME_ROLES

FINANCIAL_YEARS = ("2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25")
# Grant-making grew over the period, with a dip in the first pandemic year.
_YEAR_WEIGHTS = np.array([0.14, 0.12, 0.16, 0.18, 0.19, 0.21])
LAST_MODIFIED = "2025-05-06T09:30:00Z"
PC_CLASSIFICATION = ("Marrowfield HDRC research type", "PCR", "Peer and community research")
TEXT = np.dtypes.StringDType()

COLUMNS = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Funding Org:Department",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "From An Open Call?",
    "Funding Type:Title",
    "Classifications:Vocabulary",
    "Classifications:Code",
    "Classifications:Title",
    "Last Modified",
    "Data Source",
)


@dataclass(frozen=True)
class Recipients:
    """Everyone who can receive a grant, local groups first, then the home organisations."""

    table: pd.DataFrame  # org_id, name, charity_number, company_number, postcode, ward
    home_rows: dict[str, int]  # home organisation key -> row in table


def recipients(groups: pd.DataFrame) -> Recipients:
    """Local groups followed by the home organisations as possible recipients."""
    homes = [FUNDERS[key] for key in HOME_ROLES]
    home_frame = pd.DataFrame(
        {
            "org_id": [org.org_id for org in homes],
            "name": [org.name for org in homes],
            "charity_number": "",
            "company_number": "",
            "postcode": [org.postcode for org in homes],
            "ward": -1,
        }
    )
    table = pd.concat([groups, home_frame], ignore_index=True)
    first = len(groups)
    return Recipients(table, {org.key: first + i for i, org in enumerate(homes)})


@dataclass(frozen=True)
class GrantsDrawn:
    """The grants as drawn, by index into the lookup tables, before rendering as text."""

    programme: np.ndarray
    recipient: np.ndarray
    location: np.ndarray  # index into locations
    topic: np.ndarray
    award_date: np.ndarray  # datetime64[D]
    months: np.ndarray
    amount: np.ndarray  # whole pounds
    locations: pd.DataFrame  # code, name, type, place (text used in descriptions)


def _locations(geography: Geography) -> pd.DataFrame:
    """Beneficiary locations: the district, each ward, then each small area."""
    wards, lsoas = geography.wards, geography.lsoas
    return pd.DataFrame(
        {
            "code": [DISTRICT_CODE, *wards["code"], *lsoas["code"]],
            "name": [DISTRICT_NAME, *wards["name"], *lsoas["name"]],
            "type": ["UA"] + ["WD"] * len(wards) + ["LSOA"] * len(lsoas),
            "place": [f"the borough of {DISTRICT_NAME}", *wards["name"], *lsoas["ward_name"]],
        }
    )


def draw_grants(
    geography: Geography, people: Recipients, rng: np.random.Generator, scale: int
) -> GrantsDrawn:
    """Draw ``scale`` grants, sorted by award date."""
    shares = np.array([p.share for p in PROGRAMMES])
    programme = rng.choice(len(PROGRAMMES), size=scale, p=shares / shares.sum())
    locations = _locations(geography)
    ward_count = len(geography.wards)
    lsoa_offset = 1 + ward_count
    lsoa_ward = (
        pd.Index(geography.wards["code"]).get_indexer(geography.lsoas["ward_code"]).astype(int)
    )

    groups = people.table.iloc[: min(people.home_rows.values())]
    group_ward = groups["ward"].to_numpy()
    need = geography.wards["need"].to_numpy()
    weight = np.where(group_ward < 0, 1.6, (need[np.maximum(group_ward, 0)] / need.mean()) ** 1.2)
    recipient = rng.choice(len(groups), size=scale, p=weight / weight.sum())
    for index, prog in enumerate(PROGRAMMES):
        if prog.recipient != LOCAL:
            recipient[programme == index] = people.home_rows[prog.recipient]

    # Where the money is meant to benefit: mostly the group's ward, sometimes the whole
    # borough or one small area; borough-wide groups pick a ward by need.
    home_ward = group_ward[np.minimum(recipient, len(groups) - 1)]
    is_group = recipient < len(groups)
    ward = np.where(
        home_ward >= 0, home_ward, rng.choice(ward_count, size=scale, p=need / need.sum())
    )
    roll = rng.random(scale)
    lsoa_pick = rng.random(scale)
    lsoa_of_ward = _random_lsoa_in_ward(lsoa_ward, ward, lsoa_pick)
    location = np.where(
        ~is_group | (roll < 0.08) | ((home_ward < 0) & (roll < 0.5)),
        0,
        np.where(roll > 0.95, lsoa_offset + lsoa_of_ward, 1 + ward),
    )

    year = rng.choice(len(FINANCIAL_YEARS), size=scale, p=_YEAR_WEIGHTS / _YEAR_WEIGHTS.sum())
    starts = np.array([f"{2019 + y}-04-01" for y in range(len(FINANCIAL_YEARS))], "datetime64[D]")
    award_date = starts[year] + rng.integers(0, 365, scale).astype("timedelta64[D]")

    medians = np.array([p.median for p in PROGRAMMES])[programme]
    spreads = np.array([p.spread for p in PROGRAMMES])[programme]
    amount = medians * np.exp(rng.normal(0.0, 1.0, scale) * spreads)
    amount = np.where(amount < 10000, np.round(amount / 10) * 10, np.round(amount / 100) * 100)
    amount = np.maximum(amount, 250).astype(np.int64)

    months = np.zeros(scale, dtype=np.int64)
    choice = rng.random(scale)
    for index, prog in enumerate(PROGRAMMES):
        options = np.array(prog.months)
        rows = programme == index
        months[rows] = options[(choice[rows] * len(options)).astype(int)]

    topic = _topics(rng, ward, ward_count, scale)
    order = np.lexsort((programme, award_date))
    return GrantsDrawn(
        programme=programme[order],
        recipient=recipient[order],
        location=location[order],
        topic=topic[order],
        award_date=award_date[order],
        months=months[order],
        amount=amount[order],
        locations=locations,
    )


def _random_lsoa_in_ward(lsoa_ward: np.ndarray, ward: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """For each ward index, one of its small areas (chosen by ``pick`` in [0, 1))."""
    first = np.searchsorted(lsoa_ward, np.arange(lsoa_ward.max() + 1))
    count = np.bincount(lsoa_ward)
    lsoa: np.ndarray = first[ward] + (pick * count[ward]).astype(int)
    return lsoa


def _topics(rng: np.random.Generator, ward: np.ndarray, wards: int, size: int) -> np.ndarray:
    """A topic per grant, tilted towards the topics that matter where the money goes."""
    east = ward / max(wards - 1, 1)
    bias = np.array([b for _, b in TOPICS])
    scores = bias[None, :] * (east[:, None] - 0.5) * 2.0 + rng.gumbel(size=(size, len(TOPICS)))
    return np.asarray(np.argmax(scores, axis=1))


def in_sentence(label: str) -> str:
    """A topic label as it reads mid-sentence: ``Access to GP services`` -> ``access to GP
    services``."""
    return label[:1].lower() + label[1:]


@dataclass(frozen=True)
class _Lookups:
    """Every small table a grant points into: its CSV fields, already quoted and encoded, and
    the text that fills the title and description templates."""

    programme: dict[str, np.ndarray]  # CSV title -> UTF-8 field per programme
    recipient: dict[str, np.ndarray]  # CSV title -> UTF-8 field per recipient
    location: dict[str, np.ndarray]  # CSV title -> UTF-8 field per location
    prefix: np.ndarray  # identifier prefix per programme, UTF-8
    recipient_name: np.ndarray  # text, for ``{org}``
    place: np.ndarray  # text per location, for ``{place}``
    topic: np.ndarray  # text per topic, for ``{topic}``


def _text(values: object) -> np.ndarray:
    return np.asarray(values, dtype=TEXT)


def _csv_field(column: np.ndarray) -> np.ndarray:
    """The values as UTF-8 CSV fields, quoted where needed as the csv module's QUOTE_MINIMAL
    does it."""
    special = np.zeros(len(column), dtype=bool)
    for character in (",", '"', "\n", "\r"):
        special |= np.strings.find(column, character) >= 0
    if special.any():
        quoted = np.strings.add(np.strings.add('"', np.strings.replace(column, '"', '""')), '"')
        column = np.where(special, quoted, column)
    return np.strings.encode(column, "utf-8")


def _lookups(drawn: GrantsDrawn, people: Recipients) -> _Lookups:
    funders = [FUNDERS[p.funder] for p in PROGRAMMES]
    vocabulary, code, label = PC_CLASSIFICATION
    pc = [p.is_pc_research for p in PROGRAMMES]
    programme = {
        "Funding Org:Identifier": [f.org_id for f in funders],
        "Funding Org:Name": [f.name for f in funders],
        "Funding Org:Department": [p.department for p in PROGRAMMES],
        "Grant Programme:Code": [p.code for p in PROGRAMMES],
        "Grant Programme:Title": [p.title for p in PROGRAMMES],
        "From An Open Call?": [p.open_call for p in PROGRAMMES],
        "Funding Type:Title": [p.funding_type for p in PROGRAMMES],
        "Classifications:Vocabulary": [vocabulary if is_pc else "" for is_pc in pc],
        "Classifications:Code": [code if is_pc else "" for is_pc in pc],
        "Classifications:Title": [label if is_pc else "" for is_pc in pc],
        "Data Source": [f.data_source for f in funders],
    }
    recipient = {
        "Recipient Org:Identifier": "org_id",
        "Recipient Org:Name": "name",
        "Recipient Org:Charity Number": "charity_number",
        "Recipient Org:Company Number": "company_number",
        "Recipient Org:Postal Code": "postcode",
    }
    location = {
        "Beneficiary Location:Name": "name",
        "Beneficiary Location:Geographic Code": "code",
        "Beneficiary Location:Geographic Code Type": "type",
    }
    table, places = people.table, drawn.locations
    return _Lookups(
        programme={title: _csv_field(_text(values)) for title, values in programme.items()},
        recipient={title: _csv_field(_text(table[key])) for title, key in recipient.items()},
        location={title: _csv_field(_text(places[key])) for title, key in location.items()},
        prefix=np.strings.encode(_text([f"{f.grant_prefix}-" for f in funders]), "utf-8"),
        recipient_name=_text(table["name"]),
        place=_text(places["place"]),
        topic=_text([in_sentence(label) for label, _ in TOPICS]),
    )


def _fill(template: str, values: dict[str, np.ndarray]) -> np.ndarray:
    """The template with each ``{name}`` replaced, element-wise, by ``values[name]``."""
    parts = re.split(r"\{(\w+)\}", template)
    size = len(next(iter(values.values())))
    out: np.ndarray = np.full(size, parts[0], dtype=TEXT)
    for i in range(1, len(parts), 2):
        out = np.strings.add(np.strings.add(out, values[parts[i]]), parts[i + 1])
    return out


def _ascii(values: np.ndarray) -> np.ndarray:
    """Numbers or ISO dates as ASCII CSV fields (they never need quoting)."""
    if values.dtype.kind == "M":
        return np.datetime_as_string(values, unit="D").astype("S10")
    return values.astype("S")


def _constant(value: str, size: int) -> np.ndarray:
    return np.full(size, value.encode("utf-8"))


def _render(drawn: GrantsDrawn, tables: _Lookups, begin: int, end: int) -> dict[str, np.ndarray]:
    """The CSV fields of grants ``begin`` to ``end`` (UTF-8, quoted), keyed by column title."""
    programme = drawn.programme[begin:end]
    recipient = drawn.recipient[begin:end]
    location = drawn.location[begin:end]
    award_date = drawn.award_date[begin:end]
    months = drawn.months[begin:end]
    size = end - begin

    filling = {
        "org": tables.recipient_name[recipient],
        "topic": tables.topic[drawn.topic[begin:end]],
        "place": tables.place[location],
    }
    title = np.empty(size, dtype=TEXT)
    description = np.empty(size, dtype=TEXT)
    for index, prog in enumerate(PROGRAMMES):
        rows = programme == index
        if rows.any():
            values = {key: column[rows] for key, column in filling.items()}
            title[rows] = _fill(prog.grant_title, values)
            description[rows] = _fill(prog.description, values)
    sequence = np.char.zfill(np.arange(begin + 1, end + 1).astype("S"), 7)
    start_month = award_date.astype("datetime64[M]") + 1
    start = start_month.astype("datetime64[D]")
    finish = (start_month + months).astype("datetime64[D]") - np.timedelta64(1, "D")
    fields = {
        "Identifier": np.char.add(tables.prefix[programme], sequence),
        "Title": _csv_field(title),
        "Description": _csv_field(description),
        "Currency": _constant("GBP", size),
        "Amount Awarded": _ascii(drawn.amount[begin:end]),
        "Award Date": _ascii(award_date),
        "Planned Dates:Start Date": _ascii(start),
        "Planned Dates:End Date": _ascii(finish),
        "Planned Dates:Duration (months)": _ascii(months),
        "Beneficiary Location:Country Code": _constant("GB", size),
        "Last Modified": _constant(LAST_MODIFIED, size),
    }
    fields.update({key: values[programme] for key, values in tables.programme.items()})
    fields.update({key: values[recipient] for key, values in tables.recipient.items()})
    fields.update({key: values[location] for key, values in tables.location.items()})
    return fields


def _csv_bytes(fields: list[np.ndarray]) -> bytes:
    """Rows of UTF-8 fields joined into CSV lines.

    Each column is a fixed-width byte array padded with NULs, which text never contains: laid
    side by side with the separators, and with the NULs dropped, they read row by row as the
    lines of the file, with no Python string per row.
    """
    size = len(fields[0])
    parts = []
    for number, field in enumerate(fields, start=1):
        parts.append(field.view(np.uint8).reshape(size, field.dtype.itemsize))
        parts.append(np.full((size, 1), ord("\n" if number == len(fields) else ","), np.uint8))
    matrix = np.hstack(parts)
    return bytes(matrix[matrix != 0].tobytes())


def write_grants_csv(
    drawn: GrantsDrawn, people: Recipients, path: Path, chunk: int = 100_000
) -> Path:
    """Write the grants as a 360Giving flat CSV, ``chunk`` grants at a time, so memory stays
    flat however many there are."""
    tables = _lookups(drawn, people)
    size = drawn.programme.size
    with path.open("wb") as handle:
        handle.write(_csv_bytes([_csv_field(_text([title])) for title in COLUMNS]))
        for begin in range(0, size, chunk):
            columns = _render(drawn, tables, begin, min(begin + chunk, size))
            handle.write(_csv_bytes([columns[title] for title in COLUMNS]))
    return path


def research_grants(drawn: GrantsDrawn, people: Recipients) -> pd.DataFrame:
    """The P&C research grants to local groups, for the registers to link projects to."""
    pc = np.array([p.is_pc_research and p.recipient == LOCAL for p in PROGRAMMES])
    rows = np.flatnonzero(pc[drawn.programme])
    programme = drawn.programme[rows]
    prefix = _text([f"{FUNDERS[p.funder].grant_prefix}-" for p in PROGRAMMES])[programme]
    sequence = np.strings.zfill((rows + 1).astype(TEXT), 7)
    codes = np.array([p.code for p in PROGRAMMES], dtype=object)
    table = people.table
    return pd.DataFrame(
        {
            "grant_id": np.strings.add(prefix, sequence).astype(object),
            "programme": codes[programme],
            "recipient_id": table["org_id"].to_numpy(dtype=object)[drawn.recipient[rows]],
            "recipient_name": table["name"].to_numpy(dtype=object)[drawn.recipient[rows]],
            "location": drawn.locations["code"].to_numpy(dtype=object)[drawn.location[rows]],
            "topic": drawn.topic[rows],
            "award_date": drawn.award_date[rows],
            "months": drawn.months[rows],
            "amount": drawn.amount[rows],
        }
    )
