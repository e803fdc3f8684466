"""Runs the bundled VAE in a child process, so the UI process never imports torch.

``import torch`` holds the GIL for hundreds of milliseconds at a time (measured: up to
~320 ms gaps in a 10 ms UI tick while importing it in a background thread), and a live
training run competes with the UI for the interpreter. In a child process neither can
stall a key press. The child is ``python -m gkentei_vae.vae.worker``; messages travel
as frames of JSON plus raw numpy buffers (gkentei_vae.wire), never pickles.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gkentei_vae.wire import WireClosed, read_message, write_message


class ModelError(RuntimeError):
    """The model process reported an error, or is gone; the message is for the learner."""


class ModelClient:
    """One child process serving demo computations, one request at a time."""

    def __init__(self, log_path: Path | None = None) -> None:
        self.log_path = log_path
        self.info: dict[str, Any] = {}
        """What the child reported once warm: torch version, loaded checkpoints."""
        self.error: str | None = None
        """Why the model cannot be used (a missing checkpoint, a dead process)."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()
        self._ready_lock = threading.Lock()
        self._busy = threading.Lock()
        self._write_lock = threading.Lock()
        self._next_id = 0

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Spawn the child (it imports torch and loads checkpoints); returns at once."""
        if self._proc is not None:
            return
        log = open(self.log_path, "ab") if self.log_path else None
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "gkentei_vae.vae.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log if log is not None else subprocess.DEVNULL,
                close_fds=True,
            )
        finally:
            if log is not None:
                log.close()  # the child holds its own copy

    @property
    def started(self) -> bool:
        return self._proc is not None

    @property
    def ready(self) -> bool:
        """True once the child is warm and working (never blocks)."""
        return self._ready.is_set() and self.error is None

    @property
    def settled(self) -> bool:
        """True once warming has finished, well or badly (never blocks)."""
        return self._ready.is_set()

    def wait_ready(self) -> bool:
        """Block until the child has warmed up; False (and ``error`` set) if it failed."""
        self.start()
        with self._ready_lock:
            if not self._ready.is_set():
                try:
                    message = self._read()
                except ModelError as exc:
                    self.error = str(exc)
                else:
                    if message.get("kind") == "ready":
                        self.info = message.get("info", {})
                    else:
                        self.error = message.get("message", "モデルを準備できませんでした")
                self._ready.set()
        return self.error is None

    def close(self) -> None:
        """Ask the child to exit; kill it if it doesn't within a second."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            self._send_to(proc, {"kind": "exit"})
        except OSError:
            pass
        try:
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    # -- requests ------------------------------------------------------------------

    def call(self, op: str, **kwargs: Any) -> dict[str, Any]:
        """Run one demo computation and return its result."""
        results = list(self.stream(op, **kwargs))
        if not results:
            raise ModelError(f"{op}: 結果がありません")
        return results[-1]

    def stream(self, op: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Run a computation that yields results step by step (e.g. live training)."""
        if not self.wait_ready():
            raise ModelError(self.error or "モデルを準備できませんでした")
        with self._busy:
            self._next_id += 1
            rid = self._next_id
            self._send({"kind": "call", "id": rid, "op": op, "args": kwargs})
            while True:
                message = self._read()
                if message.get("id") != rid:
                    continue  # the tail of an earlier, abandoned request
                kind = message.get("kind")
                if kind == "item":
                    yield message["data"]
                elif kind == "end":
                    return
                else:
                    raise ModelError(message.get("message", f"{op}: 失敗しました"))

    def stop(self) -> None:
        """Ask a running stream to end after its current step (safe from any thread)."""
        if self._proc is not None:
            try:
                self._send({"kind": "stop"})
            except OSError:
                pass

    # -- plumbing ------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        if self._proc is None:
            raise ModelError("モデルのプロセスが起動していません")
        self._send_to(self._proc, message)

    def _send_to(self, proc: subprocess.Popen[bytes], message: dict[str, Any]) -> None:
        assert proc.stdin is not None
        with self._write_lock:
            write_message(proc.stdin.fileno(), message)

    def _read(self) -> dict[str, Any]:
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise ModelError("モデルのプロセスが起動していません")
        try:
            return read_message(proc.stdout.fileno())
        except (WireClosed, OSError, ValueError):
            where = f"(ログ: {self.log_path})" if self.log_path else ""
            raise ModelError(f"モデルのプロセスが終了しました{where}") from None


def default_log_path() -> Path:
    """Where the model process writes its stderr (in the user cache dir)."""
    import platformdirs

    base = Path(os.environ.get("GKENTEI_VAE_CACHE") or platformdirs.user_cache_dir("gkentei-vae"))
    base.mkdir(parents=True, exist_ok=True)
    return base / "model-worker.log"
