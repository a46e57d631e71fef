"""Text from a bank, a config file or the learner, made safe to put on a terminal.

A bank is data from anyone: an escape sequence in a prompt (OSC 52 writes the clipboard, OSC 0 the
window title, CSI 2J clears the screen) must reach the terminal as visible text, never as a command.
Rich markup is the UI's business (``rich.markup.escape``); this module knows nothing of Textual.
"""

from __future__ import annotations

import unicodedata

_KEEP = frozenset("\n\t")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control character (C0, DEL, C1) shown as a ``\\xNN`` escape.

    Newlines and tabs stay unless ``newlines`` is false (a one-line CLI message, an id).
    """
    if text.isprintable():
        return text
    keep = _KEEP if newlines else frozenset()
    return "".join(
        _escape(c) if unicodedata.category(c) == "Cc" and c not in keep else c for c in text
    )


def strip_format(text: str) -> str:
    """``text`` without invisible format characters (Unicode category Cf: ZWSP, LRM, BOM, …).

    A right answer pasted with a zero-width space or a bidi mark must still be right.
    """
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")
