"""User settings: a small TOML file in the user config dir, validated by pydantic.

A missing file means the defaults. A file that cannot be used raises :class:`ConfigError` naming the
file and the field, never a traceback, and is never overwritten behind the user's back.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any, Literal

from quizapp import paths
from quizapp.dates import DATE_FORMS, example_exam_date, parse_date
from quizapp.files import replace_file
from quizapp.safetext import visible


class ConfigError(Exception):
    """The settings file is unreadable or invalid; the message names the file and the field."""


def _about(title: str, help: str, **limits: Any) -> dict[str, Any]:
    """A setting's metadata: its Japanese title and help for the form and the file, and the limits
    (pydantic ``Field`` keywords such as ``ge``) its value must keep."""
    return {"title": title, "help": help, "limits": limits}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """quizapp's settings: a plain dataclass. Only a settings file or the form needs validating
    (:func:`load_settings`, :func:`settings_from_form`), so a start without a file imports no
    pydantic."""

    desired_retention: float = field(
        default=0.9,
        metadata=_about(
            "目標保持率",
            "目標とする記憶保持率（0.7〜0.99）。高いほど復習の間隔が短くなります。",
            ge=0.7,
            le=0.99,
        ),
    )
    new_per_day: int = field(
        default=20,
        metadata=_about("1日の新規カード数", "1日に新しく学ぶカードの上限。", ge=0, le=1000),
    )
    exam_date: date | None = field(
        default=None,
        metadata=_about(
            "受験日",
            "受験日（例: {example}）。設定すると、すべてのカードの復習期限が試験前日までになります。",
            ge=date(2000, 1, 1),
            le=date(2099, 12, 31),
        ),
    )
    leech_threshold: int = field(
        default=8,
        metadata=_about(
            "リーチとする失敗回数",
            "この回数だけ忘れたカードを「苦手カード（リーチ）」として印を付けます。",
            ge=1,
            le=100,
        ),
    )
    mock_questions: int = field(
        default=40, metadata=_about("模擬試験の問題数", "模擬試験の問題数。", ge=1, le=500)
    )
    daily_minutes: int = field(
        default=0,
        metadata=_about(
            "1日の学習時間（分）",
            "受験日までの学習計画で、1日に使える時間（分）。0 は指定なし。",
            ge=0,
            le=600,
        ),
    )
    theme: Literal["dark", "light"] = field(
        default="dark", metadata=_about("テーマ", "画面のテーマ（dark または light）。")
    )
    drill_introduces_cards: bool = field(
        default=False,
        metadata=_about(
            "演習で新規カードを始める",
            "true にすると、トピック別演習・計算問題・模擬試験などで初めて解いたカードも復習の予定"
            "に入り、その日の新規カード数に数えます。false（既定）なら演習で解いても新規のまま"
            "で、復習で初めて出たときに数えます。",
        ),
    )


RETIRED = frozenset({"mock_seconds_per_question"})
"""Keys older versions wrote that no longer mean anything (the mock exam keeps each exam's own
pace): a file that still has one loads as if it did not."""

SETTINGS = fields(Settings)
"""Every setting, in the order of the form and the file; ``metadata`` holds title and help."""


def help_text(name: str, today: date | None = None) -> str:
    """A setting's help, its example date counted from ``today`` (default: the local date)."""
    (info,) = [f for f in SETTINGS if f.name == name]
    return info.metadata["help"].replace("{example}", example_exam_date(today).isoformat())


@cache
def _validator() -> Any:
    """A pydantic model with the fields of :class:`Settings` and their limits, built on first
    use. Unknown keys are errors: a typo should not be silently ignored."""
    from pydantic import ConfigDict, Field, create_model

    return create_model(
        "Settings",
        __config__=ConfigDict(extra="forbid"),
        __module__=__name__,
        **{f.name: (f.type, Field(f.default, **f.metadata["limits"])) for f in SETTINGS},
    )


def _validate(data: Any, *, strict: bool = False) -> Settings:
    """Raises pydantic's ValidationError. ``strict``: each value must already have its field's
    type (a file's TOML values do; ``true`` is then no number), as against the form's text."""
    return Settings(**dict(_validator().model_validate(data, strict=strict)))


def default_config_path() -> Path:
    """``QUIZAPP_CONFIG`` if set, else ``config.toml`` in the user config dir (XDG_CONFIG_HOME)."""
    return paths.config_path(None)


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; the defaults when it does not exist.

    Raises:
        ConfigError: unreadable file, bad TOML, an unknown key or a value out of range.
    """
    path = default_config_path() if path is None else Path(path)
    try:
        text = _read(path)
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: 設定ファイルを読めません ({exc})") from exc
    data = _parse(path, text)
    for key in RETIRED & data.keys():
        del data[key]
    from pydantic import ValidationError

    try:
        return _validate(data, strict=True)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(f"{path}: 設定が正しくありません: {problems}") from None


MAX_BYTES = 64 * 1024
"""A settings file is a handful of lines; anything bigger is not one."""


def _read(path: Path) -> str:
    """The file's text; a UTF-8 BOM (some Windows editors write one) is dropped.

    Raises:
        OSError, UnicodeDecodeError: as reading does; an OSError also when the file is bigger
            than :data:`MAX_BYTES`.
    """
    with path.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise OSError(f"{MAX_BYTES // 1024} KB を超えています")
    return raw.decode("utf-8-sig")


def _parse(path: Path, text: str, *, saving: bool = False) -> dict[str, Any]:
    """The TOML document. Raises ConfigError naming the file (and the line when TOML says it)."""
    import tomllib  # only when there is a file: most starts have none

    kept = "。保存せずにファイルはそのままにしました" if saving else ""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, exc, saving=saving) from None
    except RecursionError:
        reason = "値の入れ子が深すぎます"
    except ValueError:  # an integer too long for Python to read (over 4300 digits)
        reason = "桁数の多すぎる数値があります"
    raise ConfigError(f"{path}: TOML として読めません（{reason}）{kept}")


def settings_from_form(fields: dict[str, str]) -> Settings:
    """Settings from the text a user typed in the app's settings form.

    Full-width digits are accepted and an empty exam date means "not set".

    Raises:
        ConfigError: every invalid field, named by its Japanese title.
    """
    data: dict[str, Any] = {}
    for name, raw in fields.items():
        text = unicodedata.normalize("NFKC", raw).strip()
        if name == "exam_date":
            data[name] = (parse_date(text) or text) if text else None
        elif name == "theme":
            data[name] = THEME_NAMES.get(text, text)
        else:
            data[name] = text
    from pydantic import ValidationError

    titles = {f.name: f.metadata["title"] for f in SETTINGS}
    try:
        return _validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            title = titles.get(name, name)
            problems.append(f"{title}: {_japanese(error)}（入力: {error.get('input')!r}）")
        raise ConfigError("\n".join(problems)) from None


THEME_NAMES = {"ダーク": "dark", "ライト": "light"}
"""The theme as the form also takes it, in Japanese."""


def _limit(error: Any) -> str | None:
    """A range or choice problem in Japanese, the same for the form and the file."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("less_than_equal", "less_than"):
        return f"{ctx.get('le', ctx.get('lt'))} 以下にしてください"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{ctx.get('ge', ctx.get('gt'))} 以上にしてください"
    if kind == "literal_error":
        choices = [f"「{v}」" for v in re.findall(r"'([^']*)'", str(ctx.get("expected", "")))]
        return (
            f"{'か'.join(choices)}にしてください" if choices else "決まった値のどれかにしてください"
        )
    if kind == "finite_number":
        return "有限の数にしてください"
    return None


def _japanese(error: Any) -> str:
    """A pydantic error in the words of the form; never pydantic's English."""
    kind = error["type"]
    if (limit := _limit(error)) is not None:
        return limit
    if kind.startswith("bool"):
        return "「true」か「false」で入力してください"
    if kind.startswith("int_"):
        return "整数で入力してください"
    if kind.startswith("float_"):
        return "数値で入力してください"
    if kind.startswith("date"):
        return f"{DATE_FORMS} のような日付で入力してください（空欄で未設定）"
    return "この値は使えません"


def _describe(error: Any) -> str:
    """One problem of a settings file, in the file's words (the key, TOML values)."""
    where = visible(".".join(str(part) for part in error["loc"]), newlines=False)
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{where or '(ファイル全体)'}: 不明な設定項目です"
    if (limit := _limit(error)) is not None:
        problem = limit
    elif kind.startswith("bool"):
        problem = "「true」か「false」にしてください"
    elif kind.startswith("int_"):
        problem = "整数にしてください"
    elif kind.startswith("float_"):
        problem = "数値にしてください"
    elif kind.startswith("date"):
        example = example_exam_date().isoformat()
        problem = f"日付は引用符なしで {example} のように（年-月-日）書いてください"
    else:
        problem = "この値は使えません"
    return f"{where or '(ファイル全体)'}: {problem}（値: {_shown(error.get('input'))}）"


def _shown(value: Any) -> str:
    """A value as the file wrote it (``true``, ``2025-11-08``, ``"text"``), kept short."""
    if isinstance(value, dict | list):
        return "表" if isinstance(value, dict) else "配列"
    try:
        text = _toml_value(value)
    except TypeError:
        text = repr(value)
    return visible(text if len(text) <= 60 else text[:60] + "…", newlines=False)


def render_settings(settings: Settings) -> str:
    """The settings as a commented TOML document (one flat key per setting)."""
    lines = ["# quizapp の設定ファイル。コメント（#）の行は読み飛ばされます。", ""]
    for info in SETTINGS:
        name, value = info.name, getattr(settings, info.name)
        for comment in help_text(name).splitlines():
            lines.append(f"# {comment}")
        if value is None:
            lines.append(f"# {name} = {_toml_example(name)}")
        else:
            lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Save the settings, keeping what the user wrote: only values that differ from the file's
    are changed, so comments, key order, formatting and keys unknown to quizapp stay as they are.
    A new file gets the commented template (:func:`render_settings`).

    The file is replaced atomically (a temporary file in the same directory, then ``os.replace``),
    through a symlink to its target, with the old file's permissions.

    Returns:
        The path written.

    Raises:
        ConfigError: the existing file cannot be read or is not valid TOML; it is left as it is and
            the message names the file and the line.
        OSError: the file cannot be written.
    """
    path = default_config_path() if path is None else Path(path)
    target = path.resolve()
    try:
        text: str | None = _read(target)
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: 設定ファイルを読めないので、保存せずにそのままにしました（{exc}）"
        ) from exc
    new = render_settings(settings) if text is None else _updated(path, text, settings)
    if new != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, lambda fh: fh.write(new))
    return path


def _updated(path: Path, text: str, settings: Settings) -> str:
    """``text`` with the settings that differ from it changed in place (tomlkit keeps the rest)."""
    import tomlkit

    current = _parse(path, text, saving=True)
    for info in SETTINGS:
        name, value = info.name, getattr(settings, info.name)
        if name not in current and value is not None and value != info.default:
            text = _swap_top_level_line(
                text, _commented_setting(name), f"{name} = {tomlkit.item(value).as_string()}"
            )
        elif name in current and value is None:
            text = _swap_top_level_line(text, rf"{name}[ \t]*=.*", f"# {name} = {{line}}")
    doc = tomlkit.parse(text)
    for info in SETTINGS:
        name, value = info.name, getattr(settings, info.name)
        if name in doc:
            if value is None:
                del doc[name]
            elif doc[name] != value:
                doc[name] = value
        elif value is not None and value != info.default:
            doc[name] = value
    return doc.as_string()


def _swap_top_level_line(text: str, pattern: str, replacement: str) -> str:
    """Replace the first whole line matching ``pattern`` above the first table (where top-level
    keys live) by ``replacement`` (``{line}``: the old line's value part). This turns the
    template's ``# name = example`` into the setting and an unset setting back into a comment,
    where the user expects them."""
    found = re.search(rf"^{pattern}$", text, flags=re.MULTILINE)
    if found is None or re.search(r"^\s*\[", text[: found.start()], flags=re.MULTILINE):
        return text
    line = found.group(0).split("=", 1)[1].strip()
    return f"{text[: found.start()]}{replacement.replace('{line}', line)}{text[found.end() :]}"


def _commented_setting(name: str) -> str:
    """A pattern for ``# name = value`` whose value is a TOML date, number or string (a setting
    switched off), not a free-text comment that happens to start with the name."""
    value = r"(\d{4}-\d{2}-\d{2}|[-+]?[\d.]+|\"[^\"]*\"|'[^']*')"
    return rf"#[ \t]*{name}[ \t]*=[ \t]*{value}[ \t]*(#.*)?"


_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


def _syntax_error(path: Path, text: str, exc: ValueError, *, saving: bool = False) -> ConfigError:
    """``path:line:column: reason``, the form editors and terminals jump to."""
    reason = str(exc)
    where = _WHERE.search(reason)
    if where is not None:
        reason = reason[: where.start()]
    if where is not None and where.group(1):
        place = f"{where.group(1)}:{where.group(2)}"
    else:
        place = str(max(len(text.splitlines()), 1))
    kept = "。保存せずにファイルはそのままにしました" if saving else ""
    return ConfigError(f"{path}:{place}: TOML の書式が正しくありません（{reason}）{kept}")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date | time):
        return value.isoformat() if isinstance(value, date | time) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"no TOML form for {value!r}")


def _toml_example(name: str) -> str:
    return example_exam_date().isoformat() if name == "exam_date" else '""'
