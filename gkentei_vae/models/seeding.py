"""Seeding torch's global random generator, safely when several threads compute at once.

Our code draws from its own ``torch.Generator`` wherever it can; a few things can only
use the global one (a module's initial weights, ``Distribution.rsample``). serve's shared
model process computes several tabs' demos in threads at once (and every model process
prepares demos in a thread of its own while it serves), so a seeded section holds a lock:
two runs with the same seed start from the same numbers, whatever runs beside them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

GLOBAL_RNG_LOCK = threading.RLock()
"""Held while a thread has the global generator seeded (reentrant: sections may nest)."""


@contextmanager
def global_seed(seed: int) -> Iterator[None]:
    """Inside: the global generator seeded with ``seed``, for this thread alone; after: as it was."""
    with GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
