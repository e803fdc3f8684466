"""Adam for the live demos, without constructing a ``torch.optim`` optimizer.

Constructing any ``torch.optim.Optimizer`` imports ``torch._dynamo`` (with sympy, triton
and torch.distributed): measured with torch 2.14, ~1.5 s and ~150 MB more in the model
process, kept for its lifetime (issue 19, ``benchmarks/memory.py``). The maths is torch's
own: ``torch.optim.adam.adam``, the function ``torch.optim.Adam.step`` calls, on the same
single-tensor path it takes for CPU parameters.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import Tensor
from torch.optim.adam import adam


class LiveAdam:
    """``torch.optim.Adam(params, lr, betas, eps)`` without weight decay: ``zero_grad``, ``step``."""

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = [p for p in params if p.requires_grad]
        """The tensors updated, in order."""
        self.lr, self.betas, self.eps = lr, betas, eps
        self._exp_avgs = [torch.zeros_like(p) for p in self.params]
        self._exp_avg_sqs = [torch.zeros_like(p) for p in self.params]
        self._steps = [torch.tensor(0.0) for _ in self.params]

    def zero_grad(self) -> None:
        """Forget the gradients (``set_to_none=True``, as ``torch.optim``'s default)."""
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """One Adam update of every parameter that has a gradient."""
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        adam(
            [self.params[i] for i in live],
            [self.params[i].grad for i in live],  # type: ignore[misc]  # filtered above
            [self._exp_avgs[i] for i in live],
            [self._exp_avg_sqs[i] for i in live],
            [],
            [self._steps[i] for i in live],
            foreach=False,
            amsgrad=False,
            beta1=self.betas[0],
            beta2=self.betas[1],
            lr=self.lr,
            weight_decay=0.0,
            eps=self.eps,
            maximize=False,
        )
