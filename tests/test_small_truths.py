"""Smaller things the learner sees that must be true (issue 17, item 6): one Japanese quit
path, a config example that works, home --help's key count, one exam duration, what
gan-vs-vae says it shows, and the wording of a missing bank."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import pytest

from gkentei_vae.cli import build_parser
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.settings import parse_exam_date
from gkentei_vae.study.store import Store
from gkentei_vae.tui.confirm_screen import ConfirmScreen
from gkentei_vae.tui.exam_screen import ExamScreen
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.keys import bindings_of
from gkentei_vae.tui.launch import home_app, quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from tests.conftest import (
    SATURDAY,
    SIZE,
    Clock,
    mini_session,
    run_cli,
    srs_for,
    toasts,
    widget_text,
)


def subparser(*names: str) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize("key", ["ctrl+c", "ctrl+q"])
async def test_ctrl_c_and_ctrl_q_take_the_same_japanese_way_out_as_q(key: str) -> None:
    app = quiz_app(mini_session())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("1")
        await pilot.press(key)
        await pilot.pause()
        assert "quit" not in toasts(app).lower()  # no English toast
        assert app.return_code is None  # not gone without asking
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen), type(dialog).__name__
        assert dialog.question.startswith("クイズを終了しますか")
        await pilot.press("n")
        assert isinstance(app.screen, QuizScreen)
        await pilot.press(key, key)  # pressed again on the dialog: yes
        await pilot.pause()
    assert app.return_code == 0


def test_the_config_help_example_date_is_accepted_today() -> None:
    text = subparser("config", "set").format_help() + subparser("config").format_help()
    examples = re.findall(r"exam-date (\d{4}-\d{2}-\d{2})", text)
    assert examples, text
    for example in examples:
        assert date.fromisoformat(example) >= date.today(), example
        parse_exam_date(example, date.today())  # raises if refused


def test_home_help_names_the_home_screens_real_mode_keys() -> None:
    text = " ".join(subparser("home").format_help().split())  # argparse's own line breaks out
    modes = sorted(
        b.key for b in bindings_of(HomeScreen) if b.key.isdigit() and b.action.startswith("open")
    )
    ranges = re.findall(r"(\d)〜(\d) のキー", text)
    for first, last in ranges:  # a count, if the help gives one, is the screen's
        assert [str(k) for k in range(int(first), int(last) + 1)] == modes, text
    listed = re.search(r"キー: (.*?)。", text)
    assert listed, text
    assert [k for k in modes if f"{k} " in listed.group(1)] == modes, text


async def test_home_and_the_exam_header_give_one_duration_in_one_format(store: Store) -> None:
    banks = load_default_banks()
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        modes = widget_text(app.screen, "#modes")
        match = re.search(r"全 (\d+) 問・(.+?)\(", modes)
        assert match, modes
        on_home = match.group(2).strip()
        await pilot.press("5")
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        assert len(exam.exam.items) == int(match.group(1))
        header = re.search(r"残り (\S+)", widget_text(exam, "#exam-bar"))
        assert header, widget_text(exam, "#exam-bar")
        assert header.group(1) == on_home  # the same exam: the same duration
        # Under ten minutes the timer keeps its format.
        exam.exam.time_limit = 9 * 60 + 30
        exam.update_bar()
        short = re.search(r"残り (\S+)", widget_text(exam, "#exam-bar"))
        assert short
        shape = re.sub(r"\d", "0", header.group(1))
        assert re.sub(r"\d", "0", short.group(1)).lstrip("0") == shape.lstrip("0"), (
            header.group(1),
            short.group(1),
        )
        await pilot.press("q", "y")


@pytest.mark.parametrize("columns", [80, 120, 240])
def test_gan_vs_vae_says_how_many_digits_each_row_shows(columns: int) -> None:
    from gkentei_vae.tui.demo_views import view_gan_vs_vae
    from gkentei_vae.tui.image import PixelImage
    from tests.replay import load_recording

    data = load_recording("gan-vs-vae")[-1]
    view = view_gan_vs_vae(data, columns)
    header = str(view.renderables[0])
    said = re.search(r"(\d+) 枚", header)
    assert said, header
    rows = [part for part in view.renderables if isinstance(part, PixelImage)]
    assert len(rows) == 3  # GAN, VAE, real
    claimed = int(said.group(1))
    for picture in rows:
        # One row of `claimed` 28-pixel digits with 2-pixel gaps, shrunk to the width, is
        # this tall (± rounding and the even-row padding of half blocks).
        tall = 32 * picture.width / (claimed * 30 + 2)
        assert abs(picture.rgb.shape[0] - tall) <= 2, (header, picture.width, picture.rgb.shape)


@pytest.mark.parametrize("kind", ["missing", "empty folder"])
def test_a_bank_path_with_nothing_in_it_is_one_error_without_a_line_number(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / ("does-not-exist.yaml" if kind == "missing" else "empty")
    if kind != "missing":
        path.mkdir()
    proc = run_cli("quiz", "--bank", str(path))
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(f"{path}: "), lines  # no ":1": there is no line to point at
    assert "1 件のエラー" in proc.stderr and "件の問題" not in proc.stderr, proc.stderr
