"""A live run's chart stays blank until the run's first values, and again after ``clear``."""

from __future__ import annotations

from textual.app import App, ComposeResult

from gkentei_vae.tui.live_plot import LivePlot


class OneChart(App[None]):
    def compose(self) -> ComposeResult:
        yield LivePlot("KL", "ステップ", id="chart")


def chart_text(plot: LivePlot) -> str:
    return "".join(strip.text for strip in plot.render_lines(plot.region.reset_offset))


async def test_blank_until_shown_then_titled_with_its_lines_and_blank_after_clear() -> None:
    app = OneChart()
    async with app.run_test(size=(60, 16)) as pilot:
        plot = app.query_one(LivePlot)
        await pilot.pause()
        assert not plot.plotted and chart_text(plot).strip() == ""
        plot.show([1, 2, 3], [([3.0, 2.0, 1.0], "D"), ([1.0, 2.0, 3.0], "G")])
        await pilot.pause()
        drawn = chart_text(plot)
        assert plot.plotted and "KL" in drawn and "ステップ" in drawn
        assert "D" in drawn and "G" in drawn  # the legend
        assert any("\u2800" < char <= "\u28ff" for char in drawn)  # the lines, in braille
        plot.clear()
        await pilot.pause()
        assert not plot.plotted and chart_text(plot).strip() == ""
