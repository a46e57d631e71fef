"""The question screen's status bar: one line that never wraps."""

from __future__ import annotations

from rich.cells import cell_len

from quizapp.ui.widgets.jtext import clip

SEPARATOR = " │ "


def status_line(parts: list[str], width: int, flexible: int) -> str:
    """Join ``parts`` with │ in ``width`` cells by shortening ``parts[flexible]`` (the topic title)
    with "…": a wrapped status bar would hide what follows it, such as the mock exam's clock."""
    parts = list(parts)
    line = SEPARATOR.join(p for p in parts if p)
    excess = cell_len(line) - width
    if excess <= 0 or not parts[flexible]:
        return line
    parts[flexible] = clip(parts[flexible], cell_len(parts[flexible]) - excess)
    return SEPARATOR.join(p for p in parts if p)
