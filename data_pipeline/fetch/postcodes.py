"""The council's ONS postcode lookup (an extract of the NSPL or ONSPD for its own area, as CSV):
which postcodes, wards and small areas lie inside the configured area codes.

Columns are found by their ONS names: the postcode (``pcds``, ``pcd``, ``pcd7``, ``pcd8``,
``postcode``) and the area codes from coarsest to finest (``laua``/``lad*``, ``osward``/
``ward*``/``wd*``, ``msoa*``, ``lsoa*``, ``oa*``). A postcode is in the area when one of its
codes is; the finer codes of such a row join the area (a district's wards and small areas),
never the coarser ones (a ward's district would take in the whole district).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from data_pipeline.fetch.area import normalise_postcode

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode")
LEVELS = (
    re.compile(r"^(laua|lad\d*cd|lad|ladcd|oslaua)$"),
    re.compile(r"^(osward|ward|wd\d*cd|wardcd|ward\d*cd)$"),
    re.compile(r"^(msoa\d*|msoa\d*cd|msoacd)$"),
    re.compile(r"^(lsoa\d*|lsoa\d*cd|lsoacd)$"),
    re.compile(r"^(oa\d*|oa\d*cd|oacd)$"),
)


class PostcodeLookupError(ValueError):
    """The lookup cannot be used; the message names the file and the reason."""


def read_postcode_lookup(
    path: Path, area_codes: Iterable[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """(postcodes in the area, codes in the area) from the lookup at ``path``."""
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise PostcodeLookupError(f"{path.name}: cannot be read ({error.strerror})") from error
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    postcode_at = next((header.index(c) for c in POSTCODE_COLUMNS if c in header), None)
    if postcode_at is None:
        raise PostcodeLookupError(
            f"{path.name}: has no postcode column (one of {', '.join(POSTCODE_COLUMNS)})"
        )
    levels = [[i for i, name in enumerate(header) if pattern.match(name)] for pattern in LEVELS]
    if not any(levels):
        raise PostcodeLookupError(f"{path.name}: has no area code column (laua, osward, lsoa…)")
    area = {c.strip().upper() for c in area_codes if c.strip()}
    postcodes: set[str] = set()
    codes: set[str] = set(area)
    for row in reader:
        for depth, columns in enumerate(levels):
            if any(i < len(row) and row[i].strip().upper() in area for i in columns):
                postcode = normalise_postcode(row[postcode_at]) if postcode_at < len(row) else None
                if postcode:
                    postcodes.add(postcode)
                codes.update(
                    row[i].strip().upper()
                    for finer in levels[depth + 1 :]
                    for i in finer
                    if i < len(row) and row[i].strip()
                )
                break
    return frozenset(postcodes), frozenset(codes)
