"""What the `serve` tests share: a real `gkentei-vae serve` subprocess, its process tree read
from /proc, and (for the browser tests) Chromium driven by Playwright, with the tab's screen
rebuilt from the terminal stream the server sends it."""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yarl import URL

from gkentei_vae.model_process.client import WORKER_MODULE
from gkentei_vae.paths import MODEL_SOCKET_ENV
from gkentei_vae.study.store import LogRow, Store
from tests.conftest import MINI_BANK, REPO, polls, wait_until

TAG_ENV = "GKENTEI_VAE_SERVE_TEST_TAG"
"""Set on the serve process; its app and model processes inherit it, so even a process
that outlived its parent (and was re-parented to init) is found by it."""

URL_RE = re.compile(r"http://\S+")

# -- the serve subprocess ----------------------------------------------------------------------


@dataclass
class Served:
    """A running `gkentei-vae serve` and what it printed."""

    proc: subprocess.Popen[str]
    url: str
    tag: str
    data_dir: Path
    started_s: float
    """Seconds from spawning the process to the URL line."""
    output: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        """The access token: the first segment of the printed URL's path."""
        return URL(self.url).path.strip("/").split("/")[0]

    @property
    def origin(self) -> str:
        """scheme://host:port, without the token."""
        return str(URL(self.url).origin())

    def ws_url(self, width: int = 100, height: int = 30) -> URL:
        """The tab's websocket, as the page's script builds it (``…/TOKEN/ws?width=…``)."""
        return (
            URL(self.url).join(URL("ws")).with_scheme("ws").with_query(width=width, height=height)
        )

    def model_socket(self) -> Path:
        """The shared model process's socket, as serve told its tabs' apps (one must run)."""
        for pid in self.apps():
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            for entry in environ:
                name, _, value = entry.partition(b"=")
                if name == MODEL_SOCKET_ENV.encode():
                    return Path(os.fsdecode(value))
        raise AssertionError(f"no app with {MODEL_SOCKET_ENV}")

    def rss_kb(self) -> int:
        """The serve process's resident memory."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def apps(self) -> list[int]:
        """The app processes (one per open tab) anywhere on the machine that come from here."""
        return [p for p, cmd in tagged(self.tag).items() if " home " in f" {cmd} "]

    def workers(self) -> list[int]:
        """The model processes that come from here."""
        return [p for p, cmd in tagged(self.tag).items() if WORKER_MODULE in cmd]

    def tree(self) -> tuple[list[int], list[int]]:
        """(app, model) processes in the serve process's own tree, by walking /proc."""
        table = process_table()
        below = descendants(self.proc.pid, table)
        apps = [p for p in below if " home " in f" {table[p][1]} "]
        workers = [p for p in below if WORKER_MODULE in table[p][1]]
        return apps, workers

    def answers(self) -> list[LogRow]:
        """The rows of the learning record's answer log, read from outside the app."""
        with Store.open(data_dir=self.data_dir) as store:
            return store.log_rows()

    def wait(self, check: Callable[[], Any], timeout: float, what: str) -> Any:
        """Poll ``check`` until it is truthy (processes and the record change on their own)."""
        return wait_until(check, timeout, what)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as a service manager stops it; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


@contextmanager
def serving(
    data_dir: Path, *args: str, timeout: float = 30, wrap: Sequence[str] = ()
) -> Iterator[Served]:
    """``WRAP gkentei-vae serve --port 0 --data-dir DATA_DIR ARGS`` until the block ends.

    ``wrap`` is a command that execs the rest (``prlimit --nofile=…``), so that the
    process started is serve itself."""
    tag = uuid.uuid4().hex
    env = dict(os.environ, **{TAG_ENV: tag})
    env.pop("COLUMNS", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        [
            *wrap,
            sys.executable,
            "-m",
            "gkentei_vae",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            *args,
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def drain() -> None:
        # Read everything, always: a full pipe would block the server (it relays app stderr).
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if URL_RE.search(line):
                found.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not found.wait(timeout):
            raise AssertionError(f"serve printed no URL in {timeout} s:\n{''.join(lines)}")
        started = time.monotonic() - start
        url = next(m.group(0) for line in lines if (m := URL_RE.search(line)))
        yield Served(proc, url, tag, data_dir, started, lines)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for pid in tagged(tag):  # a failed test must not leave processes behind
            with _gone():
                os.kill(pid, signal.SIGKILL)


@contextmanager
def _gone() -> Iterator[None]:
    try:
        yield
    except ProcessLookupError:
        pass


# -- processes, from /proc ---------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) for every live process."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue  # exited while we looked
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue  # a zombie has exited; only its exit status is left
        table[int(entry)] = (int(fields[1]), cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return table


def descendants(root: int, table: dict[int, tuple[int, str]] | None = None) -> list[int]:
    """Every live process below ``root``."""
    table = table if table is not None else process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tagged(tag: str) -> dict[int, str]:
    """pid → command line of live processes whose environment carries ``tag`` (but not serve)."""
    marker = f"{TAG_ENV}={tag}".encode()
    found: dict[int, str] = {}
    for pid, (_, cmd) in process_table().items():
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and " serve " not in f" {cmd} ":
            found[pid] = cmd
    return found


# -- a tab over a plain websocket ---------------------------------------------------------------


async def read_screen(ws: Any, screen: Screen, needle: str, timeout: float = 30) -> bytes:
    """Feed a tab's frames (an aiohttp websocket) to ``screen`` until it shows ``needle``;
    returns what was received."""
    return await read_until(
        ws, screen, lambda: screen.find(needle) is not None, f"{needle!r} on screen", timeout
    )


async def read_until(
    ws: Any, screen: Screen, check: Callable[[], Any], what: str, timeout: float = 30
) -> bytes:
    """Feed a tab's frames to ``screen`` until ``check()`` is true; returns what was received."""
    import aiohttp

    received = b""
    for _ in polls(check, what, timeout):
        try:
            message = await ws.receive(timeout=0.5)
        except TimeoutError:
            continue  # nothing drawn in this half second: ask again until the deadline
        if message.type == aiohttp.WSMsgType.BINARY:
            received += message.data
            screen.feed(message.data)
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            raise AssertionError(f"session closed while waiting for {what}")
    return received


async def open_demo(ws: Any, screen: Screen, demo: str, timeout: float = 60) -> None:
    """From home, on a bank whose questions all have ``demo``: quiz, answer, ``e``."""
    await read_screen(ws, screen, "クイズ", timeout)
    for key, shown in (("1", "問 1/"), ("1", "n / Enter で次へ"), ("e", f"[{demo}]")):
        await ws.send_str(json.dumps(["stdin", key]))
        await read_screen(ws, screen, shown, timeout)


async def open_demo_of(
    ws: Any, screen: Screen, bank: Path, demo: str, timeout: float = 60
) -> float:
    """From home, on a ``bank_with_demos`` bank: quiz, skip to a question whose demo is
    ``demo`` (its stem's marker says which it is), answer it, ``e``; when ``e`` was sent
    (``time.monotonic``; ``screen`` was cleared then)."""
    demos = marked_demos(bank)
    seen: set[str] = set()

    def new_marker() -> str | None:
        return next((m for m in demos if m not in seen and screen.find(m) is not None), None)

    await read_screen(ws, screen, "クイズ", timeout)
    await ws.send_str(json.dumps(["stdin", "1"]))
    for number in range(1, len(demos) + 1):
        await read_screen(ws, screen, f"問 {number}/", timeout)
        await read_until(ws, screen, new_marker, f"question {number}'s stem", timeout)
        marker = new_marker()
        assert marker is not None
        seen.add(marker)
        await ws.send_str(json.dumps(["stdin", "1"]))
        await read_screen(ws, screen, "n / Enter で次へ", timeout)
        if demos[marker] == demo:
            screen.clear()  # the demo screen draws everything anew
            pressed = time.monotonic()
            await ws.send_str(json.dumps(["stdin", "e"]))
            await read_screen(ws, screen, f"[{demo}]", timeout)
            return pressed
        await ws.send_str(json.dumps(["stdin", "n"]))
    raise AssertionError(f"no question with the demo {demo} in {bank}")


async def shown_picture(ws: Any, demo: str, timeout: float = 120) -> None:
    """Open ``demo`` in a tab on a ``bank_with_demo`` bank and wait for its picture."""
    screen = Screen(100, 30)
    await open_demo(ws, screen, demo, timeout)
    await read_screen(ws, screen, "▀", timeout)


async def seconds_to_picture(ws: Any, bank: Path, demo: str, timeout: float = 120) -> float:
    """Open ``demo`` in a tab on a ``bank_with_demos`` bank: seconds from ``e`` to its picture."""
    screen = Screen(100, 30)
    pressed = await open_demo_of(ws, screen, bank, demo, timeout)
    await read_screen(ws, screen, "▀", timeout)
    return time.monotonic() - pressed


class FrameCounter:
    """Reads a tab in the background, as an open browser tab does, counting what it draws."""

    def __init__(self, ws: Any) -> None:
        import asyncio

        self.ws = ws
        self.frames = 0
        """Binary frames received so far (a test may reset it)."""
        self._stop = asyncio.Event()
        self._task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        import aiohttp

        while not self._stop.is_set():
            try:
                message = await self.ws.receive(timeout=0.5)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.frames += 1
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return

    async def stop(self) -> int:
        """Stop reading; the frames counted."""
        self._stop.set()
        await self._task
        return self.frames


# -- banks -------------------------------------------------------------------------------------


def bank_with_demo(path: Path, demo: str, copies: int = 1) -> Path:
    """The mini bank with every question's demo set to ``demo`` (each question ``copies`` times)."""
    data = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    questions = []
    for n in range(copies):
        for question in data["questions"]:
            questions.append({**question, "id": f"{question['id']}-{n}", "demo": demo})
    data["questions"] = questions
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


DEMO_MARK = "DEMO{n}-{demo}"
"""What ``bank_with_demos`` puts before each stem: which demo the question opens."""


def bank_with_demos(path: Path, demos: Sequence[str]) -> Path:
    """The mini bank with question n's demo set to ``demos[n % len(demos)]`` and its stem
    starting with ``DEMO_MARK``, so that a test reading the screen knows which it is asked."""
    data = yaml.safe_load(MINI_BANK.read_text(encoding="utf-8"))
    for n, question in enumerate(data["questions"]):
        demo = demos[n % len(demos)]
        question["demo"] = demo
        question["stem"] = f"{DEMO_MARK.format(n=n, demo=demo)} {question['stem']}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def marked_demos(bank: Path) -> dict[str, str]:
    """A ``bank_with_demos`` bank's stem markers → the demo each question opens."""
    data = yaml.safe_load(bank.read_text(encoding="utf-8"))
    return {
        DEMO_MARK.format(n=n, demo=q["demo"]): q["demo"] for n, q in enumerate(data["questions"])
    }


# -- the browser -------------------------------------------------------------------------------

BROWSER_ENV = "GKENTEI_VAE_BROWSER"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium calls out on its own, which this closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_browser() -> tuple[str | None, str]:
    """(path to a Chromium, '') or (None, why not) — the reason a skip prints."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None, "playwright がインストールされていません(pip install -e '.[test]')"
    explicit = os.environ.get(BROWSER_ENV)
    if explicit:
        return (
            (explicit, "")
            if Path(explicit).exists()
            else (None, f"{BROWSER_ENV}={explicit} がありません")
        )
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path, ""
    return (
        None,
        "Chromium が見つかりません(apt-get install chromium fonts-noto-cjk、.ci/run が入れます)",
    )


@contextmanager
def browser_context(executable: str, width: int = 1200, height: int = 800) -> Iterator[Any]:
    """A fresh Chromium profile (its own user-data-dir), headless, nothing sent off the machine."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="gkentei-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            args=LAUNCH_ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        # Nothing may leave the machine (the off-origin test records what was asked for).
        context.route(
            re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda r: r.abort()
        )
        try:
            yield context
        finally:
            context.close()


ESCAPE_RE = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\^_]"
)


class Screen:
    """The text on a tab's terminal, rebuilt from the bytes the server streams to it.

    Textual draws with absolute cursor moves (CSI row;col H) and text, so following those
    is enough to know what is where; colours are ignored (the screenshot checks those).
    """

    def __init__(self, cols: int, rows: int) -> None:
        from rich.cells import cell_len

        self._cell_len = cell_len
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        self._pending = ""

    def feed(self, data: bytes) -> None:
        """Apply one websocket frame (a frame may end inside a character or an escape)."""
        text = self._pending + self._decode(data)
        self._pending = ""
        pos = 0
        for match in ESCAPE_RE.finditer(text):
            self._text(text[pos : match.start()])
            self._control(match.group(0))
            pos = match.end()
        tail = text[pos:]
        if "\x1b" in tail[-64:]:
            cut = tail.rindex("\x1b")
            tail, self._pending = tail[:cut], tail[cut:]
        self._text(tail)

    def _control(self, seq: str) -> None:
        if seq.startswith("\x1b[") and seq.endswith("H"):
            parts = seq[2:-1].split(";")
            row = int(parts[0] or 1)
            col = int(parts[1] or 1) if len(parts) > 1 else 1
            self.row, self.col = row - 1, col - 1

    def _text(self, text: str) -> None:
        for ch in text:
            if ch == "\n":
                self.row, self.col = self.row + 1, 0
            elif ch == "\r":
                self.col = 0
            elif ch >= " ":
                width = self._cell_len(ch)
                if 0 <= self.row < self.rows and 0 <= self.col < self.cols:
                    self.cells[self.row][self.col] = ch
                    if width == 2 and self.col + 1 < self.cols:
                        self.cells[self.row][self.col + 1] = ""
                self.col += width

    def clear(self) -> None:
        """Forget what is shown (what the tab draws next is all that ``find`` sees)."""
        self.cells = [[" "] * self.cols for _ in range(self.rows)]

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.cells]

    def text(self) -> str:
        return "\n".join(self.lines())

    def find(self, needle: str) -> tuple[int, int] | None:
        """(row, column) of the first cell of ``needle``, or None."""
        for r, row in enumerate(self.cells):
            line = "".join(row)
            i = line.find(needle)
            if i >= 0:
                return r, self._cell_len(line[:i])
        return None

    def count(self, char: str) -> list[tuple[int, int]]:
        """Every cell that shows ``char``."""
        return [
            (r, c) for r, row in enumerate(self.cells) for c, ch in enumerate(row) if ch == char
        ]


class Tab:
    """One browser tab on the served app: keys, clicks, and what its screen shows."""

    def __init__(self, context: Any, url: str, timeout: float = 60) -> None:
        self.page = context.new_page()
        self.screen: Screen | None = None
        self.closed = False

        def on_websocket(ws: Any) -> None:
            size = dict(re.findall(r"(width|height)=(\d+)", ws.url))
            self.screen = Screen(int(size["width"]), int(size["height"]))
            ws.on("framereceived", self._received)
            ws.on("close", lambda _: setattr(self, "closed", True))

        self.page.on("websocket", on_websocket)
        self.page.goto(url)
        self.page.wait_for_selector("body.-first-byte", timeout=timeout * 1000)
        # Keys go to xterm's hidden textarea, as after a click on the terminal.
        self.page.focus(".xterm-helper-textarea")

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes) and self.screen is not None:
            self.screen.feed(payload)

    def wait_for(self, needle: str, timeout: float = 30) -> tuple[int, int]:
        """Wait until the screen shows ``needle``; its (row, column)."""
        at: tuple[int, int] = self.wait_until(
            lambda: self.screen.find(needle) if self.screen is not None else None,
            timeout,
            f"{needle!r} on screen",
        )
        return at

    def wait_until(self, check: Callable[[], Any], timeout: float, what: str) -> Any:
        """``wait_until`` that keeps the tab's frames flowing while it waits, and shows the
        screen if it times out."""
        try:
            # wait_for_timeout lets Playwright deliver the frames.
            return wait_until(check, timeout, what, pause=lambda: self.page.wait_for_timeout(40))
        except AssertionError as exc:
            shown = self.screen.text() if self.screen else "(no screen)"
            raise AssertionError(f"{exc}:\n{shown}") from None

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def cell_box(self, row: int, col: int, rows: int = 1, cols: int = 1) -> dict[str, float]:
        """The page area (x, y, width, height in CSS pixels) of a block of terminal cells."""
        assert self.screen is not None
        box = self.page.evaluate(
            "(() => { const r = document.querySelector('.xterm-screen').getBoundingClientRect();"
            " return [r.x, r.y, r.width, r.height]; })()"
        )
        x, y, width, height = box
        cw, ch = width / self.screen.cols, height / self.screen.rows
        return {"x": x + col * cw, "y": y + row * ch, "width": cols * cw, "height": rows * ch}

    def screenshot(self, clip: dict[str, float] | None = None, timeout: float = 10) -> bytes:
        """A screenshot once the terminal has drawn what it received (two alike in a row).

        The screen model sees a frame when it arrives; xterm.js parses and paints it a
        moment later, so a single screenshot could still show the previous screen.
        """
        deadline = time.monotonic() + timeout
        last = self.page.screenshot(clip=clip)
        while True:
            self.page.wait_for_timeout(150)
            shot = self.page.screenshot(clip=clip)
            if shot == last or time.monotonic() > deadline:
                return shot
            last = shot

    def click_cell(self, row: int, col: int) -> None:
        box = self.cell_box(row, col)
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    def close(self) -> None:
        self.page.close()
