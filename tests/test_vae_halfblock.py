"""The torch-free half-block renderer."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from gkentei_vae.halfblock import (
    RESET,
    UPPER_HALF,
    fit_width,
    paired_rows,
    per_row,
    render,
    render_grid,
    tile,
    visible_width,
)


def test_one_cell_is_a_half_block_with_top_as_foreground_and_bottom_as_background() -> None:
    image = np.array([[1.0], [0.0]])
    assert render(image) == f"\x1b[38;2;255;255;255m\x1b[48;2;0;0;0m{UPPER_HALF}{RESET}"


def test_colour_codes_are_only_repeated_when_the_colour_changes() -> None:
    image = np.zeros((2, 5))
    image[0, 3] = 0.5
    line = render(image)
    assert line.count(UPPER_HALF) == 5
    assert line.count("\x1b[38;2;") == 3  # black, grey, black again
    assert line.count("\x1b[48;2;") == 1


def test_colour_images_and_odd_heights() -> None:
    image = np.zeros((3, 2, 3))
    image[0, 0] = (1.0, 0.0, 0.0)
    lines = render(image).split("\n")
    assert len(lines) == 2  # the odd last row is paired with black
    assert lines[0].startswith("\x1b[38;2;255;0;0m")
    with pytest.raises(ValueError):
        render(np.zeros((2, 2, 4)))


@pytest.mark.parametrize("columns", [80, 100, 37])
def test_wide_images_shrink_to_the_terminal(columns: int) -> None:
    images = np.random.default_rng(0).random((20, 28, 28))
    text = render_grid(images, columns)
    lines = text.split("\n")
    assert max(visible_width(line) for line in lines) <= columns
    assert max(visible_width(line) for line in lines) >= columns * 0.8
    assert all(line.endswith(RESET) for line in lines)


def test_fit_width_keeps_aspect_and_leaves_narrow_images_alone() -> None:
    narrow = np.ones((10, 20))
    assert fit_width(narrow, 80) is narrow
    wide = np.ones((100, 200))
    small = fit_width(wide, 80)
    assert small.shape == (40, 80)
    assert small.min() == pytest.approx(1.0)


def test_tiling_and_layout_helpers() -> None:
    images = np.ones((7, 28, 28))
    grid = tile(images, nrow=3, padding=2)
    assert grid.shape == (3 * 30 + 2, 3 * 30 + 2)
    assert grid[0, 0] == 0.0 and grid[2, 2] == 1.0
    assert per_row(80, 20) == 5
    assert per_row(80, 3) == 3
    assert per_row(10, 5) == 1
    top, bottom = np.zeros((3, 2, 2)), np.ones((3, 2, 2))
    pairs = paired_rows(top, bottom, nrow=2)
    assert pairs.shape == (8, 2, 2)
    assert [float(p.mean()) for p in pairs] == [0, 0, 1, 1, 0, 0, 1, 0]


def test_the_renderer_does_not_import_torch() -> None:
    code = (
        "import sys, numpy as np; from gkentei_vae import halfblock;"
        "halfblock.render_grid(np.zeros((4, 28, 28)), 80);"
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
