"""The app shell: the model process starts only when the launching code asks, home opens
every mode and comes back, and Textual's own machinery is left alone."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gkentei_vae.banks import load_banks
from gkentei_vae.study.session import QuizSession
from gkentei_vae.tui import modes
from gkentei_vae.tui.app import WARM_DELAY, GkenteiApp
from gkentei_vae.tui.home_screen import HomeApp, HomeScreen, mode_keys
from gkentei_vae.tui.launch import flashcards_app, home_app, quiz_app, review_app, stats_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import (
    FIXTURES,
    MINI_BANK,
    SATURDAY,
    SIZE,
    Clock,
    home_notice,
    mini_session,
    srs_for,
)

WORKER = b"gkentei_vae.model_process.worker"


def worker_children() -> list[int]:
    """Process ids of model workers started by this test process (read from /proc)."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == me and WORKER in cmdline:
            found.append(int(entry.name))
    return found


def apps(store, banks) -> dict[str, Callable[[], GkenteiApp]]:  # type: ignore[no-untyped-def]
    from gkentei_vae.study.review import ReviewSession

    def review() -> GkenteiApp:
        session = ReviewSession.for_questions(
            store, banks, srs=srs_for(store), clock=Clock(SATURDAY)
        )
        return review_app(session, seed=1)

    def cards() -> GkenteiApp:
        from gkentei_vae.study.flashcards import flashcard_session

        return flashcards_app(
            flashcard_session(store, banks, srs=srs_for(store), clock=Clock(SATURDAY))
        )

    return {
        "quiz": lambda: quiz_app(mini_session()),
        "review": review,
        "flashcards": cards,
        "stats": lambda: stats_app(store, banks, clock=Clock(SATURDAY)),
        "home": lambda: home_app(store, banks, clock=Clock(SATURDAY), seed=1),
    }


@pytest.mark.parametrize("mode", ["quiz", "review", "flashcards", "stats", "home"])
def test_snapshot_style_runs_spawn_no_model_process(store, banks, mode: str) -> None:  # type: ignore[no-untyped-def]
    # What snap_compare does: App.run(headless=True) with an auto-pilot.
    app = apps(store, banks)[mode]()
    seen: list[list[int]] = []

    async def pilot(p) -> None:  # type: ignore[no-untyped-def]
        await p.pause(WARM_DELAY * 2)  # past the moment a warm-up would have started
        seen.append(worker_children())
        p.app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot)
    assert seen == [[]]
    assert app.model is None


async def test_an_app_asked_to_warm_starts_the_model_and_ends_it_on_exit(tmp_path: Path) -> None:
    app = quiz_app(mini_session(), warm_model=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(WARM_DELAY * 2)
        assert app.model is not None and app.model.started
        pid = app.model.pid
        assert pid in worker_children()
    assert pid not in worker_children()  # closed with the app


def test_home_has_a_key_for_every_mode_the_builder_makes() -> None:
    # Home's keys, its table of modes and the builder name the same modes.
    assert set(mode_keys()) == set(modes.BUILDERS)


async def test_home_flashcards_with_a_bank_without_cards_says_so(store) -> None:  # type: ignore[no-untyped-def]
    banks = load_banks([FIXTURES / "banks" / "no_cards.yaml"])
    app = home_app(store, banks, clock=Clock(SATURDAY), seed=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert "いま復習するカードはありません。" in await home_notice(pilot, "3")
        await pilot.press("1")  # the other modes still open
        assert isinstance(app.screen, QuizScreen)


async def test_textual_modes_still_work_on_the_home_app(store) -> None:  # type: ignore[no-untyped-def]
    app = home_app(store, load_banks([MINI_BANK]), clock=Clock(SATURDAY), seed=1)
    assert isinstance(app, HomeApp)
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == GkenteiApp.DEFAULT_MODE
        app.add_mode("probe", lambda: QuizScreen(QuizSession.select(load_banks([MINI_BANK]))))
        await app.switch_mode("probe")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await app.switch_mode(GkenteiApp.DEFAULT_MODE)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
