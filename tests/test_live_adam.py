"""The live demos' Adam: torch's update, without the import of torch._dynamo (issue 19)."""

from __future__ import annotations

import copy
import subprocess
import sys

import torch

from gkentei_vae.models.adam import LiveAdam
from tests.conftest import REPO


def test_live_adam_updates_as_torch_optim_adam() -> None:
    torch.manual_seed(0)
    ours = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    theirs = copy.deepcopy(ours)
    start = copy.deepcopy(ours)
    ours[2].bias.requires_grad_(False)  # a frozen parameter is left alone by both
    theirs[2].bias.requires_grad_(False)
    live = LiveAdam(ours.parameters(), lr=1e-2, betas=(0.5, 0.999))
    reference = torch.optim.Adam(
        [p for p in theirs.parameters() if p.requires_grad], lr=1e-2, betas=(0.5, 0.999)
    )
    for step in range(5):
        x = torch.randn(8, 6, generator=torch.Generator().manual_seed(step))
        for net, opt in ((ours, live), (theirs, reference)):
            opt.zero_grad()
            net(x).square().mean().backward()
            opt.step()
    assert not torch.equal(start[0].weight, ours[0].weight)  # it did train
    assert torch.equal(start[2].bias, ours[2].bias)
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)


def test_live_adam_does_not_import_torch_dynamo() -> None:
    code = (
        "import sys, torch; from gkentei_vae.models.adam import LiveAdam; "
        "w = torch.nn.Parameter(torch.ones(3)); opt = LiveAdam([w], lr=0.1); "
        "w.sum().backward(); opt.step(); assert w[0] < 1; "
        "print('torch._dynamo' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
