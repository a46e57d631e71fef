"""The two themes a user can pick in the settings, mapped to Textual's built-in themes."""

THEMES = {"dark": "textual-dark", "light": "textual-light"}
