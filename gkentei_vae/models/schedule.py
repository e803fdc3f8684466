"""β schedules: how the weight of the KL term changes during training.

Syntax of ``--beta-schedule SPEC`` (``N`` is a number of optimizer steps, or of
epochs when written with the suffix ``ep``, e.g. ``10ep``):

- ``const``: β stays at ``--beta`` (the default).
- ``warmup:N``: β rises linearly from 0 to ``--beta`` over the first N steps, then
  stays there (KL annealing, a common guard against posterior collapse).
- ``linear:A:B:N``: β goes linearly from A to B over N steps, then stays at B
  (``--beta`` is ignored).
- ``cyclic:N``: β rises from 0 to ``--beta`` over the first half of every N steps
  and stays there for the second half (cyclical annealing).

This module has no torch import, so the CLI can validate a spec cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEDULE_HELP = "const | warmup:N | linear:A:B:N | cyclic:N  (N はステップ数、10ep のように ep を付けるとエポック数)"


class ScheduleError(ValueError):
    """A β schedule spec that does not parse; the message is for the user."""


@dataclass(frozen=True)
class BetaSchedule:
    """A parsed spec; call :meth:`at` with the 0-based step."""

    kind: str
    start: float
    end: float
    length: int

    def at(self, step: int) -> float:
        """β for the 0-based optimizer step ``step``."""
        if self.kind == "const" or self.length <= 0:
            return self.end
        if self.kind == "cyclic":
            half = max(1, self.length // 2)
            pos = step % self.length
            return self.end * min(1.0, pos / half)
        frac = min(1.0, step / self.length)
        return self.start + (self.end - self.start) * frac


def _length(text: str, steps_per_epoch: int, spec: str) -> int:
    raw = text.strip()
    per = 1
    if raw.endswith("ep"):
        raw, per = raw[:-2], steps_per_epoch
    try:
        n = int(raw)
    except ValueError:
        raise ScheduleError(
            f"β スケジュール {spec!r}: 長さ {text!r} は整数 (または 10ep の形) で書いてください"
        ) from None
    if n < 0:
        raise ScheduleError(f"β スケジュール {spec!r}: 長さは 0 以上にしてください")
    return n * per


def _number(text: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScheduleError(f"β スケジュール {spec!r}: {text!r} は数値ではありません") from None
    if value < 0:
        raise ScheduleError(f"β スケジュール {spec!r}: β は 0 以上にしてください")
    return value


def parse_beta_schedule(spec: str, beta: float, steps_per_epoch: int = 1) -> BetaSchedule:
    """Parse ``spec`` (see the module docstring); ``beta`` is the ``--beta`` value."""
    parts = spec.strip().split(":")
    kind = parts[0]
    if kind == "const" and len(parts) == 1:
        return BetaSchedule("const", beta, beta, 0)
    if kind in ("warmup", "cyclic") and len(parts) == 2:
        return BetaSchedule(kind, 0.0, beta, _length(parts[1], steps_per_epoch, spec))
    if kind == "linear" and len(parts) == 4:
        a, b = _number(parts[1], spec), _number(parts[2], spec)
        return BetaSchedule("linear", a, b, _length(parts[3], steps_per_epoch, spec))
    raise ScheduleError(f"β スケジュール {spec!r} は読めません。書き方: {SCHEDULE_HELP}")
