"""`gkentei-vae serve` over plain HTTP and websockets (no browser): the command, the access
token in every route's path, the loopback guard, bounded clients, and the processes
behind each session.

Every test talks to a real `serve` subprocess; the websocket client speaks to it as the
page's script does (``/TOKEN/ws?width=…&height=…``). Tests that only look share one server
(module scope); the ones that stop or kill it start their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from gkentei_vae.study.settings import MODEL_IDLE_KEY
from gkentei_vae.study.store import Store
from gkentei_vae.web.serve import (
    MAX_COLS,
    MAX_ROWS,
    MESSAGE_MAX_BYTES,
    STDIN_MAX_CHARS,
    ServeError,
    StudyServer,
    app_command,
    is_loopback,
    parse_message,
    terminal_size,
)
from tests.conftest import polls, run_cli, wait_until
from tests.serve_support import (
    FrameCounter,
    Screen,
    Served,
    bank_with_demo,
    bank_with_demos,
    open_demo,
    read_screen,
    seconds_to_picture,
    serving,
    shown_picture,
    tagged,
)

CURSOR_RE = re.compile(rb"\x1b\[(\d+);(\d+)H")
"""Textual's absolute cursor moves (row;column, from 1)."""
MAX_SESSIONS = 3
"""The shared server's cap (small, so that reaching it is cheap)."""
MODEL_SETTLE_S = 3.0
"""Long past the app's warm-up delay (0.3 s): a model process started at start-up would be up."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # A data dir a shell would mangle: the tab's command must quote it.
    data = tmp_path_factory.mktemp("serve") / "record's dir $(touch pwned) `x`"
    with serving(data, "--max-sessions", str(MAX_SESSIONS)) as server:
        yield server


async def open_session(
    client: aiohttp.ClientSession, served: Served, **kwargs: object
) -> aiohttp.ClientWebSocketResponse:
    """A websocket as the page opens it (same origin, the page's size)."""
    kwargs.setdefault("origin", served.origin)
    return await client.ws_connect(served.ws_url(), **kwargs)  # type: ignore[arg-type]


async def assert_closed_by_server(ws: aiohttp.ClientWebSocketResponse, timeout: float) -> None:
    """Read what the app still sent until the server closes the websocket; fail if it has
    not closed it within ``timeout`` seconds (the session did not end)."""
    closing = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)
    seen: list[aiohttp.WSMsgType] = []
    for _ in polls(lambda: ws.closed or (bool(seen) and seen[-1] in closing), "the close", timeout):
        try:
            seen.append((await ws.receive(timeout=0.5)).type)
        except TimeoutError:
            pass  # nothing sent in this half second: ask again until the deadline


def raw_http(served: Served, head: bytes, timeout: float = 10) -> bytes:
    """Send ``head`` as bytes on a fresh connection; the status line that came back."""
    port = URL(served.url).port
    with socket.create_connection(("127.0.0.1", port or 0), timeout=timeout) as sock:
        sock.sendall(head)
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.split(b"\r\n", 1)[0]


def app_count(served: Served) -> int:
    """App processes of this server (one per open session)."""
    return len(served.apps())


def token_only_in_urls(served: Served) -> None:
    """The token appears in what serve printed only inside the URLs it printed."""
    printed = "".join(served.output)
    urls = [line for line in served.output if "http://" in line]
    assert printed.count(served.token) == sum(line.count(served.token) for line in urls)


# -- the command ---------------------------------------------------------------------------


def test_serve_help_lists_its_options() -> None:
    proc = run_cli("serve", "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--host", "--port", "--data-dir", "--bank", "--max-sessions", "--no-token"):
        assert option in proc.stdout
    assert "トークン" in proc.stdout and "127.0.0.1" in proc.stdout


def test_serve_is_listed_in_the_main_help() -> None:
    proc = run_cli("--help")
    assert "serve" in proc.stdout


def test_no_token_is_refused_off_loopback(tmp_path: Path) -> None:
    proc = run_cli(
        "serve", "--no-token", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path)
    )
    assert proc.returncode == 1
    assert "トークン" in proc.stderr


async def test_no_token_on_loopback_serves_at_the_root_with_a_warning(tmp_path: Path) -> None:
    with serving(tmp_path / "data", "--no-token") as served:
        assert URL(served.url).path == "/"
        served.wait(
            lambda: any("警告" in line and "--no-token" in line for line in served.output),
            10,
            "the --no-token warning (printed after the URL)",
        )
        async with aiohttp.ClientSession() as client:
            async with client.get(served.url) as response:
                assert response.status == 200
                assert response.headers["X-Frame-Options"] == "DENY"
            async with client.get(served.url, headers={"Host": "evil.example"}) as response:
                assert response.status == 403, "the Host check stays"


async def test_off_loopback_both_printed_urls_carry_the_token(tmp_path: Path) -> None:
    with serving(tmp_path / "data", "--host", "0.0.0.0") as served:
        served.wait(lambda: sum("http://" in line for line in served.output) == 2, 10, "2 URLs")
        urls = [line.split()[-1] for line in served.output if "http://" in line]
        assert [URL(url).path for url in urls] == [f"/{served.token}/"] * 2
        assert URL(served.url).host == "127.0.0.1", "bound to 0.0.0.0, reached through loopback"
        async with aiohttp.ClientSession() as client:
            async with client.get(served.origin + "/") as response:
                assert response.status == 403
            async with client.get(served.url) as response:
                assert response.status == 200
        assert served.stop() == 0
        token_only_in_urls(served)


def test_a_server_off_loopback_without_a_token_refuses_to_start() -> None:
    command = app_command(Path("/tmp/x"))
    for host in ("0.0.0.0", "::", "", "192.0.2.1"):
        for token in (None, ""):
            with pytest.raises(ServeError, match="トークン"):
                StudyServer(command, host, 0, token)
    for host in ("127.0.0.1", "[::1]", "localhost"):
        assert StudyServer(command, host, 0, None).token is None  # --no-token: loopback only
    assert StudyServer(command, "0.0.0.0", 0, "a-token").prefix == "/a-token"


def test_on_the_ipv6_wildcard_the_printed_urls_are_ipv6_addresses() -> None:
    # Bound to "::", serve listens on IPv6 only: a host name may resolve to IPv4 alone.
    urls = StudyServer(app_command(Path("/tmp/x")), "::", 0, "tok")._urls(8000)
    assert urls[0] == "http://[::1]:8000/tok/"
    for url in urls[1:]:
        address = ipaddress.ip_address(URL(url).host or "")
        assert address.version == 6 and not address.is_link_local, url
        assert URL(url).port == 8000 and URL(url).path == "/tok/"


def test_loopback_is_decided_by_address() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
    # Addresses only: a name that is not in /etc/hosts would need DNS, and tests stay offline.
    for host in ("0.0.0.0", "::", "", "192.0.2.1", "[::]"):
        assert not is_loopback(host), host


def test_the_tab_command_names_home_and_quotes_every_path() -> None:
    data = Path("/tmp/a b/it's $(x)")
    banks = [Path("/tmp/bank `y`.yaml"), Path("/tmp/two;rm -rf.yaml")]
    sock = Path("/tmp/gkentei-vae-serve-a b/model.sock")
    argv = shlex.split(app_command(data, banks, parent=1234, model_socket=sock))
    assert argv == [
        f"GKENTEI_VAE_MODEL_SOCKET={sock}",
        "GKENTEI_VAE_MODEL_ON_DEMAND=1",
        "exec",
        sys.executable,
        "-m",
        "gkentei_vae.web.tab",
        "1234",
        "home",
        "--data-dir",
        str(data),
        "--bank",
        str(banks[0]),
        "--bank",
        str(banks[1]),
    ]


def test_client_sizes_and_messages_are_checked() -> None:
    assert terminal_size(20000, 20000) == (MAX_COLS, MAX_ROWS)
    assert terminal_size("20000", "-5") == (MAX_COLS, 5)
    for junk in (None, "x", True, 1.5, [3], {"a": 1}):
        assert terminal_size(junk, junk) == (80, 24), junk
    assert parse_message('["stdin", "a"]') == ("stdin", "a")
    assert parse_message('["blur"]') == ("blur", None)
    for junk in ("", "{", "[]", "[1]", '{"a": 1}', '["a", 1, 2]', "[" * 100000):
        assert parse_message(junk) is None, junk[:20]


# -- the shared server: access ---------------------------------------------------------------


async def test_the_page_answers_within_5_seconds_and_forbids_framing(served: Served) -> None:
    start = time.monotonic()
    async with aiohttp.ClientSession() as client, client.get(served.url) as response:
        body = await response.text()
        elapsed = time.monotonic() - start
    print(f"\nURL printed after {served.started_s:.2f} s, page answered in {elapsed:.2f} s")
    assert response.status == 200
    assert "textual-terminal" in body and "G検定" in body
    assert elapsed < 5.0
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    # Loopback by default, and the token in the path there too.
    assert URL(served.url).host == "127.0.0.1" and len(served.token) >= 40
    assert f"/{served.token}/ws" in body and f"/{served.token}/static/" in body
    assert "googleapis" not in body and "pingurl" not in body
    assert "Set-Cookie" not in headers, "the token is never a cookie (cookies ignore ports)"
    assert app_count(served) == 0, "a page alone starts no app"


async def test_without_the_token_every_route_is_refused(served: Served) -> None:
    base, token = URL(served.origin), served.token
    async with aiohttp.ClientSession() as client:
        for path in [
            "/",
            "/ws",
            "/static/js/textual.js",
            "/static/",
            "/download/anything",
            "/no-such-page",
            f"/{token[:-1]}/",
            f"/{token[:-1]}x/ws",
            f"/{token}x/",
            f"/x{token}/static/js/textual.js",
        ]:
            async with client.get(base.with_path(path, encoded=True)) as response:
                assert response.status == 403, path
                assert "アクセストークン" in await response.text()
                assert response.headers["X-Frame-Options"] == "DENY", path
        # The token in the query, as the old URLs had it, is not accepted either.
        async with client.get(base.with_query(token=token)) as response:
            assert response.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(base.with_scheme("ws").with_path("/ws"), origin=served.origin)
        assert refused.value.status == 403
    time.sleep(0.5)
    assert app_count(served) == 0, "no app session without the token"


def test_non_ascii_cookies_and_tokens_get_403_and_no_token_in_any_output(served: Served) -> None:
    host = URL(served.url).authority.encode()
    page = f"/{served.token}/".encode()
    for head in [
        b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nCookie: gkentei_vae_token=\xff\r\n\r\n",
        b"GET " + page + b" HTTP/1.1\r\nHost: " + host + b"\r\nCookie: a=\xff\xfe\r\n\r\n",
        b"GET /\xff" + page[2:] + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n",
        b"GET /%C3%A9" + page[2:] + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n",
    ]:
        status = raw_http(served, head)
        if b"Cookie: a=" in head:
            assert status.startswith(b"HTTP/1.1 200"), status  # the token is in the path
        else:
            assert status.split()[1] in (b"403", b"400"), (head, status)
    # A malformed request line that carries the token: refused, and not echoed to the log.
    raw_http(served, b"GET " + page + b" HTTP/1.1\r\nHost: " + host + b"\r\nBad Header\r\n\r\n")
    time.sleep(0.5)
    token_only_in_urls(served)
    assert app_count(served) == 0


async def test_foreign_hosts_and_origins_are_refused(served: Served) -> None:
    async with aiohttp.ClientSession() as client:
        # DNS rebinding: a foreign name that resolves to 127.0.0.1 reaches the socket.
        async with client.get(served.url, headers={"Host": "evil.example"}) as response:
            assert response.status == 403
        # Another site open in the same browser cannot start or drive a session.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await open_session(client, served, origin="http://evil.example")
        assert refused.value.status == 403
    time.sleep(0.5)
    assert app_count(served) == 0


async def test_ping_and_delay_are_stripped_from_the_page_query(served: Served) -> None:
    url = URL(served.url).with_query(ping="http://127.0.0.1:9/", delay="1", fontsize="20")
    async with aiohttp.ClientSession() as client:
        async with client.get(url, allow_redirects=False) as response:
            assert response.status == 303
            location = URL(response.headers["Location"])
    assert location.path == URL(served.url).path
    assert dict(location.query) == {"fontsize": "20"}


# -- the shared server: sessions ---------------------------------------------------------------


async def test_the_session_cap_and_every_message_checked(served: Served) -> None:
    async with aiohttp.ClientSession() as client:
        tabs = [await open_session(client, served) for _ in range(MAX_SESSIONS)]
        served.wait(lambda: app_count(served) == MAX_SESSIONS, 30, "the tabs' apps")
        # Each app opened exactly that record, the path passed through as one argument.
        for pid in served.apps():
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            assert os.fsencode(str(served.data_dir.resolve())) in argv
        assert not (served.data_dir / "pwned").exists()
        # One tab more: the cap page (in Japanese), and no process.
        async with client.get(served.url) as response:
            assert response.status == 503
            assert "上限" in await response.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await open_session(client, served)
        assert refused.value.status == 503
        time.sleep(0.5)
        assert app_count(served) == MAX_SESSIONS

        # Tabs that never open a demo cost no model process (one starts at the first demo).
        for tab in tabs:
            await read_screen(tab, Screen(100, 30), "クイズ")
        await asyncio.sleep(MODEL_SETTLE_S)
        assert served.workers() == [], f"{MAX_SESSIONS} tabs without a demo started a model"

        ws = tabs[0]
        before = served.rss_kb()
        for junk in [
            "not json",
            "[]",
            "[1, 2]",
            '["resize", {"width": -5, "height": "x"}]',
            '["resize", [1, 2]]',
            '["stdin", 5]',
            json.dumps(["stdin", "x" * (STDIN_MAX_CHARS + 1)]),
            '["ping", {"a": 1}]',
            "[" * 50000,
        ]:
            await ws.send_str(junk)
        # The probe's 20000×20000: drawn at the clamped size, a few MB, not 400 MB.
        await ws.send_str(json.dumps(["resize", {"width": 20000, "height": 20000}]))
        received, moves = b"", []
        deadline = time.monotonic() + 30
        while not moves or max(r for r, _ in moves) < MAX_ROWS:
            assert time.monotonic() < deadline, f"no redraw at {MAX_ROWS} rows: {moves[-5:]}"
            message = await ws.receive(timeout=30)
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
                moves = [(int(r), int(c)) for r, c in CURSOR_RE.findall(received)]
        await asyncio.sleep(1)  # the rest of the redraw
        grown_mb = (served.rss_kb() - before) / 1024
        print(
            f"\n20000×20000 resize: {len(received) / 1e6:.2f} MB of frames, "
            f"cursor up to row {max(r for r, _ in moves)}, serve RSS +{grown_mb:.1f} MB"
        )
        assert max(c for _, c in moves) <= MAX_COLS
        assert grown_mb < 20
        # The tab still works after all that: a key opens the quiz.
        await ws.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
        await ws.send_str(json.dumps(["stdin", "1"]))
        await read_screen(ws, Screen(100, 30), "問 1/")
        # A message over the size limit closes only that tab's session.
        await tabs[1].send_str(json.dumps(["stdin", "x" * MESSAGE_MAX_BYTES]))
        await assert_closed_by_server(tabs[1], 20)
        served.wait(
            lambda: app_count(served) == MAX_SESSIONS - 1, 20, "the oversized tab's app to end"
        )
        for tab in tabs:
            await tab.close()
    served.wait(lambda: app_count(served) == 0, 20, "every app to end")


# -- own servers: the shared model process ------------------------------------------------------

OTHER_USER = 65534
"""nobody: the local user who must not reach the learner's model process."""


@contextlib.asynccontextmanager
async def serving_demo(
    tmp_path: Path, demo: str
) -> AsyncIterator[tuple[Served, aiohttp.ClientSession]]:
    """A server on ``tmp_path/data`` whose bank's every question has ``demo``, and a client."""
    bank = bank_with_demo(tmp_path / f"{demo}.yaml", demo)
    with serving(tmp_path / "data", "--bank", str(bank)) as served:
        async with aiohttp.ClientSession() as client:
            yield served, client


def other_user_connects(path: Path) -> str:
    """As ``OTHER_USER`` (needs root), connect to the unix socket ``path``: "" or the error's type."""
    python = shutil.which("python3", path="/usr/bin:/bin")  # one they may run (not root's venv)
    assert python is not None
    probe = (
        "import socket, sys\n"
        "try:\n    socket.socket(socket.AF_UNIX).connect(sys.argv[1])\n"
        "except OSError as e:\n    print(type(e).__name__)"
    )
    done = subprocess.run(
        [python, "-I", "-c", probe, str(path)],
        user=OTHER_USER,
        group=OTHER_USER,
        extra_groups=[],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(os.geteuid() != 0, reason="another user's view needs root (setuid)")
def test_the_other_user_probe_connects_where_it_may() -> None:
    # The control for the check below: in a folder anyone may open, the probe connects.
    folder = Path(tempfile.mkdtemp(prefix="gkentei-probe-"))
    try:
        folder.chmod(0o755)
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(folder / "open.sock"))
            (folder / "open.sock").chmod(0o777)
            listener.listen()
            assert other_user_connects(folder / "open.sock") == ""
    finally:
        shutil.rmtree(folder)


async def test_three_tabs_with_demos_share_one_model_process_in_a_private_folder(
    tmp_path: Path,
) -> None:
    async with serving_demo(tmp_path, "samples") as (served, client):
        tabs = [await open_session(client, served) for _ in range(3)]
        await asyncio.gather(*(shown_picture(ws, "samples") for ws in tabs))
        apps, workers = served.tree()
        print(f"\n3 tabs, each showing a demo: {len(apps)} apps, {len(workers)} model process")
        assert len(apps) == 3
        assert len(served.workers()) == 1 and workers == served.workers(), "serve's child"
        # Its socket: in a folder only the learner can open, itself only theirs.
        sock = served.model_socket()
        folder = sock.parent.stat()
        assert stat.S_IMODE(folder.st_mode) == 0o700 and folder.st_uid == os.getuid()
        assert stat.S_ISSOCK(sock.stat().st_mode) and sock.stat().st_uid == os.getuid()
        if os.geteuid() == 0:
            # As root: become the probe's other local user and try to connect.
            assert other_user_connects(sock) == "PermissionError"
        for ws in tabs:
            await ws.close()
        # No tab uses it any more: it gives its memory back.
        start = time.monotonic()
        served.wait(lambda: not served.workers(), 20, "the model process once no tab is open")
        print(f"tabs closed → the model process gone in {time.monotonic() - start:.2f} s")
        assert served.stop() == 0
        assert not sock.parent.exists(), "serve removes its folder when it stops"


async def test_a_plain_demo_answers_while_another_tab_streams_gan_training(
    tmp_path: Path,
) -> None:
    bank = bank_with_demos(tmp_path / "two.yaml", ["gan-training", "samples"])
    with serving(tmp_path / "data", "--bank", str(bank)) as served:
        async with aiohttp.ClientSession() as client:
            streaming, plain = (
                await open_session(client, served),
                await open_session(client, served),
            )
            await seconds_to_picture(streaming, bank, "gan-training")  # it draws
            run = FrameCounter(streaming)
            answered = await seconds_to_picture(plain, bank, "samples")
            run.frames = 0
            await asyncio.sleep(1.5)
            frames = await run.stop()
            print(f"\nsamples answered in {answered:.2f} s while gan-training streamed")
            assert frames > 0, "the live run goes on drawing"
            assert answered <= 10.0  # the issue asks 2 s: benchmarks/serve_load.py measures it
            assert len(served.workers()) == 1
            await asyncio.gather(streaming.close(), plain.close())


@pytest.mark.early
async def test_the_shared_model_process_ends_after_the_idle_time_and_comes_back(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with Store.open(data_dir=data) as store:
        store.set_setting(MODEL_IDLE_KEY, "0.05")  # 3 s
    async with serving_demo(tmp_path, "samples") as (served, client):
        ws = await open_session(client, served)
        screen = Screen(100, 30)
        await open_demo(ws, screen, "samples")
        await read_screen(ws, screen, "▀")
        (first,) = served.workers()
        start = time.monotonic()
        served.wait(lambda: not served.workers(), 30, "the idle model process to exit")
        print(f"\nidle 3 s → the model process gone {time.monotonic() - start:.2f} s later")
        assert len(served.apps()) == 1, "the tab stays"
        # The next demo brings one back.
        await ws.send_str(json.dumps(["stdin", "\x1b"]))
        await read_screen(ws, screen, "n / Enter で次へ")
        screen.clear()
        await ws.send_str(json.dumps(["stdin", "e"]))
        await read_screen(ws, screen, "▀", 60)
        assert len(served.workers()) == 1 and served.workers() != [first]
        await ws.close()


# -- own servers: stopping and killing ---------------------------------------------------------


async def test_sigterm_after_a_client_dropped_mid_frame_ends_the_server(tmp_path: Path) -> None:
    with serving(tmp_path / "data") as served:
        async with aiohttp.ClientSession() as client:
            ws = await client.ws_connect(
                served.ws_url(MAX_COLS, MAX_ROWS), origin=served.origin, max_msg_size=0
            )
            served.wait(lambda: app_count(served) == 1, 30, "the tab's app")
            await ws.receive(timeout=30)  # the app draws
            # Frames keep coming (a resize redraws everything); the client vanishes.
            for width in (MAX_COLS - 1, MAX_COLS):
                await ws.send_str(json.dumps(["resize", {"width": width, "height": MAX_ROWS}]))
            transport = ws._response.connection.transport  # type: ignore[union-attr]
            assert transport is not None
            transport.abort()
        start = time.monotonic()
        assert served.stop(timeout=30) == 0
        wait_until(lambda: not served.apps() and not served.workers(), 20, "every process")
        print(
            f"\nclient dropped, SIGTERM → serve and its apps gone in {time.monotonic() - start:.2f} s"
        )


async def test_sighup_ends_every_session_and_the_server(tmp_path: Path) -> None:
    with serving(tmp_path / "data") as served:
        async with aiohttp.ClientSession() as client:
            sockets = [await open_session(client, served) for _ in range(2)]
            served.wait(lambda: app_count(served) == 2, 30, "two apps")
            start = time.monotonic()
            served.proc.send_signal(signal.SIGHUP)
            assert served.proc.wait(20) == 0
            wait_until(lambda: not served.apps() and not served.workers(), 20, "every process")
            print(f"\nSIGHUP → 0 apps, 0 models in {time.monotonic() - start:.2f} s")
            for ws in sockets:
                await assert_closed_by_server(ws, 10)


async def test_kill_9_of_serve_ends_every_app_and_model_process(tmp_path: Path) -> None:
    async with serving_demo(tmp_path, "kl-training") as (served, client):
        streaming, idle = await open_session(client, served), await open_session(client, served)
        screen = Screen(100, 30)
        await open_demo(streaming, screen, "kl-training")
        await read_screen(streaming, screen, "▀", 60)  # the live run streams
        served.wait(lambda: app_count(served) == 2 and served.workers(), 30, "two apps, a model")
        print(f"\nbefore kill -9: {len(served.apps())} apps, {len(served.workers())} models")
        folder = served.model_socket().parent
        start = time.monotonic()
        served.proc.kill()
        served.proc.wait(10)
        wait_until(lambda: not tagged(served.tag), 20, "every app and model process")
        print(f"kill -9 of serve → 0 apps, 0 models in {time.monotonic() - start:.2f} s")
        await asyncio.gather(streaming.close(), idle.close(), return_exceptions=True)
        shutil.rmtree(folder)  # a killed serve cannot remove its socket's folder (docs/serve.md)


async def test_killing_the_only_tabs_app_ends_the_model_process_and_its_session(
    tmp_path: Path,
) -> None:
    async with serving_demo(tmp_path, "samples") as (served, client):
        ws = await open_session(client, served)
        await open_demo(ws, Screen(100, 30), "samples")
        served.wait(lambda: served.apps() and served.workers(), 30, "app and model process")
        (app,) = served.apps()
        os.kill(app, signal.SIGKILL)
        start = time.monotonic()
        # Its connection closed with it: no tab uses the model process any more.
        wait_until(lambda: not served.workers(), 20, "the unused model process to exit")
        print(f"\napp SIGKILLed → the model process gone in {time.monotonic() - start:.2f} s")
        # The server notices the app is gone and ends the tab's session.
        await assert_closed_by_server(ws, 10)


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="prlimit (util-linux) がありません")
async def test_idle_connections_without_the_token_do_not_lock_the_learner_out(
    tmp_path: Path,
) -> None:
    limit, idle = 256, 300  # the acceptance run uses 1024 and 1,100 (benchmarks/serve_load.py)
    with serving(tmp_path / "data", wrap=["prlimit", f"--nofile={limit}:{limit}"]) as served:
        port = URL(served.url).port or 0
        sockets = []
        try:
            for _ in range(idle):
                sockets.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            start = time.monotonic()
            async with aiohttp.ClientSession() as client, client.get(served.url) as response:
                assert response.status == 200
                elapsed = time.monotonic() - start
            print(f"\n{idle} idle connections (fd limit {limit}): the page in {elapsed:.2f} s")
            assert elapsed < 5.0
        finally:
            for sock in sockets:
                sock.close()
        assert served.proc.poll() is None, "serve is still up"
        assert len(served.output) < 100, "".join(served.output[-20:])
