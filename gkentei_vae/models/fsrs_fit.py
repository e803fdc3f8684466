"""Fitting FSRS parameters to a learner's reviews with py-fsrs's optimizer (it runs on torch,
so it lives on the model side and runs in a command, never in the UI process)."""

from __future__ import annotations

from collections.abc import Sequence

from fsrs import ReviewLog


def fit_parameters(review_logs: Sequence[ReviewLog]) -> list[float]:
    """py-fsrs's optimal parameters for these reviews (its defaults below 512 qualifying)."""
    from fsrs import Optimizer

    return [float(x) for x in Optimizer(list(review_logs)).compute_optimal_parameters()]
