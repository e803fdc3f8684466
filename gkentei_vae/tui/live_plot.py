"""A live run's line chart (plotext), blank until the run's first values arrive."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import RenderResult
from textual_plotext import PlotextPlot


class LivePlot(PlotextPlot):
    """A chart of a live run (kl-training, gan-training): titled, and drawn from ``show``.

    Until the first ``show`` it renders nothing: plotext builds a chart in ~6 ms, and an
    empty one drawn while the demo's first record is on its way was rebuilt as soon as it
    came (issue 19: the first frame with data waited for both).
    """

    def __init__(self, title: str, xlabel: str, *, id: str) -> None:
        super().__init__(id=id)
        self.plt.title(title)
        self.plt.xlabel(xlabel)
        self.plotted = False
        """Whether the current run has values on this chart yet."""

    def clear(self) -> None:
        """Back to a blank chart, for a run that starts again."""
        self.plt.clear_data()
        self.plotted = False
        self.refresh()

    def show(self, x: Sequence[float], lines: Sequence[tuple[Sequence[float], str | None]]) -> None:
        """Draw each of ``lines`` (values, legend label or None) against ``x``, replacing the last."""
        self.plt.clear_data()
        # The colours of the lines come from the theme in force when they are plotted: the
        # app's, which PlotextPlot sets only as it renders (and a blank chart never has).
        self.plt.theme(self._get_plotext_theme_name(self.app.theme))
        for values, label in lines:
            self.plt.plot(x, values, marker="braille", label=label)
        self.plotted = True
        self.refresh()

    def render(self) -> RenderResult:
        return super().render() if self.plotted else ""
