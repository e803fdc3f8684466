"""The model process: ``python -m gkentei_vae.model_process.worker``, driven by ``client.py``.

It imports torch and loads the bundled checkpoints (``WARM``), says ``ready``, then
serves one request at a time: a request names a demo id, and the demo's ``compute``
function from ``gkentei_vae.demo_registry`` runs with the request's arguments. A
streaming computation (live training) checks for ``stop`` between steps, so the
learner's Esc ends it after the current step; a closed pipe (the app is gone) ends the
process.

A ``prepare`` message names the demos the app's session can open; a thread runs each of
them once in the background (their first frame then waits for nothing). Demos no one
named are never run before they are asked for: the GAN demos' classifier, GAN and
judgements, and a live run's optimizer, load only in a process whose session can open
them (preparing every demo held ~430 MB more than a reparam quiz needs).
"""

from __future__ import annotations

import ctypes
import os
import queue
import select
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from gkentei_vae.demo_registry import DEMOS, resolve
from gkentei_vae.model_process.wire import WireClosed, read_message, write_message
from gkentei_vae.paths import model_parent

WARM = "gkentei_vae.demos.ops:warm"
"""Loads torch, the checkpoints and the data once; returns what was loaded (for the client)."""
PREPARED = "_prepared"
"""The op that waits until every demo named so far is prepared (benchmarks, tests)."""
_to_prepare: queue.Queue[str] = queue.Queue()
_prepared: set[str] = set()


def _stop_requested(fd: int) -> bool:
    """True if the UI sent ``stop`` since the last step; exits if the UI went away."""
    while select.select([fd], [], [], 0)[0]:
        try:
            message = read_message(fd)
        except WireClosed:
            raise SystemExit(0) from None
        if message.get("kind") == "exit":
            raise SystemExit(0)
        if message.get("kind") == "stop":
            return True
        _queue_prepare(message)
    return False


def _queue_prepare(message: dict[str, Any]) -> None:
    """A ``prepare`` message: its demos join the background thread's queue."""
    if message.get("kind") == "prepare":
        for demo_id in message.get("demos", []):
            _to_prepare.put(demo_id)


def _run(op: str, args: dict[str, Any]) -> Iterator[Any]:
    if op == PREPARED:
        _to_prepare.join()
        return iter([{"prepared": sorted(_prepared)}])
    demo = DEMOS.get(op)
    if demo is None:
        raise ValueError(f"未知のデモ id です: {op}")
    result = resolve(demo.compute)(**args)
    return result if isinstance(result, Iterator) else iter([result])


def _prepare(demo_id: str) -> None:
    """While the learner is still reading: the demo's slow one-off measurements, then the
    demo once (a live one up to its first record), so that torch's first call for its
    networks and its lazy loads happen now, not when `e` is pressed."""
    demo = DEMOS.get(demo_id)
    if demo is None or demo_id in _prepared:
        return
    try:
        if demo.prepare:
            resolve(demo.prepare)()
        result = resolve(demo.compute)()
        if isinstance(result, Iterator):
            next(result, None)
            close = getattr(result, "close", None)
            if close is not None:
                close()
    except Exception:  # the demo itself reports the failure when it is opened
        traceback.print_exc()
    _prepared.add(demo_id)


def _preparing() -> None:
    """The background thread: prepares each demo named by a ``prepare`` message, in order."""
    while True:
        demo_id = _to_prepare.get()
        try:
            _prepare(demo_id)
            if _to_prepare.unfinished_tasks == 1:  # the last one named so far
                release_freed()
        finally:
            _to_prepare.task_done()


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc only
    except (OSError, TypeError):  # no C library to ask (Windows)
        return None


_TRIM = _malloc_trim()


def release_freed() -> None:
    """Give the memory freed by a computation back to the system.

    glibc keeps freed heap pages for reuse, so after a live run or a large batch the
    process's RSS stays at its peak; ``malloc_trim`` returns them (measured with
    ``benchmarks/memory.py``). Other C libraries: nothing to do.
    """
    if _TRIM is not None:
        _TRIM(0)


def serve(in_fd: int, out_fd: int) -> None:
    """Warm up, then answer requests until ``exit`` or a closed pipe."""
    try:
        info = resolve(WARM)()
    except Exception as exc:  # report any failure to warm as one clear message
        traceback.print_exc()
        write_message(out_fd, {"kind": "failed", "message": str(exc)})
        return
    # The log says what this process computes with (GKENTEI_VAE_TORCH_THREADS sets the threads).
    print(
        f"model process: torch {info['torch']}, torch threads: {info['threads']}", file=sys.stderr
    )
    sys.stderr.flush()
    release_freed()  # the warm-up's held-out batches
    write_message(out_fd, {"kind": "ready", "info": info})
    threading.Thread(target=_preparing, name="prepare-demos", daemon=True).start()
    while True:
        try:
            message = read_message(in_fd)
        except WireClosed:
            return
        kind = message.get("kind")
        if kind == "exit":
            return
        if kind != "call":
            _queue_prepare(message)  # else a stop that arrived after its stream had ended
            continue
        rid, op = message["id"], message["op"]
        try:
            items = _run(op, message.get("args", {}))
            for item in items:
                write_message(out_fd, {"kind": "item", "id": rid, "data": item})
                if _stop_requested(in_fd):
                    close = getattr(items, "close", None)
                    if close is not None:
                        close()
                    break
            write_message(out_fd, {"kind": "end", "id": rid})
        except Exception as exc:
            traceback.print_exc()
            write_message(out_fd, {"kind": "error", "id": rid, "message": f"{op}: {exc}"})
        release_freed()


PARENT_POLL_S = 0.5
"""How often the model process checks that the app that started it is still alive."""


def _exit_with_parent(parent: int) -> None:
    """End the process once its app is gone, even mid-stream or while loading torch (its
    stdin's EOF is only read between steps)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def main() -> None:
    # The pid the app passed: the app may have died before this line (then it differs).
    parent = model_parent()
    threading.Thread(
        target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True
    ).start()
    in_fd, out_fd = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    # Anything printed by libraries goes to stderr, never into the protocol stream.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(in_fd, out_fd)


if __name__ == "__main__":
    main()
