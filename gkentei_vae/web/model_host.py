"""serve's one model process, shared by every tab and reachable only by serve's own apps.

serve makes a folder that only its user can open (``tempfile.mkdtemp``: mode 0700, so
another local user can neither connect to nor replace what is inside) and listens on a
unix socket in it for its whole life. Every tab's app is told the socket's path
(``paths.MODEL_SOCKET_ENV``) and connects at its first demo. serve itself never accepts:
it only watches the socket, and when a connection is waiting and no model process runs,
it starts one that inherits the listening socket (``worker --listen-fd N``) and accepts
every tab's connection from then on. The model process exits once no tab is connected
(each app disconnects after its idle time, or when it ends); serve then watches the
socket again. A connection that arrives while it is exiting waits in the socket's
backlog, which serve still holds, and gets the next process.

Why serve holds the socket and not the model process: the path exists from the first
tab to the last, so an app never finds it missing; no connection is lost between two
model processes; and serve relays nothing (a live run's frames go straight from the
model process to the app), so its event loop stays free for the websockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from pathlib import Path

from gkentei_vae.model_process.launch import worker_command
from gkentei_vae.paths import model_process_environment

log = logging.getLogger("gkentei-vae.serve")

SOCKET_NAME = "model.sock"
"""The socket's name inside serve's private folder."""
BACKLOG = 64
"""Connections the kernel queues while the model process starts (tabs are far fewer)."""
STOP_GRACE_S = 2.0
"""How long the model process has after SIGTERM (and again after SIGKILL) when serve stops."""
SUN_PATH_MAX = 107
"""The longest unix socket path Linux accepts (bytes, without the final NUL)."""


class SharedModel:
    """Listens on ``folder/model.sock``; starts the model process when a connection waits."""

    def __init__(self, folder: Path, log_path: Path) -> None:
        self.path = folder / SOCKET_NAME
        """The socket the tabs' apps connect to (``paths.MODEL_SOCKET_ENV``)."""
        self.log_path = log_path
        """The model process's stderr (the same file as a terminal app's model process)."""
        self.starts = 0
        """How many model processes were started (one per busy period)."""
        self._listener: socket.socket | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._run: asyncio.Task[None] | None = None
        self._closing = False
        if len(str(self.path).encode()) > SUN_PATH_MAX:
            raise ValueError(f"モデルのプロセスのソケットのパスが長すぎます: {self.path}")

    @property
    def pid(self) -> int | None:
        """The running model process, if any."""
        process = self._process
        return process.pid if process is not None and process.returncode is None else None

    def listen(self) -> None:
        """Bind and listen (in serve's event loop); nothing is started until a tab connects."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        self.path.chmod(0o600)
        listener.listen(BACKLOG)
        listener.setblocking(False)
        self._listener = listener
        self._watch()

    def _watch(self) -> None:
        if self._listener is not None and not self._closing:
            asyncio.get_running_loop().add_reader(self._listener.fileno(), self._on_waiting)

    def _on_waiting(self) -> None:
        """A tab connected: start the model process (it accepts the connection)."""
        assert self._listener is not None
        asyncio.get_running_loop().remove_reader(self._listener.fileno())
        self._run = asyncio.ensure_future(self._serve_once(self._listener))

    async def _serve_once(self, listener: socket.socket) -> None:
        """One model process, from a waiting connection until it exits."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.log_path, "ab") as out:
                fd = listener.fileno()
                self._process = await asyncio.create_subprocess_exec(
                    *worker_command(listen_fd=fd),
                    pass_fds=(fd,),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=out,
                    stderr=out,
                    env=model_process_environment(),
                    # Its own session: a terminal's Ctrl-C or hang-up reaches serve, which
                    # stops it after the apps (it also exits if serve is gone).
                    start_new_session=True,
                )
        except OSError as exc:
            log.warning("the model process could not start: %s", exc.strerror or exc)
            self._refuse_waiting(listener)
            await asyncio.sleep(1.0)  # the next tab's demo tries again
            self._watch()
            return
        self.starts += 1
        code = await self._process.wait()
        if code != 0 and not self._closing:
            log.warning("the model process ended with status %s", code)
            # Whoever waits would wait for nothing: they read the end of the connection
            # (the tab says the model is unavailable) instead of starting another at once.
            self._refuse_waiting(listener)
        self._watch()

    @staticmethod
    def _refuse_waiting(listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except (BlockingIOError, InterruptedError, TimeoutError):
                return
            except OSError:
                return
            conn.close()

    def kill(self) -> None:
        """SIGKILL the model process now (serve was asked to stop twice)."""
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def close(self) -> None:
        """Stop listening and end the model process (SIGTERM, then SIGKILL)."""
        self._closing = True
        listener, self._listener = self._listener, None
        if listener is not None:
            asyncio.get_running_loop().remove_reader(listener.fileno())
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE_S)
            except TimeoutError:
                self.kill()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), STOP_GRACE_S)
        if self._run is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._run, STOP_GRACE_S)
        if listener is not None:
            listener.close()
