"""Where bundled banks and checkpoints live, in a checkout and in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The folder holding bundled ``quizzes`` or ``checkpoints``.

    A wheel carries them under ``gkentei_vae/_bundled/``; a checkout (or an
    editable install) has them at the repository top level.
    """
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    return _PKG.parent / name


def quizzes_dir() -> Path:
    """The folder of the bundled YAML quiz banks."""
    return bundled_dir("quizzes")


def checkpoints_dir() -> Path:
    """The folder of the VAE checkpoints: ``$GKENTEI_VAE_CHECKPOINTS``, else the bundled ones."""
    override = os.environ.get("GKENTEI_VAE_CHECKPOINTS")
    return Path(override) if override else bundled_dir("checkpoints")
