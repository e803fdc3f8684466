"""Python's cyclic garbage collector held off while a mode's app starts (issue 19).

Importing Textual and building the first screen allocate a few hundred thousand
objects, nearly all of which live as long as the app: the collector ran ~100 times
during a start only to find them alive, 17 ms of the 0.37 s to the first question.
``hold`` stops it when a command starts building an app (``held`` in
``commands.common.mode_app`` and ``commands.home``);
``release`` turns it back on once the first screen has painted (``GkenteiApp``) or,
whatever happens, when the command's app is done with. Reference counting frees
everything else as usual in between; garbage in cycles made meanwhile is never
collected (``release`` freezes what exists), which at start-up is little.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_held = False


def hold() -> None:
    """Stop the cyclic collector until ``release`` (nothing if it is off already)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Turn the collector back on if ``hold`` turned it off (never one turned off elsewhere).

    What was allocated meanwhile is frozen first (``gc.freeze``): turned back on over a
    young generation of all those objects, the collector's next pass took as long as the
    passes it had been spared (14 ms, measured), to find them alive again.
    """
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


@contextmanager
def held() -> Iterator[None]:
    """``hold`` for the block, and ``release`` at its end if the app has not already."""
    hold()
    try:
        yield
    finally:
        release()
