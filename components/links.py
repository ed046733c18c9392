"""Addresses of record pages that several pages link to."""

from __future__ import annotations

from urllib.parse import quote


def project_href(project_id: str) -> str:
    """The address of a project's page."""
    return f"/research/{quote(str(project_id), safe='')}"
