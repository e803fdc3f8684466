"""``gkentei-vae serve``: every browser tab gets its own ``gkentei-vae home`` process.

Built on textual-serve: its ``Server`` relays a Textual app's terminal stream over a
websocket, one app process per tab (``AppService``). This module adds what a study
record shared by a household or a classroom needs on top (docs/serve.md):

- **Access control.** Every route lives under ``/TOKEN/`` (page, websocket, static
  files, downloads); any other path, or a wrong or non-ASCII token, gets 403 before a
  handler runs. The token is in the path, not a cookie (cookies go to every port of the
  host) and not the query (textual.js appends ``?width=…`` to the websocket URL). On
  loopback the Host header must name a loopback host (DNS rebinding), a websocket's
  Origin must be the page's own, and every response forbids framing.
- **Bounded work per client.** At most ``max_sessions`` app processes; every websocket
  message is parsed, type-checked and clamped; connections that have not shown the
  token are few and short-lived; the log is plain, rate-limited and never holds the token.
- **One model process for all tabs** (``gkentei_vae.web.model_host``): started at the
  first demo of any tab, reached over a unix socket in a folder only the learner can
  open, ended once no tab uses it.
- **No leaked processes.** The server keeps every tab's app process; when the tab
  closes, or the server stops (Ctrl-C, SIGTERM, SIGHUP), the app is asked to quit, then
  terminated, then killed, its output drained all along; then the model process is
  ended. If serve itself is killed, the kernel kills the apps (``gkentei_vae.web.tab``),
  and the model process sees its parent gone and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import os
import resource
import secrets
import shlex
import signal
import socket
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from aiohttp.web_protocol import RequestHandler
from textual_serve.app_service import AppService
from textual_serve.server import Server
from yarl import URL

from gkentei_vae.control_chars import escape
from gkentei_vae.paths import MODEL_ON_DEMAND_ENV, MODEL_SOCKET_ENV, model_log_path
from gkentei_vae.web import DEFAULT_MAX_SESSIONS
from gkentei_vae.web.model_host import SharedModel

log = logging.getLogger("gkentei-vae.serve")

TITLE = "G検定 VAE覚えうた"
UPSTREAM_VERSION = "1.1.3"
"""The textual-serve release whose internals this module was checked against (docs/serve.md)."""
TEMPLATES = Path(__file__).with_name("templates")
"""The page (textual-serve's, without its off-site font and ping) and the cap page."""
MIN_COLS, MAX_COLS = 10, 400
MIN_ROWS, MAX_ROWS = 5, 150
"""Terminal sizes accepted from a client (the query and every resize message alike).
400×150 cells is a 4K screen at the default font size; a frame's size grows with the area."""
STDIN_MAX_CHARS = 4096
"""The most text one ``stdin`` message may carry (keys, a paste); longer ones are dropped."""
MESSAGE_MAX_BYTES = 64 * 1024
"""aiohttp closes a websocket that sends a bigger message (the page sends keys, sizes, pings)."""
PING_MAX_CHARS = 32
"""The page's ping payload is a timestamp; it is echoed back only if this short."""
QUIT_GRACE_S = 3.0
"""How long a tab's app has to quit on its own (it closes its model process within 1 s)."""
TERM_GRACE_S = 2.0
"""How long after SIGTERM (and again after SIGKILL) before giving up on an app process."""
STOP_LIMIT_S = 12.0
"""How long stopping every session may take before serve kills what is left and exits."""
REQUEST_TIMEOUT_S = 5.0
"""A connection that has sent no request with the token within this time is closed."""
KEEPALIVE_S = 75.0
"""An idle keep-alive connection (after a request with the token) is closed after this."""
MAX_UNTRUSTED = 64
"""Connections without a valid token at once; a new one closes the oldest (not per address:
the learner and anyone else on the same host share 127.0.0.1)."""
FD_SOFT_LIMIT = 8192
"""The soft open-files limit serve raises itself to (up to the hard limit)."""
LOG_BURST, LOG_WINDOW_S = 20, 60.0
"""At most LOG_BURST log lines per LOG_WINDOW_S; the rest are counted, not written."""
STRIPPED_QUERY = ("ping", "delay")
"""Page query parameters textual.js acts on (a fetch of any URL, a click-to-start page)."""
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""Nothing off serve's own origin, and no framing (xterm.js inserts style elements)."""

FORBIDDEN_TEXT = (
    "403: アクセストークンがないか、正しくありません。serve が表示した URL を開いてください。\n"
)
ORIGIN_TEXT = "403: このページ以外からの接続は受け付けません。\n"
HOST_TEXT = "403: このサーバーには localhost / 127.0.0.1 / [::1] で接続してください。\n"
FULL_TEXT = "503: 同時に開けるタブの数が上限に達しています。ほかのタブを閉じてください。\n"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ServeError(Exception):
    """The server cannot start; the message is shown to the learner."""


def new_token() -> str:
    """A fresh access token (256 random bits, URL-safe: it is a path segment)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """True if every address ``host`` resolves to is a loopback address.

    An empty host, ``0.0.0.0`` and ``::`` mean every interface: not loopback. A name
    that does not resolve is not loopback either, so the safe side applies.
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


def app_command(
    data_dir: Path,
    banks: Sequence[Path] = (),
    parent: int | None = None,
    model_socket: Path | None = None,
) -> str:
    """The shell command each tab runs: the home screen on ``data_dir`` and ``banks``.

    ``home`` is named explicitly (without a command and without a TTY the CLI prints
    help); the app reaches the model only at its first demo (``MODEL_ON_DEMAND_ENV``),
    and then serve's shared model process at ``model_socket`` (``MODEL_SOCKET_ENV``);
    ``gkentei_vae.web.tab`` ties the app's life to ``parent`` (serve) and then execs it;
    ``exec`` makes the app the server's direct child, so that ending it really ends the
    app and not just a shell around it.
    """
    argv = [sys.executable, "-m", "gkentei_vae.web.tab", str(parent or os.getpid())]
    argv += ["home", "--data-dir", str(data_dir)]
    for bank in banks:
        argv += ["--bank", str(bank)]
    env = f"{MODEL_ON_DEMAND_ENV}=1"
    if model_socket is not None:
        env = f"{MODEL_SOCKET_ENV}={shlex.quote(str(model_socket))} {env}"
    return f"{env} exec " + shlex.join(argv)


def raise_fd_limit(target: int = FD_SOFT_LIMIT) -> int:
    """Raise the soft open-files limit towards ``target`` (never past the hard one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = target if hard == resource.RLIM_INFINITY else min(target, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def _exited(process: asyncio.subprocess.Process, within: float) -> bool:
    """Wait up to ``within`` seconds for ``process`` to end; True if it has."""
    try:
        await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        return False
    return True


async def _drain(stream: asyncio.StreamReader | None) -> None:
    """Read and drop everything: an app blocked on a full pipe could never exit."""
    if stream is None:
        return
    with contextlib.suppress(Exception):
        while await stream.read(1 << 16):
            pass


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _global_ipv6() -> list[str]:
    """This machine's IPv6 addresses that another device can reach (by its host name)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET6)
    except OSError:
        return []
    found = []
    for info in infos:
        address = ipaddress.IPv6Address(str(info[4][0]).split("%")[0])
        if not (address.is_loopback or address.is_link_local or address.is_unspecified):
            if str(address) not in found:
                found.append(str(address))
    return found


def clamp(value: object, default: int, low: int, high: int) -> int:
    """An int from a client (query text or JSON number), ``default`` if it is not one."""
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            value = default
    if not isinstance(value, int) or isinstance(value, bool):
        value = default
    return max(low, min(high, value))


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """A client's terminal size, within MIN/MAX_COLS × MIN/MAX_ROWS."""
    return clamp(width, 80, MIN_COLS, MAX_COLS), clamp(height, 24, MIN_ROWS, MAX_ROWS)


def parse_message(text: str) -> tuple[str, Any] | None:
    """A websocket message's (type, payload), or None if it is not a page's message."""
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not 1 <= len(envelope) <= 2:
        return None
    kind = envelope[0]
    if not isinstance(kind, str):
        return None
    return kind, envelope[1] if len(envelope) == 2 else None


class LogLine(logging.Formatter):
    """One plain line per record: no traceback, no local variables, never the token."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            # The type only: an exception's text may quote a request line (and its token).
            text += f" ({type(record.exc_info[1]).__name__})"
        line = escape(f"{record.levelname.lower()} {record.name}: {text}")[:300]
        return line.replace(self.secret, "<token>") if self.secret else line


class RateLimit(logging.Filter):
    """At most ``burst`` records per ``window`` seconds; says how many were dropped."""

    def __init__(self, burst: int = LOG_BURST, window: float = LOG_WINDOW_S) -> None:
        super().__init__()
        self.burst, self.window = burst, window
        self._start, self._count, self._dropped = time.monotonic(), 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._start >= self.window:
            if self._dropped:
                record.msg = f"({self._dropped} 行を省略) {record.msg}"
            self._start, self._count, self._dropped = now, 0, 0
        if self._count < self.burst:
            self._count += 1
            return True
        self._dropped += 1
        return False


class ConnectionGate:
    """Connections that have not shown the token: at most ``limit``, each for ``timeout`` s.

    aiohttp itself keeps a silent connection open for an hour, so a client without the
    token could exhaust the process's file descriptors and lock the learner out.
    """

    def __init__(self, limit: int = MAX_UNTRUSTED, timeout: float = REQUEST_TIMEOUT_S) -> None:
        self.limit, self.timeout = limit, timeout
        self._untrusted: OrderedDict[RequestHandler, float] = OrderedDict()

    def admit(self, handler: RequestHandler) -> RequestHandler:
        """A new connection: untrusted until a request on it carries the token."""
        self._untrusted[handler] = time.monotonic() + self.timeout
        while len(self._untrusted) > self.limit:
            oldest, _ = self._untrusted.popitem(last=False)
            self._close(oldest)
        return handler

    def trust(self, handler: RequestHandler | None) -> None:
        """A request with the token came on this connection."""
        if handler is not None:
            self._untrusted.pop(handler, None)

    def sweep(self) -> None:
        """Close the untrusted connections past their time; forget closed ones."""
        now = time.monotonic()
        for handler, deadline in list(self._untrusted.items()):
            if deadline <= now:
                del self._untrusted[handler]
                self._close(handler)

    @property
    def untrusted(self) -> int:
        """Connections waiting to show the token."""
        return len(self._untrusted)

    def _close(self, handler: RequestHandler, tries: int = 3) -> None:
        transport = handler.transport
        if transport is not None:
            transport.abort()
        elif tries:  # accepted a moment ago: asyncio has not handed it its socket yet
            asyncio.get_running_loop().call_later(0.05, self._close, handler, tries - 1)


class StudyServer(Server):
    """textual-serve's Server with an access token, bounded clients and process cleanup."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        token: str | None,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        model: SharedModel | None = None,
    ) -> None:
        host = host.strip().strip("[]")  # "[::1]" as written in a URL; sockets want "::1"
        self.loopback = is_loopback(host)
        if not token and not self.loopback:
            raise ServeError(
                f"ループバック以外のアドレス({host or '全て'})で待ち受けるにはアクセストークンが必要です"
            )
        super().__init__(command, host=host, port=port, title=TITLE)
        self.templates_path = TEMPLATES
        self.token = token or None
        self.max_sessions = max(1, max_sessions)
        self.urls: list[str] = []
        """The URLs to open, known once the server listens (the port may have been 0)."""
        self.prefix = f"/{self.token}" if self.token else ""
        """Every route's path starts with this (the token as the first path segment)."""
        self.gate = ConnectionGate()
        self.model = model
        """The tabs' shared model process (its socket is in the tabs' ``command``)."""
        self._sessions: dict[AppService, web.WebSocketResponse] = {}
        self._endings: dict[AppService, asyncio.Task[None]] = {}

    # -- access control ------------------------------------------------------------------

    def _token_ok(self, request: web.Request) -> bool:
        """The first path segment is the token (ASCII only, compared in constant time)."""
        if self.token is None:
            return True
        parts = request.rel_url.raw_path.split("/", 2)
        given = parts[1] if len(parts) > 1 else ""
        if not given.isascii():
            return False
        return hmac.compare_digest(given.encode("ascii"), self.token.encode("ascii"))

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
        """Every route passes here first: no token (or a foreign host or origin), no app."""
        if self.loopback and not _names_loopback(request.url.host or ""):
            return web.Response(status=403, text=HOST_TEXT)
        if not self._token_ok(request):
            return web.Response(status=403, text=FORBIDDEN_TEXT)
        self.gate.trust(request.protocol)
        path = request.path[len(self.prefix) :]
        if path == "":
            raise web.HTTPFound(f"{self.prefix}/")
        if path == "/ws" and not self._same_origin(request):
            return web.Response(status=403, text=ORIGIN_TEXT)
        if path == "/" and any(name in request.query for name in STRIPPED_QUERY):
            # textual.js would fetch ?ping=URL, wherever it points: drop them, keep the rest.
            kept = [(k, v) for k, v in request.query.items() if k not in STRIPPED_QUERY]
            raise web.HTTPSeeOther(str(request.rel_url.with_query(kept)))
        return await handler(request)

    async def _secure_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """On every response: no framing, nothing off this origin, no Referer, no caching."""
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The page's URL holds the token: never hand it on in a Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"

    async def _make_app(self) -> web.Application:
        # Upstream's routes (/, /ws, /download/{key}, /static) and our templates_path.
        routes = await super()._make_app()
        if self.token is None:
            app = routes
            app.middlewares.append(self.guard)
        else:
            app = web.Application(middlewares=[self.guard])
            app.add_subapp(self.prefix, routes)
        app.on_response_prepare.append(self._secure_headers)
        return app

    # -- the page and the app sessions ---------------------------------------------------

    def _full(self) -> bool:
        return len(self._sessions) >= self.max_sessions

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, with URLs taken from the request (the bind address may be 0.0.0.0)."""
        if self._full():
            context = {"title": self.title, "max_sessions": self.max_sessions}
            return aiohttp_jinja2.render_template("full.html", request, context, status=503)
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": clamp(request.query.get("fontsize"), 16, 6, 64),
            "app_websocket_url": f"{scheme}://{request.host}{self.prefix}/ws",
            "config": {"static": {"url": f"{self.prefix}/static/"}},
            "application": {"name": self.title},
            "page_url": f"{self.prefix}/",
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One app process for this tab, alive exactly as long as its websocket."""
        if self._full():
            raise web.HTTPServiceUnavailable(text=FULL_TEXT)
        websocket = web.WebSocketResponse(
            heartbeat=15, timeout=TERM_GRACE_S, max_msg_size=MESSAGE_MAX_BYTES
        )
        if not websocket.can_prepare(request).ok:
            raise web.HTTPBadRequest(text="400: WebSocket ではありません。\n")
        width, height = terminal_size(request.query.get("width"), request.query.get("height"))

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
        self._sessions[service] = websocket  # before any await: the cap counts it now
        watcher: asyncio.Task[None] | None = None
        try:
            await websocket.prepare(request)
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
                with contextlib.suppress(Exception):
                    await websocket.close()
        return websocket

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """The page's messages, each checked: upstream trusts their types and sizes."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            parsed = parse_message(message.data)
            if parsed is None:
                log.warning("malformed websocket message dropped")
                continue
            kind, data = parsed
            if kind == "stdin":
                if isinstance(data, str) and len(data) <= STDIN_MAX_CHARS:
                    await app_service.send_bytes(data.encode("utf-8", "replace"))
                else:
                    log.warning("oversized or malformed stdin message dropped")
            elif kind == "resize":
                if isinstance(data, dict):
                    size = terminal_size(data.get("width"), data.get("height"))
                    await app_service.set_terminal_size(*size)
            elif kind == "ping":
                if isinstance(data, str) and len(data) <= PING_MAX_CHARS:
                    await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def end_session(self, service: AppService) -> None:
        """End a tab's app process (once, however many callers ask)."""
        task = self._endings.get(service)
        if task is None:
            task = self._endings[service] = asyncio.ensure_future(self._stop_app(service))
            task.add_done_callback(lambda _: self._endings.pop(service, None))
        # Shielded: a cancelled handler must not abandon a half-stopped process.
        await asyncio.shield(task)

    async def _stop_app(self, service: AppService) -> None:
        # Private attributes of textual-serve 1.1 (pinned in pyproject.toml, checked by
        # tests/test_serve_upstream.py): AppService never waits for its process, and
        # its stop() waits on a relay that a vanished client can block for good.
        process: asyncio.subprocess.Process | None = getattr(service, "_process", None)
        relay: asyncio.Task[None] | None = getattr(service, "_task", None)
        if process is None:
            return
        with contextlib.suppress(Exception):
            # As upstream's stop(), each step bounded: a stuck app's stdin may be full.
            await asyncio.wait_for(
                self.download_manager.cancel_app_downloads(app_service_id=service.app_service_id),
                1.0,
            )
        with contextlib.suppress(Exception):
            # "quit", as textual-serve sends it: the app exits and closes its model process.
            await asyncio.wait_for(service.send_meta({"type": "quit"}), 1.0)
        if relay is not None:
            relay.cancel()
            await asyncio.gather(relay, return_exceptions=True)
        # Nobody relays the app's output now: drop it, so that no write of the app blocks
        # (asyncio's wait() also waits for the pipes to close).
        drains = [asyncio.ensure_future(_drain(s)) for s in (process.stdout, process.stderr)]
        try:
            if await _exited(process, QUIT_GRACE_S):
                return
            # SIGTERM: Textual's web driver exits the app cleanly (model process included).
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            if await _exited(process, TERM_GRACE_S):
                return
            # SIGKILL: the model process then sees its parent gone and exits by itself.
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            if not await _exited(process, TERM_GRACE_S):
                log.warning("an app process did not end after SIGKILL")
        finally:
            for drain in drains:
                drain.cancel()

    async def _close_when_app_exits(
        self, service: AppService, websocket: web.WebSocketResponse
    ) -> None:
        """An app that ends by itself (q on home, a crash) ends its tab's session too."""
        process = getattr(service, "_process", None)
        if process is not None:
            await process.wait()
            await websocket.close()

    def _kill_all(self) -> None:
        for service in list(self._sessions):
            process = getattr(service, "_process", None)
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
        if self.model is not None:
            self.model.kill()

    async def on_shutdown(self, app: web.Application) -> None:
        """The server stops: end every tab's app before the connections are dropped."""
        await asyncio.gather(
            *(self.end_session(s) for s in list(self._sessions)), return_exceptions=True
        )

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the URLs are printed once the socket is bound (``serve``)."""

    # -- running -------------------------------------------------------------------------

    def initialize_logging(self) -> None:
        """Plain, rate-limited lines on stderr (upstream logs tracebacks with locals)."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(LogLine(self.token))
        handler.addFilter(RateLimit())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.DEBUG if self.debug else logging.INFO)

    def serve(self, debug: bool = False) -> None:
        """Listen until Ctrl-C, SIGTERM or SIGHUP; raises ServeError if the port can't be bound."""
        self.debug = debug
        self.initialize_logging()
        raise_fd_limit()
        asyncio.run(self._serve_until_stopped())

    async def _serve_until_stopped(self) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if stopping.is_set():
                self._kill_all()  # asked twice: no more waiting
            stopping.set()

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, on_signal)
        # No access log: its request lines would carry the token.
        runner = web.AppRunner(
            await self._make_app(),
            access_log=None,
            shutdown_timeout=2.0,
            keepalive_timeout=KEEPALIVE_S,
        )
        await runner.setup()
        assert runner.server is not None
        factory = runner.server
        try:
            if self.model is not None:
                try:
                    self.model.listen()
                except OSError as exc:
                    raise ServeError(
                        f"モデルのプロセス用のソケットを作れません: {exc.strerror or exc}"
                    ) from None
            try:
                listener = await loop.create_server(
                    lambda: self.gate.admit(factory()),
                    self.host or None,
                    self.port,
                    reuse_address=True,
                )
            except OSError as exc:
                raise ServeError(
                    f"{_url_host(self.host)}:{self.port} で待ち受けできません: {exc.strerror or exc}"
                ) from None
            port = int(listener.sockets[0].getsockname()[1])
            self.urls = self._urls(port)
            self._announce()
            sweeper = asyncio.ensure_future(self._sweep(stopping))
            await stopping.wait()
            listener.close()
            await sweeper
        finally:
            try:
                await asyncio.wait_for(runner.cleanup(), STOP_LIMIT_S)
            except TimeoutError:
                log.warning("sessions did not stop in time: killing them")
                self._kill_all()
            if self.model is not None:
                # After the apps: they have disconnected, so it is exiting by itself already.
                await self.model.close()

    async def _sweep(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            self.gate.sweep()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), 0.5)

    def _urls(self, port: int) -> list[str]:
        hosts = [self.host]
        if self.host in ("", "0.0.0.0"):
            hosts = ["127.0.0.1", socket.gethostname()]
        elif self.host == "::":
            # IPv6 only (asyncio sets IPV6_V6ONLY): the host name may resolve to IPv4 only.
            hosts = ["::1", *_global_ipv6()[:1]]
        return [f"http://{_url_host(h)}:{port}{self.prefix}/" for h in hosts]

    def _announce(self) -> None:
        print("ブラウザで次の URL を開いてください(タブごとに別のセッション、学習記録は共通):")
        labels = ["このマシンから: ", "ほかの端末から: "] if len(self.urls) > 1 else [""]
        for label, url in zip(labels, self.urls, strict=True):
            print(f"  {label}{escape(url)}")  # the host is the learner's --host
        if self.token:
            print("URL(トークン入り)を知っている人は誰でもこの学習記録を使えます。")
        else:
            print(
                "警告: --no-token: このマシンのほかのユーザーやプログラムも、この学習記録を使えます。"
            )
        print(f"同時に開けるタブは {self.max_sessions} 個まで。止めるには Ctrl+C", flush=True)


def run_server(
    data_dir: Path,
    banks: Sequence[Path],
    host: str,
    port: int,
    *,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    token: bool = True,
) -> None:
    """Serve the home screen on ``host:port`` until stopped (the command's entry point)."""
    # mkdtemp: a fresh folder with mode 0700, so no other local user reaches the socket.
    with tempfile.TemporaryDirectory(prefix="gkentei-vae-serve-") as folder:
        try:
            model = SharedModel(Path(folder), model_log_path())
        except ValueError as exc:
            raise ServeError(f"{exc}(TMPDIR を短いパスにしてください)") from None
        server = StudyServer(
            app_command(data_dir, banks, model_socket=model.path),
            host,
            port,
            new_token() if token else None,
            max_sessions,
            model,
        )
        server.serve()
