"""The readiness panel on home (computed in a worker after the first paint) and setting the
exam date from home, through the real app on a real store."""

from __future__ import annotations

from datetime import timedelta

from gkentei_vae.banks import Bank
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.study.settings import EXAM_DATE_KEY
from gkentei_vae.study.store import Store
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.launch import home_app
from gkentei_vae.tui.readiness import COMPUTING, ExamDateScreen, ReadinessPanel
from tests.conftest import JST, SATURDAY, SIZE, Clock, srs_for, widget_text


async def _computed(pilot, panel: ReadinessPanel, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if panel.computed >= count:
            return
        await pilot.pause(0.05)
    raise AssertionError("the forecast never came")


async def test_home_panel_says_how_to_set_a_date_then_shows_the_forecast(store: Store) -> None:
    banks: list[Bank] = load_default_banks()
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        panel = home.query_one(ReadinessPanel)
        await _computed(pilot, panel, 1)
        assert "試験日が未設定" in widget_text(home, "#readiness")

        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, ExamDateScreen)
        await pilot.press(*"2025-13-01", "enter")  # not a date: said, nothing saved
        assert isinstance(app.screen, ExamDateScreen)
        assert "存在しない日付" in widget_text(dialog, "#date-error")
        assert store.get_setting(EXAM_DATE_KEY) is None
        field = dialog.query_one("#date-input")
        field.value = ""  # type: ignore[attr-defined]
        exam_day = (SATURDAY.astimezone(JST) + timedelta(days=30)).date()
        await pilot.press(*exam_day.isoformat(), "enter")
        await pilot.pause()
        assert app.screen is home
        assert store.get_setting(EXAM_DATE_KEY) == exam_day.isoformat()  # as `config set`
        await _computed(pilot, panel, 2)
        text = widget_text(home, "#readiness")
        assert "試験日の予測" in text and "80% 区間" in text and "あと 30 日" in text
        assert "新しい問題" in text and "分" in text  # the pace
        assert "大半" in text  # a fresh record: mostly the prior
        assert panel.forecast is not None and panel.forecast.seen == 0

        await pilot.press("t")
        await pilot.press("escape")  # cancelled: unchanged
        assert store.get_setting(EXAM_DATE_KEY) == exam_day.isoformat()


async def test_home_is_drawn_before_the_forecast_is_computed(store: Store) -> None:
    banks: list[Bank] = load_default_banks()
    store.set_setting(EXAM_DATE_KEY, "2025-06-01")
    app = home_app(store, banks, clock=Clock(SATURDAY), srs=srs_for(store), seed=1)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        panel = home.query_one(ReadinessPanel)
        # The first paint carries the placeholder (or, on a fast machine, the result already);
        # either way the rest of home is there.
        first = widget_text(home, "#readiness")
        assert COMPUTING in first or "試験日の予測" in first
        assert "今日" in widget_text(home, "#today")
        await _computed(pilot, panel, 1)
        assert "試験日の予測" in widget_text(home, "#readiness")
