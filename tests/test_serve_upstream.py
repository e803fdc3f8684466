"""What `gkentei_vae.web.serve` relies on in textual-serve, pinned: a change upstream fails here.

`StudyServer` overrides methods of textual-serve's `Server` and calls into `AppService`
(including its private `_process` and `_task`); the page's template feeds upstream's
`textual.js`. docs/serve.md lists each override and the upstream version checked against
(`UPSTREAM_VERSION`). If upgrading textual-serve fails this test, re-read the upstream
source of what changed, adapt serve.py, then update the signatures below and the docs.
"""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version

import textual_serve
from textual_serve.app_service import AppService
from textual_serve.server import Server

from gkentei_vae.web.serve import UPSTREAM_VERSION, StudyServer
from tests.conftest import REPO

OVERRIDDEN = {
    "__init__": "(self, command: 'str', host: 'str' = 'localhost', port: 'int' = 8000, "
    "title: 'str | None' = None, public_url: 'str | None' = None, "
    "statics_path: 'str | os.PathLike' = './static', "
    "templates_path: 'str | os.PathLike' = './templates')",
    "initialize_logging": "(self) -> 'None'",
    "_make_app": "(self) -> 'web.Application'",
    "handle_index": "(self, request: 'web.Request') -> 'dict[str, Any]'",
    "handle_websocket": "(self, request: 'web.Request') -> 'web.WebSocketResponse'",
    "_process_messages": "(self, websocket: 'web.WebSocketResponse', "
    "app_service: 'AppService') -> 'None'",
    "on_shutdown": "(self, app: 'web.Application') -> 'None'",
    "on_startup": "(self, app: 'web.Application') -> 'None'",
    "serve": "(self, debug: 'bool' = False) -> 'None'",
}
"""Server's methods that StudyServer replaces, with their upstream signatures."""

CALLED = {
    "__init__": "(self, command: 'str', *, write_bytes: 'Callable[[bytes], Awaitable[None]]', "
    "write_str: 'Callable[[str], Awaitable[None]]', close: 'Callable[[], Awaitable[None]]', "
    "download_manager: 'DownloadManager', debug: 'bool' = False) -> 'None'",
    "start": "(self, width: 'int', height: 'int') -> 'None'",
    "send_meta": "(self, data: 'dict[str, str | None | int | bool]') -> 'bool'",
    "send_bytes": "(self, data: 'bytes') -> 'bool'",
    "set_terminal_size": "(self, width: 'int', height: 'int') -> 'None'",
    "blur": "(self) -> 'None'",
    "focus": "(self) -> 'None'",
}
"""AppService's methods that StudyServer calls, with their upstream signatures."""


def test_every_override_is_pinned_and_documented() -> None:
    mine = {
        name
        for name, value in vars(StudyServer).items()
        if callable(value) and hasattr(Server, name) and name not in ("__init_subclass__",)
    }
    assert mine == set(OVERRIDDEN), "a new override: pin its upstream signature here"
    docs = (REPO / "docs" / "serve.md").read_text(encoding="utf-8")
    for name in OVERRIDDEN:
        assert f"`{name}`" in docs, f"docs/serve.md does not name the override {name}"
    assert f"textual-serve {UPSTREAM_VERSION}" in docs
    print(f"\ntextual-serve installed: {version('textual-serve')}, checked: {UPSTREAM_VERSION}")


def test_upstream_signatures_are_the_ones_checked() -> None:
    for name, expected in OVERRIDDEN.items():
        assert str(inspect.signature(getattr(Server, name))) == expected, f"Server.{name}"
    for name, expected in CALLED.items():
        assert str(inspect.signature(getattr(AppService, name))) == expected, f"AppService.{name}"


def test_the_private_parts_used_are_still_there() -> None:
    init = inspect.getsource(AppService.__init__)
    assert "self._process: Process | None = None" in init
    assert "self._task: asyncio.Task[None] | None = None" in init
    # The app's output relay: stop() awaits it, which is why _stop_app cancels it instead.
    assert "await self._task" in inspect.getsource(AppService.stop)
    assert "self.templates_path" in inspect.getsource(Server._make_app)


def test_textual_js_reads_only_what_the_page_and_the_guard_expect() -> None:
    """The page's query parameters textual.js acts on (the guard strips them) and the
    attributes our template must provide."""
    static = inspect.getfile(textual_serve).replace("__init__.py", "static/js/textual.js")
    script = open(static, encoding="utf-8").read()
    assert set(re.findall(r'\.get\("(\w+)"\)', script)) == {"delay", "ping"}
    assert "dataset.sessionWebsocketUrl" in script and "dataset.fontSize" in script
    assert 'this.websocket_url+"?width="' in script, "the websocket URL gets a query appended"
