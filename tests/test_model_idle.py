"""The model process gives its memory back after an idle time, and the next demo restarts it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.study.settings import MODEL_IDLE_DEFAULT, MODEL_IDLE_KEY
from gkentei_vae.study.store import Store
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.help_screen import HelpScreen
from gkentei_vae.tui.launch import quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import SIZE, question_with, wait_for, wait_until, widget_text

IDLE = 1.0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_an_idle_model_process_exits_and_the_next_request_starts_another(tmp_path: Path) -> None:
    client = ModelClient(tmp_path / "worker.log", idle_seconds=IDLE)
    try:
        assert client.call("samples", seed=0, count=2)["images"].shape == (2, 28, 28)
        first = client.pid
        assert first is not None and alive(first)
        wait_until(lambda: client.releases == 1, what="the idle child's release")
        assert not client.started
        wait_until(lambda: not alive(first), 3, "the released child to exit")
        # The next request brings it back.
        assert client.call("samples", seed=1, count=2)["images"].shape == (2, 28, 28)
        assert client.pid is not None and client.pid != first
    finally:
        client.close()


def test_a_busy_model_is_not_released(tmp_path: Path) -> None:
    client = ModelClient(tmp_path / "worker.log", idle_seconds=IDLE)
    try:
        stream = client.stream("kl-training", seed=0, phase_steps=400, refresh_seconds=60)
        next(stream)  # a long live run holds the process
        time.sleep(IDLE * 2)
        assert client.releases == 0 and client.started
        stream.close()
    finally:
        client.close()


def test_zero_means_never(tmp_path: Path) -> None:
    client = ModelClient(tmp_path / "worker.log", idle_seconds=0)
    try:
        assert client.wait_ready()
        assert client.release_if_idle() is False and client.started
    finally:
        client.close()


@pytest.mark.early
async def test_after_a_release_the_next_e_shows_the_loading_indicator_and_the_demo(
    tmp_path: Path,
) -> None:
    model = ModelClient(tmp_path / "worker.log", idle_seconds=IDLE)
    app = quiz_app(question_with("samples"), model=model, idle_minutes=IDLE / 60)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("1", "e")
            screen = app.screen
            assert isinstance(screen, DemoScreen)
            await wait_for(pilot, lambda: screen.data is not None or screen.error, what="the demo")
            await pilot.press("escape")
            await wait_for(pilot, lambda: model.releases > 0, what="the idle model's release")
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            assert "休止中" in widget_text(app.screen, "#help-model")
            await pilot.press("escape")
            assert isinstance(app.screen, QuizScreen)
            await pilot.press("e")
            again = app.screen
            assert isinstance(again, DemoScreen)
            assert again.query_one("#demo-loading").display  # it warms again, and says so
            await wait_for(pilot, lambda: again.data is not None or again.error, what="the demo")
            assert again.error is None and again.data["images"].shape == (10, 28, 28)
    finally:
        model.close()


def test_the_idle_time_comes_from_the_learners_setting(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gkentei_vae.commands.common import with_demos
    from gkentei_vae.paths import MODEL_ON_DEMAND_ENV

    monkeypatch.delenv(MODEL_ON_DEMAND_ENV, raising=False)
    expected = {"warm_model": True, "warm_at_start": True, "idle_minutes": MODEL_IDLE_DEFAULT}
    assert with_demos(store) == expected
    # serve's tabs: the model process at the first demo, not at start-up.
    monkeypatch.setenv(MODEL_ON_DEMAND_ENV, "1")
    assert with_demos(store)["warm_at_start"] is False
    store.set_setting(MODEL_IDLE_KEY, "0.5")
    assert with_demos(store)["idle_minutes"] == 0.5
