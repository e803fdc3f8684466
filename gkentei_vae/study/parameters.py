"""The FSRS parameters in force: the learner's own (set by ``gkentei-vae optimize``) or
FSRS's defaults.

Apart from calibration.py (which needs numpy) so that the scheduler, and every screen that
schedules, reads them without importing numpy.
"""

from __future__ import annotations

import json

from fsrs import Scheduler

from gkentei_vae.study.store import Store

PARAMS_KEY = "_fsrs-parameters"
"""Internal setting: the learner's own FSRS parameters (a JSON list), set by ``optimize``."""
PREVIOUS_PARAMS_KEY = "_fsrs-parameters-previous"
"""Internal setting: the parameters in force before the last switch (JSON; ``[]`` = defaults)."""


def personal_parameters(store: Store) -> tuple[float, ...] | None:
    """The learner's own FSRS parameters, if ``optimize`` set them."""
    text = store.get_setting(PARAMS_KEY)
    if not text:
        return None
    try:
        values = tuple(float(x) for x in json.loads(text))
        Scheduler(parameters=values)  # validates the count and the bounds
    except (ValueError, TypeError):
        return None
    return values


def scheduler_for(store: Store) -> Scheduler:
    """The scheduler in force: personal parameters when set, else FSRS's defaults."""
    params = personal_parameters(store)
    return Scheduler(parameters=params) if params else Scheduler()
