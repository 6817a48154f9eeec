"""User-facing input errors: they name the file, row and column, and never show a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputError(Exception):
    """Bad input from a user: the CLI prints it and exits 2, the API answers 4xx."""

    problem: str
    file: str | Path | None = None
    row: int | str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.problem}" if prefix else self.problem

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the API's error body."""
        return {
            "error": "invalid_input",
            "problem": self.problem,
            "file": None if self.file is None else str(self.file),
            "row": self.row,
            "column": self.column,
            "message": str(self),
        }


class InputErrors(InputError):
    """Several input errors found in one pass; shown together so a user fixes them at once."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.problem, first.file, first.row, first.column)

    def __str__(self) -> str:
        shown = [str(e) for e in self.errors[:20]]
        more = len(self.errors) - len(shown)
        tail = [f"... and {more} more"] if more > 0 else []
        return "\n".join(shown + tail)
