"""Seeded sections of torch's global generator hold when threads compute at once (serve's
shared model process computes several tabs' demos in threads)."""

from __future__ import annotations

import threading

import torch

from gkentei_vae.models.seeding import global_seed


def test_a_seeded_section_draws_the_same_whatever_runs_beside_it() -> None:
    with global_seed(0):
        expected = torch.randn(256)
    before = torch.random.get_rng_state()
    drawn: list[torch.Tensor] = []
    start = threading.Barrier(3)

    def draw(seed: int) -> None:
        start.wait()
        for _ in range(100):
            with global_seed(seed):
                # Small draws with a switch point between them: an unlocked section would
                # see another thread's seeding in the middle.
                parts = [torch.randn(32) for _ in range(8)]
            if seed == 0:
                drawn.append(torch.cat(parts))

    threads = [threading.Thread(target=draw, args=(seed,)) for seed in (0, 1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(drawn) == 100
    assert all(torch.equal(d, expected) for d in drawn)
    assert torch.equal(torch.random.get_rng_state(), before), "the caller's generator is untouched"
