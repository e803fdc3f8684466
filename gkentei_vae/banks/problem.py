"""A problem found in a bank file, where its author can find it."""

from __future__ import annotations

from dataclasses import dataclass

NO_LINE = 0
"""``Problem.line`` of a problem with the path itself: no line to point at."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a bank: ``file:line: message``."""

    path: str
    line: int
    """1-based line in the file; ``NO_LINE`` for the path itself (missing, or no bank in it)."""
    message: str

    def __str__(self) -> str:
        if self.line == NO_LINE:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"
