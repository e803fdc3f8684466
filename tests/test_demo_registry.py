"""Every registered demo has all its parts, and docs/design.md says how to add one."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import get_args, get_type_hints, is_typeddict

import pytest

from gkentei_vae.demo_registry import DEMOS, Demo, resolve
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.tui.demo_base import LiveDemoScreen
from tests.conftest import REPO
from tests.replay import RECORDED

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("demo", list(DEMOS.values()), ids=list(DEMOS))
def test_every_demo_has_its_computation_view_png_title_and_a_question(demo: Demo) -> None:
    assert JAPANESE.search(demo.title), "a Japanese title"
    assert JAPANESE.search(demo.shows), "what the learner sees, in Japanese"

    compute = resolve(demo.compute)
    assert compute.__module__.startswith("gkentei_vae.demos."), "computed in the demos layer"
    params = list(inspect.signature(compute).parameters.values())
    assert params[0].name == "seed" and params[0].default == 0
    assert all(p.default is not inspect.Parameter.empty for p in params), "keyword defaults"
    assert inspect.isgeneratorfunction(compute) == demo.streams
    assert set(demo.png_args) <= {p.name for p in params}

    view = resolve(demo.view)
    if demo.streams:
        assert inspect.isclass(view) and issubclass(view, LiveDemoScreen)
    else:
        assert inspect.isfunction(view) and view.__module__ == "gkentei_vae.tui.demo_views"
        assert list(inspect.signature(view).parameters) == ["data", "columns"]

    png = resolve(demo.png)
    assert png.__module__.startswith("gkentei_vae.demos."), "drawn without Textual"

    # One TypedDict is what compute returns and what the view and the PNG read (mypy checks
    # the uses; this checks they all name it), and the demo snapshot replays a recording of it.
    data = resolve(demo.data)
    assert is_typeddict(data) and demo.data.startswith("gkentei_vae.demo_data:")
    returned = get_type_hints(compute)["return"]
    assert returned == (Iterator[data] if demo.streams else data)
    if demo.streams:
        assert data in get_args(view.__orig_bases__[0]), "LiveDemoScreen[its record type]"
    else:
        assert get_type_hints(view)["data"] == data
    assert next(iter(get_type_hints(png).values())) == (list[data] if demo.streams else data)
    assert (RECORDED / f"{demo.id}.json").is_file() and (RECORDED / f"{demo.id}.npz").is_file()

    questions = [q.id for b in load_default_banks() for q in b.questions if q.demo == demo.id]
    assert questions, f"no bundled question opens {demo.id}"


def test_the_design_doc_checklist_names_what_this_test_checks() -> None:
    design = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    checklist = design[design.index("### 6.3 Adding a demo") :]
    for place in (
        "gkentei_vae/demo_registry.py",
        "`title`",
        "`shows`",
        "`streams`",
        "`compute`",
        "gkentei_vae/demos/",
        "seed: int = 0",
        "`view`",
        "tui/demo_views.py",
        "LiveDemoScreen",
        "`png`",
        "`data`",
        "gkentei_vae/demo_data.py",
        "scripts/record_demos.py",
        "`demo: ID`",
        "tests/test_demo_registry.py",
    ):
        assert place in checklist, f"docs/design.md §6.3 no longer mentions {place}"
    for field in ("id", "title", "shows", "compute", "view", "png", "data", "streams", "redraw"):
        assert field in Demo.__dataclass_fields__


def test_the_one_shot_screen_is_the_demo_screen() -> None:
    from gkentei_vae.demo_registry import ONE_SHOT_SCREEN
    from gkentei_vae.tui.demo_screen import DemoScreen

    assert resolve(ONE_SHOT_SCREEN) is DemoScreen
