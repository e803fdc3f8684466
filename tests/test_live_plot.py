"""A live run's chart stays blank until the run's first values, and again after ``clear``."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual_plotext import PlotextPlot

from gkentei_vae.tui.live_plot import LivePlot

X = [1, 2, 3]
LINES = [([3.0, 2.0, 1.0], "D"), ([1.0, 2.0, 3.0], "G")]


class TwoCharts(App[None]):
    def compose(self) -> ComposeResult:
        with Horizontal():
            yield LivePlot("KL", "ステップ", id="live")
            yield PlotextPlot(id="plain")


def drawn(plot: PlotextPlot) -> list[tuple[str, str]]:
    """The chart's cells as (text, colour) pairs."""
    return [
        (segment.text, str(segment.style.color if segment.style else None))
        for strip in plot.render_lines(plot.region.reset_offset)
        for segment in strip
    ]


def line_colours(plot: PlotextPlot) -> set[str]:
    """The colours of the braille cells: the lines'."""
    return {c for t, c in drawn(plot) if any("\u2800" < char <= "\u28ff" for char in t)}


def text(plot: PlotextPlot) -> str:
    return "".join(t for t, _ in drawn(plot))


async def test_blank_until_shown_then_titled_with_its_lines_and_blank_after_clear() -> None:
    app = TwoCharts()
    async with app.run_test(size=(120, 16)) as pilot:
        live = app.query_one(LivePlot)
        await pilot.pause()
        assert not live.plotted and text(live).strip() == ""
        live.show(X, LINES)
        await pilot.pause()
        shown = text(live)
        assert live.plotted and "KL" in shown and "ステップ" in shown
        assert "D" in shown and "G" in shown  # the legend
        assert any("\u2800" < char <= "\u28ff" for char in shown)  # the lines, in braille
        live.clear()
        await pilot.pause()
        assert not live.plotted and text(live).strip() == ""


async def test_its_lines_have_the_colours_of_a_chart_drawn_in_the_app_theme() -> None:
    # A blank chart never renders through plotext, so the app's theme is set as it plots:
    # the lines get the theme's colours, as on a chart that was drawn before its data.
    app = TwoCharts()
    async with app.run_test(size=(120, 16)) as pilot:
        live, plain = app.query_one(LivePlot), app.query_one("#plain", PlotextPlot)
        plain.plt.title("KL")
        plain.plt.xlabel("ステップ")
        await pilot.pause()  # the plain chart renders, empty, in the app's theme
        for values, label in LINES:
            plain.plt.plot(X, values, marker="braille", label=label)
        plain.refresh()
        live.show(X, LINES)
        await pilot.pause()
        assert len(line_colours(live)) == 2  # one per line
        assert line_colours(live) == line_colours(plain)
