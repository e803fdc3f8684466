"""The recorded demo results the snapshots replay (tests/replay.py) still are what a real
run produces, in shape; and no snapshot is ever drawn from a live computation.

A real run's numbers differ from machine to machine (torch is not bit-identical across
CPUs), so a recording is compared with a real run by its schema only: the same record
kinds in the same order, each with the same keys, dtypes and array shapes, and both
conform to the demo's ``TypedDict`` (``gkentei_vae.demo_data``, named by ``Demo.data``).
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints, is_typeddict

import numpy as np
import pytest

from gkentei_vae.demo_registry import DEMOS, resolve
from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.tui.demo_base import LiveDemoScreen
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.launch import demo_app
from tests.conftest import REPO, refuse_live_model
from tests.replay import (
    RECORD_ARGS,
    SEED,
    RecordedModel,
    load_recording,
    record_live,
    save_recording,
    until_drawn,
)

SNAPSHOTS = REPO / "tests" / "__snapshots__"


SHARES_THE_MODEL = pytest.mark.xdist_group("demo_recordings")
"""On the tests that use the module's model process: pytest-xdist runs them on one worker,
so it starts once; the other tests go to any worker."""


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelClient]:
    client = ModelClient(log_path=tmp_path_factory.mktemp("log") / "worker.log")
    assert client.wait_ready(), client.error
    yield client
    client.close()


# -- schema ----------------------------------------------------------------------------


def problems(value: Any, hint: Any, where: str) -> list[str]:
    """How ``value`` departs from the type ``hint`` (a TypedDict, array, list, scalar)."""
    if is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a dict"]
        keys = set(value)
        found = [f"{where}: missing {k}" for k in sorted(hint.__required_keys__ - keys)]
        found += [
            f"{where}: unexpected {k}"
            for k in sorted(keys - hint.__required_keys__ - hint.__optional_keys__)
        ]
        hints = get_type_hints(hint)
        for key in sorted(keys & set(hints)):
            found += problems(value[key], hints[key], f"{where}.{key}")
        return found
    origin = get_origin(hint)
    if origin is np.ndarray:
        (dtype,) = get_args(get_args(hint)[1])
        if not isinstance(value, np.ndarray) or value.dtype != np.dtype(dtype):
            return [
                f"{where}: {getattr(value, 'dtype', type(value).__name__)}, not {np.dtype(dtype)}"
            ]
        return []
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        (item,) = get_args(hint)
        return [p for i, v in enumerate(value) for p in problems(v, item, f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a dict"]
        _, item = get_args(hint)
        return [p for k, v in value.items() for p in problems(v, item, f"{where}.{k}")]
    if hint is int and isinstance(value, bool):
        return [f"{where}: bool, not int"]
    if isinstance(hint, type) and not isinstance(value, hint):
        return [f"{where}: {type(value).__name__}, not {hint.__name__}"]
    return []


def skeleton(value: Any) -> Any:
    """What a record holds, without its numbers: keys, types, array dtypes and shapes."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape)
    if isinstance(value, dict):
        return {k: skeleton(v) for k, v in value.items()}
    if isinstance(value, list):  # sentences: how many depends on the numbers
        return ("list", sorted({repr(skeleton(v)) for v in value}))
    return type(value).__name__


def kinds(records: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Each record's keys: the order in which pictures and final results come."""
    return [tuple(record) for record in records]


def data_type(demo_id: str) -> Any:
    hint = resolve(DEMOS[demo_id].data)
    assert is_typeddict(hint), DEMOS[demo_id].data
    return hint


def test_the_schema_check_sees_a_wrong_record() -> None:
    samples = load_recording("samples")[0]
    schema = data_type("samples")
    assert problems(samples, schema, "samples") == []
    wrong = {**samples, "images": samples["images"].astype(np.float64), "extra": 1}
    del wrong["seed"]
    assert problems(wrong, schema, "samples") == [
        "samples: missing seed",
        "samples: unexpected extra",
        "samples.images: float64, not float32",
    ]
    assert problems({**samples, "latent_dim": True}, schema, "s") == ["s.latent_dim: bool, not int"]


@pytest.mark.parametrize("demo_id", list(DEMOS))
def test_every_recording_is_of_its_demos_type(demo_id: str) -> None:
    records = load_recording(demo_id)
    assert records and (len(records) == 1) != DEMOS[demo_id].streams
    schema = data_type(demo_id)
    for i, record in enumerate(records):
        assert problems(record, schema, f"{demo_id}[{i}]") == []


@SHARES_THE_MODEL
@pytest.mark.parametrize("demo_id", list(DEMOS))
async def test_a_real_run_has_the_recordings_shape_and_the_screen_draws_both(
    model: ModelClient, demo_id: str, tmp_path: Path
) -> None:
    recorded = load_recording(demo_id)
    live = record_live(model, demo_id)
    schema = data_type(demo_id)
    for i, record in enumerate(live):
        assert problems(record, schema, f"{demo_id}[{i}]") == []
    # The same kinds of record in the same order (pictures on the same steps, results last),
    assert kinds(live) == kinds(recorded)
    # and each kind with the same keys, dtypes and array shapes.
    shapes: dict[tuple[str, ...], Any] = {}
    for record in recorded + live:
        assert shapes.setdefault(tuple(record), skeleton(record)) == skeleton(record)

    # The screen and the PNG draw the live records as they draw the recorded ones.
    save_recording(demo_id, live, folder=tmp_path)
    for folder in (None, tmp_path):
        replayed = RecordedModel() if folder is None else RecordedModel(folder)
        app = demo_app(demo_id, SEED, model=replayed, **RECORD_ARGS.get(demo_id, {}))
        async with app.run_test(size=(110, 50)) as pilot:
            await until_drawn(pilot)
            screen = app.screen
            if isinstance(screen, LiveDemoScreen):
                assert screen.finished and len(screen.records) == len(recorded)
            else:
                assert isinstance(screen, DemoScreen) and screen.data is not None
    for records in (recorded, live):
        image = resolve(DEMOS[demo_id].png)(records if DEMOS[demo_id].streams else records[0])
        image.save(io.BytesIO(), format="PNG")


# -- no snapshot of a live computation -------------------------------------------------


def test_a_snapshot_of_a_demo_computed_live_fails(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    live = ModelClient(log_path=tmp_path / "worker.log")
    try:
        with pytest.raises(AssertionError, match="live model process"):
            snap_compare(demo_app("samples", SEED, model=live), terminal_size=(80, 24))
    finally:
        live.close()
    with pytest.raises(AssertionError, match="must not start a model process"):
        refuse_live_model(demo_app("samples", SEED, warm_model=True))
    refuse_live_model(demo_app("samples", SEED, model=RecordedModel()))
    refuse_live_model(demo_app("samples", SEED))  # no model: the screen says so


def snapshot_tests() -> Iterator[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for path in sorted((REPO / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                a.arg == "snap_compare" for a in node.args.args
            ):
                yield path, node


def test_every_demo_snapshot_replays_a_recording() -> None:
    # Every demo has a snapshot, drawn by snap_demo from its recording ...
    from tests.test_demos import test_snapshot_demo_screen

    assert "snap_demo(" in inspect.getsource(test_snapshot_demo_screen)
    for demo_id in DEMOS:
        assert (SNAPSHOTS / "test_demos" / f"test_snapshot_demo_screen[{demo_id}].svg").is_file()
    # ... and no snapshot test anywhere is handed the model process or starts one
    # (snap_compare itself refuses an app with a live model: refuse_live_model).
    found = list(snapshot_tests())
    assert len(found) > len(DEMOS) // 2  # the walk sees the snapshot tests
    for path, node in found:
        if node.name == test_a_snapshot_of_a_demo_computed_live_fails.__name__:
            continue  # tries exactly that, to see it refused
        params = {a.arg for a in node.args.args}
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        assert "model" not in params and "ModelClient" not in names, f"{path.name}:{node.lineno}"


def test_a_measurement_has_the_judgements_fields() -> None:
    # Measurement is how Judgement.to_dict() travels: the same fields, and mode_collapse.
    from gkentei_vae.demo_data import Measurement
    from gkentei_vae.models.judge import Judgement

    fields = set(Judgement.__dataclass_fields__) | {"mode_collapse"}
    assert set(get_type_hints(Measurement)) == Measurement.__required_keys__ == fields
