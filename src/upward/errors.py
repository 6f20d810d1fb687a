"""Errors a user can act on.

Every error Upward raises on purpose says what was wrong and what to do next; the faces
(CLI, API) print the message and the hint and exit with a status, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class UpwardError(Exception):
    """Base of the errors meant for a person: a message and, where there is one, a next step."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class SourceFormatError(UpwardError):
    """An official file is not in the shape its reader knows: names the file, row and field."""

    def __init__(self, path: Path | str, reason: str, *, field: str | None = None, row: int | None = None):
        where = Path(path).name
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(
            f"{where}: {reason}",
            hint=f"File: {path}. Check that it is the official release the reader expects (see PROVENANCE).",
        )
        self.path = str(path)
        self.field = field
        self.row = row
        self.reason = reason


class ConflictError(UpwardError):
    """A request the hub's current state refuses: a file byte-identical to an active import, an
    import already rolled back. The API answers 409; the CLI exits 1 like any refusal."""

    status = 409


class UnknownRecordError(UpwardError):
    """A record the hub does not hold (an import id never made, a hub not created yet). The API
    answers 404; the CLI exits 1. Unlike NotFoundError it is an id, not a typed name, so there is
    nothing to suggest."""

    status = 404


class NoJobsThatMobilizeError(UpwardError):
    """The area has no Job That Mobilizes, so a question whose default target is one has no answer
    (every other origin in the same area would get the same answer)."""


class NotFoundError(UpwardError):
    """A name or code that resolves to nothing; carries the closest candidates."""

    exit_code = 2

    def __init__(self, message: str, suggestions: list[str] | None = None, hint: str | None = None):
        self.suggestions = suggestions or []
        if self.suggestions and hint is None:
            hint = "Did you mean: " + "; ".join(self.suggestions) + "?"
        super().__init__(message, hint)


class AmbiguousError(UpwardError):
    """A name that matches several things equally well; carries them so the user can choose."""

    exit_code = 2

    def __init__(self, message: str, candidates: list[str]):
        self.candidates = candidates
        super().__init__(message, "Be more specific, or use a code. Candidates:\n  " + "\n  ".join(candidates))
