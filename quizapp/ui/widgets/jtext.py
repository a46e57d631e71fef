"""Line wrapping for Japanese: Rich breaks only at spaces, so a long run of kana and kanji after
a short English word ("GAP はチャネルごとに…") is pushed to its own line. This renderable breaks
between any two wide characters, keeps words of narrow characters whole (English, numbers and
formulas such as "Σwᵢxᵢ" or "7×7"), and keeps closing punctuation off the start of a line
(kinsoku).

Bank, config and learner text reaches the screen through :class:`JText` or :func:`plain`: neither
reads Rich markup, and both show control characters as escapes (an OSC 52 in a prompt must not
write the clipboard)."""

from __future__ import annotations

from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style, StyleType
from rich.text import Text

from quizapp.safetext import visible

_NO_LINE_START = set(
    "、。，．,.)）」』】〕！？!?ー・：；:;…〜ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
"""Characters a Japanese line must not start with: closing punctuation, the long-vowel mark and
small kana (ウ|ォームアップ reads as two words)."""
_NO_LINE_END = set("（「『【〔(［")
"""Opening brackets: a line must not end with one."""


def _tokens(line: str) -> Iterator[str]:
    """Runs of spaces, runs of other one-cell characters (words), and single wide characters."""
    start, previous = 0, -1
    for at, ch in enumerate(line):
        kind = _kind(ch)
        if at and (kind != previous or kind == 2):
            yield line[start:at]
            start = at
        previous = kind
    if line:
        yield line[start:]


def _kind(ch: str) -> int:
    """0: space, 1: part of a word, 2: a wide character (a token by itself)."""
    if ch in " \t":
        return 0
    return 2 if cell_len(ch) > 1 else 1


def wrap_line(line: str, width: int, hang: int = 0) -> list[str]:
    """Greedy wrap of one paragraph to ``width`` cells; lines after the first are ``hang`` cells
    narrower and start with that many spaces (for a numbered option's text). A line is cut only
    between tokens (a word longer than the line excepted), and never just before closing
    punctuation when the token before it can move down with it."""
    width = max(width, 2)
    hang = min(max(hang, 0), width - 2)
    out: list[str] = []
    current: list[str] = []
    used = 0

    def room() -> int:
        return width - hang if out else width

    def end_line(text: str) -> None:
        out.append(f"{' ' * hang}{text}" if out else text)

    for token in _tokens(line):
        size = cell_len(token)
        if token.isspace():
            # spaces are kept inside a line and at the paragraph's start (its indent), and
            # dropped where a line breaks
            if (used or not out) and used + size <= room():
                current.append(token)
                used += size
            elif used:
                end_line("".join(current).rstrip())
                current, used = [], 0
            continue
        if used + size <= room():
            current.append(token)
            used += size
            continue
        if token in _NO_LINE_START:
            carried = _carry(current, width - hang - size)
            if carried:
                end_line("".join(current[:-carried]).rstrip())
                current = [*current[-carried:], token]
                used = sum(map(cell_len, current))
                continue
        if len(current) > 1 and current[-1] in _NO_LINE_END:
            # an opening bracket goes down with what it opens
            opener = current.pop()
            end_line("".join(current).rstrip())
            current, used = [opener], cell_len(opener)
            if used + size <= room():
                current.append(token)
                used += size
                continue
        if used:
            end_line("".join(current).rstrip())
            current, used = [], 0
        while size > room():
            cut, taken = "", 0
            for ch in token:
                if taken + cell_len(ch) > room():
                    break
                cut, taken = cut + ch, taken + cell_len(ch)
            end_line(cut)
            token = token[len(cut) :]
            size = cell_len(token)
        current, used = [token], size
    if current or not out:  # not after a break made by trailing spaces
        end_line("".join(current).rstrip())
    return out


def _carry(tokens: list[str], room: int) -> int:
    """How many tokens from the end of a line to move down with closing punctuation: the last
    one, with any closing punctuation before it and any opening bracket before that, if they fit
    in ``room`` and something stays."""
    taken, size, found = 0, 0, False
    for token in reversed(tokens):
        if token.isspace() or (found and token not in _NO_LINE_END):
            break
        if size + cell_len(token) > room or taken + 1 == len(tokens):
            break
        taken, size = taken + 1, size + cell_len(token)
        found = found or token not in _NO_LINE_START
    stays = tokens[: len(tokens) - taken]
    if not found or all(t in _NO_LINE_END or t.isspace() for t in stays):
        return 0  # nothing to carry, or only an opening bracket would stay behind
    return taken


def clip(text: str, cells: int) -> str:
    """Shorten to at most ``cells`` terminal cells (wide characters count two), ending with …;
    "" when not even one character and the … fit."""
    if cell_len(text) <= cells:
        return text
    used = end = 0
    while used + cell_len(text[end]) <= cells - 1:  # stops inside text: all of it is too wide
        used += cell_len(text[end])
        end += 1
    out = text[:end]
    return f"{out.rstrip()}…" if out else ""


def clip_left(text: str, cells: int) -> str:
    """Shorten to at most ``cells`` cells by dropping the start, after a …: the end of a path
    (its file name) is the part to keep."""
    return clip(text[::-1], cells)[::-1]


def plain(text: str, style: StyleType = "", *, cells: int | None = None) -> Text:
    """One line of text from a bank, a config file or the learner, as it is: no markup read,
    control characters (newlines too) shown as escapes; cut to ``cells`` with :func:`clip`."""
    line = visible(text, newlines=False)
    return Text(line if cells is None else clip(line, cells), style=style)


class JText:
    """A paragraph (or several, split on newlines) of Japanese text in one style; ``hang``
    indents the continuation lines of each paragraph. Control characters other than newlines and
    tabs show as escapes."""

    def __init__(self, text: str, style: StyleType = "", *, hang: int = 0) -> None:
        self.text = visible(text)
        self.style = style
        self.hang = hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = [
            wrapped
            for paragraph in self.text.split("\n")
            for wrapped in wrap_line(paragraph, options.max_width, self.hang)
        ]
        style = console.get_style(self.style) if isinstance(self.style, str) else self.style
        yield Text("\n".join(lines), style=style or Style(), no_wrap=True, overflow="crop")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(p) for p in self.text.split("\n")), default=0)
        return Measurement(min(8, longest), min(longest, options.max_width))
