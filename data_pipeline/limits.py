"""The limits every input file is held to, in one place (documented in the README).

A file over a size limit is refused whole before it is parsed, so a small compressed file that
would expand to gigabytes (a "zip bomb" XLSX, a gzip bomb) never reaches the parsers; a field
over a length limit rejects its row. The checks read these names at call time, so a test may
lower one.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib

from data_pipeline.errors import FileRejected

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
"""The most a compressed input may expand to: an XLSX's members together, or a ``.gz`` file."""

MAX_COMPRESSION_RATIO = 100
"""The most an XLSX member or a ``.gz`` file may expand by (uncompressed / compressed size).
Real workbooks and gzipped CSVs expand 4 to 20 times; a bomb, hundreds or thousands of times.
Checked only past ``RATIO_GRACE_BYTES``, where a tiny member's ratio means nothing."""

RATIO_GRACE_BYTES = 1024 * 1024

MAX_ROWS = 1_048_576
"""Rows a spreadsheet sheet may hold (Excel's own limit)."""

MAX_COLUMNS = 1_000
"""Columns a CSV or a sheet may have (the widest real 360Giving template has about 150)."""

MAX_FIELD_CHARS = 10_000
"""The longest text any field may hold (a description); a longer one rejects its row."""

MAX_NAME_CHARS = 1_000
"""The longest title or name (a grant's title, an organisation's or supplier's name)."""

_CHUNK = 1024 * 1024


def check_archive(file_name: str, content: bytes) -> None:
    """Refuse a zip archive (an XLSX) whose members would expand past the limits, from the
    sizes its directory declares (``zipfile`` never inflates a member past its declared size,
    so the declared sizes bound what parsing can allocate)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRejected(file_name, f"is a damaged XLSX (zip) file: {error}") from error
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRejected(
            file_name,
            f"would expand to {_size(total)} when opened, more than the "
            f"{_size(MAX_UNCOMPRESSED_BYTES)} a workbook may hold; it was not opened",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_GRACE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise FileRejected(
                file_name,
                f"has a part ({member.filename}) that would expand {ratio:,.0f} times when "
                f"opened (at most {MAX_COMPRESSION_RATIO} times is accepted): it looks like a "
                "zip bomb and was not opened",
            )


def gunzip(file_name: str, content: bytes) -> bytes:
    """A ``.gz`` file's content, decompressed a slice at a time and refused as soon as it
    passes ``MAX_UNCOMPRESSED_BYTES`` or (past the grace) ``MAX_COMPRESSION_RATIO``."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                size = out.tell()
                if size > MAX_UNCOMPRESSED_BYTES:
                    raise FileRejected(
                        file_name,
                        f"expands to more than {_size(MAX_UNCOMPRESSED_BYTES)} when "
                        "decompressed; it was not read",
                    )
                if size > RATIO_GRACE_BYTES and size > MAX_COMPRESSION_RATIO * len(content):
                    raise FileRejected(
                        file_name,
                        f"expands more than {MAX_COMPRESSION_RATIO} times when decompressed: "
                        "it looks like a gzip bomb and was not read",
                    )
    except (OSError, EOFError, zlib.error) as error:
        raise FileRejected(file_name, f"is a damaged gzip file: {error}") from error
    return out.getvalue()


def _size(count: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if count >= size:
            return f"{count / size:,.0f} {unit}"
    return f"{count:,} bytes"
