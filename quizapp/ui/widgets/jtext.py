"""Line wrapping for Japanese: Rich breaks only at spaces, so a long run of kana and kanji after
a short English word ("GAP はチャネルごとに…") is pushed to its own line. This renderable breaks
between any two wide characters, keeps ASCII words whole, and keeps closing punctuation off the
start of a line (kinsoku)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style, StyleType
from rich.text import Text

_TOKEN = re.compile(r"[A-Za-z0-9_.,:;!?'\"()\[\]{}+\-*/=<>%^&|@#$~`\\]+|[ \t]+|.")
_NO_LINE_START = set("、。，．,.)）」』】〕！？!?ー・：；:;…〜")


def wrap_line(line: str, width: int) -> Iterator[str]:
    """Greedy wrap of one paragraph to ``width`` cells."""
    width = max(width, 2)
    current, used = "", 0
    for token in _TOKEN.findall(line):
        size = cell_len(token)
        if token.isspace():
            if used and used + size <= width:
                current, used = current + token, used + size
            elif used:
                yield current.rstrip()
                current, used = "", 0
            continue
        if used + size <= width:
            current, used = current + token, used + size
            continue
        if token in _NO_LINE_START and current:
            # hang the punctuation on the previous line by moving its last character down
            carry = current[-1]
            yield current[:-1].rstrip()
            current, used = carry + token, cell_len(carry + token)
            continue
        if used:
            yield current.rstrip()
            current, used = "", 0
        while size > width:
            cut, taken = "", 0
            for ch in token:
                if taken + cell_len(ch) > width:
                    break
                cut, taken = cut + ch, taken + cell_len(ch)
            yield cut
            token = token[len(cut) :]
            size = cell_len(token)
        current, used = token, size
    yield current.rstrip()


class JText:
    """A paragraph (or several, split on newlines) of Japanese text in one style."""

    def __init__(self, text: str, style: StyleType = "") -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = [
            wrapped
            for paragraph in self.text.split("\n")
            for wrapped in wrap_line(paragraph, options.max_width)
        ]
        style = console.get_style(self.style) if isinstance(self.style, str) else self.style
        yield Text("\n".join(lines), style=style or Style(), no_wrap=True, overflow="crop")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(p) for p in self.text.split("\n")), default=0)
        return Measurement(min(8, longest), min(longest, options.max_width))
