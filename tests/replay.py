"""Recorded demo results, and the demo screens drawn from them (every demo snapshot).

Training and inference in torch are not bit-identical across CPUs (a live GAN run is
chaotic: one last-bit difference grows), so no snapshot is taken of a live computation.
Each demo's result was computed once by the real model process and stored here:
``tests/recorded/<demo>.json`` holds the records with every numpy array replaced by
``{"__array__": KEY}``, and ``<demo>.npz`` holds the arrays (read with
``allow_pickle=False``). ``scripts/record_demos.py`` writes them again; the shape test in
``tests/test_demo_recordings.py`` checks a real run still produces what they hold.

A snapshot replays a recording through the same screen and view as a live result:
``RecordedModel`` answers the screen's request with the recorded records, passed through
the model process's wire format as a live answer is.

    def test_x(snap_compare):
        assert snap_demo(snap_compare, "samples", size=(80, 24))

    async def test_y():
        async with replay_demo("gan-training", size=(80, 24)) as pilot:
            ...  # the screen shows the recorded run's last frame
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.model_process.wire import decode, encode

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from gkentei_vae.tui.app import GkenteiApp

RECORDED = Path(__file__).resolve().parent / "recorded"
"""Where the recordings live (committed; ``scripts/record_demos.py`` writes them)."""
SEED = 3
"""The seed every demo was recorded with."""
RECORD_ARGS: dict[str, dict[str, Any]] = {
    "kl-training": {"phase_steps": 60, "refresh_seconds": 3600.0},
    "gan-training": {"steps": 60, "refresh_seconds": 3600.0},
    # The GAN side replays the bundled recorded run in full; the live VAE is shortened.
    "mode-collapse": {"vae_steps": 600},
}
"""Short live runs whose pictures come only at the steps the computation fixes (not on a
timer): the recording stays small and a real run carries pictures on the same records."""
SIZE = (110, 50)
"""The default terminal size of the demo snapshots."""
_ARRAY = "__array__"


def args_for(demo_id: str) -> dict[str, Any]:
    """The keyword arguments the recording of ``demo_id`` was computed with."""
    return {"seed": SEED, **RECORD_ARGS.get(demo_id, {})}


# -- the format ------------------------------------------------------------------------


def _flatten(value: Any, arrays: dict[str, np.ndarray], path: str) -> Any:
    if isinstance(value, np.ndarray):
        arrays[path] = value
        return {_ARRAY: path}
    if isinstance(value, dict):
        return {k: _flatten(v, arrays, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_flatten(v, arrays, f"{path}.{i}") for i, v in enumerate(value)]
    return value


def _restore(value: Any, arrays: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_ARRAY}:
            return np.array(arrays[value[_ARRAY]])
        return {k: _restore(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, arrays) for v in value]
    return value


def save_recording(demo_id: str, records: list[dict[str, Any]], folder: Path = RECORDED) -> None:
    """Write ``records`` (what the model process sent, in order) as ``demo_id``'s recording."""
    arrays: dict[str, np.ndarray] = {}
    body = {
        "demo": demo_id,
        "args": args_for(demo_id),
        "records": [_flatten(r, arrays, f"r{i}") for i, r in enumerate(records)],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{demo_id}.json").write_text(
        json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    np.savez_compressed(folder / f"{demo_id}.npz", **arrays)  # type: ignore[arg-type]


def load_recording(demo_id: str, folder: Path = RECORDED) -> list[dict[str, Any]]:
    """The records of ``demo_id``'s recording, arrays restored (never unpickled)."""
    body = json.loads((folder / f"{demo_id}.json").read_text(encoding="utf-8"))
    with np.load(folder / f"{demo_id}.npz", allow_pickle=False) as arrays:
        records: list[dict[str, Any]] = _restore(body["records"], arrays)
    return records


def record_live(model: ModelClient, demo_id: str) -> list[dict[str, Any]]:
    """Every record the real model process sends for ``demo_id`` with the recording's args."""
    return list(model.stream(demo_id, **args_for(demo_id)))


# -- replay ----------------------------------------------------------------------------


class RecordedModel(ModelClient):
    """Answers demo requests with the recordings instead of computing them: a snapshot's model.

    Everything the screens see is as from the model process (the records travel through
    the wire format); nothing is computed, so what is drawn is the same on every machine.
    """

    def __init__(self, folder: Path = RECORDED) -> None:
        super().__init__(log_path=None, idle_seconds=0.0)
        self.folder = folder
        """Where the recordings are read from."""
        self.requests: list[tuple[str, dict[str, Any]]] = []
        """Every request served (op, args), in order."""

    def start(self) -> None:
        pass

    @property
    def ready(self) -> bool:
        return True

    @property
    def started(self) -> bool:
        return True

    def wait_ready(self) -> bool:
        return True

    def stream(self, op: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.requests.append((op, kwargs))
        for record in load_recording(op, self.folder):
            yield decode(encode(record)[8:])

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def recorded_app(demo_id: str) -> GkenteiApp:
    """``gkentei-vae demo DEMO_ID`` with the recorded result as its model's answer."""
    from gkentei_vae.tui.launch import demo_app

    return demo_app(demo_id, SEED, model=RecordedModel(), **RECORD_ARGS.get(demo_id, {}))


async def until_drawn(pilot: Pilot[Any]) -> None:
    """Wait until the demo screen shows the whole recorded result."""
    from gkentei_vae.tui.demo_base import LiveDemoScreen
    from gkentei_vae.tui.demo_screen import DemoScreen
    from tests.conftest import wait_for

    screen = pilot.app.screen
    if isinstance(screen, LiveDemoScreen):
        await wait_for(pilot, lambda: screen.finished or screen.error, what="the replayed run")
    else:
        assert isinstance(screen, DemoScreen)
        await wait_for(pilot, lambda: screen.data is not None or screen.error, what="the result")
    assert screen.error is None, screen.error
    await pilot.pause()


def snap_demo(
    snap_compare: Callable[..., bool],
    demo_id: str,
    size: tuple[int, int] = SIZE,
    run_before: Callable[[Pilot[Any]], Any] | None = None,
) -> bool:
    """Snapshot ``demo_id``'s screen at ``size`` drawn from its recording (then ``run_before``)."""

    async def drawn(pilot: Pilot[Any]) -> None:
        await until_drawn(pilot)
        if run_before is not None:
            await run_before(pilot)
            await pilot.pause()

    return snap_compare(recorded_app(demo_id), terminal_size=size, run_before=drawn)


@asynccontextmanager
async def replay_demo(demo_id: str, size: tuple[int, int] = SIZE) -> AsyncIterator[Pilot[Any]]:
    """A Pilot on ``demo_id``'s screen once it has drawn its recorded result."""
    app = recorded_app(demo_id)
    async with app.run_test(size=size) as pilot:
        await until_drawn(pilot)
        yield pilot
