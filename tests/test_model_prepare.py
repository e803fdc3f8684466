"""The model process prepares the demos of the session's questions, and no other
(issue 19: preparing every demo held ~430 MB more than a VAE session needs)."""

from __future__ import annotations

import gc
from pathlib import Path

from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.model_process.worker import PREPARED
from gkentei_vae.study.selection import demos_of
from gkentei_vae.tui.launch import quiz_app
from tests.conftest import SIZE, question_with, wait_for, wait_until

IDLE = 1.0


async def test_a_session_prepares_its_questions_demos_and_again_after_a_release(
    tmp_path: Path,
) -> None:
    client = ModelClient(tmp_path / "worker.log", idle_seconds=IDLE)
    session = question_with("reparam")
    try:
        app = quiz_app(session, model=client)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.demos, what="the session's demos")
            assert app.demos == demos_of(item.pick for item in session.items) == ["reparam"]
        # Only the session's demo: not the GAN's, nor any other VAE demo.
        assert client.call(PREPARED) == {"prepared": ["reparam"]}
        # A demo named later is prepared too; none is prepared twice.
        client.prepare(["samples", "reparam"])
        assert client.call(PREPARED) == {"prepared": ["reparam", "samples"]}
        first = client.pid
        wait_until(lambda: client.releases == 1, what="the idle child's release")
        # The next child prepares the same demos: the next `e` waits for nothing either.
        assert client.call(PREPARED) == {"prepared": ["reparam", "samples"]}
        assert client.pid != first
    finally:
        client.close()


async def test_the_demo_screens_stylesheets_are_read_before_the_first_demo(tmp_path: Path) -> None:
    """A first push of a screen with an unread CSS_PATH re-parses every stylesheet; and
    the collector's full passes, walking all that was loaded, fell on random presses."""
    from gkentei_vae.demo_registry import DEMOS, ONE_SHOT_SCREEN, resolve

    client = ModelClient(tmp_path / "worker.log")
    frozen = gc.get_freeze_count()
    try:
        app = quiz_app(question_with("samples"), model=client, warm_model=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.warmed, what="the app's warm-up")
            # What the warm-up loaded is frozen: the collector's full passes skip it.
            assert gc.get_freeze_count() > frozen
            views = [ONE_SHOT_SCREEN, *(d.view for d in DEMOS.values() if d.streams)]
            for screen in map(resolve, views):
                for path in screen(next(iter(DEMOS))).css_path:
                    assert app.stylesheet.has_source(str(path), ""), path
    finally:
        client.close()
        gc.unfreeze()
