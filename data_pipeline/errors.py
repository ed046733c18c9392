"""The two kinds of bad input: a row that is rejected, and a file that is rejected whole."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with one input row: ``FILE:ROW: FIELD: reason``."""

    file_name: str
    row_number: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file_name if self.row_number is None else f"{self.file_name}:{self.row_number}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class FileRejected(Exception):
    """The file cannot be read at all; nothing from it is loaded."""

    def __init__(
        self, file_name: str, reason: str, row_number: int | None = None, field: str | None = None
    ) -> None:
        self.problem = Problem(file_name, row_number, field, reason)
        super().__init__(str(self.problem))

    def __reduce__(self) -> tuple[type[FileRejected], tuple[str, str, int | None, str | None]]:
        # Rebuilt from its problem when it crosses from a parse in another process.
        p = self.problem
        return FileRejected, (p.file_name, p.reason, p.row_number, p.field)
