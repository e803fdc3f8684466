"""The layering rules of docs/design.md §6.1.

Two checks: every module imported in a fresh interpreter pulls in nothing heavy that
its layer must not have (what a learner waits for), and the static import graph —
function-level imports included — has no cycle and no import that crosses a layer
the wrong way (what a maintainer reads).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterable

import grimp
import pytest

import gkentei_vae

PACKAGE = "gkentei_vae"
HEAVY = ("torch", "torchvision", "textual")


def all_modules() -> list[str]:
    names = [PACKAGE]
    names += [m.name for m in pkgutil.walk_packages(gkentei_vae.__path__, prefix=f"{PACKAGE}.")]
    return sorted(names)


MODULES = all_modules()


def layer(module: str) -> str:
    """``gkentei_vae.tui.quiz_screen`` → ``tui``; a top-level module is its own layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(proc.stdout.splitlines()[-1]))


def roots(mods: Iterable[str], names: Iterable[str]) -> set[str]:
    wanted = set(names)
    return {m for m in mods if m.split(".")[0] in wanted}


# -- what importing a module pulls in -----------------------------------------------------

UI_SIDE = ("tui", "model_process")
"""Run in the UI process: textual is fine, torch never."""
TORCH_SIDE = ("models", "demos")
"""The models: torch is fine, textual never."""


def forbidden_for(module: str) -> tuple[str, ...]:
    """The heavy packages importing ``module`` must not pull in."""
    if layer(module) in UI_SIDE:
        return ("torch", "torchvision")
    if layer(module) in TORCH_SIDE:
        return ("textual",)
    return HEAVY


GROUPS: dict[tuple[str, ...], list[str]] = {}
for _module in MODULES:
    GROUPS.setdefault(forbidden_for(_module), []).append(_module)


@pytest.mark.parametrize("forbidden", list(GROUPS), ids=["+".join(f) for f in GROUPS])
def test_importing_a_module_pulls_in_only_what_its_layer_allows(forbidden: tuple[str, ...]) -> None:
    # Imports only add to sys.modules: if importing every module of a group in one process
    # brings none of the forbidden packages, no single module does. Only on a failure is each
    # module imported on its own, to name the culprit.
    group = GROUPS[forbidden]
    loaded = imported_after("\n".join(f"import {m}" for m in group))
    if roots(loaded, forbidden):
        culprits = {
            m: sorted(roots(imported_after(f"import {m}"), forbidden))
            for m in group
            if roots(imported_after(f"import {m}"), forbidden)
        }
        pytest.fail(f"modules importing {forbidden}: {culprits}")


def test_the_layer_check_sees_a_heavy_import() -> None:
    # The probe itself works: importing torch is seen.
    assert "torch" in roots(imported_after("import gkentei_vae.models.model"), HEAVY)


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
    assert roots(mods, ("torch", "torchvision")) == set()


def test_home_screen_import_leaves_the_forecast_and_numpy_to_its_worker() -> None:
    # The readiness panel's forecast (numpy, Monte Carlo) and the optimize hint (numpy) are
    # imported by the panel's worker after the first paint; home's own imports pay for neither.
    mods = imported_after(
        "import gkentei_vae.commands.home, gkentei_vae.tui.launch, gkentei_vae.tui.home_screen"
    )
    assert "textual" in mods and "fsrs" in mods  # the scheduler is home's; the forecast is not
    assert "gkentei_vae.study.forecast" not in mods
    assert "gkentei_vae.study.calibration" not in mods
    assert roots(mods, ("numpy",)) == set()


# -- the static import graph --------------------------------------------------------------

ALLOWED: dict[str, set[str]] = {
    "banks": {"banks", "paths", "demo_registry", "control_chars"},
    "study": {"study", "banks", "paths"},
    "export": {"export", "banks", "demo_registry", "study"},
    "model_process": {"model_process", "demo_registry", "demo_data", "paths"},
    "models": {"models", "paths", "halfblock", "demo_data"},
    "demos": {"demos", "models", "paths", "halfblock", "demo_data", "jatext"},
    "tui": {
        "tui", "study", "banks", "demo_registry", "demo_data", "halfblock", "model_process", "paths",
        "jatext", "startup_gc",
    },
    "web": {"web", "control_chars", "paths", "model_process"},
    "commands": {
        "commands", "banks", "study", "export", "tui", "models", "demos", "web", "demo_registry", "halfblock",
        "paths", "control_chars", "demo_data", "jatext", "startup_gc",
    },
}  # fmt: skip
"""Layer → the layers it may import (function-level imports included)."""
TOP_LEVEL: dict[str, set[str]] = {
    "gkentei_vae.paths": set(),
    "gkentei_vae.halfblock": set(),
    "gkentei_vae.demo_registry": set(),
    "gkentei_vae.demo_data": set(),
    "gkentei_vae.control_chars": set(),
    "gkentei_vae.jatext": set(),
    "gkentei_vae.startup_gc": set(),
    "gkentei_vae.__main__": {"cli"},
    "gkentei_vae.cli": {"commands", "banks", "study"},
}
"""Top-level module → the layers it may import."""
NO_HEAVY_STATIC = ("banks", "study", "export", "model_process", "web")
"""Layers that may not even mention torch or textual in an import statement."""


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        PACKAGE, include_external_packages=True, exclude_type_checking_imports=True
    )


def own(module: str) -> bool:
    return module == PACKAGE or module.startswith(f"{PACKAGE}.")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), among our modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if not own(w):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(m for m in graph.modules if own(m)):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert cycles(graph) == []


def fake_graph(*edges: tuple[str, str]) -> grimp.ImportGraph:
    """A graph with just these (importer, imported) edges."""
    fake = grimp.ImportGraph()
    for importer, imported in edges:
        fake.add_module(importer)
        fake.add_module(imported)
        fake.add_import(importer=importer, imported=imported)
    return fake


def test_the_cycle_finder_finds_a_cycle() -> None:
    fake = fake_graph(
        ("gkentei_vae.a", "gkentei_vae.b"),
        ("gkentei_vae.b", "gkentei_vae.a"),
        ("gkentei_vae.b", "gkentei_vae.c"),
    )
    assert cycles(fake) == [["gkentei_vae.a", "gkentei_vae.b"]]


def crossings(graph: grimp.ImportGraph) -> list[str]:
    bad = []
    for module in sorted(m for m in graph.modules if own(m) and m != PACKAGE):
        if module in TOP_LEVEL:
            allowed = TOP_LEVEL[module]
        else:
            allowed = ALLOWED[layer(module)]
        for imported in graph.find_modules_directly_imported_by(module):
            if own(imported) and imported != PACKAGE:
                # A top-level module (paths, halfblock, ...) is a layer of its own name.
                if layer(imported) not in allowed:
                    bad.append(f"{module} → {imported}")
            elif layer(module) in NO_HEAVY_STATIC and imported.split(".")[0] in HEAVY:
                bad.append(f"{module} → {imported}")
    return bad


def test_no_import_crosses_a_layer_the_wrong_way(graph: grimp.ImportGraph) -> None:
    assert crossings(graph) == []


def test_every_module_has_a_layer_rule() -> None:
    for module in MODULES:
        if module == PACKAGE:
            continue
        assert module in TOP_LEVEL or layer(module) in ALLOWED, f"no rule for {module}"


def test_the_layer_rule_sees_a_wrong_import() -> None:
    fake = fake_graph(
        ("gkentei_vae.banks.x", "gkentei_vae.tui.y"),
        ("gkentei_vae.banks.x", "torch"),
    )
    assert sorted(crossings(fake)) == [
        "gkentei_vae.banks.x → gkentei_vae.tui.y",
        "gkentei_vae.banks.x → torch",
    ]
