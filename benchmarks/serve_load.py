"""`gkentei-vae serve` for a household or a classroom: memory per tab, the session cap, and
idle connections without the token (issue 23's acceptance numbers).

Each part starts a real ``serve`` (``tests/serve_support.py``) on 127.0.0.1 and opens tabs
as plain websockets, as the page's script does:

1. ``--max-sessions TABS``, TABS tabs that never open a demo: app and model processes,
   and the total RSS of serve, its apps and the model process.
2. DEMO_TABS tabs that each open the ``samples`` demo: the same counts (one model process,
   shared by every tab).
3. The plain ``samples`` demo in one tab while another streams ``gan-training`` (the shared
   model process serves both at once): seconds from ``e`` to the picture; references in
   the same run: the first demo of all (it starts the model process) and the same demo
   with nothing streaming.
4. Tab DEMO_TABS + 1 with ``--max-sessions DEMO_TABS``: the HTTP status, new processes.
5. serve under ``prlimit --nofile=NOFILE:NOFILE`` and IDLE connections without the token:
   the learner's page time (the reference: the same page with no idle connection, in the
   same run), serve's open fds and its log lines.

    .venv/bin/python benchmarks/serve_load.py [--tabs 10] [--demo-tabs 4] [--idle 1100] [--nofile 1024]

The last line is ``key=value`` pairs of the numbers above.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from yarl import URL

# Run as a script (``python benchmarks/NAME.py``): the repo's packages come first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.memory import rss_mb
from benchmarks.tables import print_table
from tests.serve_support import (
    FrameCounter,
    Screen,
    Served,
    bank_with_demo,
    bank_with_demos,
    read_screen,
    seconds_to_picture,
    serving,
    shown_picture,
)

SETTLE_S = 20.0
"""How long the idle tabs are left before counting (a model process would have started)."""


def everything(served: Served) -> list[int]:
    return [served.proc.pid, *served.apps(), *served.workers()]


async def tabs(served: Served, count: int, demo: str | None) -> tuple[int, int, float, float]:
    """Open ``count`` tabs (each opening ``demo`` if given): (apps, models, RSS MB, seconds)."""
    start = time.monotonic()
    print(f"opening {count} tabs ({demo or 'no demo'})…", file=sys.stderr, flush=True)
    async with aiohttp.ClientSession() as client:
        sockets = [
            await client.ws_connect(served.ws_url(), origin=served.origin) for _ in range(count)
        ]
        if demo is None:
            await asyncio.gather(*(read_until_home(ws) for ws in sockets))
            # Reading all along: the client answers the server's heartbeat pings as it reads.
            await asyncio.gather(*(keep_reading(ws, SETTLE_S) for ws in sockets))
        else:
            await asyncio.gather(*(shown_picture(ws, demo, 300) for ws in sockets))
        elapsed = time.monotonic() - start
        result = (
            len(served.apps()),
            len(served.workers()),
            sum(rss_mb(pid) for pid in everything(served)),
            elapsed,
        )
        for ws in sockets:
            await ws.close()
    return result


async def keep_reading(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> None:
    """Read (and drop) what the tab sends for ``seconds``, as an open browser tab does."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            # Not receive(timeout=…): aiohttp restarts that timeout at every ping it answers.
            await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            return


async def latency(served: Served, bank: Path) -> tuple[float, float, float, int, int]:
    """(first demo s, same demo s, same demo while another tab streams gan-training s,
    the live run's frames meanwhile, model processes)."""
    print("plain demo while another tab streams gan-training…", file=sys.stderr, flush=True)
    async with aiohttp.ClientSession() as client:
        tabs = [await client.ws_connect(served.ws_url(), origin=served.origin) for _ in range(4)]
        first = await seconds_to_picture(tabs[0], bank, "samples", 300)
        alone = await seconds_to_picture(tabs[1], bank, "samples", 300)
        await seconds_to_picture(tabs[2], bank, "gan-training", 300)  # the run draws
        run = FrameCounter(tabs[2])
        streaming = await seconds_to_picture(tabs[3], bank, "samples", 300)
        frames = await run.stop()
        models = len(served.workers())
        for ws in tabs:
            await ws.close()
    return first, alone, streaming, frames, models


async def read_until_home(ws: aiohttp.ClientWebSocketResponse) -> None:
    await read_screen(ws, Screen(100, 30), "クイズ", 300)


async def cap(served: Served, limit: int) -> tuple[int, int]:
    """Fill the cap, then one tab more: (its page's status, processes it added)."""
    async with aiohttp.ClientSession() as client:
        sockets = [
            await client.ws_connect(served.ws_url(), origin=served.origin) for _ in range(limit)
        ]
        served.wait(lambda: len(served.apps()) == limit, 120, "the tabs' apps")
        before = len(served.apps())
        async with client.get(served.url) as response:
            status = response.status
        try:
            await client.ws_connect(served.ws_url(), origin=served.origin)
        except aiohttp.WSServerHandshakeError as exc:
            status = max(status, exc.status)
        await asyncio.sleep(1)
        added = len(served.apps()) - before
        for ws in sockets:
            await ws.close()
    return status, added


async def page_seconds(served: Served) -> float:
    start = time.monotonic()
    async with aiohttp.ClientSession() as client, client.get(served.url) as response:
        await response.read()
        assert response.status == 200, response.status
    return time.monotonic() - start


async def idle_connections(served: Served, count: int) -> tuple[float, float, int, int]:
    """(reference page s, page s with ``count`` idle connections, serve's fds, log lines)."""
    reference = await page_seconds(served)
    port = URL(served.url).port or 0
    sockets = []
    try:
        for _ in range(count):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        loaded = await page_seconds(served)
        fds = len(os.listdir(f"/proc/{served.proc.pid}/fd"))
    finally:
        for sock in sockets:
            sock.close()
    return reference, loaded, fds, len(served.output)


def cells(result: tuple[int, int, float, float]) -> tuple[str, ...]:
    apps, models, rss, seconds = result
    return str(apps), str(models), f"{rss:.0f}", f"{seconds:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--demo-tabs", type=int, default=4)
    parser.add_argument("--idle", type=int, default=1100)
    parser.add_argument("--nofile", type=int, default=1024)
    parser.add_argument(
        "--no-tabs", action="store_true", help="skip parts 1 and 2 (minutes on a small machine)"
    )
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.idle + 256)), hard))

    with tempfile.TemporaryDirectory(prefix="gkentei-serve-load-") as tmp:
        root = Path(tmp)
        bank = bank_with_demo(root / "samples.yaml", "samples")
        rows = [("case", "tabs", "apps", "models", "RSS MB", "s")]
        a = b = (0, 0, 0.0, 0.0)
        first = alone = streaming = 0.0
        if not args.no_tabs:
            with serving(root / "a", "--max-sessions", str(args.tabs), timeout=120) as served:
                a = asyncio.run(tabs(served, args.tabs, None))
            rows.append(("no demo opened", str(args.tabs), *cells(a)))
            with serving(root / "b", "--bank", str(bank), timeout=120) as served:
                b = asyncio.run(tabs(served, args.demo_tabs, "samples"))
            rows.append(("each opened a demo", str(args.demo_tabs), *cells(b)))
            print_table(rows)
            print()
            two = bank_with_demos(root / "two.yaml", ["gan-training", "samples"])
            with serving(root / "l", "--bank", str(two), timeout=120) as served:
                first, alone, streaming, frames, models = asyncio.run(latency(served, two))
            print_table(
                [
                    ("samples demo, e → picture", "s"),
                    ("first of all (starts the model process)", f"{first:.2f}"),
                    ("reference: model warm, nothing else running", f"{alone:.2f}"),
                    ("while another tab streams gan-training", f"{streaming:.2f}"),
                ]
            )
            print(f"(the live run drew {frames} frames meanwhile; {models} model process)")
            print()
        with serving(root / "c", "--max-sessions", str(args.demo_tabs), timeout=120) as served:
            status, added = asyncio.run(cap(served, args.demo_tabs))
        print(
            f"tab {args.demo_tabs + 1} with --max-sessions {args.demo_tabs}: HTTP {status}, {added} new processes"
        )
        limit = f"--nofile={args.nofile}:{args.nofile}"
        with serving(root / "d", timeout=120, wrap=["prlimit", limit]) as served:
            reference, loaded, fds, lines = asyncio.run(idle_connections(served, args.idle))
            alive = served.proc.poll() is None
        print(
            f"{args.idle} idle connections without the token (prlimit {limit}): page in "
            f"{loaded:.3f} s (reference, none idle: {reference:.3f} s), serve holds {fds} fds, "
            f"{lines} lines of output, serve {'up' if alive else 'DOWN'}"
        )
        print(
            f"idle_models={a[1]} idle_rss_mb={a[2]:.0f} demo_models={b[1]} demo_rss_mb={b[2]:.0f} "
            f"first_demo_s={first:.2f} demo_alone_s={alone:.2f} demo_while_streaming_s={streaming:.2f} "
            f"cap_status={status} cap_new_processes={added} page_s={loaded:.3f} "
            f"reference_s={reference:.3f} log_lines={lines} serve_up={int(alive)}"
        )


if __name__ == "__main__":
    main()
