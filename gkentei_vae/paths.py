"""Every folder the program reads or writes, and every environment variable it reads.

Nothing else in the package reads ``os.environ`` or asks platformdirs: a new place to
keep something, or a new setting from the environment, is one function here.

| variable | what it sets | default |
|---|---|---|
| ``GKENTEI_VAE_HOME`` | the learning record's folder | the user data folder |
| ``GKENTEI_VAE_CACHE`` | caches, downloads, the model-process log | the user cache folder |
| ``GKENTEI_VAE_CHECKPOINTS`` | the model checkpoints | the bundled ones |
| ``GKENTEI_VAE_TORCH_THREADS`` | torch threads of the model process (and the tests) | 1 |
| ``GKENTEI_VAE_MODEL_ON_DEMAND`` | 1: start the model at the first demo (``serve`` sets it) | unset |
| ``GKENTEI_VAE_MODEL_SOCKET`` | serve's shared model process, instead of a private one | unset |
| ``GKENTEI_VAE_MODEL_PARENT`` | the process a model process lives as long as | its parent |
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "gkentei-vae"
"""The name of our data and cache folders."""
HOME_ENV = "GKENTEI_VAE_HOME"
"""Environment variable naming the data folder (tests, portable installs)."""
CACHE_ENV = "GKENTEI_VAE_CACHE"
"""Environment variable naming the cache folder (tests, read-only homes)."""
CHECKPOINTS_ENV = "GKENTEI_VAE_CHECKPOINTS"
"""Environment variable naming a folder of checkpoints to use instead of the bundled ones."""

MODEL_ON_DEMAND_ENV = "GKENTEI_VAE_MODEL_ON_DEMAND"
"""Set to 1 (by ``serve``, for each tab): the app starts its model process at the first
demo, not at start-up (``GkenteiApp.warm_at_start``)."""
MODEL_PARENT_ENV = "GKENTEI_VAE_MODEL_PARENT"
"""The pid of the process (an app, or serve) that started a model process: it exits once
that one is gone."""
MODEL_SOCKET_ENV = "GKENTEI_VAE_MODEL_SOCKET"
"""Set by ``serve`` for each tab: the unix socket of serve's one model process, which the
app's ``ModelClient`` connects to instead of starting a model process of its own."""
TORCH_THREADS_ENV = "GKENTEI_VAE_TORCH_THREADS"
"""Environment variable setting how many threads torch uses in the model process."""
DEFAULT_TORCH_THREADS = 1
"""One thread: the other core stays with the UI process, so a demo never makes keys lag."""

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
    """The folder of the model checkpoints: ``$GKENTEI_VAE_CHECKPOINTS``, else the bundled ones."""
    override = os.environ.get(CHECKPOINTS_ENV)
    return Path(override) if override else bundled_dir("checkpoints")


def data_dir() -> Path:
    """Where the learning record lives: ``$GKENTEI_VAE_HOME``, else the user data folder."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when no override: tests and scripts never need it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Derived data that may be deleted at any time: ``$GKENTEI_VAE_CACHE``, else the user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def bank_cache_dir() -> Path:
    """The validated-bank cache (``banks/cache.py``)."""
    return cache_dir() / "banks"


def download_dir() -> Path:
    """Where torchvision downloads full MNIST / Fashion-MNIST."""
    return cache_dir() / "torchvision"


def model_log_path() -> Path:
    """The model process's stderr (its tracebacks, if it ever fails)."""
    return cache_dir() / "model-worker.log"


def torch_threads() -> int:
    """Threads for torch in the model process: ``$GKENTEI_VAE_TORCH_THREADS``, else 1.

    The tests that compute in their own process read it too (``tests/conftest.py``), so
    one setting runs every computation with 1 or with 2 threads.
    """
    raw = os.environ.get(TORCH_THREADS_ENV, "").strip()
    if not raw:
        return DEFAULT_TORCH_THREADS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{TORCH_THREADS_ENV} は 1 以上の整数にしてください(いまの値: {raw!r})")
    return int(raw)


def model_on_demand() -> bool:
    """True in a ``serve`` tab: start the model process at the first demo."""
    return os.environ.get(MODEL_ON_DEMAND_ENV) == "1"


def model_socket() -> Path | None:
    """In a ``serve`` tab: the shared model process's socket; None: start a private one."""
    raw = os.environ.get(MODEL_SOCKET_ENV)
    return Path(raw) if raw else None


def model_process_environment() -> dict[str, str]:
    """The environment a model process is started with: this one, naming its parent."""
    return {**os.environ, MODEL_PARENT_ENV: str(os.getpid())}


def model_parent() -> int:
    """The app that started this model process (its parent when it was not told)."""
    return int(os.environ.get(MODEL_PARENT_ENV) or os.getppid())
