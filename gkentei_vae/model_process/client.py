"""The UI side of the model process: reach it when asked, one request at a time, let go when idle.

A terminal app starts a private child process and talks to it over its stdin and stdout.
In a ``serve`` tab (``paths.MODEL_SOCKET_ENV`` names a socket) the app instead connects to
serve's one model process, shared by every tab; the wire format is the same.

The model process holds torch and the checkpoints, about 600 MB, so it is not kept for a
learner who stopped asking: after ``idle_seconds`` without a request the client lets go
(a private child is asked to exit; a shared one is disconnected from, and it exits once
no tab is connected), and the next request reaches it again (the screen shows its
loading indicator meanwhile).
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gkentei_vae.model_process.launch import WORKER_MODULE, worker_command
from gkentei_vae.model_process.wire import WireClosed, read_message, write_message
from gkentei_vae.paths import model_process_environment

__all__ = ["WORKER_MODULE", "ModelClient", "ModelError"]

EXIT_GRACE = 1.0
"""Seconds the child gets to exit on request before it is killed."""
CONNECT_TIMEOUT_S = 10.0
"""How long connecting to serve's model process may take (serve queues the connection)."""


class ModelError(RuntimeError):
    """The model process reported an error, or is gone; the message is for the learner."""


class _Child:
    """A private model process, spoken to over its stdin and stdout."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.broken = False
        """True once a read or write failed: the next request starts a new one."""

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    def read_fd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()  # ValueError once closed

    def write_fd(self) -> int:
        assert self.proc.stdin is not None
        return self.proc.stdin.fileno()

    def alive(self) -> bool:
        return not self.broken and self.proc.poll() is None

    def end(self) -> None:
        """Ask it to exit (``exit`` was sent); kill it if it doesn't within ``EXIT_GRACE``."""
        try:
            self.proc.wait(timeout=EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


class _Connection:
    """A connection to serve's shared model process (a unix socket)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.broken = False
        self.pid: int | None = None
        """The shared process's pid, once it said ``ready``."""

    def read_fd(self) -> int:
        fd = self.sock.fileno()
        if fd < 0:
            raise ValueError("connection closed")
        return fd

    write_fd = read_fd

    def alive(self) -> bool:
        return not self.broken

    def end(self) -> None:
        """Disconnect; a thread blocked reading it wakes up (shutdown), then it is closed."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the other side is gone already
        self.sock.close()


class ModelClient:
    """Demo computations in a model process, one request at a time.

    ``socket_path`` None: a private child process, started at the first request;
    otherwise a connection to serve's shared one at that path. ``idle_seconds`` > 0: the
    client lets go after that long without a request and the next one reaches the model
    again; 0 keeps it until ``close``.
    """

    def __init__(
        self,
        log_path: Path | None = None,
        idle_seconds: float = 0.0,
        socket_path: Path | None = None,
    ) -> None:
        self.log_path = log_path
        self.idle_seconds = idle_seconds
        self.socket_path = socket_path
        self.info: dict[str, Any] = {}
        """What the child reported once warm: torch version, loaded checkpoints."""
        self.error: str | None = None
        """Why the model cannot be used (a missing checkpoint, a failed warm-up)."""
        self.releases = 0
        """How many times an idle model was let go (tests and the help screen read it)."""
        self._link: _Child | _Connection | None = None
        self._ready = threading.Event()
        self._ready_lock = threading.Lock()
        self._busy = threading.Lock()
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._last_used = time.monotonic()
        self._to_prepare: list[str] = []
        """The demos the app's sessions can open, in the order they were named."""
        self._told: _Child | _Connection | None = None
        """The warm model that was sent ``_to_prepare`` (later names go to it one by one)."""
        self._prepare_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Spawn the child (it imports torch and loads checkpoints), or connect to serve's
        shared one; returns at once (``wait_ready`` waits for it to be warm)."""
        with self._ready_lock:
            if self._link is not None or self.error is not None:
                return
            self._ready.clear()
            if self.socket_path is not None:
                link: _Child | _Connection | None = self._connect(self.socket_path)
            else:
                link = self._spawn()
            if link is None:
                self._ready.set()  # settled: ``error`` says why
                return
            self._link = link
            self._last_used = time.monotonic()
            if self.idle_seconds > 0:
                threading.Thread(
                    target=self._watch_idle, args=(link,), name="model-idle", daemon=True
                ).start()

    def _spawn(self) -> _Child:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab") if self.log_path else None
        try:
            return _Child(
                subprocess.Popen(
                    worker_command(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log if log is not None else subprocess.DEVNULL,
                    close_fds=True,
                    env=model_process_environment(),
                )
            )
        finally:
            if log is not None:
                log.close()  # the child holds its own copy

    def _connect(self, path: Path) -> _Connection | None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            # serve starts the model process when this connection arrives (web/model_host.py).
            sock.settimeout(CONNECT_TIMEOUT_S)
            sock.connect(str(path))
            sock.setblocking(True)
        except OSError as exc:
            sock.close()
            self.error = f"serve のモデルのプロセスに接続できません({exc.strerror or exc})"
            return None
        return _Connection(sock)

    @property
    def started(self) -> bool:
        """True while the model is reached (a child exists, or serve's is connected to)."""
        return self._link is not None

    @property
    def ready(self) -> bool:
        """True once the model is warm and working (never blocks)."""
        return self._link is not None and self._ready.is_set() and self.error is None

    @property
    def settled(self) -> bool:
        """True once warming has finished, well or badly (never blocks)."""
        return self._ready.is_set() or self.error is not None

    @property
    def pid(self) -> int | None:
        """The model process's id while it is reached (serve's: once it said ``ready``)."""
        return self._link.pid if self._link is not None else None

    def wait_ready(self) -> bool:
        """Reach the model if needed and block until it is warm; False (``error`` set) if it failed."""
        self.start()
        with self._ready_lock:
            link = self._link
            if link is not None and not self._ready.is_set():
                try:
                    message = self._read_from(link)
                except ModelError as exc:
                    self.error = str(exc)
                else:
                    if message.get("kind") == "ready":
                        self.info = message.get("info", {})
                        if isinstance(link, _Connection):
                            link.pid = self.info.get("pid")
                        with self._prepare_lock:
                            self._told, demos = link, list(self._to_prepare)
                        self._send_prepare(link, demos)
                    else:
                        self.error = message.get("message", "モデルを準備できませんでした")
                self._ready.set()
                self._last_used = time.monotonic()
        return self.ready

    def prepare(self, demos: Iterable[str]) -> None:
        """Have the model run ``demos`` once in the background as soon as it is warm (again
        after an idle release), so their first frame waits for nothing; other demos load
        when they are first asked for. Never blocks."""
        with self._prepare_lock:
            new = [d for d in dict.fromkeys(demos) if d not in self._to_prepare]
            self._to_prepare += new
            link = self._told  # None until warm: then wait_ready sends the whole list
        if link is not None and link is self._link:
            self._send_prepare(link, new)

    def _send_prepare(self, link: _Child | _Connection, demos: list[str]) -> None:
        if demos:
            try:
                self._send_to(link, {"kind": "prepare", "demos": demos})
            except OSError:
                pass  # it is gone: the next request reports that

    def close(self) -> None:
        """Let the model go: a child is asked to exit (killed if it doesn't within
        ``EXIT_GRACE`` seconds); serve's is disconnected from."""
        with self._ready_lock:
            link, self._link = self._link, None
            self._ready.clear()
        with self._prepare_lock:
            self._told = None
        if link is None:
            return
        try:
            self._send_to(link, {"kind": "exit"})
        except OSError:
            pass
        with self._write_lock:  # no stop() writes to an fd that is being closed
            link.end()

    def release_if_idle(self) -> bool:
        """Let a warm model go if it has served nothing for ``idle_seconds``; True if it did."""
        if self.idle_seconds <= 0 or not self.ready:
            return False
        if not self._busy.acquire(blocking=False):
            return False  # a request is running: not idle
        try:
            if time.monotonic() - self._last_used < self.idle_seconds or not self.ready:
                return False
            self.close()
            self.releases += 1
            return True
        finally:
            self._busy.release()

    def _watch_idle(self, link: _Child | _Connection) -> None:
        """Checks for idleness while ``link`` is how this client reaches the model; ends with it."""
        interval = min(5.0, self.idle_seconds / 4)
        while self._link is link:
            time.sleep(interval)
            if self._link is link and self.release_if_idle():
                return

    # -- requests ------------------------------------------------------------------

    def call(self, op: str, **kwargs: Any) -> dict[str, Any]:
        """Run one demo computation and return its result."""
        results = list(self.stream(op, **kwargs))
        if not results:
            raise ModelError(f"{op}: 結果がありません")
        return results[-1]

    def stream(self, op: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Run a computation that yields results step by step (e.g. live training)."""
        with self._busy:
            if not self.wait_ready():
                raise ModelError(self.error or "モデルを準備できませんでした")
            link = self._link
            assert link is not None
            self._next_id += 1
            rid = self._next_id
            try:
                try:
                    self._send_to(link, {"kind": "call", "id": rid, "op": op, "args": kwargs})
                except OSError:
                    link.broken = True
                    raise ModelError("モデルのプロセスが終了しました") from None
                while True:
                    message = self._read_from(link)
                    if message.get("id") != rid:
                        continue  # the tail of an earlier, abandoned request
                    kind = message.get("kind")
                    if kind == "item":
                        yield message["data"]
                    elif kind == "end":
                        return
                    else:
                        raise ModelError(message.get("message", f"{op}: 失敗しました"))
            except ModelError:
                if not link.alive():
                    self.close()  # it died: the next request reaches a new one
                raise
            finally:
                self._last_used = time.monotonic()

    def stop(self) -> None:
        """Ask a running stream to end after its current step (safe from any thread)."""
        link = self._link
        if link is not None:
            try:
                self._send_to(link, {"kind": "stop"})
            except OSError:
                pass

    # -- plumbing ------------------------------------------------------------------

    def _send_to(self, link: _Child | _Connection, message: dict[str, Any]) -> None:
        try:
            with self._write_lock:
                write_message(link.write_fd(), message)
        except ValueError as exc:  # closed by close() in another thread
            raise OSError(str(exc)) from None

    def _read_from(self, link: _Child | _Connection) -> dict[str, Any]:
        try:
            message: dict[str, Any] = read_message(link.read_fd())
        except (WireClosed, OSError, ValueError):
            link.broken = True
            where = f"(ログ: {self.log_path})" if self.log_path else ""
            raise ModelError(f"モデルのプロセスが終了しました{where}") from None
        return message
