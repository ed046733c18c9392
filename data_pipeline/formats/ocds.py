"""Format adapter: being written in this session (registers no formats yet)."""

from __future__ import annotations

from data_pipeline.formats.base import Format

FORMATS: list[Format] = []
