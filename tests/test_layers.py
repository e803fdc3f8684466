"""The layering rules, checked by importing each core module in a fresh interpreter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import gkentei_vae

CORE = ["gkentei_vae.banks", "gkentei_vae.study", "gkentei_vae.cli", "gkentei_vae.commands"]


def modules_under(package: str) -> list[str]:
    mod = __import__(package, fromlist=["_"])
    names = [package]
    if hasattr(mod, "__path__"):
        names += [m.name for m in pkgutil.walk_packages(mod.__path__, prefix=f"{package}.")]
    return names


def imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(proc.stdout.splitlines()[-1]))


def heavy(mods: set[str]) -> set[str]:
    return {m for m in mods if m.split(".")[0] in ("torch", "textual", "torchvision")}


@pytest.mark.parametrize("module", [m for p in CORE for m in modules_under(p)])
def test_core_modules_import_neither_torch_nor_textual(module: str) -> None:
    assert heavy(imported_after(f"import {module}")) == set()


@pytest.mark.parametrize(
    "module", modules_under("gkentei_vae.vae") if hasattr(gkentei_vae, "__path__") else []
)
def test_vae_modules_never_import_textual(module: str) -> None:
    mods = imported_after(f"import {module}")
    assert not {m for m in mods if m.split(".")[0] == "textual"}


def test_quiz_path_up_to_the_first_question_never_imports_torch() -> None:
    code = """
import asyncio
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui.launch import quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen

async def main():
    app = quiz_app(QuizSession.select(load_default_banks(), count=3, seed=1))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("1")
        await pilot.press("n")

asyncio.run(main())
"""
    mods = imported_after(code)
    assert "textual" in mods
    assert not {m for m in mods if m.split(".")[0] in ("torch", "torchvision")}
