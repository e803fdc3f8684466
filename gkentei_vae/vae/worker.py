"""The model process: ``python -m gkentei_vae.vae.worker``, driven by gkentei_vae.model_client.

It imports torch, loads the bundled checkpoints, says ``ready``, then serves one
request at a time. A streaming request (live training) checks for ``stop`` between
steps, so the learner's Esc ends it after the current step.
"""

from __future__ import annotations

import os
import select
import sys
import traceback
from collections.abc import Iterator
from typing import Any

from gkentei_vae.wire import WireClosed, read_message, write_message


def _stop_requested(fd: int) -> bool:
    """True if the UI sent ``stop`` (or went away) since the last step."""
    while select.select([fd], [], [], 0)[0]:
        try:
            message = read_message(fd)
        except WireClosed:
            raise SystemExit(0) from None
        if message.get("kind") in ("stop", "exit"):
            return True
    return False


def serve(in_fd: int, out_fd: int) -> None:
    try:
        from gkentei_vae.vae.demo_ops import OPS, warm

        info = warm()
    except Exception as exc:  # report any failure to warm as one clear message
        traceback.print_exc()
        write_message(out_fd, {"kind": "failed", "message": str(exc)})
        return
    write_message(out_fd, {"kind": "ready", "info": info})
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
            func = OPS[op]
            result: Any = func(**message.get("args", {}))
            items: Iterator[Any] = result if isinstance(result, Iterator) else iter([result])
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
