"""mypy is part of the suite (configured in pyproject.toml), so a type error fails CI."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO


@pytest.mark.early
def test_mypy_is_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "gkentei_vae"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_type_ignore_says_which_error_and_why() -> None:
    bare = []
    for path in sorted((REPO / "gkentei_vae").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "type: ignore" not in line:
                continue
            # `# type: ignore[code]  # reason`, or the reason on the line above.
            coded = re.search(r"type: ignore\[[\w, -]+\]", line)
            reason = re.search(r"type: ignore\[[\w, -]+\]\s+#\s*\S", line)
            above = path.read_text(encoding="utf-8").splitlines()[number - 2].strip()
            if not coded or not (reason or above.startswith("#")):
                bare.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert bare == []


def test_no_module_imports_a_part_of_torch_that_mypy_skips() -> None:
    # pyproject's mypy overrides skip parts of torch nothing here uses (a cold mypy run in
    # half the time); an import from one of them would be typed Any without a word.
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    skipped = [
        name.removesuffix(".*")
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("follow_imports") == "skip"
        for name in override["module"]
    ]
    assert skipped and all(name.startswith("torch.") for name in skipped)
    found = []
    for path in sorted((REPO / "gkentei_vae").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [
                f"{path.relative_to(REPO)}:{node.lineno}: {name}"
                for name in names
                for skip in skipped
                if name == skip or name.startswith(f"{skip}.")
            ]
    assert found == []
