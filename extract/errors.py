"""Domain errors of the extraction stage."""

from __future__ import annotations


class LitkgError(Exception):
    """Base class of every error litkg reports to a user as one clear message."""


class IngestError(LitkgError):
    """A source file could not be read: names the file and (1-based) line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
