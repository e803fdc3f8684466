"""The UI side of the model process: start it when asked, one request at a time, let it go when idle.

The child holds torch and the checkpoints, about 600 MB, so it is not kept for a learner
who stopped asking: after ``idle_seconds`` without a request it is asked to exit, and the
next request starts it again (the screen shows its loading indicator meanwhile).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gkentei_vae.model_process.wire import WireClosed, read_message, write_message
from gkentei_vae.paths import model_process_environment

WORKER_MODULE = "gkentei_vae.model_process.worker"
EXIT_GRACE = 1.0
"""Seconds the child gets to exit on request before it is killed."""


class ModelError(RuntimeError):
    """The model process reported an error, or is gone; the message is for the learner."""


class ModelClient:
    """One child process serving demo computations, one request at a time.

    ``idle_seconds`` > 0: the child exits after that long without a request and is
    started again by the next one; 0 keeps it until ``close``.
    """

    def __init__(self, log_path: Path | None = None, idle_seconds: float = 0.0) -> None:
        self.log_path = log_path
        self.idle_seconds = idle_seconds
        self.info: dict[str, Any] = {}
        """What the child reported once warm: torch version, loaded checkpoints."""
        self.error: str | None = None
        """Why the model cannot be used (a missing checkpoint, a failed warm-up)."""
        self.releases = 0
        """How many times an idle child was let go (tests and the help screen read it)."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()
        self._ready_lock = threading.Lock()
        self._busy = threading.Lock()
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._last_used = time.monotonic()
        self._to_prepare: list[str] = []
        """The demos the app's sessions can open, in the order they were named."""
        self._told: subprocess.Popen[bytes] | None = None
        """The warm child that was sent ``_to_prepare`` (later names go to it one by one)."""
        self._prepare_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Spawn the child (it imports torch and loads checkpoints); returns at once."""
        with self._ready_lock:
            if self._proc is not None or self.error is not None:
                return
            self._ready.clear()
            if self.log_path is not None:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = open(self.log_path, "ab") if self.log_path else None
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", WORKER_MODULE],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log if log is not None else subprocess.DEVNULL,
                    close_fds=True,
                    env=model_process_environment(),
                )
            finally:
                if log is not None:
                    log.close()  # the child holds its own copy
            self._last_used = time.monotonic()
            if self.idle_seconds > 0:
                threading.Thread(
                    target=self._watch_idle, args=(self._proc,), name="model-idle", daemon=True
                ).start()

    @property
    def started(self) -> bool:
        """True while a child process exists (warming or warm)."""
        return self._proc is not None

    @property
    def ready(self) -> bool:
        """True once the child is warm and working (never blocks)."""
        return self._proc is not None and self._ready.is_set() and self.error is None

    @property
    def settled(self) -> bool:
        """True once warming has finished, well or badly (never blocks)."""
        return self._ready.is_set() or self.error is not None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    def wait_ready(self) -> bool:
        """Start the child if needed and block until it is warm; False (``error`` set) if it failed."""
        self.start()
        with self._ready_lock:
            proc = self._proc
            if proc is not None and not self._ready.is_set():
                try:
                    message = self._read_from(proc)
                except ModelError as exc:
                    self.error = str(exc)
                else:
                    if message.get("kind") == "ready":
                        self.info = message.get("info", {})
                        with self._prepare_lock:
                            self._told, demos = proc, list(self._to_prepare)
                        self._send_prepare(proc, demos)
                    else:
                        self.error = message.get("message", "モデルを準備できませんでした")
                self._ready.set()
                self._last_used = time.monotonic()
        return self.ready

    def prepare(self, demos: Iterable[str]) -> None:
        """Have the child run ``demos`` once in the background as soon as it is warm (again
        after an idle release), so their first frame waits for nothing; other demos load
        when they are first asked for. Never blocks."""
        with self._prepare_lock:
            new = [d for d in dict.fromkeys(demos) if d not in self._to_prepare]
            self._to_prepare += new
            proc = self._told  # None until warm: then wait_ready sends the whole list
        if proc is not None and proc is self._proc:
            self._send_prepare(proc, new)

    def _send_prepare(self, proc: subprocess.Popen[bytes], demos: list[str]) -> None:
        if demos:
            try:
                self._send_to(proc, {"kind": "prepare", "demos": demos})
            except OSError:
                pass  # it is gone: the next request reports that

    def close(self) -> None:
        """Ask the child to exit; kill it if it doesn't within ``EXIT_GRACE`` seconds."""
        with self._ready_lock:
            proc, self._proc = self._proc, None
            self._ready.clear()
        with self._prepare_lock:
            self._told = None
        if proc is None:
            return
        try:
            self._send_to(proc, {"kind": "exit"})
        except OSError:
            pass
        try:
            proc.wait(timeout=EXIT_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def release_if_idle(self) -> bool:
        """Let a warm child go if it has served nothing for ``idle_seconds``; True if it did."""
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

    def _watch_idle(self, proc: subprocess.Popen[bytes]) -> None:
        """Checks for idleness while ``proc`` is this client's child; ends with it."""
        interval = min(5.0, self.idle_seconds / 4)
        while self._proc is proc:
            time.sleep(interval)
            if self._proc is proc and self.release_if_idle():
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
            proc = self._proc
            assert proc is not None
            self._next_id += 1
            rid = self._next_id
            try:
                try:
                    self._send_to(proc, {"kind": "call", "id": rid, "op": op, "args": kwargs})
                except OSError:
                    raise ModelError("モデルのプロセスが終了しました") from None
                while True:
                    message = self._read_from(proc)
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
                if proc.poll() is not None:
                    self.close()  # it died: the next request starts a new one
                raise
            finally:
                self._last_used = time.monotonic()

    def stop(self) -> None:
        """Ask a running stream to end after its current step (safe from any thread)."""
        proc = self._proc
        if proc is not None:
            try:
                self._send_to(proc, {"kind": "stop"})
            except OSError:
                pass

    # -- plumbing ------------------------------------------------------------------

    def _send_to(self, proc: subprocess.Popen[bytes], message: dict[str, Any]) -> None:
        assert proc.stdin is not None
        try:
            with self._write_lock:
                write_message(proc.stdin.fileno(), message)
        except ValueError as exc:  # the pipe was closed by close() in another thread
            raise OSError(str(exc)) from None

    def _read_from(self, proc: subprocess.Popen[bytes]) -> dict[str, Any]:
        if proc.stdout is None:
            raise ModelError("モデルのプロセスが起動していません")
        try:
            message: dict[str, Any] = read_message(proc.stdout.fileno())
        except (WireClosed, OSError, ValueError):
            where = f"(ログ: {self.log_path})" if self.log_path else ""
            raise ModelError(f"モデルのプロセスが終了しました{where}") from None
        return message
