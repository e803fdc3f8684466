"""`train --model gan | classifier` through the same machinery as the VAE, end to end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from gkentei_vae.cli import main
from gkentei_vae.models.checkpoint import load_checkpoint
from gkentei_vae.models.data import Split
from gkentei_vae.models.train import (
    ClassifierEpochRecord,
    GANEpochRecord,
    GANStepRecord,
    TrainConfig,
    make_trainer,
)

# One worker runs this module under pytest-xdist, so its module fixtures run once.
pytestmark = [pytest.mark.usefixtures("torch_threads"), pytest.mark.xdist_group("gan_train")]


@pytest.fixture(scope="module")
def data(mnist5k: Split) -> Split:
    return mnist5k


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_train_gan_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.pt"
    argv = ["train", "--model", "gan", "--arch", "mlp", "--latent-dim", "16", "--epochs", "2"]
    argv += ["--limit", "128", "--seed", "4", "--device", "cpu", "--out", str(out)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "エポック 2/2" in captured.err and "判定 FD" in captured.err
    rows = _rows(tmp_path / "g.jsonl")
    steps = [r for r in rows if r["kind"] == "step"]
    epochs = [r for r in rows if r["kind"] == "epoch"]
    assert len(steps) == 4 and len(epochs) == 2
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= steps[0].keys()
    assert epochs[-1]["fd"] is not None and epochs[-1]["classes"] is not None
    loaded = load_checkpoint(out, kind="gan")
    assert loaded.config.latent_dim == 16 and loaded.meta["model"] == "gan"
    assert loaded.meta["judge"]["fd"] == pytest.approx(epochs[-1]["fd"], abs=1e-3)
    assert loaded.meta["command"].startswith("gkentei-vae train --model gan --dataset mnist5k")
    with torch.no_grad():
        images = loaded.model.images(torch.zeros(2, 16))
    assert images.shape == (2, 1, 28, 28) and 0 <= float(images.min())


def test_train_classifier_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.pt"
    argv = ["train", "--model", "classifier", "--epochs", "1", "--limit", "256", "--shift", "1"]
    assert main([*argv, "--device", "cpu", "--out", str(out)]) == 0
    assert "正解率" in capsys.readouterr().err
    rows = _rows(tmp_path / "c.jsonl")
    assert [r["kind"] for r in rows].count("step") == 4
    loaded = load_checkpoint(out, kind="classifier")
    assert loaded.meta["heldout_images"] == 500
    assert loaded.meta["heldout_accuracy"] == rows[-1]["heldout_accuracy"]
    assert "--latent-dim" not in loaded.meta["command"]
    assert loaded.model(torch.zeros(1, 1, 28, 28)).shape == (1, 10)


def test_classifier_learns_in_a_few_steps(data: Split) -> None:
    trainer = make_trainer(
        TrainConfig(model="classifier", epochs=1, limit=640, seed=1, eval_every=1), data
    )
    records = list(trainer.run())
    last = records[-1]
    assert isinstance(last, ClassifierEpochRecord)
    assert last.heldout_accuracy is not None and last.heldout_accuracy > 0.5


def test_gan_training_is_reproducible_and_reports_both_networks(data: Split) -> None:
    config = TrainConfig(
        model="gan", arch="mlp", latent_dim=8, epochs=1, limit=320, seed=2, eval_every=0
    )
    runs = []
    for _ in range(2):
        trainer = make_trainer(config, data)
        runs.append([replace(r, seconds=0.0) for r in trainer.run()])
    assert runs[0] == runs[1]
    steps = [r for r in runs[0] if isinstance(r, GANStepRecord)]
    assert len(steps) == 5
    for r in steps:
        assert r.d_loss > 0 and r.g_loss > 0 and 0 <= r.d_real <= 1 and 0 <= r.d_fake <= 1
    assert isinstance(runs[0][-1], GANEpochRecord) and runs[0][-1].fd is None
    # Adam's β1 comes from the config, for both networks.
    beta1 = [g["betas"][0] for opt in trainer.optimizers for g in opt.param_groups]
    assert beta1 == [config.gan_beta1, config.gan_beta1]


def test_gan_training_without_the_classifier_stops_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GKENTEI_VAE_CHECKPOINTS", str(tmp_path / "empty"))
    out = tmp_path / "g.pt"
    assert main(["train", "--model", "gan", "--limit", "64", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "digit-classifier.pt" in err and "--model classifier" in err
    assert "エポック" not in err and not out.with_suffix(".jsonl").exists()


def test_the_torch_free_option_lists_match_the_modules() -> None:
    from gkentei_vae.models import classifier, data, gan, model
    from gkentei_vae.models.train_config import ARCHS, DATASETS

    assert DATASETS == data.DATASETS
    assert set(ARCHS["vae"]) == set(model.PRESETS)
    assert set(ARCHS["gan"]) == set(gan.PRESETS)
    assert set(ARCHS["classifier"]) == set(classifier.PRESETS)
