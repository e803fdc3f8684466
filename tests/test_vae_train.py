"""Training on real digits: reproducible, learning, reporting both terms, β schedules."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from gkentei_vae.models.data import Split
from gkentei_vae.models.model import preset_config
from gkentei_vae.models.schedule import ScheduleError, parse_beta_schedule
from gkentei_vae.models.train import (
    EpochRecord,
    StepRecord,
    TrainConfig,
    Trainer,
    evaluate,
    random_shift,
)


@pytest.fixture(scope="module")
def data(mnist5k: Split) -> Split:
    return mnist5k


def _run(data: Split, **overrides: object) -> tuple[Trainer, list[StepRecord | EpochRecord]]:
    options: dict[str, object] = {
        "epochs": 1,
        "limit": 500,
        "seed": 5,
        "device": "cpu",
        "eval_every": 0,
    }
    options.update(overrides)
    arch = str(options.pop("arch", "conv"))
    latent = int(options.pop("latent", 8))  # type: ignore[call-overload]
    trainer = Trainer(preset_config(arch, latent), TrainConfig(**options), data)  # type: ignore[arg-type]
    return trainer, list(trainer.run())


def _untimed(records: list[StepRecord | EpochRecord]) -> list[StepRecord | EpochRecord]:
    """The records without their wall-clock seconds, the one thing a rerun may change."""
    return [replace(r, seconds=0.0) for r in records]


@pytest.mark.early
def test_seeded_one_epoch_run_is_bit_for_bit_reproducible_and_learns(data: Split) -> None:
    first, records_a = _run(data)
    second, records_b = _run(data)
    assert _untimed(records_a) == _untimed(records_b)
    for name, tensor in first.model.state_dict().items():
        assert torch.equal(tensor, second.model.state_dict()[name]), name

    fresh = Trainer(preset_config("conv", 8), TrainConfig(epochs=1, limit=500, seed=5), data)
    before = evaluate(fresh.model, data.heldout[:200])
    after = evaluate(first.model, data.heldout[:200])
    assert after.neg_elbo < before.neg_elbo - 20
    steps = [r for r in records_a if isinstance(r, StepRecord)]
    assert len(steps) == first.steps_per_epoch == 8  # 500 images, batches of 64
    assert steps[-1].loss < steps[0].loss

    _, other_seed = _run(data, seed=6)
    assert _untimed(other_seed) != _untimed(records_a)


def test_records_report_both_terms_and_the_heldout_elbo(data: Split) -> None:
    _, records = _run(data, arch="mlp", epochs=2, beta_schedule="warmup:4", eval_every=1)
    steps = [r for r in records if isinstance(r, StepRecord)]
    epochs = [r for r in records if isinstance(r, EpochRecord)]
    assert [r.step for r in steps] == list(range(1, 17))
    assert [r.epoch for r in epochs] == [1, 2]
    assert [r.beta for r in steps[:5]] == [0.0, 0.25, 0.5, 0.75, 1.0]
    for r in steps:
        assert r.recon > 0 and r.kl >= 0
        assert r.loss == pytest.approx(r.recon + r.beta * r.kl)
    for r in epochs:
        assert r.heldout_neg_elbo == pytest.approx(r.heldout_recon + r.heldout_kl)
    assert records[8] == epochs[0]  # the epoch record comes right after its last step


def test_a_ui_can_stop_between_steps(data: Split) -> None:
    trainer = Trainer(preset_config("mlp", 4), TrainConfig(epochs=3, limit=500), data)
    for record in trainer.run():
        if record.step == 3:
            break
    assert trainer.step == 3
    assert trainer.epoch == 0


def test_without_the_kl_term_the_kl_grows(data: Split) -> None:
    free, free_records = _run(data, arch="mlp", latent=8, epochs=3, beta=0.0, eval_every=3)
    _, tied_records = _run(data, arch="mlp", latent=8, epochs=3, beta=1.0, eval_every=3)
    free_kl = free_records[-1].heldout_kl  # type: ignore[union-attr]
    tied_kl = tied_records[-1].heldout_kl  # type: ignore[union-attr]
    assert free_kl > 2 * tied_kl
    assert free.metadata()["beta"] == 0.0


def test_metadata_records_the_run(data: Split) -> None:
    trainer, records = _run(data, arch="mlp", latent=4, eval_every=1)
    meta = trainer.metadata("gkentei-vae train ...")
    assert meta["dataset"] == "mnist5k"
    assert meta["epochs"] == 1 and meta["seed"] == 5
    assert meta["heldout_neg_elbo"] == records[-1].heldout_neg_elbo  # type: ignore[union-attr]
    assert meta["torch_version"] == torch.__version__
    assert type(meta["torch_version"]) is str  # a TorchVersion would not load with weights_only
    assert meta["command"] == "gkentei-vae train ..."


def test_evaluation_is_deterministic_and_leaves_the_global_rng_alone(data: Split) -> None:
    trainer = Trainer(preset_config("mlp", 4), TrainConfig(epochs=1, limit=100), data)
    torch.manual_seed(0)
    a = evaluate(trainer.model, data.heldout[:50])
    after_a = torch.rand(1)
    torch.manual_seed(0)
    b = evaluate(trainer.model, data.heldout[:50])
    assert a == b
    assert torch.equal(torch.rand(1), after_a)


def test_random_shift_moves_images_without_changing_their_shape() -> None:
    x = torch.zeros(4, 1, 28, 28)
    x[:, 0, 10:18, 10:18] = 1.0
    shifted = random_shift(x, 2, torch.Generator().manual_seed(0))
    assert shifted.shape == x.shape
    torch.testing.assert_close(shifted.sum(dim=(1, 2, 3)), x.sum(dim=(1, 2, 3)))
    assert not torch.equal(shifted, x)


@pytest.mark.parametrize(
    ("spec", "beta", "expected"),
    [
        ("const", 0.5, [0.5, 0.5, 0.5, 0.5]),
        ("warmup:2", 2.0, [0.0, 1.0, 2.0, 2.0]),
        ("warmup:1ep", 1.0, [0.0, 1 / 3, 2 / 3, 1.0]),
        ("linear:1:0:2", 9.0, [1.0, 0.5, 0.0, 0.0]),
        ("cyclic:4", 1.0, [0.0, 0.5, 1.0, 1.0]),
    ],
)
def test_beta_schedules(spec: str, beta: float, expected: list[float]) -> None:
    schedule = parse_beta_schedule(spec, beta, steps_per_epoch=3)
    assert [schedule.at(s) for s in range(4)] == pytest.approx(expected)


def test_cyclic_schedule_restarts() -> None:
    schedule = parse_beta_schedule("cyclic:4", 1.0)
    assert schedule.at(4) == 0.0 and schedule.at(6) == 1.0


@pytest.mark.parametrize("spec", ["", "warmup", "warmup:x", "warmup:-3", "linear:1:2", "sine:3"])
def test_bad_schedules_are_rejected_with_the_syntax(spec: str) -> None:
    with pytest.raises(ScheduleError, match="β スケジュール"):
        parse_beta_schedule(spec, 1.0)


def test_eval_every_skips_heldout_evaluations(data: Split) -> None:
    _, records = _run(data, arch="mlp", epochs=3, limit=128, eval_every=2)
    held = [r.heldout_neg_elbo for r in records if isinstance(r, EpochRecord)]
    assert held[0] is None and held[1] is not None and held[2] is not None
    trainer, records = _run(data, arch="mlp", epochs=1, limit=128, eval_every=0)
    assert records[-1].heldout_neg_elbo is None  # type: ignore[union-attr]
    assert trainer.metadata()["heldout_neg_elbo"] > 0  # evaluated on demand
