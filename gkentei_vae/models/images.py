"""PNG grids through torchvision (the text rendering is in the torch-free ``gkentei_vae.halfblock``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


def save_png(images: np.ndarray, path: Path, nrow: int, padding: int = 2) -> None:
    """Save [N, H, W] images in [0, 1] as one grid PNG (torchvision ``make_grid``)."""
    from torchvision.utils import make_grid, save_image

    batch = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)).unsqueeze(1)
    grid = make_grid(batch, nrow=nrow, padding=padding)
    save_image(grid, str(path))
