"""How the screens write small values: times, question numbers, exam names, list columns.

Shared by screens that do not import one another (a screen imports another only to open it).
正答率 is :func:`quizapp.progress.percent`: ``quizapp stats`` prints it too.
"""

from __future__ import annotations

from rich.text import Text

from quizapp.ui.widgets.jtext import plain

EXAM_NAMES = {"G": "G検定", "E": "E資格"}


def clock(seconds: float) -> str:
    """Minutes and seconds: 「12:05」."""
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def numbers(indexes: list[int]) -> str:
    """Question numbers for a message: 「3, 7, 12」, shortened after ten."""
    shown = ", ".join(str(i + 1) for i in indexes[:10])
    return shown + (f" ほか {len(indexes) - 10} 問" if len(indexes) > 10 else "")


def column(text: str, cells: int, style: str = "") -> Text:
    """A fixed-width column of a list row: the text cut to leave a space, then padded."""
    cell = plain(text, style, cells=cells - 1)
    cell.append(" " * (cells - cell.cell_len))
    return cell
