"""Every benchmark runs as the README writes it: ``.venv/bin/python benchmarks/NAME.py``.

Run as a script, Python puts ``benchmarks/`` on the path, not the repo: a script that
imports ``benchmarks.…`` or ``tests.…`` must put the repo first before that import.
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

SCRIPTS = sorted(p for p in (REPO / "benchmarks").glob("*.py") if p.name != "__init__.py")
ROOT_FIRST = "sys.path.insert(0, str(Path(__file__).resolve().parent.parent))"


def _repo_imports(tree: ast.Module) -> list[int]:
    """Lines of module-level imports of the repo's script-only packages."""
    lines = []
    for node in tree.body:
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        if any(n.split(".")[0] in {"benchmarks", "tests"} for n in names):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_benchmark_script_finds_the_repos_packages(script) -> None:  # type: ignore[no-untyped-def]
    source = script.read_text(encoding="utf-8")
    imports = _repo_imports(ast.parse(source))
    if not imports:
        return
    inserted = [i + 1 for i, line in enumerate(source.splitlines()) if line.strip() == ROOT_FIRST]
    assert inserted and inserted[0] < imports[0], (
        f"{script.name}: {ROOT_FIRST} before line {imports[0]}"
    )


def test_the_scripts_are_found() -> None:
    assert {"memory.py", "serve_load.py", "demos.py"} <= {p.name for p in SCRIPTS}
