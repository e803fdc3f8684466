"""Quiz banks: YAML files → validated dataclasses (no textual, no torch)."""

from gkentei_vae.banks.loader import BankError, CheckResult, check_paths, load_banks
from gkentei_vae.banks.models import Bank, LyricLine, Question, Song, Term
from gkentei_vae.banks.problem import Problem

__all__ = [
    "Bank",
    "BankError",
    "CheckResult",
    "LyricLine",
    "Problem",
    "Question",
    "Song",
    "Term",
    "check_paths",
    "load_banks",
]
