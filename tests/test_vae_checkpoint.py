"""Checkpoints: round trip, one clear message for bad files, no code runs on load, bundled files."""

from __future__ import annotations

import pickle
import shlex
from pathlib import Path

import pytest
import torch

from gkentei_vae.cli import build_parser
from gkentei_vae.commands.vae_cmds import train_command, train_config_from_args
from gkentei_vae.models.checkpoint import (
    BUNDLED,
    CheckpointError,
    load_bundled,
    load_checkpoint,
    rebuild_command,
    save_checkpoint,
)
from gkentei_vae.models.gan import GAN, GANConfig
from gkentei_vae.models.model import VAE, preset_config
from gkentei_vae.paths import checkpoints_dir


class _CreatesFile:
    """Unpickling this calls ``open(marker, "w")``: code running on load would create the file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _small_model() -> VAE:
    torch.manual_seed(0)
    return VAE(preset_config("mlp", 3))


def _assert_clear(exc: pytest.ExceptionInfo[CheckpointError], path: Path) -> None:
    message = str(exc.value)
    assert str(path) in message
    assert "gkentei-vae train" in message
    assert "Traceback" not in message


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = _small_model()
    path = tmp_path / "sub" / "m.pt"
    meta = {"dataset": "mnist5k", "epochs": 2, "heldout_neg_elbo": 123.5, "note": "日本語"}
    save_checkpoint(path, model, meta)
    loaded = load_checkpoint(path)
    assert loaded.config == model.config
    assert loaded.meta == meta
    assert not loaded.model.training
    x = torch.rand(2, 1, 28, 28)
    eps = torch.randn(2, 3)
    model.eval()
    torch.testing.assert_close(loaded.model(x, eps).logits, model(x, eps).logits)
    assert not (tmp_path / "sub" / "m.pt.tmp").exists()


def test_missing_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "nothing.pt"
    with pytest.raises(CheckpointError, match="がありません") as exc:
        load_checkpoint(path)
    _assert_clear(exc, path)


def test_truncated_checkpoint(tmp_path: Path) -> None:
    good = tmp_path / "good.pt"
    save_checkpoint(good, _small_model(), {"epochs": 1})
    path = tmp_path / "cut.pt"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="読めません") as exc:
        load_checkpoint(path)
    _assert_clear(exc, path)


@pytest.mark.parametrize(
    "payload",
    [
        {"state_dict": {"w": torch.zeros(2)}},  # a torch file, but not ours
        [torch.zeros(3)],
        {"format": "gkentei-vae-checkpoint", "version": 1, "config": {"arch": "rnn"}},
    ],
)
def test_foreign_torch_files(tmp_path: Path, payload: object) -> None:
    path = tmp_path / "foreign.pt"
    torch.save(payload, path)
    with pytest.raises(CheckpointError) as exc:
        load_checkpoint(path)
    _assert_clear(exc, path)


def test_files_that_are_not_torch_at_all(tmp_path: Path) -> None:
    for name, data in [("text.pt", b"hello\n"), ("empty.pt", b""), ("png.pt", b"\x89PNG")]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CheckpointError) as exc:
            load_checkpoint(path)
        _assert_clear(exc, path)


def test_a_pickle_that_runs_code_is_refused(tmp_path: Path) -> None:
    # The payload is real: unpickling it normally does create the marker file.
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_CreatesFile(proof)))
    assert proof.exists()

    marker = tmp_path / "pwned"
    gan_kind = {"format": "gkentei-vae-checkpoint", "version": 1, "model": "gan"}
    for name, write in [
        ("zip.pt", lambda p: torch.save({"format": _CreatesFile(marker)}, p)),
        ("gan.pt", lambda p: torch.save({**gan_kind, "meta": {"x": _CreatesFile(marker)}}, p)),
        ("raw.pt", lambda p: p.write_bytes(pickle.dumps(_CreatesFile(marker), protocol=2))),
    ]:
        path = tmp_path / name
        write(path)
        with pytest.raises(CheckpointError, match="拒否") as exc:
            load_checkpoint(path)
        _assert_clear(exc, path)
        assert not marker.exists()


def test_rebuild_command_for_bundled_and_other_files(tmp_path: Path) -> None:
    main = BUNDLED["main"]
    command = rebuild_command(main.path())
    assert command.startswith("gkentei-vae train ")
    assert shlex.split(command)[2:-2] == list(main.train_args)
    assert (
        rebuild_command(tmp_path / "mine.pt") == f"gkentei-vae train --out {tmp_path / 'mine.pt'}"
    )


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_bundled_checkpoints_load_with_metadata(name: str) -> None:
    bundled = BUNDLED[name]
    path = bundled.path()
    assert path.parent == checkpoints_dir()
    assert path.stat().st_size < 5 * 1024 * 1024
    loaded = load_bundled(name)
    meta = loaded.meta
    for key in ("dataset", "epochs", "seed", "torch_version", "train_config", "command"):
        assert key in meta, key
    assert meta["dataset"] == "mnist5k"
    # The file was made by exactly the command that the docs and the error message give.
    args = build_parser().parse_args(
        ["train", *bundled.train_args, "--out", meta["command"].split()[-1]]
    )
    assert meta["command"] == train_command(args)
    assert loaded.kind == train_config_from_args(args).model
    if loaded.kind == "vae":
        assert meta["heldout_images"] == 500 and meta["eval_draws"] == 8
        assert "heldout_neg_elbo" in meta
        out = torch.sigmoid(loaded.model.decode(torch.zeros(1, loaded.config.latent_dim)))
    elif loaded.kind == "gan":
        assert meta["judge"]["samples"] == 1000
        out = loaded.model.images(torch.zeros(1, loaded.config.latent_dim))
    else:
        assert meta["heldout_images"] == 500 and meta["heldout_accuracy"] >= 0.97
        out = torch.softmax(loaded.model(torch.zeros(1, 1, 28, 28)), dim=1)[:, :, None, None]
    assert out.shape[0] == 1 and torch.isfinite(out).all()


def test_files_from_before_model_kinds_load_as_vaes() -> None:
    path = BUNDLED["main"].path()
    payload = torch.load(path, map_location="cpu", weights_only=True)
    assert "model" not in payload
    assert load_checkpoint(path).kind == "vae"


def test_a_checkpoint_of_another_kind_is_refused_by_name(tmp_path: Path) -> None:
    path = BUNDLED["classifier"].path()
    with pytest.raises(CheckpointError, match="数字の分類器 のチェックポイントです") as exc:
        load_checkpoint(path, kind="vae")
    _assert_clear(exc, path)
    assert load_checkpoint(path, kind="classifier").kind == "classifier"
    odd = tmp_path / "odd.pt"
    payload = torch.load(path, map_location="cpu", weights_only=True)
    torch.save({**payload, "model": "diffusion"}, odd)
    with pytest.raises(CheckpointError, match="diffusion"):
        load_checkpoint(odd)


def test_a_gan_checkpoint_round_trips(tmp_path: Path) -> None:
    torch.manual_seed(0)
    gan = GAN(GANConfig(arch="conv", latent_dim=5, channels=(4, 8)))
    path = tmp_path / "g.pt"
    save_checkpoint(path, gan, {"model": "gan"})
    loaded = load_checkpoint(path, kind="gan")
    assert loaded.config == gan.config and loaded.kind == "gan"
    gan.eval()
    z = torch.randn(3, 5)
    torch.testing.assert_close(loaded.model.images(z), gan.images(z))


def test_bundled_models_are_the_ones_the_demos_need() -> None:
    main, z2, beta0 = load_bundled("main"), load_bundled("z2"), load_bundled("beta0")
    assert z2.config.latent_dim == 2
    assert beta0.meta["beta"] == 0.0 and main.meta["beta"] == 1.0
    # Without the KL term nothing pulls q(z|x) towards N(0, I).
    assert beta0.meta["heldout_kl"] > 5 * main.meta["heldout_kl"]
    assert main.meta["heldout_neg_elbo"] < z2.meta["heldout_neg_elbo"]


def test_docs_quote_the_exact_rebuild_commands() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs"
    for bundled in BUNDLED.values():
        # VAEs in docs/vae.md; the GAN and its judge in docs/gan.md.
        page = "vae.md" if bundled.filename.startswith("vae-") else "gan.md"
        text = (docs / page).read_text(encoding="utf-8")
        assert rebuild_command(Path("checkpoints") / bundled.filename) in text, bundled.name
