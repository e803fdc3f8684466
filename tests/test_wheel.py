"""A wheel built from the repo works from any folder, banks and checkpoints included."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

# One worker runs this module under pytest-xdist, so its module fixtures run once.
pytestmark = pytest.mark.xdist_group("wheel")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No build isolation: tests never touch the network, and this venv has setuptools.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("gkentei_vae-*.whl")
    return found


def test_wheel_carries_banks_and_checkpoints(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "gkentei_vae/_bundled/quizzes/vae.yaml" in names
    assert any(n.endswith(".tcss") for n in names)
    for ckpt in sorted((REPO / "checkpoints").glob("*.pt")):
        assert f"gkentei_vae/_bundled/checkpoints/{ckpt.name}" in names
    # The mode-collapse demo replays its recorded GAN runs.
    assert "gkentei_vae/demos/recorded/mode_collapse.npz" in names


def test_installed_wheel_runs_from_tmp(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    # The fresh venv borrows the dependencies (textual, pydantic, …) from the test
    # venv, appended after its own site-packages, so our package comes from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [py, "-c", "import gkentei_vae; print(gkentei_vae.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert where.startswith(str(site)), where
    topics = subprocess.run(
        [py, "-m", "gkentei_vae", "topics"], cwd=work, capture_output=True, text=True, env=env
    )
    assert topics.returncode == 0, topics.stderr
    assert "reparam" in topics.stdout
    bundled = site / "gkentei_vae" / "_bundled" / "quizzes"
    check = subprocess.run(
        [py, "-m", "gkentei_vae", "check", str(bundled)],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("OK:")
