"""The model process: ``python -m gkentei_vae.model_process.worker``, driven by ``client.py``.

It imports torch and loads the bundled checkpoints (``WARM``), says ``ready``, then
serves one request at a time: a request names a demo id, and the demo's ``compute``
function from ``gkentei_vae.demo_registry`` runs with the request's arguments. A
streaming computation (live training) checks for ``stop`` between steps, so the
learner's Esc ends it after the current step; a closed pipe (the app is gone) ends the
process.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import Any

from gkentei_vae.demo_registry import DEMOS, resolve
from gkentei_vae.model_process.wire import WireClosed, read_message, write_message

WARM = "gkentei_vae.demos.ops:warm"
"""Loads torch, the checkpoints and the data once; returns what was loaded (for the client)."""
PREPARED = "_prepared"
"""The op that waits until the background preparation is done (benchmarks, tests)."""
_prepared = threading.Event()


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
    return False


def _run(op: str, args: dict[str, Any]) -> Iterator[Any]:
    if op == PREPARED:
        _prepared.wait()
        return iter([{"prepared": True}])
    demo = DEMOS.get(op)
    if demo is None:
        raise ValueError(f"未知のデモ id です: {op}")
    result = resolve(demo.compute)(**args)
    return result if isinstance(result, Iterator) else iter([result])


def _prepare() -> None:
    """While the learner is still reading: each demo's slow one-off measurements, then every
    demo once (a live one up to its first record), so that torch's first call for each
    network and every lazy load happen now, not when `e` is pressed."""
    try:
        for demo in DEMOS.values():
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
    finally:
        _prepared.set()


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
    write_message(out_fd, {"kind": "ready", "info": info})
    threading.Thread(target=_prepare, name="prepare-demos", daemon=True).start()
    while True:
        try:
            message = read_message(in_fd)
        except WireClosed:
            return
        kind = message.get("kind")
        if kind == "exit":
            return
        if kind != "call":
            continue  # a stop that arrived after its stream had already ended
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


def main() -> None:
    in_fd, out_fd = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    # Anything printed by libraries goes to stderr, never into the protocol stream.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(in_fd, out_fd)


if __name__ == "__main__":
    main()
