"""The cyclic collector is held off while a command builds its app, and back at the first paint."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from gkentei_vae import startup_gc
from gkentei_vae.cli import build_parser
from gkentei_vae.commands import common
from gkentei_vae.study.selection import SelectionError
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import SIZE, wait_for


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    # The worker process goes on with its collector on and nothing left frozen.
    yield
    startup_gc.release()
    gc.enable()
    gc.unfreeze()


async def test_the_collector_is_off_while_the_quiz_is_built_and_on_once_it_is_shown() -> None:
    args = build_parser().parse_args(["quiz", "--seed", "1"])
    frozen = gc.get_freeze_count()
    with common.mode_app(args, "quiz") as app:
        assert app is not None
        assert not gc.isenabled()  # the banks, the record and the app were built without it
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, QuizScreen), what="the quiz")
            await wait_for(pilot, gc.isenabled, what="the collector after the first paint")
            # What start-up built is frozen: the collector's next pass does not walk it again.
            assert gc.get_freeze_count() > frozen
            assert app.screen.session.current.pick.question.stem
    assert gc.isenabled()


def test_a_command_that_stops_before_its_app_leaves_the_collector_on() -> None:
    # An unknown topic: the command refuses before any app is built (cli.main says why).
    args = build_parser().parse_args(["quiz", "--topic", "no-such-topic"])
    with pytest.raises(SelectionError, match="no-such-topic"), common.mode_app(args, "quiz"):
        pass
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    with startup_gc.held():
        assert not gc.isenabled()
    assert not gc.isenabled()  # not ours to turn on
    gc.enable()
    with startup_gc.held():
        assert not gc.isenabled()
        startup_gc.release()  # the first paint
        assert gc.isenabled()
    assert gc.isenabled()


def test_an_error_while_building_turns_the_collector_back_on() -> None:
    with pytest.raises(RuntimeError), startup_gc.held():
        raise RuntimeError("a bank could not be read")
    assert gc.isenabled()
