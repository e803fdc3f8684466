"""What every study mode works with: the learning record, the banks, the scheduler, the clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from gkentei_vae.study.clock import utcnow

if TYPE_CHECKING:
    from gkentei_vae.banks import Bank
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.study.store import Store


@dataclass
class StudyContext:
    """The record, banks, scheduler and clock a mode reads and writes (home shares one)."""

    store: Store
    """The learning record."""
    banks: Sequence[Bank]
    """The loaded banks."""
    srs: Srs | None = None
    """The scheduler; None: made at its first use (a quiz imports fsrs at its first answer)."""
    clock: Callable[[], datetime] = utcnow
    """"Now" (tests fix it)."""

    @property
    def tz(self) -> tzinfo | None:
        """The learner's time zone for days (None: the system's)."""
        return self.srs.tz if self.srs else None

    @property
    def level(self) -> str:
        """The ``level`` setting in force: what quiz, review, exam and the drill serve."""
        from gkentei_vae.study.settings import study_level

        return study_level(self.store)

    @property
    def levels(self) -> tuple[str, ...]:
        """The question levels ``level`` selects (empty: every level)."""
        from gkentei_vae.study.settings import levels_for

        return levels_for(self.level)

    def scheduler(self) -> Srs:
        """``srs``, made now if it was not given."""
        if self.srs is None:
            from gkentei_vae.study.srs import Srs

            self.srs = Srs(self.store)
        return self.srs
