"""Every folder the program uses comes from gkentei_vae.paths, and each can be moved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gkentei_vae import paths
from tests.conftest import REPO


def test_each_environment_variable_moves_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(paths.CHECKPOINTS_ENV, str(tmp_path / "ckpt"))
    assert paths.data_dir() == tmp_path / "home"
    assert paths.cache_dir() == tmp_path / "cache"
    assert paths.bank_cache_dir() == tmp_path / "cache" / "banks"
    assert paths.download_dir() == tmp_path / "cache" / "torchvision"
    assert paths.model_log_path().parent == tmp_path / "cache"
    assert paths.checkpoints_dir() == tmp_path / "ckpt"


def test_without_overrides_the_user_folders_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (paths.HOME_ENV, paths.CACHE_ENV, paths.CHECKPOINTS_ENV):
        monkeypatch.delenv(name, raising=False)
    assert paths.APP_NAME in str(paths.data_dir())
    assert paths.APP_NAME in str(paths.cache_dir())
    assert paths.checkpoints_dir() == paths.bundled_dir("checkpoints")
    assert (paths.quizzes_dir() / "vae.yaml").is_file()


def test_no_other_module_reads_the_environment_or_platformdirs() -> None:
    offenders = []
    for path in sorted((REPO / "gkentei_vae").rglob("*.py")):
        if path.name == "paths.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ|os\.getenv|import platformdirs|platformdirs\.", text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_the_torch_threads_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.TORCH_THREADS_ENV, raising=False)
    assert paths.torch_threads() == paths.DEFAULT_TORCH_THREADS == 1
    monkeypatch.setenv(paths.TORCH_THREADS_ENV, " 2 ")
    assert paths.torch_threads() == 2
    for bad in ("0", "-1", "two", "1.5"):
        monkeypatch.setenv(paths.TORCH_THREADS_ENV, bad)
        with pytest.raises(ValueError, match=paths.TORCH_THREADS_ENV):
            paths.torch_threads()
