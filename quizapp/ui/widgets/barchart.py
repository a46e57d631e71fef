"""A small labelled vertical bar chart (reviews per day, due forecast)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

BLOCKS = " ▁▂▃▄▅▆▇█"


def render_bars(
    values: Sequence[int], labels: Sequence[str], height: int = 5, width: int = 3
) -> Text:
    """Bars of ``height`` rows in eighth-blocks, the values above and the labels below."""
    top = max(values, default=0)
    text = Text()
    text.append(
        "".join(f"{v:>{width}}"[-width:] if v else " " * width for v in values) + "\n", style="dim"
    )
    for row in range(height, 0, -1):
        line = []
        for v in values:
            eighths = round(v / top * height * 8) if top else 0
            filled = min(max(eighths - (row - 1) * 8, 0), 8)
            line.append((BLOCKS[filled] * (width - 1)).ljust(width))
        text.append("".join(line) + "\n", style="bold")
    text.append("".join(f"{label:<{width}}"[:width] for label in labels))
    return text


class BarChart(Static):
    DEFAULT_CSS = """
    BarChart {
        height: auto;
        padding: 0 1;
        color: $accent;
    }
    """

    def plot(self, values: Sequence[int], labels: Sequence[str], height: int = 5) -> None:
        self.update(render_bars(values, labels, height=height))
