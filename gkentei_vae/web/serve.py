"""``gkentei-vae serve``: every browser tab gets its own ``gkentei-vae home`` process.

Built on textual-serve: its ``Server`` relays a Textual app's terminal stream over a
websocket, one app process per tab (``AppService``). This module adds what a study
record needs on top:

- **Access control.** Off loopback every request (page, websocket, static files,
  downloads, even a 404) needs the access token that ``serve`` generated: in the URL
  (``?token=…``) or in the cookie the page sets from it, so that the page's own
  requests (its script, its websocket) carry it without it being spliced into each URL.
  Tokens are compared in constant time. There is no way to serve off loopback without
  one. On loopback no token is needed, but the Host header must name a loopback host
  (DNS rebinding) and a websocket's Origin must be the page's own (another site open in
  the same browser cannot drive the app).
- **No leaked processes.** The server keeps every tab's app process; when the tab
  closes, or the server stops (Ctrl-C, SIGTERM), the app is asked to quit, then
  terminated, then killed. The app closes its model process on the way out; if the app
  is killed instead, the model process reads EOF on its stdin and exits.
- **The token is printed once,** in the URL to open; request logging is off because
  request lines would carry it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server
from yarl import URL

from gkentei_vae.control_chars import escape

log = logging.getLogger("gkentei-vae.serve")

TITLE = "G検定 VAE覚えうた"
TOKEN_PARAM = "token"
"""The query parameter that carries the access token."""
QUIT_GRACE_S = 5.0
"""How long a tab's app has to quit on its own (it closes its model process within 1 s)."""
TERM_GRACE_S = 2.0
"""How long after SIGTERM (and again after SIGKILL) before giving up on an app process."""
FORBIDDEN_TEXT = (
    "403: アクセストークンがないか、正しくありません。serve が表示した URL を開いてください。\n"
)
ORIGIN_TEXT = "403: このページ以外からの接続は受け付けません。\n"
HOST_TEXT = "403: このサーバーには localhost / 127.0.0.1 / [::1] で接続してください。\n"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ServeError(Exception):
    """The server cannot start; the message is shown to the learner."""


def new_token() -> str:
    """A fresh access token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """True if every address ``host`` resolves to is a loopback address.

    An empty host, ``0.0.0.0`` and ``::`` mean every interface: not loopback. A name
    that does not resolve is not loopback either, so the safe side (a token) applies.
    """
    name = host.strip().strip("[]")
    if not name:
        return False
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    addresses = {str(info[4][0]).split("%")[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def _names_loopback(hostname: str) -> bool:
    """A Host header's name that browsers always resolve to this machine."""
    name = hostname.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def app_command(data_dir: Path, banks: Sequence[Path] = ()) -> str:
    """The shell command each tab runs: the home screen on ``data_dir`` and ``banks``.

    ``home`` is named explicitly (without a command and without a TTY the CLI prints
    help), and ``exec`` makes the app the server's direct child, so that ending it
    really ends the app and not just a shell around it.
    """
    argv = [sys.executable, "-m", "gkentei_vae", "home", "--data-dir", str(data_dir)]
    for bank in banks:
        argv += ["--bank", str(bank)]
    return "exec " + shlex.join(argv)


async def _exited(process: asyncio.subprocess.Process, within: float) -> bool:
    """Wait up to ``within`` seconds for ``process`` to end; True if it has."""
    try:
        await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        return False
    return True


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _clamp(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        number = default
    return max(low, min(high, number))


class StudyServer(Server):
    """textual-serve's Server with an access token, a loopback guard and process cleanup."""

    def __init__(self, command: str, host: str, port: int, token: str | None) -> None:
        host = host.strip().strip("[]")  # "[::1]" as written in a URL; sockets want "::1"
        if not token and not is_loopback(host):
            raise ServeError(
                f"ループバック以外のアドレス({host or '全て'})で待ち受けるにはアクセストークンが必要です"
            )
        super().__init__(command, host=host, port=port, title=TITLE)
        self.token = token or None
        self.urls: list[str] = []
        """The URLs to open, known once the server listens (the port may have been 0)."""
        self._cookie = f"gkentei_vae_token_{port}"
        self._sessions: dict[AppService, web.WebSocketResponse] = {}
        self._endings: dict[AppService, asyncio.Task[None]] = {}

    # -- access control ------------------------------------------------------------------

    def _token_ok(self, request: web.Request) -> tuple[bool, bool]:
        """(allowed, came in the URL) for the token of ``request``."""
        if self.token is None:
            return True, False
        expected = self.token.encode()
        given = request.query.get(TOKEN_PARAM)
        if given is not None and hmac.compare_digest(given.encode(), expected):
            return True, True
        cookie = request.cookies.get(self._cookie)
        if cookie is not None and hmac.compare_digest(cookie.encode(), expected):
            return True, False
        return False, False

    def _same_origin(self, request: web.Request) -> bool:
        """A websocket opened by this server's own page (browsers always send Origin)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: it holds the token (or is on this machine) anyway
        try:
            theirs, ours = URL(origin), URL(f"{request.scheme}://{request.host}")
        except ValueError:
            return False
        return (theirs.host or "").lower() == (ours.host or "").lower() and theirs.port == ours.port

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every route passes here first: no token (or a foreign origin), no app."""
        if self.token is None and not _names_loopback(request.url.host or ""):
            return web.Response(status=403, text=HOST_TEXT)
        allowed, in_url = self._token_ok(request)
        if not allowed:
            return web.Response(status=403, text=FORBIDDEN_TEXT)
        if request.path == "/ws" and not self._same_origin(request):
            return web.Response(status=403, text=ORIGIN_TEXT)
        response = await handler(request)
        if not response.prepared:
            # The page's URL may hold the token: never hand it on in a Referer.
            response.headers["Referrer-Policy"] = "no-referrer"
            if in_url and self.token is not None:
                response.set_cookie(
                    self._cookie, self.token, httponly=True, samesite="Strict", path="/"
                )
        return response

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    # -- the page and the app sessions ---------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, with URLs taken from the request (the bind address may be 0.0.0.0)."""
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": _clamp(request.query.get("fontsize"), 16, 6, 64),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One app process for this tab, alive exactly as long as its websocket."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _clamp(request.query.get("width"), 80, 10, 1000)
        height = _clamp(request.query.get("height"), 24, 5, 500)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self._sessions[service] = websocket
        watcher: asyncio.Task[None] | None = None
        try:
            await service.start(width, height)
            watcher = asyncio.ensure_future(self._close_when_app_exits(service, websocket))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("app session failed")
        finally:
            try:
                await self.end_session(service)
            finally:
                if watcher is not None:
                    watcher.cancel()
                self._sessions.pop(service, None)
                await websocket.close()
        return websocket

    async def end_session(self, service: AppService) -> None:
        """End a tab's app process (once, however many callers ask)."""
        task = self._endings.get(service)
        if task is None:
            task = self._endings[service] = asyncio.ensure_future(self._stop_app(service))
            task.add_done_callback(lambda _: self._endings.pop(service, None))
        # Shielded: a cancelled handler must not abandon a half-stopped process.
        await asyncio.shield(task)

    async def _stop_app(self, service: AppService) -> None:
        # A private attribute of textual-serve 1.1 (pinned in pyproject.toml): AppService
        # never waits for its process, so a hung app would otherwise be left running.
        process = getattr(service, "_process", None)
        try:
            # "quit", as textual-serve sends it: the app exits and closes its model process.
            await asyncio.wait_for(service.stop(), QUIT_GRACE_S)
        except Exception:
            log.warning("app session did not quit in time")
        if process is None or await _exited(process, TERM_GRACE_S):
            return
        # SIGTERM: Textual's web driver exits the app cleanly (model process included).
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        if await _exited(process, TERM_GRACE_S):
            return
        # SIGKILL: the model process then reads EOF on its stdin and exits by itself.
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()

    async def _close_when_app_exits(
        self, service: AppService, websocket: web.WebSocketResponse
    ) -> None:
        """An app that ends by itself (q on home, a crash) ends its tab's session too."""
        process = getattr(service, "_process", None)
        if process is not None:
            await process.wait()
            await websocket.close()

    async def on_shutdown(self, app: web.Application) -> None:
        """The server stops: end every tab's app before the connections are dropped."""
        await asyncio.gather(
            *(self.end_session(s) for s in list(self._sessions)), return_exceptions=True
        )

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the URLs are printed once the socket is bound (``serve``)."""

    # -- running -------------------------------------------------------------------------

    def serve(self, debug: bool = False) -> None:
        """Listen until Ctrl-C or SIGTERM; raises ServeError if the port can't be bound."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._serve_until_stopped())

    async def _serve_until_stopped(self) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        # No access log: its request lines would carry the token.
        runner = web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host or None, self.port)
            try:
                await site.start()
            except OSError as exc:
                raise ServeError(
                    f"{_url_host(self.host)}:{self.port} で待ち受けできません: {exc.strerror or exc}"
                ) from None
            port = int(runner.addresses[0][1])
            self._cookie = f"gkentei_vae_token_{port}"
            self.urls = self._urls(port)
            self._announce()
            await stopping.wait()
        finally:
            await runner.cleanup()

    def _urls(self, port: int) -> list[str]:
        query = f"?{TOKEN_PARAM}={self.token}" if self.token else ""
        wildcard = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}
        hosts = [self.host]
        if self.host in wildcard:
            hosts = [wildcard[self.host], socket.gethostname()]
        return [f"http://{_url_host(h)}:{port}/{query}" for h in hosts]

    def _announce(self) -> None:
        print("ブラウザで次の URL を開いてください(タブごとに別のセッション、学習記録は共通):")
        labels = ["このマシンから: ", "ほかの端末から: "] if len(self.urls) > 1 else [""]
        for label, url in zip(labels, self.urls, strict=True):
            print(f"  {label}{escape(url)}")  # the host is the learner's --host
        if self.token:
            print(
                "URL のトークンを知っている人は誰でもこの学習記録を使えます。信頼できるネットワークでだけ使ってください。"
            )
        print("止めるには Ctrl+C", flush=True)


def run_server(
    data_dir: Path,
    banks: Sequence[Path],
    host: str,
    port: int,
) -> None:
    """Serve the home screen on ``host:port`` until stopped (the command's entry point)."""
    token = None if is_loopback(host) else new_token()
    StudyServer(app_command(data_dir, banks), host, port, token).serve()
