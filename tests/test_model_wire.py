"""The UI↔model frames: arrays and values survive the trip, and nothing is unpickled."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkentei_vae.model_process.wire import WireClosed, decode, encode, read_message, write_message

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_plain_values_round_trip(value: object) -> None:
    assert decode(encode(value)[8:]) == value


def test_arrays_keep_dtype_shape_and_values() -> None:
    rng = np.random.default_rng(0)
    message = {
        "images": rng.random((3, 28, 28)).astype(np.float32),
        "labels": np.arange(5, dtype=np.int64),
        "nested": [{"g": rng.standard_normal(4)}],
        "scalar": np.float32(1.5),
    }
    back = decode(encode(message)[8:])
    assert back["images"].dtype == np.float32 and back["images"].shape == (3, 28, 28)
    np.testing.assert_array_equal(back["images"], message["images"])
    np.testing.assert_array_equal(back["labels"], message["labels"])
    np.testing.assert_array_equal(back["nested"][0]["g"], message["nested"][0]["g"])
    assert back["scalar"] == 1.5


def test_frames_over_a_real_pipe_and_eof() -> None:
    r, w = os.pipe()
    write_message(w, {"kind": "item", "data": {"a": 1}})
    write_message(w, {"kind": "end"})
    os.close(w)
    assert read_message(r) == {"kind": "item", "data": {"a": 1}}
    assert read_message(r) == {"kind": "end"}
    with pytest.raises(WireClosed):
        read_message(r)
    os.close(r)


def test_the_model_process_runs_and_logs_the_threads_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gkentei_vae import paths
    from gkentei_vae.model_process.client import ModelClient

    monkeypatch.setenv(paths.TORCH_THREADS_ENV, "2")
    log = tmp_path / "worker.log"
    client = ModelClient(log_path=log)
    try:
        assert client.wait_ready(), client.error
        assert client.info["threads"] == 2
    finally:
        client.close()
    assert "model process: torch" in log.read_text() and "torch threads: 2" in log.read_text()

    monkeypatch.setenv(paths.TORCH_THREADS_ENV, "many")
    client = ModelClient(log_path=log)
    try:
        assert not client.wait_ready()
        assert client.error is not None and paths.TORCH_THREADS_ENV in client.error
    finally:
        client.close()
