"""Error types: bad user input (exit code 2) is kept apart from internal failures (exit code 3)."""
from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad user input, located as precisely as possible (file, row, column) with a hint how to fix it."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """One line: where, what, and how to fix it."""
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def located(self, *, file: str | Path | None = None, row: int | None = None,
                column: str | None = None) -> "InputError":
        """The same error with missing location parts filled in."""
        return InputError(
            self.message,
            file=self.file or file,
            row=self.row if self.row is not None else row,
            column=self.column or column,
            hint=self.hint,
        )


class NotFound(InputError):
    """Input naming a record that does not exist (an evaluation id, an inspection batch): HTTP 404."""


class Conflict(InputError):
    """Input at odds with the records' current state (a status change not allowed, nothing to draw): HTTP 409."""


class DataError(Exception):
    """The shipped data (background inventory, methods, specs) is inconsistent: a bug in the repo's data."""
