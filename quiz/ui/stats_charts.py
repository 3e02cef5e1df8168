"""Stats' charts, whose pictures are built off the UI thread.

plotext lays a chart out while it builds the picture, and textual-plotext builds it in
``render``, on the UI thread: on Stats that held the screen for a tenth of a second a
chart. ``BuiltPlot`` is textual-plotext's widget with one addition: its picture may be
built by a thread worker (``build``, the widget's own ``render``) and handed back
(``keep``); it is shown for as long as the chart keeps the size and theme it was built
for, and built on the UI thread again, as usual, after a resize. While a worker builds
it the widget shows its last picture, so the two threads never build one chart at once;
until its figure is first set (``figured``) it shows nothing.

This module imports textual-plotext: only the Stats worker imports it, off the UI thread.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual_plotext import PlotextPlot

PictureFit = tuple[int, int, str]  # the width, height and app theme a picture was built for


class BuiltPlot(PlotextPlot):
    """A plotext chart whose picture a worker may build (see the module docstring)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.building = False  # a worker is building the picture: leave the figure alone
        self.figured = False  # the figure has been set: until then there is nothing to draw
        self.built: tuple[PictureFit, RenderableType] | None = None

    def fit(self) -> PictureFit:
        return (self.size.width, self.size.height, self.app.theme)

    def build(self) -> tuple[PictureFit, RenderableType]:
        """The picture for the chart's size and theme now (on any thread, while ``building``)."""
        fit = self.fit()
        return fit, PlotextPlot.render(self)

    def keep(self, fit: PictureFit, picture: RenderableType) -> None:
        """Show ``picture`` (built by ``build``) while the chart keeps its fit."""
        self.built = (fit, picture)
        self.building = False
        self.refresh()

    def render(self) -> RenderableType:
        if self.built is not None and (self.building or self.built[0] == self.fit()):
            return self.built[1]
        if self.building or not self.figured:
            return Text()
        return super().render()
