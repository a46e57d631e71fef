"""The two themes a user can pick in the settings, mapped to Textual's built-in themes, and the
tones (right, wrong, warning) that sheets and Rich renderables take from the current theme."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style

THEMES = {"dark": "textual-dark", "light": "textual-light"}

TONE_VARIABLES = {"ok": "success", "ng": "error", "warn": "warning"}
"""Our CSS variables ($ok, $ng, $warn) and the theme variables they stand for."""


@dataclass(frozen=True)
class Tones:
    """The theme's colours for what Rich text marks as right, wrong or to heed: Rich reads no
    CSS variables, so a renderable is built with these."""

    ok: Style
    ng: Style
    warn: Style

    @classmethod
    def of(cls, variables: Mapping[str, str]) -> Tones:
        """The tones of a theme, from its CSS variables (``App.theme_variables``)."""
        return cls(**{tone: Style(color=variables[tone]) for tone in TONE_VARIABLES})


def tone_variables(variables: Mapping[str, str]) -> dict[str, str]:
    """$ok, $ng and $warn for a theme's variables."""
    return {tone: variables[name] for tone, name in TONE_VARIABLES.items()}
