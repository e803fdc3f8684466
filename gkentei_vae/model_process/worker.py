"""The model process: ``python -m gkentei_vae.model_process.worker [--listen-fd N]``.

It imports torch and loads the bundled checkpoints (``WARM``), says ``ready``, then
serves requests: a request names a demo id, and the demo's ``compute`` function from
``gkentei_vae.demo_registry`` runs with the request's arguments. A streaming computation
(live training) checks for ``stop`` between steps, so the learner's Esc ends it after
the current step.

Two ways to be started (``launch.py``):

- **Private** (the terminal app's ``ModelClient``): one client, on stdin and stdout; a
  closed pipe or ``exit`` (the app is gone) ends the process.
- **Shared** (``serve``, ``--listen-fd N``): serve hands over a listening unix socket and
  every tab's app connects to it. Each connection gets its own thread, so a plain demo
  in one tab is answered while another tab streams a live run (torch releases the GIL
  inside its ops). The process ends once no client is connected and none is waiting:
  the apps disconnect when idle (``ModelClient.idle_seconds``) or when they end, and a
  client that connects later finds serve starting a new process.

Either way it also ends when the process that started it is gone (``MODEL_PARENT_ENV``).

A ``prepare`` message names the demos a client's session can open; a thread runs each of
them once in the background (their first frame then waits for nothing). Demos no one
named are never run before they are asked for: the GAN demos' classifier, GAN and
judgements, and a live run's optimizer, load only in a process whose sessions can open
them (preparing every demo held ~430 MB more than a reparam quiz needs).
"""

from __future__ import annotations

import ctypes
import os
import queue
import select
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from gkentei_vae.demo_registry import DEMOS, resolve
from gkentei_vae.model_process.launch import LISTEN_FD_OPTION
from gkentei_vae.model_process.wire import WireClosed, read_message, write_message
from gkentei_vae.paths import model_parent

WARM = "gkentei_vae.demos.ops:warm"
"""Loads torch, the checkpoints and the data once; returns what was loaded (for the client)."""
PREPARED = "_prepared"
"""The op that waits until every demo named so far is prepared (benchmarks, tests)."""
_to_prepare: queue.Queue[str] = queue.Queue()
_prepared: set[str] = set()


class _ClientGone(Exception):
    """The client closed its end or said ``exit``: this connection is over."""


def _stop_requested(fd: int) -> bool:
    """True if the client sent ``stop`` since the last step; _ClientGone if it went away."""
    while select.select([fd], [], [], 0)[0]:
        try:
            message = read_message(fd)
        except (WireClosed, OSError, ValueError):
            raise _ClientGone from None
        if message.get("kind") == "exit":
            raise _ClientGone
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


def _warm() -> dict[str, Any] | str:
    """Load torch and the checkpoints: what was loaded, or why it failed (for the clients)."""
    try:
        info: dict[str, Any] = resolve(WARM)()
    except Exception as exc:  # report any failure to warm as one clear message
        traceback.print_exc()
        return str(exc)
    # The log says what this process computes with (GKENTEI_VAE_TORCH_THREADS sets the threads).
    print(
        f"model process: torch {info['torch']}, torch threads: {info['threads']}, pid {os.getpid()}",
        file=sys.stderr,
    )
    sys.stderr.flush()
    release_freed()  # what loading the checkpoints and the digits freed
    threading.Thread(target=_preparing, name="prepare-demos", daemon=True).start()
    return {**info, "pid": os.getpid()}


def _greet(out_fd: int, warmed: dict[str, Any] | str) -> None:
    """A new client's first message: ``ready`` with what was loaded, or ``failed``."""
    if isinstance(warmed, str):
        write_message(out_fd, {"kind": "failed", "message": warmed})
    else:
        write_message(out_fd, {"kind": "ready", "info": warmed})


def serve_client(in_fd: int, out_fd: int) -> None:
    """Answer one client's requests, one at a time, until ``exit`` or a closed connection."""
    while True:
        try:
            message = read_message(in_fd)
        except (WireClosed, OSError, ValueError):
            return
        kind = message.get("kind")
        if kind == "exit":
            return
        if kind != "call":
            _queue_prepare(message)  # else a stop that arrived after its stream had ended
            continue
        rid, op = message["id"], message["op"]
        try:
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
            except (_ClientGone, OSError):
                raise
            except Exception as exc:
                traceback.print_exc()
                write_message(out_fd, {"kind": "error", "id": rid, "message": f"{op}: {exc}"})
        except (_ClientGone, OSError):
            return  # the client went away mid-request (its app ended or let go of us)
        release_freed()


def serve(in_fd: int, out_fd: int) -> None:
    """Private: warm up, then answer the one client on ``in_fd``/``out_fd``."""
    warmed = _warm()
    _greet(out_fd, warmed)
    if not isinstance(warmed, str):
        serve_client(in_fd, out_fd)


ACCEPT_POLL_S = 0.5
"""How often a shared model process with no client checks whether one is waiting."""


def _serve_connection(
    conn: socket.socket, warmed: dict[str, Any], clients: set[socket.socket]
) -> None:
    try:
        _greet(conn.fileno(), warmed)
        serve_client(conn.fileno(), conn.fileno())
    except OSError:
        pass  # the client left before its greeting
    finally:
        conn.close()
        clients.discard(conn)


def serve_shared(listener: socket.socket) -> None:
    """Shared: warm up, then serve every client that connects to ``listener``, each in a
    thread of its own, until none is connected and none is waiting."""
    warmed = _warm()
    # Accepting with a timeout puts the socket in non-blocking mode: serve, which holds the
    # same socket, only polls it, so that is fine for it too.
    listener.settimeout(ACCEPT_POLL_S)
    if isinstance(warmed, str):
        # Tell everyone waiting now, then end: serve starts a new process for the next client.
        while True:
            try:
                conn, _ = listener.accept()
            except (TimeoutError, BlockingIOError):
                return
            with conn:
                conn.setblocking(True)
                _greet(conn.fileno(), warmed)
    clients: set[socket.socket] = set()
    while True:
        try:
            conn, _ = listener.accept()
        except (TimeoutError, BlockingIOError):
            if not clients:
                return  # nobody connected, nobody waiting: give the memory back
            continue
        conn.setblocking(True)
        clients.add(conn)
        threading.Thread(
            target=_serve_connection, args=(conn, warmed, clients), name="client", daemon=True
        ).start()


PARENT_POLL_S = 0.5
"""How often the model process checks that the process that started it is still alive."""


def _exit_with_parent(parent: int) -> None:
    """End the process once its app (or serve) is gone, even mid-stream or while loading
    torch (a closed connection is only noticed between steps)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    # The pid the app (or serve) passed: it may have died before this line (then it differs).
    parent = model_parent()
    threading.Thread(
        target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True
    ).start()
    if args[:1] == [LISTEN_FD_OPTION]:
        serve_shared(socket.socket(fileno=int(args[1])))
        # Not a normal interpreter exit: the preparing thread may be inside torch, whose
        # teardown then aborts (exit status -6, which serve would take for a crash).
        sys.stderr.flush()
        os._exit(0)
    in_fd, out_fd = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    # Anything printed by libraries goes to stderr, never into the protocol stream.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(in_fd, out_fd)


if __name__ == "__main__":
    main()
