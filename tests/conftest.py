"""Shared test fixtures: paths to real banks and a CLI runner in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MINI_BANK = FIXTURES / "banks" / "mini.yaml"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own data and cache dirs, so no test reads or writes the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GKENTEI_VAE_HOME", str(home / "data"))
    monkeypatch.setenv("GKENTEI_VAE_CACHE", str(home / "cache"))
    return home


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gkentei_vae ARGS`` as a user would, capturing output."""
    env = dict(os.environ)
    env.setdefault("COLUMNS", "100")
    return subprocess.run(
        [sys.executable, "-m", "gkentei_vae", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def widget_text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    """The plain text a Static shows (Text or a Rich table), as a terminal would print it."""
    import io

    from rich.console import Console
    from textual.widgets import Static

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()
