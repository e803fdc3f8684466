"""mypy is part of the suite (configured in pyproject.toml), so a type error fails CI."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


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
