"""The VAE commands end to end: train, sample, reconstruct, interpolate, manifold."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from PIL import Image

from gkentei_vae.cli import build_parser, main
from gkentei_vae.commands.vae_cmds import train_config_from_args
from gkentei_vae.halfblock import visible_width
from gkentei_vae.models.checkpoint import load_checkpoint
from gkentei_vae.models.train import TrainConfig
from gkentei_vae.models.train_config import flag, option_fields, recorded_words


def test_sample_png_via_the_real_command(tmp_path: Path) -> None:
    png = tmp_path / "s.png"
    result = subprocess.run(
        [sys.executable, "-m", "gkentei_vae", "sample", "--png", str(png), "--seed", "1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(png) as image:
        assert image.format == "PNG"
        width, height = image.size
    assert (width, height) == (10 * 30 + 2, 2 * 30 + 2)  # 20 digits, 10 a row


def test_same_seed_same_picture(tmp_path: Path) -> None:
    paths = [tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"]
    for path, seed in zip(paths, ["3", "3", "4"], strict=True):
        assert main(["sample", "--png", str(path), "--seed", seed, "--count", "8"]) == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


@pytest.mark.parametrize(
    "argv",
    [
        ["sample"],
        ["reconstruct"],
        ["interpolate"],
        ["interpolate", "--from", "0", "--to", "499", "--steps", "7"],
        ["manifold"],
        ["sample", "--checkpoint", "beta0", "--count", "40"],
    ],
)
def test_terminal_rendering_fits_80_columns(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--columns", "80"]) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    caption, picture = lines[0], lines[1:]
    assert "\x1b" not in caption
    assert len(picture) >= 8
    assert all(visible_width(line) <= 80 for line in picture)
    assert all("▀" in line and "\x1b[38;2;" in line for line in picture)


def test_image_commands_write_pngs(tmp_path: Path) -> None:
    for argv, size in [
        (["reconstruct", "--count", "6"], (6 * 30 + 2, 2 * 30 + 2)),
        (["interpolate", "--steps", "5"], (5 * 30 + 2, 30 + 2)),
        (["manifold", "--size", "4"], (4 * 28, 4 * 28)),
    ]:
        png = tmp_path / f"{argv[0]}.png"
        assert main([*argv, "--png", str(png)]) == 0
        with Image.open(png) as image:
            assert image.size == size


def test_train_writes_a_checkpoint_and_a_step_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run" / "tiny.pt"
    argv = ["train", "--arch", "mlp", "--latent-dim", "4", "--epochs", "2", "--limit", "256"]
    argv += ["--beta-schedule", "warmup:1ep", "--seed", "3", "--device", "cpu", "--out", str(out)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "エポック 2/2" in captured.err and "検証 −ELBO" in captured.err
    assert str(out) in captured.out
    rows = [json.loads(line) for line in (tmp_path / "run" / "tiny.jsonl").read_text().splitlines()]
    steps = [r for r in rows if r["kind"] == "step"]
    epochs = [r for r in rows if r["kind"] == "epoch"]
    assert len(steps) == 8 and len(epochs) == 2
    assert {"step", "epoch", "recon", "kl", "beta", "loss"} <= steps[0].keys()
    assert steps[0]["beta"] == 0.0 and steps[-1]["beta"] == 1.0
    loaded = load_checkpoint(out)
    assert loaded.config.arch == "mlp" and loaded.config.latent_dim == 4
    assert loaded.meta["epochs"] == 2 and loaded.meta["seed"] == 3
    assert loaded.meta["heldout_neg_elbo"] == pytest.approx(
        epochs[-1]["heldout_neg_elbo"], abs=1e-3
    )
    assert loaded.meta["command"].startswith("gkentei-vae train --dataset mnist5k --arch mlp")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["train", "--beta-schedule", "warmup:soon"], "β スケジュール"),
        (["sample", "--checkpoint", "/nonexistent/x.pt"], "gkentei-vae train"),
        (["manifold", "--checkpoint", "main"], "2 次元"),
        (["interpolate", "--from", "500"], "0〜499"),
        (["sample", "--checkpoint", "gan"], "GAN のチェックポイントです"),
    ],
)
def test_bad_input_is_one_clear_message(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_unwritable_png_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["sample", "--png", str(blocker / "s.png")]) == 2
    assert str(blocker / "s.png") in capsys.readouterr().err
    assert main(["sample", "--png", str(tmp_path / "s.unknown")]) == 2
    assert "s.unknown" in capsys.readouterr().err


def test_unwritable_out_fails_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["train", "--epochs", "50", "--out", str(blocker / "m.pt")]) == 2
    captured = capsys.readouterr()
    assert "書き込めません" in captured.err and "エポック" not in captured.err


def _train_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["train"]


def test_train_defaults_match_the_library_defaults() -> None:
    assert train_config_from_args(build_parser().parse_args(["train"])) == TrainConfig()


def test_every_train_config_field_is_an_option_and_vice_versa() -> None:
    parser = _train_parser()
    flags = {s for a in parser._actions for s in a.option_strings} - {"-h", "--help", "--out"}
    assert flags == {flag(f.name) for f in fields(TrainConfig)}
    help_text = parser.format_help()
    for f, opt in option_fields():
        assert flag(f.name) in help_text
        # Each field's own help and default are what --help shows, not a copy.
        assert opt.help.split()[0] in help_text
        if f.default is not None:
            assert f"既定: {f.default}" in " ".join(help_text.split())


@pytest.mark.parametrize(
    ("argv", "refused", "owner"),
    [
        (["--model", "gan", "--beta", "4"], "--beta", "VAE のみ"),
        (["--model", "classifier", "--latent-dim", "4"], "--latent-dim", "VAE・GAN のみ"),
        (["--gan-loss", "minimax"], "--gan-loss", "GAN のみ"),
        (["--model", "classifier", "--gan-beta1", "0.9"], "--gan-beta1", "GAN のみ"),
        (["--model", "gan", "--eval-draws", "2"], "--eval-draws", "VAE のみ"),
    ],
)
def test_options_of_another_model_kind_are_refused(
    argv: list[str], refused: str, owner: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "m.pt"
    assert main(["train", *argv, "--epochs", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert refused in err and owner in err and "使えません" in err
    assert "Traceback" not in err
    assert not out.exists() and not out.with_suffix(".jsonl").exists()


def test_an_architecture_the_kind_lacks_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--model", "classifier", "--arch", "mlp"]) == 2
    assert "--arch" in capsys.readouterr().err


def test_recorded_commands_spell_out_the_kinds_own_options() -> None:
    gan = train_config_from_args(build_parser().parse_args(["train", "--model", "gan"]))
    words = recorded_words(gan)
    assert words[:2] == ["--model", "gan"]
    assert "--gan-loss" in words and "--gan-beta1" in words
    assert "--beta" not in words and "--eval-every" not in words and "--device" not in words
    vae = recorded_words(TrainConfig())
    # A VAE's command is what it was before the other kinds existed.
    assert "--model" not in vae and "--weight-decay" not in vae and "--gan-loss" not in vae
    assert "--weight-decay" in recorded_words(TrainConfig(weight_decay=0.1))
