"""ONS area lookups (``area-lookup-csv``), such as LSOA21CD, LSOA21NM, WD24CD, WD24NM, LAD24CD,
LAD24NM: they fill ``dim_areas`` with names, vintages and the parent of each area.

Each ``<LEVEL><yy>CD`` column is one level; its vintage is the level and the year the title
states (``WD24CD`` -> ``WD2024``). Levels nest in this order: OA, LSOA, MSOA, WD, LAD (or LTLA),
UTLA (or CTY, CTYUA), RGN, CTRY. An area's parent is the next level up that the file has, so an
LSOA's parent is its ward and a ward's parent its district. MSOAs get a parent but are never one,
because wards and LSOAs do not nest in MSOAs. Other code columns are ignored.

One row describes the finest level's area (the LSOA), so that area is the row's record: a
repeated LSOA is rejected, and so is a row that puts an area in a different parent from the row
that first named it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source, read_csv_frame
from data_pipeline.formats.area_indicators import (
    area_frames,
    area_types,
    check_area_codes,
    optional_text,
    reject_duplicates,
)
from data_pipeline.formats.base import Format, Parsed, RejectCollector, quoted, reject_bad_rows
from warehouse.schema import dim_areas

PUBLISHER = "Office for National Statistics"
LICENCE = "Open Government Licence v3.0"
_TITLE = re.compile(r"^(?P<level>[A-Z]+?)(?P<yy>\d{2})(?P<kind>CD|NM)$", re.IGNORECASE)
# Level -> rank in the nesting, smallest first.
LEVEL_RANKS = {
    "OA": 0,
    "LSOA": 1,
    "MSOA": 2,
    "WD": 3,
    "LAD": 4,
    "LTLA": 4,
    "UTLA": 5,
    "CTY": 5,
    "CTYUA": 5,
    "RGN": 6,
    "CTRY": 7,
}
_NEVER_PARENT = {"MSOA"}


@dataclass(frozen=True)
class Level:
    """One level of a lookup: its code and name columns and its vintage."""

    level: str
    code_column: str
    name_column: str | None
    vintage: str

    @property
    def rank(self) -> int:
        return LEVEL_RANKS[self.level]


def lookup_levels(titles: list[str]) -> list[Level]:
    """The levels a header holds, finest first (at most one column per rank)."""
    names = {}
    codes = []
    for title in titles:
        match = _TITLE.match(title.strip())
        if not match or match["level"].upper() not in LEVEL_RANKS:
            continue
        level, yy = match["level"].upper(), match["yy"]
        if match["kind"].upper() == "NM":
            names[(level, yy)] = title
        else:
            codes.append((level, yy, title))
    levels: dict[int, Level] = {}
    for level, yy, title in codes:
        century = "19" if int(yy) >= 50 else "20"
        found = Level(level, title, names.get((level, yy)), f"{level}{century}{yy}")
        levels.setdefault(found.rank, found)
    return [levels[rank] for rank in sorted(levels)]


def _sniff(source: Source) -> bool:
    return len(lookup_levels(source.csv_header)) >= 2


def _parse(source: Source, _config: Config) -> Parsed:
    frame = read_csv_frame(source, keep_ragged_rows=True)
    levels = lookup_levels([c for c in frame.columns if c != ROW])
    if len(levels) < 2:
        raise FileRejected(source.name, "needs at least two area code columns such as LSOA21CD")
    rejects = RejectCollector(frame)
    reject_bad_rows(frame, rejects)
    finest = levels[0]
    codes = {
        lv.level: check_area_codes(
            rejects, frame[lv.code_column], lv.code_column, required=lv is finest
        )
        for lv in levels
    }
    parents = {lv.level: _parent_codes(lv, levels, codes) for lv in levels}
    reject_duplicates(rejects, frame, codes[finest.level], finest.code_column, codes[finest.level])
    for lv in levels[1:]:
        _reject_moved(rejects, frame, lv, codes[lv.level], parents[lv.level], levels)

    ok = ~rejects.rejected
    higher = pd.concat(
        [_areas(frame, lv, codes, parents, ok) for lv in reversed(levels[1:])], ignore_index=True
    )
    rows = _areas(frame, finest, codes, parents, ok)
    rows["area_type"] = area_types(rows["area_code"])
    frames = [(dim_areas, f) for f in area_frames(higher)]
    # The finest areas last, in one frame with every column: the loader counts this frame, and
    # a lookup is the authority on the parents and vintages it lists.
    frames.append((dim_areas, rows.reset_index(drop=True)))
    return Parsed(
        format_id="area-lookup-csv",
        rows_read=len(frame),
        primary=dim_areas,
        frames=frames,
        rejects=rejects.records(),
        publisher=PUBLISHER,
        licence=LICENCE,
    )


def _parent_codes(level: Level, levels: list[Level], codes: dict[str, pd.Series]) -> pd.Series:
    """The code of the next level up that the row gives (and that is not the area itself: a
    metropolitan district is its own upper tier)."""
    own = codes[level.level]
    parent = pd.Series(pd.NA, index=own.index, dtype="string")
    for upper in levels:
        if upper.rank <= level.rank or upper.level in _NEVER_PARENT:
            continue
        candidate = codes[upper.level].where(codes[upper.level] != own)
        parent = parent.fillna(candidate)
    return parent


def _reject_moved(
    rejects: RejectCollector,
    frame: pd.DataFrame,
    level: Level,
    codes: pd.Series,
    parents: pd.Series,
    levels: list[Level],
) -> None:
    """Reject rows that put an area in a different parent from the row that first named it."""
    seen = ~rejects.rejected & codes.notna()
    first_parent = parents[seen].groupby(codes[seen]).transform("first")
    first_row = frame.loc[seen, ROW].groupby(codes[seen]).transform("first")
    moved = parents[seen].fillna("") != first_parent.fillna("")
    if not moved.any():
        return
    upper = next(lv for lv in levels if lv.rank > level.rank and lv.level not in _NEVER_PARENT)
    reason = (
        quoted(codes[seen])
        + " is in "
        + quoted(first_parent.fillna(""))
        + " on row "
        + first_row.astype("string")
        + ", not "
        + quoted(parents[seen].fillna(""))
    )
    rejects.add(moved, upper.code_column, reason.reindex(frame.index))


def _areas(
    frame: pd.DataFrame,
    level: Level,
    codes: dict[str, pd.Series],
    parents: dict[str, pd.Series],
    ok: pd.Series,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": codes[level.level][ok],
            "area_name": optional_text(frame, level.name_column)[ok],
            "code_vintage": level.vintage,
            "parent_code": parents[level.level][ok],
        }
    ).dropna(subset=["area_code"])


FORMATS: list[Format] = [
    Format("area-lookup-csv", "ONS area lookup (CSV)", _sniff, _parse),
]
