"""Shared test fixtures: real banks, a real store, fixed instants and a hand-moved clock,
and a CLI runner in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from gkentei_vae.banks import Bank
    from gkentei_vae.models.data import Split
    from gkentei_vae.study.session import QuizSession
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.study.store import Store

# Python may cache bytecode here, as an installed package does: the suite starts ~200
# Python processes (CLI runs, model processes, serve and its apps) and each xdist worker
# rewrites every test module, so with PYTHONDONTWRITEBYTECODE set (some shells set it)
# each of them compiled the package and the tests from source again (the caches land in
# the git-ignored __pycache__ folders). Set here, before the workers start, it reaches them
# and every process a test starts.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MINI_BANK = FIXTURES / "banks" / "mini.yaml"
"""Four questions on the reparameterization lines (quiz, exam and export tests)."""
STUDY_BANK = FIXTURES / "study" / "study.yaml"
"""Questions, cloze lines and terms over every lyric line (review, flashcards, stats)."""

JST = timezone(timedelta(hours=9))
"""The learner's time zone in the study tests: local days differ from UTC days."""
T0 = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)
"""Thursday 12:00 in Tokyo: where the scheduling and stats tests start."""
SATURDAY = datetime(2025, 5, 3, 1, 0, tzinfo=UTC)
"""Saturday 10:00 in Tokyo: "now" of the study screens and the exam results."""
SIZE = (100, 40)
"""Terminal size of the Pilot and snapshot tests."""
WAIT = 120.0
"""Seconds a test waits for something by default before it fails: generous, for a shared
busy 2-core machine (speed is measured in benchmarks/, never in a test)."""


def polls(until: Callable[[], Any], what: str, timeout: float = WAIT) -> Iterator[None]:
    """Yield while ``until()`` is false, and fail saying ``what`` was awaited once
    ``timeout`` seconds have passed: every waiting or stepping loop of the tests goes
    through here, so none can spin for ever.

        for _ in polls(lambda: session.finished, "the session to end"):
            session.answer(...)
    """
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        yield


def wait_until(
    check: Callable[[], Any],
    timeout: float = WAIT,
    what: str = "the condition",
    pause: Callable[[], object] = lambda: time.sleep(0.05),
) -> Any:
    """Call ``pause`` until ``check()`` is truthy (see ``polls``); returns that value."""
    value = None

    def done() -> Any:
        nonlocal value
        value = check()
        return value

    for _ in polls(done, what, timeout):
        pause()
    return value


async def wait_for(
    pilot: Pilot[Any], check: Callable[[], Any], timeout: float = WAIT, what: str = "the screen"
) -> None:
    """``wait_until`` inside a Pilot test: the app keeps running while the test waits."""
    for _ in polls(check, what, timeout):
        await pilot.pause(0.05)


class Clock:
    """A clock the test moves by hand (sessions call it for "now")."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


WORKERS_PER_CPU = 1.5
"""``-n auto`` (pyproject's addopts) starts this many pytest-xdist workers per CPU: much of
the suite waits on other processes (a model process loading torch, serve, a browser), so
one worker per CPU leaves the CPUs half idle (measured: 101 % of 2 CPUs with 2 workers);
two per CPU spent ~15 s more CPU than three workers on 2 CPUs (a fourth collection, more
switching) for no shorter run (fresh clones: 179.5 and 187.3 s with 4, 176.3 and 181.2 s
with 3)."""
WORKERS_MAX = 8
"""At most this many workers (each may hold a ~600 MB model process)."""


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """How many workers ``-n auto`` starts (see :data:`WORKERS_PER_CPU`)."""
    return max(1, min(WORKERS_MAX, round(WORKERS_PER_CPU * (os.cpu_count() or 1))))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``early`` first (the order is otherwise kept): pytest-xdist hands
    tests out in this order, and one of them started last ran on alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("early") is None)


@pytest.fixture(scope="session")
def banks() -> list[Bank]:
    """The study fixture bank (validated once per test run)."""
    from gkentei_vae.banks import load_banks

    return load_banks([STUDY_BANK])


@pytest.fixture(scope="session")
def mini_banks() -> list[Bank]:
    """The mini fixture bank."""
    from gkentei_vae.banks import load_banks

    return load_banks([MINI_BANK])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new learning record in a real SQLite file."""
    from gkentei_vae.study.store import DB_FILENAME, Store

    with Store.open(tmp_path / DB_FILENAME) as opened:
        yield opened


def srs_for(store: Store) -> Srs:
    """No interval fuzz, Tokyo days: every due date a test sees is reproducible."""
    from fsrs import Scheduler

    from gkentei_vae.study.srs import Srs

    return Srs(store, scheduler=Scheduler(enable_fuzzing=False), tz=JST)


@pytest.fixture(scope="session")
def mnist5k() -> Split:
    """The offline digits (4,500 / 500), read once per test run."""
    from gkentei_vae.models.data import load_dataset

    return load_dataset("mnist5k")


@pytest.fixture(scope="module")
def torch_threads() -> Iterator[int]:
    """Torch threads in this process as the model process has them: ``$GKENTEI_VAE_TORCH_THREADS``
    (``paths.torch_threads``), 1 unless set; the count is yielded."""
    import torch

    from gkentei_vae.paths import torch_threads

    before = torch.get_num_threads()
    torch.set_num_threads(torch_threads())
    yield torch.get_num_threads()
    torch.set_num_threads(before)


def refuse_live_model(app: App[Any]) -> None:
    """Fail if ``app`` could draw a demo computed now: a snapshot's demos are recorded.

    torch is not bit-identical across CPUs, so a picture or number computed live differs
    from machine to machine; a snapshot's app has no model, or ``tests.replay.RecordedModel``.
    """
    from tests.replay import RecordedModel

    model = getattr(app, "model", None)
    assert model is None or isinstance(model, RecordedModel), (
        f"a snapshot drawn from a live model process ({type(model).__name__}): "
        "replay recorded results instead (tests/replay.py)"
    )
    assert not getattr(app, "warm_model", False), "a snapshot's app must not start a model process"


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's ``snap_compare``, refusing an app with a live model
    (``refuse_live_model``) before its screenshot is taken."""

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> bool:
        async def checked(pilot: Pilot[Any]) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if result is not None:
                    await result
            refuse_live_model(pilot.app)

        return snap_compare(app, *args, run_before=checked, **kwargs)

    return compare


def toasts(app: App[object]) -> str:
    """The text of every notification on the app's screen (run_test(notifications=True))."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def home_notice(pilot: Pilot[object], key: str) -> str:
    """Press a mode's key on the home screen when that mode has nothing to do: home stays,
    and says why (the notification's text is returned)."""
    from gkentei_vae.tui.home_screen import HomeScreen

    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    return toasts(pilot.app)


def question_with(demo: str) -> QuizSession:
    """A one-question quiz over the first bundled question whose `e` opens ``demo``."""
    from gkentei_vae.study.selection import load_default_banks, with_demo
    from gkentei_vae.study.session import QuizSession

    return QuizSession.from_picks([with_demo(load_default_banks(), demo)], seed=0)


def mini_session(seed: int = 3) -> QuizSession:
    """A quiz over the mini bank with a fixed question and option order."""
    from gkentei_vae.banks import load_banks
    from gkentei_vae.study.session import QuizSession

    return QuizSession.select(load_banks([MINI_BANK]), seed=seed)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own data and cache dirs, so no test reads or writes the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GKENTEI_VAE_HOME", str(home / "data"))
    monkeypatch.setenv("GKENTEI_VAE_CACHE", str(home / "cache"))
    return home


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gkentei_vae ARGS`` as a user would, capturing output."""
    env = dict(os.environ)
    env.setdefault("COLUMNS", "100")
    return subprocess.run(
        [sys.executable, "-m", "gkentei_vae", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def widget_text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    """The plain text a Static shows (Text or a Rich table), as a terminal would print it."""
    import io

    from rich.console import Console
    from textual.widgets import Static

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()
