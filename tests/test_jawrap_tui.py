"""Japanese text on screen breaks by phrase with 禁則 (jatext.py through tui/jawrap.py):
the walkthrough's screens, every question of a GAN quiz at 80×24, and a resize."""

from __future__ import annotations

from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from gkentei_vae.banks import Bank, Question
from gkentei_vae.cli import build_parser
from gkentei_vae.commands import common
from gkentei_vae.study.selection import load_default_banks, matching
from gkentei_vae.study.session import QuizSession
from gkentei_vae.study.store import Store
from gkentei_vae.tui.jawrap import JaText
from gkentei_vae.tui.launch import home_app, quiz_app
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.widgets import LyricHook, OptionCard
from tests.wrap_rules import violations

SCREEN_NO_START = "、。」）"
"""What the acceptance check names: no screen line starts with one of these."""


def question(qid: str) -> Question:
    return next(q for b in load_default_banks() for q in b.questions if q.id == qid)


def one_question(qid: str) -> QuizSession:
    banks = load_default_banks()
    pick = next(p for p in matching(banks) if p.question.id == qid)
    return QuizSession.from_picks([pick], seed=0)


def widget_lines(widget: Widget) -> tuple[list[str], int]:
    """The lines a widget shows (borders and padding cut off), and its text width."""
    region, content = widget.region, widget.content_region
    x0, y0 = content.x - region.x, content.y - region.y
    strips = widget.render_lines(Region(0, 0, region.width, region.height))
    lines = [s.crop(x0, x0 + content.width).text for s in strips[y0 : y0 + content.height]]
    return lines, content.width


def prose_widgets(screen: QuizScreen) -> list[Static]:
    """The widgets of the question view that show prose: hook, stem, options, feedback."""
    view = screen.query_one("#question")
    found: list[Static] = [view.query_one(LyricHook), view.query_one("#stem", Static)]
    found += list(view.query(OptionCard))
    feedback = view.query_one("#feedback", Static)
    if feedback.display and feedback.has_class("-shown"):
        found.append(feedback)
    return found


def check_widgets(screen: QuizScreen) -> list[str]:
    """Every rule broken by the prose widgets of ``screen`` as they are drawn now."""
    found = []
    for widget in prose_widgets(screen):
        lines, width = widget_lines(widget)
        text = str(widget.content)
        found += [
            f"#{widget.id or type(widget).__name__}: {v}" for v in violations(text, lines, width)
        ]
    return found


def screen_lines(app: App[object]) -> list[str]:
    """The screen as a terminal shows it, one string per row."""
    import io

    from rich.console import Console

    console = Console(width=app.size.width, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


def starts_badly(rows: list[str]) -> list[str]:
    """Screen rows whose text (after borders and indentation) starts with 、。」）."""
    texts = [row.strip(" │╭╮╰╯─▎█♪") for row in rows]
    return [text for text in texts if text and text[0] in SCREEN_NO_START]


# -- the walkthrough's screens ---------------------------------------------------------


async def test_gan_stem_keeps_gan_with_its_particle() -> None:
    # 「GAN⏎の識別器は…」 at 120 columns on 1bc006e.
    for width in (60, 80, 100, 120):
        app = quiz_app(one_question("vae-l5-14"))
        async with app.run_test(size=(width, 40)) as pilot:
            await pilot.pause()
            lines, _ = widget_lines(app.screen.query_one("#stem"))
            assert "GAN" not in [line.strip() for line in lines], (width, lines)
            assert check_widgets(app.screen) == [], width


async def test_explanations_keep_terms_and_numbers_whole() -> None:
    # 「解説: rsample()⏎は…」, 「約 4⏎億組」 and a line starting with 「、」.
    for qid in ("vae-l7-07", "vae-l10-14"):
        for width in (80, 100, 120):
            session = one_question(qid)
            app = quiz_app(session)
            async with app.run_test(size=(width, 60)) as pilot:
                await pilot.press(str((session.current.correct_index + 1) % 4 + 1))
                await pilot.pause()
                lines, _ = widget_lines(app.screen.query_one("#feedback"))
                bad = [
                    line for line in lines if line.rstrip().endswith(("解説: rsample()", "約 4"))
                ]
                assert bad == [], (qid, width)
                assert starts_badly(lines) == [], (qid, width)
                assert check_widgets(app.screen) == [], (qid, width)


async def test_text_is_wrapped_again_when_the_terminal_is_resized() -> None:
    session = one_question("vae-l10-14")
    app = quiz_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(str((session.current.correct_index + 1) % 4 + 1))
        await pilot.pause()
        wide, _ = widget_lines(app.screen.query_one("#feedback"))
        await pilot.resize_terminal(60, 40)
        await pilot.pause()
        narrow, width = widget_lines(app.screen.query_one("#feedback"))
        assert width < 60 and len(narrow) > len(wide)
        assert check_widgets(app.screen) == []


# -- acceptance: `quiz --topic gan --seed 1 --level all` at 80×24 ------------------------


async def test_every_gan_question_feedback_and_explanation_at_80x24() -> None:
    # The app exactly as `gkentei-vae quiz --topic gan --seed 1 --level all` builds it.
    args = build_parser().parse_args(["quiz", "--topic", "gan", "--seed", "1", "--level", "all"])
    checked = 0
    with common.mode_app(args, "quiz") as app:
        assert app is not None
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, QuizScreen)
            session = app.screen.session
            assert len(session.items) == 10
            for k in range(len(session.items)):
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, QuizScreen)
                assert check_widgets(screen) == [], ("question", k)
                assert starts_badly(screen_lines(app)) == [], ("question", k)
                item = session.current
                await pilot.press(str((item.correct_index + 1) % 4 + 1))  # wrong: why_wrong too
                await pilot.pause()
                feedback = screen.query_one("#feedback", Static)
                assert item.pick.question.explanation.split("。")[0] in str(feedback.content)
                assert check_widgets(screen) == [], ("feedback", k)
                assert starts_badly(screen_lines(app)) == [], ("feedback", k)
                checked += 1
                await pilot.press("n")
    assert checked == 10


# -- snapshots at 80 columns -----------------------------------------------------------


def test_snapshot_mixed_question_at_80(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(quiz_app(one_question("vae-l5-14")), terminal_size=(80, 24))


def test_snapshot_mixed_feedback_at_80(snap_compare) -> None:  # type: ignore[no-untyped-def]
    session = one_question("vae-l7-07")
    wrong = (session.current.correct_index + 1) % 4
    app = quiz_app(session)
    assert session.current.pick.question.explanation.startswith("rsample()")
    assert snap_compare(app, press=[str(wrong + 1)], terminal_size=(80, 24))


async def test_toasts_break_by_phrase() -> None:
    from gkentei_vae.tui.jawrap import notify

    message = (
        "学習記録を保存できませんでした: /tmp/gkentei/study.sqlite3 は読み取り専用です"
        "(ディスクの空きと権限を確かめてから、もう一度 q で終了してください)。"
    )
    app = quiz_app(one_question("vae-l5-14"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        notify(app, message, severity="error", timeout=30)
        await pilot.pause()
        toast = app.screen.query_one("Toast")
        lines, width = widget_lines(toast)
        assert len(lines) > 2
        assert violations(message, lines, width) == []


# -- every screen: no prose left to Textual's wrapping ---------------------------------


def wrapped_by_textual(screen: Screen[object]) -> list[str]:
    """Statics showing a plain string or Text that Textual had to wrap (not a JaText, not
    a chart marked ``text-wrap: nowrap``)."""
    found = []
    for widget in screen.query(Static):
        content = widget.content
        if not widget.display or isinstance(content, JaText) or widget.styles.text_wrap == "nowrap":
            continue  # wrapped by phrase, or a chart that is cut at the edge
        plain = getattr(content, "plain", content)
        if not isinstance(plain, str) or not plain.strip():
            continue  # a table or a picture: not prose
        if widget.content_size.height > len(plain.rstrip("\n").split("\n")):
            found.append(f"{type(screen).__name__} #{widget.id}: {plain[:40]!r}")
    return found


async def test_no_screen_leaves_prose_to_textual_wrapping(store: Store, banks: list[Bank]) -> None:
    # Narrow enough that every line of prose wraps: each must be a JaText.
    app = home_app(store, banks, seed=1)
    found: list[str] = []
    async with app.run_test(size=(44, 30), notifications=True) as pilot:

        async def visit(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            found.extend(wrapped_by_textual(app.screen))

        await visit()  # home
        await visit("1")  # quiz
        await visit("1")  # feedback
        await visit("question_mark")  # help
        await visit("escape", "q")  # the quit dialog
        await visit("y", "3")  # flashcards
        await visit("space")  # flipped
        await visit("1", "q", "y", "4")  # stats
        await visit("q", "5")  # exam
        await visit("s")  # submit dialog
        await visit("y")  # result
        await visit("q", "2")  # review
        await visit("1")  # its feedback
        assert type(app.screen).__name__ == "ReviewScreen"
    assert "\n".join(found) == ""
