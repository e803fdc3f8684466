"""The mode-collapse demo: the bundled recording, the sentences, and the screen.

The recorded GAN runs (``gkentei_vae/demos/recorded/mode_collapse.npz``) are data the
demo replays; these tests check that what the recording says is what its own
snapshots measure, that sentences claim only what a run measured, and that the screen
shows a run's own numbers (from a recorded result, ``tests/replay.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

from gkentei_vae.demos.mode_collapse import (
    GAN_SETUP,
    RECORD_SEEDS,
    RECORDING,
    REMEDY_SETUP,
    SHOWN_POINTS,
    load_recording,
    mode_collapse,
    replayed,
    ring_claims,
    ring_sentences,
)
from gkentei_vae.demos.ring_runs import SETUPS, RunSummary, summarize
from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.models import ring
from gkentei_vae.tui import mode_collapse_screen
from gkentei_vae.tui.mode_collapse_screen import ModeCollapseScreen, shade
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import question_with, wait_for, widget_text
from tests.replay import recorded_app, replay_demo, snap_demo, until_drawn

pytestmark = pytest.mark.usefixtures("torch_threads")


def test_the_recording_is_small_plain_data_and_agrees_with_itself() -> None:
    assert RECORDING.stat().st_size < 400_000
    runs = load_recording()  # allow_pickle=False inside
    assert set(runs) == {GAN_SETUP, REMEDY_SETUP}
    for run in runs.values():
        assert set(run.summaries) == set(RECORD_SEEDS)
        assert run.shown == replayed(run.steps)
        assert run.points.shape == (len(run.shown), SHOWN_POINTS, 2)
        assert run.steps[-1] == SETUPS[run.setup].steps
        # The stored summary of the replayed seed is what its stored snapshots measure.
        again = summarize(run.steps, run.measures, run.seconds[-1])
        assert again == run.summaries[run.seed]
        # The stored points are the measured samples' first ones: their top mode agrees
        # wherever the measured samples sit on a mode.
        for i, pts in zip(run.shown, run.points, strict=True):
            m = run.measures[i]
            if m.top_share >= 0.5:
                assert ring.measure(pts.astype(np.float32)).top_mode == m.top_mode


def _summary(**changes: object) -> RunSummary:
    base: dict[str, object] = {
        "peak_share": 0.3,
        "peak_step": 500,
        "peak_mode": 2,
        "collapse_steps": (),
        "collapse_modes": (),
        "final_covered": 8,
        "final_hq": 0.6,
        "final_near": 0.9,
        "steps": 3000,
        "seconds": 10.0,
    }
    return RunSummary(**{**base, **changes})  # type: ignore[arg-type]


def test_sentences_say_collapse_only_when_measured() -> None:
    vae = _summary(final_covered=7, final_hq=0.2)
    none = " ".join(ring_sentences(_summary(), vae))
    assert "(モード崩壊)" not in none and "測定されていません" in none
    assert "最大 30%、500 ステップ目" in none
    gan = _summary(
        peak_share=0.71, peak_step=1200, peak_mode=5, collapse_steps=(900, 1200, 2100),
        collapse_modes=(5, 1), final_covered=1, final_hq=0.4,
    )  # fmt: skip
    text = " ".join(ring_sentences(gan, vae))
    assert "900 ステップ目" in text and "(モード崩壊)" in text and "71%" in text
    assert "モード 5→モード 1" in text
    # Blur is claimed only where the VAE's high-quality share is the lower one.
    assert "(ぼやけ)" in text and "20%" in text
    # Spread over several modes is said only for a run that did not collapse.
    spread = " ".join(ring_sentences(_summary(), vae, [0.05, 0.02, 0.0, 0.04, 0, 0, 0, 0.01]))
    assert "8 つのうち 4 つのモードの上" in spread and "1%〜5%" in spread
    assert "つのモードの上" not in " ".join(ring_sentences(gan, vae, [0.6, 0.02] + [0.0] * 6))
    sharp_vae = _summary(final_covered=8, final_hq=0.5)
    assert "(ぼやけ)" not in " ".join(ring_sentences(gan, sharp_vae))
    claims = ring_claims(gan, vae)
    assert claims == {
        "gan_collapsed": True,
        "gan_collapse_moved": True,
        "vae_covers_6": True,
        "vae_hq_below_gan": True,
        "vae_collapsed": False,
    }


def test_a_short_run_pairs_the_recording_with_a_live_vae() -> None:
    records = list(mode_collapse(seed=1, vae_steps=250))
    run = load_recording()[GAN_SETUP]
    # Every replayed GAN snapshot once, in order; the live VAE's snapshots once, in order.
    gan_steps = [r["gan"]["step"] for r in records if "gan" in r]
    assert gan_steps == [run.steps[i] for i in run.shown]
    assert [r["vae"]["step"] for r in records if "vae" in r] == [0, 100, 200, 250]
    # Both start on the first record and end on the last: one timeline.
    assert "gan" in records[0] and "vae" in records[0]
    last = records[-1]
    assert "gan" in last and "vae" in last
    assert all("sentences" not in r for r in records[:-1])
    assert "sentences" in last and "final" in last
    assert last["gan_steps"] == SETUPS[GAN_SETUP].steps and last["vae_steps"] == 250
    assert last["final"]["gan"] == run.summaries[run.seed].to_dict()
    assert last["final"]["vae"]["steps"] == 250
    for r in records:
        for frame in (r.get("gan"), r.get("vae")):
            if frame is not None:
                assert frame["points"].shape == (SHOWN_POINTS, 2)
                assert frame["covered"] == sum(1 for h in frame["hq"] if h >= ring.COVER_SHARE)


def test_the_screen_constants_match_the_ring() -> None:
    assert mode_collapse_screen.RADIUS == ring.RADIUS and mode_collapse_screen.MODES == ring.MODES
    assert np.allclose(mode_collapse_screen.mode_marks(), ring.mode_centres())
    assert [shade(s) for s in (0.0, 0.004, 0.01, 0.2, 0.3, 0.5)] == [" ", " ", "░", "▒", "▓", "█"]


async def test_the_screen_shows_the_runs_own_numbers_and_says_it_is_recorded() -> None:
    async with replay_demo("mode-collapse") as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ModeCollapseScreen)
        last = screen.records[-1]
        result = widget_text(screen, "#mc-result").replace("\n", "")
        assert last["sentences"] and all(s in result for s in last["sentences"])
        gan = last["final"]["gan"]
        assert f"{gan['peak_share']:.0%}" in result and f"{gan['final_hq']:.0%}" in result
        assert f"{last['final']['vae']['final_hq']:.0%}" in result
        assert ("(モード崩壊)" in result) == bool(gan["collapse_steps"])
        assert "0.2 以内" in result  # the radius, and why, is said
        status = widget_text(screen, "#mc-status").replace("\n", "")
        assert "記録した実行" in status and last["label"] in status
        assert f"GAN ステップ {last['gan']['step']}/{last['gan_steps']}" in status
        assert f"VAE ステップ {last['vae']['step']}/{last['vae_steps']}" in status
        gan_side = widget_text(screen, "#mc-gan")
        assert f"覆ったモード {last['gan']['covered']}/8" in gan_side


async def test_b_replays_the_remedy_and_names_the_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = ModelClient(log_path=tmp_path / "worker.log")
    model.start()
    try:
        assert model.wait_ready(), model.error
        app = recorded_app("mode-collapse")
        app.model = model
        async with app.run_test(size=(100, 40)) as pilot:
            screen = pilot.app.screen
            assert isinstance(screen, ModeCollapseScreen)
            screen.stop()
            screen.start_run(vae_steps=100)
            await until_drawn(pilot)
            assert not any(r["remedy"] for r in screen.records)
            await pilot.press("b")
            assert screen.remedy
            await wait_for(pilot, lambda: screen.finished or screen.error, timeout=120)
            assert screen.error is None
            assert all(r["remedy"] and r["setup"] == REMEDY_SETUP for r in screen.records)
            status = widget_text(screen, "#mc-status").replace("\n", "")
            assert SETUPS[REMEDY_SETUP].label in status and "対策あり" in status
    finally:
        model.close()


async def test_e_from_a_mode_collapse_question_opens_the_demo() -> None:
    from gkentei_vae.tui.launch import quiz_app
    from tests.replay import RecordedModel

    app = quiz_app(question_with("mode-collapse"))
    app.model = RecordedModel()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1", "e")
        assert isinstance(app.screen, ModeCollapseScreen)
        await until_drawn(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, QuizScreen)


def test_snapshot_mode_collapse_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    # (test_demos snapshots it at 110×50 with every demo.)
    assert snap_demo(snap_compare, "mode-collapse", size=(80, 24))
