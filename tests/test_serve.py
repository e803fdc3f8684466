"""`gkentei-vae serve` over plain HTTP and websockets (no browser): the command, the access
token on every route, the loopback guard, and the processes behind each session.

Every test starts the real command in a subprocess; the websocket client speaks to it as
the page's script does (``/ws?width=…&height=…``).
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from gkentei_vae.web.serve import (
    ServeError,
    StudyServer,
    app_command,
    is_loopback,
)
from tests.conftest import polls, run_cli, wait_until
from tests.serve_support import Served, serving


def origin_of(url: str) -> str:
    """The Origin header a browser sends from a page at ``url``."""
    return str(URL(url).origin())


async def open_session(
    client: aiohttp.ClientSession, url: str, **kwargs: object
) -> aiohttp.ClientWebSocketResponse:
    """A websocket as the page opens it (same origin, the page's size)."""
    ws_url = URL(url).with_scheme("ws").with_path("/ws").with_query(width=100, height=30)
    kwargs.setdefault("origin", origin_of(url))
    return await client.ws_connect(ws_url, **kwargs)  # type: ignore[arg-type]


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


def app_count(served: Served) -> int:
    """App processes of this server (one per open session)."""
    return len(served.apps())


def test_serve_help_lists_its_options() -> None:
    proc = run_cli("serve", "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--host", "--port", "--data-dir", "--bank"):
        assert option in proc.stdout
    assert "トークン" in proc.stdout and "127.0.0.1" in proc.stdout


def test_serve_is_listed_in_the_main_help() -> None:
    proc = run_cli("--help")
    assert "serve" in proc.stdout


async def test_the_page_answers_over_http_within_5_seconds(tmp_path: Path) -> None:
    start = time.monotonic()
    with serving(tmp_path / "data") as served:
        async with aiohttp.ClientSession() as client, client.get(served.url) as response:
            body = await response.text()
            elapsed = time.monotonic() - start
        print(f"\nURL printed after {served.started_s:.2f} s, page answered after {elapsed:.2f} s")
        assert response.status == 200
        assert "textual-terminal" in body and "G検定" in body
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert elapsed < 5.0
        # Loopback by default, and no token there.
        assert URL(served.url).host == "127.0.0.1" and "token" not in served.url
        assert app_count(served) == 0, "a page alone starts no app"


async def test_loopback_needs_no_token_but_refuses_other_hosts_and_origins(
    tmp_path: Path,
) -> None:
    with serving(tmp_path / "data") as served:
        async with aiohttp.ClientSession() as client:
            # DNS rebinding: a foreign name that resolves to 127.0.0.1 reaches the socket.
            async with client.get(served.url, headers={"Host": "evil.example"}) as response:
                assert response.status == 403
            # Another site open in the same browser cannot start or drive a session.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await open_session(client, served.url, origin="http://evil.example")
            assert refused.value.status == 403
            time.sleep(0.5)
            assert app_count(served) == 0

            ws = await open_session(client, served.url)
            served.wait(lambda: app_count(served) == 1, 20, "the tab's app process")
            message = await ws.receive(timeout=20)
            assert message.type == aiohttp.WSMsgType.BINARY  # the app's screen
            await ws.close()
        served.wait(lambda: app_count(served) == 0 and not served.workers(), 15, "cleanup")


async def test_off_loopback_every_route_needs_the_token(tmp_path: Path) -> None:
    # A data dir a shell would mangle: the tab's command must quote it.
    data = tmp_path / "record's dir $(touch pwned) `x`"
    with serving(data, "--host", "0.0.0.0") as served:
        token = URL(served.url).query.get("token", "")
        assert len(token) >= 40, served.url
        base = URL(served.url).with_query(None)
        assert base.host == "127.0.0.1", "bound to 0.0.0.0, reached through loopback"
        async with aiohttp.ClientSession() as client:
            for path, query in [
                ("/", {}),
                ("/", {"token": "wrong"}),
                ("/", {"token": token[:-1]}),
                ("/static/js/textual.js", {}),
                ("/static/", {}),
                ("/download/anything", {}),
                ("/no-such-page", {}),
            ]:
                async with client.get(base.with_path(path).with_query(query)) as response:
                    assert response.status == 403, (path, query)
                    assert "アクセストークン" in await response.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await open_session(client, str(base))
            assert refused.value.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError):
                wrong = {"Cookie": f"gkentei_vae_token_{base.port}={token[:-1]}x"}
                await open_session(client, str(base), headers=wrong)
            time.sleep(0.5)
            assert app_count(served) == 0, "no app session without the token"
            with pytest.raises(FileNotFoundError):
                (data / "pwned").stat()

            # With the token: the page, then its own requests by the cookie it set.
            async with client.get(served.url) as response:
                assert response.status == 200
                assert "textual-terminal" in await response.text()
                morsel = response.cookies[f"gkentei_vae_token_{base.port}"]
                assert morsel.value == token
                assert morsel["httponly"] and morsel["samesite"] == "Strict"
            cookie = {"Cookie": f"{morsel.key}={morsel.value}"}
            async with client.get(base.with_path("/static/js/textual.js"), headers=cookie) as r:
                assert r.status == 200
            ws = await open_session(client, str(base), headers=cookie)
            served.wait(lambda: app_count(served) == 1, 20, "the tab's app process")
            assert (await ws.receive(timeout=20)).type == aiohttp.WSMsgType.BINARY
            # The app opened exactly that record, the path passed through as one argument.
            (pid,) = served.apps()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            assert os.fsencode(str(data.resolve())) in argv
            await ws.close()
        served.wait(lambda: app_count(served) == 0, 15, "the tab's app to end")
        assert not (data / "pwned").exists()
        # The token appears in what serve printed only inside the URLs it printed.
        assert served.stop() == 0
        printed = "".join(served.output)
        urls = [line for line in served.output if "http://" in line]
        assert printed.count(token) == sum(line.count(token) for line in urls) == len(urls) == 2


def test_a_server_off_loopback_without_a_token_refuses_to_start() -> None:
    command = app_command(Path("/tmp/x"))
    for host in ("0.0.0.0", "::", "", "192.0.2.1"):
        for token in (None, ""):
            with pytest.raises(ServeError, match="トークン"):
                StudyServer(command, host, 0, token)
    for host in ("127.0.0.1", "[::1]", "localhost"):
        assert StudyServer(command, host, 0, None).token is None  # loopback: fine without
    StudyServer(command, "0.0.0.0", 0, "a-token")


def test_loopback_is_decided_by_address() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
    # Addresses only: a name that is not in /etc/hosts would need DNS, and tests stay offline.
    for host in ("0.0.0.0", "::", "", "192.0.2.1", "[::]"):
        assert not is_loopback(host), host


def test_the_tab_command_names_home_and_quotes_every_path() -> None:
    data = Path("/tmp/a b/it's $(x)")
    banks = [Path("/tmp/bank `y`.yaml"), Path("/tmp/two;rm -rf.yaml")]
    argv = shlex.split(app_command(data, banks))
    assert argv == [
        "exec",
        sys.executable,
        "-m",
        "gkentei_vae",
        "home",
        "--data-dir",
        str(data),
        "--bank",
        str(banks[0]),
        "--bank",
        str(banks[1]),
    ]


async def test_killing_a_tabs_app_ends_its_model_process_and_its_session(tmp_path: Path) -> None:
    with serving(tmp_path / "data") as served:
        async with aiohttp.ClientSession() as client:
            ws = await open_session(client, served.url)
            served.wait(lambda: served.apps() and served.workers(), 20, "app and model process")
            (app,) = served.apps()
            os.kill(app, signal.SIGKILL)
            # The model process is a child of the app: it reads EOF on its stdin and exits
            # (after warming up, if it was still loading torch).
            start = time.monotonic()
            wait_until(lambda: not served.workers(), 60, "the orphaned model process to exit")
            print(f"\napp SIGKILLed → its model process gone in {time.monotonic() - start:.2f} s")
            # The server notices the app is gone and ends the tab's session.
            await assert_closed_by_server(ws, 10)


async def test_sigterm_ends_every_session_and_the_server(tmp_path: Path) -> None:
    with serving(tmp_path / "data") as served:
        async with aiohttp.ClientSession() as client:
            sockets = [await open_session(client, served.url) for _ in range(2)]
            served.wait(
                lambda: len(served.apps()) == 2 and len(served.workers()) == 2,
                30,
                "two apps and two model processes",
            )
            print(f"\nbefore SIGTERM: {len(served.apps())} apps, {len(served.workers())} models")
            start = time.monotonic()
            assert served.stop() == 0
            wait_until(lambda: not served.apps() and not served.workers(), what="every process")
            print(f"SIGTERM → 0 apps, 0 models in {time.monotonic() - start:.2f} s")
            for ws in sockets:
                await assert_closed_by_server(ws, 10)
