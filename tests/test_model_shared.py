"""serve's shared model process, without serve's HTTP side: one process for several
clients (``ModelClient(socket_path=…)``), requests served at once, the process ending
with its last client and starting again for the next one (``gkentei_vae.web.model_host``)."""

from __future__ import annotations

import asyncio
import shutil
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gkentei_vae.model_process.client import ModelClient
from gkentei_vae.paths import torch_threads
from gkentei_vae.tui.launch import quiz_app
from gkentei_vae.web.model_host import SharedModel
from tests.conftest import question_with


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[SharedModel]:
    # mkdtemp as serve does (tmp_path's long name could pass the socket path limit).
    folder = Path(tempfile.mkdtemp(prefix="gkentei-shared-"))
    shared = SharedModel(folder, tmp_path / "worker.log")
    shared.listen()
    try:
        yield shared
    finally:
        await shared.close()
        shutil.rmtree(folder)


async def gone(host: SharedModel, timeout: float = 20) -> float:
    """Wait until no model process runs; seconds waited."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while host.pid is not None:
        assert loop.time() - start < timeout, "the model process did not exit"
        await asyncio.sleep(0.1)
    return loop.time() - start


async def test_one_process_serves_clients_at_once_and_ends_with_the_last(
    host: SharedModel, tmp_path: Path
) -> None:
    assert stat.S_IMODE(host.path.stat().st_mode) == 0o600
    assert host.pid is None, "nothing starts before a client connects"

    def two_clients() -> int:
        a, b = ModelClient(socket_path=host.path), ModelClient(socket_path=host.path)
        try:
            run = a.stream("kl-training", seed=0, phase_steps=400, refresh_seconds=60)
            next(run)  # a live run is going
            assert b.call("samples", seed=0, count=2)["images"].shape == (2, 28, 28)
            assert a.pid is not None and a.pid == b.pid
            # A leaves in the middle of its run (its tab closed): B is still served.
            a.close()
            run.close()
            assert b.call("samples", seed=1, count=2)["images"].shape == (2, 28, 28)
            assert b.pid == a.info["pid"]
            return int(b.pid)
        finally:
            a.close()
            b.close()

    first = await asyncio.to_thread(two_clients)
    print(f"\nlast client gone → the model process gone in {await gone(host):.2f} s")
    assert host.starts == 1

    # The next client starts another; its idle release ends that one too.
    later = ModelClient(socket_path=host.path, idle_seconds=1.0)
    try:
        result = await asyncio.to_thread(later.call, "samples", seed=0, count=2)
        assert result["images"].shape == (2, 28, 28)
        assert later.pid is not None and later.pid != first and host.starts == 2
        # The help screen says whose model it is and when it lets go.
        status = quiz_app(question_with("samples"), model=later).model_status()
        assert "全てのタブで共有" in status and "どのタブも" in status, status
        await gone(host)
        assert later.releases == 1
    finally:
        later.close()
    # The torch thread setting holds in the shared process too.
    assert f"torch threads: {torch_threads()}," in (tmp_path / "worker.log").read_text()
