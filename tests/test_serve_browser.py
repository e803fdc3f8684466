"""`gkentei-vae serve` in a real browser: Chromium (Playwright) on a real serve subprocess.

Everything is asserted from outside the browser: answers are rows in the SQLite record,
pictures are pixels of a screenshot, processes are read from /proc. Skipped (with the
reason shown by ``-ra``) only where no Chromium can be found; `.ci/run` installs one.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from tests.serve_support import Served, Tab, bank_with_demo, browser_context, find_browser, serving

NEXT = "n / Enter で次へ"
"""The feedback's last line: the answer is recorded and shown."""


# One worker runs this module under pytest-xdist, so its module fixtures run once.
pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def browser() -> str:
    path, why = find_browser()
    if path is None:
        pytest.skip(f"ブラウザのテストを飛ばします: {why}")
    return path


def no_session_left(served: Served) -> bool:
    """No app or model process of this server, in its tree or re-parented anywhere."""
    return served.tree() == ([], []) and not served.apps() and not served.workers()


def picture_region(tab: Tab) -> tuple[dict[str, float], Image.Image]:
    """The half-block picture on screen: its page area and a screenshot of just that."""
    assert tab.screen is not None
    cells = tab.screen.count("▀")
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    box = tab.cell_box(min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)
    shot = tab.screenshot(clip=box)
    return box, Image.open(io.BytesIO(shot)).convert("RGB")


def wait_for_picture(tab: Tab, cells: int = 200) -> None:
    tab.wait_until(
        lambda: tab.screen is not None and len(tab.screen.count("▀")) >= cells,
        60,
        f"a half-block picture of at least {cells} cells",
    )


@pytest.fixture
def samples_bank(tmp_path: Path) -> Path:
    return bank_with_demo(tmp_path / "samples.yaml", "samples")


def test_a_tab_answers_by_key_and_by_click_shows_a_demo_and_leaves_no_process(
    browser: str, samples_bank: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with serving(data, "--bank", str(samples_bank)) as served, browser_context(browser) as ctx:
        assert served.tree() == ([], []), "no tab open: no app process yet"

        tab = Tab(ctx, served.url)
        tab.wait_for("クイズ")
        # One app process for the tab, and no model process until a demo is opened.
        served.wait(lambda: tuple(map(len, served.tree())) == (1, 0), 20, "the app process")

        # Home key 1: the quiz. Answer the first question with the keyboard...
        tab.press("1")
        tab.wait_for("問 1/4")
        tab.press("2")
        tab.wait_for(NEXT)
        rows = served.answers()
        assert len(rows) == 1 and rows[0].mode == "quiz"

        # ...and the second with the mouse: a click on option c.
        tab.press("n")
        tab.wait_for("問 2/4")
        row, col = tab.wait_for(" c. ")
        tab.click_cell(row, col + 1)
        tab.wait_for(NEXT)
        rows = served.answers()
        assert len(rows) == 2 and {r.mode for r in rows} == {"quiz"}
        marked = tab.screen.lines()[row] if tab.screen else ""
        assert "← 正解" in marked or "← あなたの解答" in marked, marked

        # e: the question's demo, computed by the tab's model process, drawn as pixels.
        assert served.tree()[1] == [], "still no model process: no demo yet"
        tab.press("e")
        tab.wait_for("[samples]")
        wait_for_picture(tab)
        box, picture = picture_region(tab)
        stat = ImageStat.Stat(picture.convert("L"))
        colours = picture.getcolors(maxcolors=1 << 20) or []
        assert stat.stddev[0] > 20, f"a flat picture (stddev {stat.stddev})"
        # 32 grey levels per digit: far more than a 16-colour terminal could show.
        assert len(colours) > 16, len(colours)
        assert box["width"] > 200 and box["height"] > 100, box

        # Close the tab: its app process and its model process end.
        assert tuple(map(len, served.tree())) == (1, 1), "before: one app, one model process"
        closed = time.monotonic()
        tab.close()
        served.wait(lambda: no_session_left(served), 15, "the tab's processes to end")
        print(f"\ntab closed → 0 app / 0 model processes in {time.monotonic() - closed:.2f} s")
        assert len(served.answers()) == 2, "nothing lost on the way out"

        # A tab open while serve gets SIGTERM: serve ends it, and exits 0.
        tab = Tab(ctx, served.url)
        tab.wait_for("クイズ")
        served.wait(lambda: tuple(map(len, served.tree())) == (1, 0), 20, "the app process")
        stopped = time.monotonic()
        assert served.stop() == 0
        served.wait(lambda: no_session_left(served), 10, "every process to end after SIGTERM")
        print(f"SIGTERM → serve and all sessions gone in {time.monotonic() - stopped:.2f} s")
        assert tab.wait_until(lambda: tab.closed, 10, "the page to see its session end")


def test_two_tabs_answering_at_once_both_land_in_the_record(browser: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data) as served, browser_context(browser) as ctx:
        tabs = [Tab(ctx, served.url), Tab(ctx, served.url)]
        for tab in tabs:
            tab.wait_for("G検定形式の4択")
        assert len(served.tree()[0]) == 2, "one app process per tab"
        # Interleaved, one answer per tab in turn: both write while the other does.
        for tab in tabs:
            tab.press("1")
        for n in range(1, 21):
            quiz_n = (n - 1) % 10 + 1
            for tab in tabs:
                tab.wait_for(f"問 {quiz_n}/10")
                tab.press(str(1 + n % 4))
            for tab in tabs:
                tab.wait_for(NEXT)
                tab.press("n")
            if quiz_n == 10:
                for tab in tabs:
                    tab.wait_for("間違えた問題を振り返る")
                    tab.press("q")
                    tab.wait_for("G検定形式の4択")
                    if n < 20:
                        tab.press("1")
        rows = served.answers()
        assert len(rows) == 40
        assert {r.mode for r in rows} == {"quiz"}
        # One tab quits from home (q): its session ends as a closed tab's does.
        tabs[0].press("q")
        tabs[0].wait_until(lambda: tabs[0].closed, 15, "the quit app to end its session")
        served.wait(lambda: len(served.apps()) == 1, 15, "the quit tab's app to end")
        tabs[1].close()
        served.wait(lambda: no_session_left(served), 15, "both tabs' processes to end")


def test_the_kl_training_plot_renders_in_the_browser(browser: str, tmp_path: Path) -> None:
    bank = bank_with_demo(tmp_path / "kl.yaml", "kl-training")
    with serving(tmp_path / "data", "--bank", str(bank)) as served, browser_context(browser) as ctx:
        tab = Tab(ctx, served.url)
        tab.press("1")
        tab.wait_for("問 1/4")
        tab.press("1")
        tab.wait_for(NEXT)
        tab.press("e")
        tab.wait_for("[kl-training]")
        tab.wait_for("学習が終わりました", timeout=120)
        wait_for_picture(tab)
        # The two plots: braille dots drawn by plotext, in colour.
        assert tab.screen is not None
        text = tab.screen.text()
        assert "再構成誤差" in text and "KL" in text
        dots = sum(1 for ch in text if 0x2801 <= ord(ch) <= 0x28FF)
        assert dots > 50, f"{dots} braille cells"
        _, picture = picture_region(tab)
        assert ImageStat.Stat(picture.convert("L")).stddev[0] > 20
        tab.close()
        served.wait(lambda: no_session_left(served), 15, "the tab's processes to end")


@contextmanager
def other_origin(served_url: str) -> Iterator[tuple[str, list[str]]]:
    """Another local web server (another port: another origin): its base URL and the paths
    asked of it. It serves a page that frames ``served_url`` twice, as a hostile site would."""
    asked: list[str] = []
    page = f'<iframe src="{served_url}"></iframe><iframe src="{served_url}"></iframe>'.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", asked
    finally:
        server.shutdown()
        server.server_close()


def test_the_page_asks_nothing_off_its_origin_and_cannot_be_framed(
    browser: str, tmp_path: Path
) -> None:
    with (
        serving(tmp_path / "data") as served,
        browser_context(browser) as ctx,
        other_origin(served.url) as (other, asked),
    ):
        requested: list[str] = []
        ctx.on("request", lambda request: requested.append(request.url))
        # textual.js fetches ?ping=URL before it connects: serve strips it from the page URL.
        tab = Tab(ctx, f"{served.url}?ping={other}ping&delay=1")
        tab.wait_for("クイズ")
        assert tab.page.url == served.url, "ping and delay stripped"
        assert all(url.startswith(served.origin + "/") for url in requested), requested
        assert any("/static/fonts/" in url for url in requested), "the bundled font"
        assert asked == [], "the other origin was asked nothing"
        assert served.wait(lambda: len(served.apps()) == 1, 20, "the tab's app")
        tab.close()
        served.wait(lambda: no_session_left(served), 20, "the tab's processes to end")

        # A page on another origin that frames serve's page twice starts no session.
        framing = ctx.new_page()
        framing.goto(other)
        framing.wait_for_timeout(3000)
        assert framing.main_frame.url == other
        assert served.apps() == [], "a framed page started an app"
        framing.close()
        print(f"\n{len(requested)} requests, all to {served.origin}; framed twice: no session")


@pytest.fixture(autouse=True)
def _report_slow_steps() -> Iterator[None]:
    start = time.monotonic()
    yield
    print(f"\n[{time.monotonic() - start:.1f} s]")
