"""Copies the top-level quizzes/ and checkpoints/ into the wheel.

They live at the repository top level (where authors edit them); an installed
copy finds them under gkentei_vae/_bundled/ (see gkentei_vae/paths.py).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py as _build_py

BUNDLED = ("quizzes", "checkpoints")


class build_py(_build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        for name in BUNDLED:
            src = root / name
            if src.is_dir():
                dst = Path(self.build_lib) / "gkentei_vae" / "_bundled" / name
                shutil.copytree(src, dst, dirs_exist_ok=True)


setup(cmdclass={"build_py": build_py})
