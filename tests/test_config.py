"""Settings: defaults, TOML loading, clear errors naming file and field, atomic commented saves."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizapp.config import (
    SETTINGS,
    ConfigError,
    Settings,
    default_config_path,
    example_exam_date,
    help_text,
    load_settings,
    parse_date,
    render_settings,
    save_settings,
    settings_from_form,
)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "absent" / "config.toml")
    assert s == Settings()
    assert (s.desired_retention, s.new_per_day, s.exam_date, s.leech_threshold) == (
        0.9,
        20,
        None,
        8,
    )
    assert (s.mock_questions, s.daily_minutes, s.theme) == (40, 0, "dark")
    assert not (tmp_path / "absent").exists()


def test_a_file_from_before_the_exam_pace_setting_was_retired_still_loads(tmp_path: Path) -> None:
    """The mock exam takes each exam's own pace now; an old file's key is simply passed over."""
    path = tmp_path / "config.toml"
    path.write_text("mock_seconds_per_question = 37\nnew_per_day = 5\n", encoding="utf-8")
    assert load_settings(path) == Settings(new_per_day=5)


def test_loads_toml_with_a_date(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '# 受験日\nexam_date = 2025-11-08\ndesired_retention = 0.85\ntheme = "light"\n',
        encoding="utf-8",
    )
    s = load_settings(path)
    assert s.exam_date == date(2025, 11, 8)
    assert s.desired_retention == 0.85 and s.theme == "light"
    assert s.new_per_day == 20


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("desired_retention = 0.5\n", "desired_retention"),
        ("desired_retention = 1.0\n", "desired_retention"),
        ("new_per_day = -1\n", "new_per_day"),
        ('theme = "blue"\n', "theme"),
        ('exam_date = "来年"\n', "exam_date"),
        ('mock_questions = "forty"\n', "mock_questions"),
        ("desired_retension = 0.9\n", "desired_retension"),
    ],
)
def test_invalid_values_name_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message and field in message
    assert "Traceback" not in message
    assert info.value.__cause__ is None


@pytest.mark.parametrize("data", [b"exam_date = \n", b"[unclosed\n", b"\xff\xfe bad utf-8"])
def test_unparseable_file_names_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=str(path)):
        load_settings(path)
    assert path.read_bytes() == data


def test_default_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("QUIZAPP_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_config_path() == tmp_path / "cfg" / "quizapp" / "config.toml"
    assert load_settings() == Settings()
    custom = tmp_path / "mine.toml"
    custom.write_text("new_per_day = 5\n", encoding="utf-8")
    monkeypatch.setenv("QUIZAPP_CONFIG", str(custom))
    assert load_settings().new_per_day == 5


def test_saved_file_is_commented_toml(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    save_settings(Settings(exam_date=date(2026, 2, 20), theme="light"), path)
    text = path.read_text(encoding="utf-8")
    assert "# 目標とする記憶保持率" in text
    assert "exam_date = 2026-02-20\n" in text
    assert tomllib.loads(text)["theme"] == "light"
    save_settings(Settings(), path)
    text = path.read_text(encoding="utf-8")
    assert "exam_date" not in tomllib.loads(text)
    assert "# exam_date = " in text
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"], "no temp file left"


def test_save_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(new_per_day=7), path)
    before = path.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_settings(Settings(new_per_day=9), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    retention=st.floats(0.7, 0.99),
    new=st.integers(0, 1000),
    exam=st.none() | st.dates(date(2020, 1, 1), date(2099, 12, 31)),
    leech=st.integers(1, 100),
    mock=st.integers(1, 500),
    pace=st.integers(0, 600),
    theme=st.sampled_from(["dark", "light"]),
)
def test_save_then_load_round_trips(
    tmp_path: Path,
    retention: float,
    new: int,
    exam: date | None,
    leech: int,
    mock: int,
    pace: int,
    theme: str,
) -> None:
    original = Settings(
        desired_retention=retention,
        new_per_day=new,
        exam_date=exam,
        leech_threshold=leech,
        mock_questions=mock,
        daily_minutes=pace,
        theme=theme,  # type: ignore[arg-type]
    )
    path = save_settings(original, tmp_path / "config.toml")
    assert load_settings(path) == original


def test_settings_form_accepts_full_width_and_blank_exam_date() -> None:
    from quizapp.config import settings_from_form

    s = settings_from_form({"new_per_day": "１２", "exam_date": " ", "desired_retention": "0.85"})
    assert (s.new_per_day, s.exam_date, s.desired_retention) == (12, None, 0.85)


@given(st.dictionaries(st.sampled_from(sorted(f.name for f in SETTINGS)), st.text(max_size=30)))
def test_settings_form_only_raises_config_error(fields: dict[str, str]) -> None:
    from quizapp.config import settings_from_form

    try:
        settings_from_form(fields)
    except ConfigError as exc:
        assert str(exc)


# --- saving keeps what the user wrote ------------------------------------------------------

USER_FILE = """\
# my quizapp settings — tuned for the March exam
new_per_day = 40   # weekends only

desired_retention = 0.90 # keep high
theme = 'light'
exam_date = 2027-03-10  # 第2回
# leech_threshold = "my note: later"
"""


def _changed_line(before: str, after: str) -> str:
    """The one line of ``after`` that differs from ``before`` (every other line is kept as is)."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    [changed] = [b for a, b in zip(old, new, strict=True) if a != b]
    return changed


def test_saving_changes_only_the_changed_value(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    save_settings(replace(load_settings(path), new_per_day=25), path)
    text = path.read_text(encoding="utf-8")
    line = _changed_line(USER_FILE, text)
    # how tomlkit spaces the new value is its business; the value and the comment are ours
    assert tomllib.loads(line) == {"new_per_day": 25} and line.endswith("# weekends only")


def test_saving_unchanged_settings_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    save_settings(load_settings(path), path)
    assert path.read_text(encoding="utf-8") == USER_FILE
    assert path.stat().st_mtime_ns == stamp


def test_saving_keeps_comments_order_and_unknown_formatting(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    changed = replace(load_settings(path), theme="dark", desired_retention=0.85, mock_questions=60)
    save_settings(changed, path)
    text = path.read_text(encoding="utf-8")
    assert load_settings(path) == changed
    lines = text.splitlines()
    assert lines[0] == "# my quizapp settings — tuned for the March exam"
    assert "new_per_day = 40   # weekends only" in lines, "an unchanged line is kept byte for byte"
    [retention] = [line for line in lines if line.startswith("desired_retention")]
    assert tomllib.loads(retention)["desired_retention"] == 0.85
    assert retention.endswith("# keep high")
    assert "exam_date = 2027-03-10  # 第2回" in lines
    assert '# leech_threshold = "my note: later"' in lines, "a free-text comment stays"
    keys = [line.split("=")[0].strip() for line in lines if line and not line.startswith("#")]
    assert keys == ["new_per_day", "desired_retention", "theme", "exam_date", "mock_questions"]


def test_unsetting_the_exam_date_comments_it_out_and_setting_it_again_reuses_the_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    save_settings(replace(load_settings(path), exam_date=None), path)
    text = path.read_text(encoding="utf-8")
    assert "# exam_date = 2027-03-10  # 第2回\n" in text
    assert load_settings(path).exam_date is None
    save_settings(replace(load_settings(path), exam_date=date(2027, 7, 1)), path)
    text = path.read_text(encoding="utf-8")
    assert text.count("exam_date") == 1 and "exam_date = 2027-07-01\n" in text
    assert load_settings(path).exam_date == date(2027, 7, 1)


def test_setting_the_exam_date_in_a_saved_template_uses_its_example_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(), path)
    template = path.read_text(encoding="utf-8")
    save_settings(Settings(exam_date=date(2026, 11, 7)), path)
    text = path.read_text(encoding="utf-8")
    assert text.count("exam_date") == 1
    assert text.splitlines().index("exam_date = 2026-11-07") == next(
        n for n, line in enumerate(template.splitlines()) if line.startswith("# exam_date")
    )


def test_new_keys_go_above_the_first_table(tmp_path: Path) -> None:
    """Keys of ours after a table header would belong to that table."""
    path = tmp_path / "config.toml"
    path.write_text("new_per_day = 5\n\n[plugins]\nx = 1\n", encoding="utf-8")
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert doc["plugins"] == {"x": 1}
    save_settings(Settings(new_per_day=5, theme="light"), path)
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert saved == {"new_per_day": 5, "theme": "light", "plugins": {"x": 1}}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("new_per_day = 5\ntheme = \n", "2:9"),
        ('theme = "dark"\nnew_per_day = 5 6\n', "2:17"),
        ("new_per_day = 5\n[unclosed\n", "2:10"),
        ("new_per_day = [1,\n2,\n", "2"),
    ],
)
def test_syntax_error_names_file_and_line_and_is_never_overwritten(
    tmp_path: Path, text: str, line: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as loading:
        load_settings(path)
    assert str(loading.value).startswith(f"{path}:{line}: TOML")
    with pytest.raises(ConfigError) as saving:
        save_settings(Settings(theme="light"), path)
    assert str(saving.value).startswith(f"{path}:{line}: ") and "そのまま" in str(saving.value)
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_undecodable_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"theme = \xff\n")
    with pytest.raises(ConfigError, match=str(path)):
        save_settings(Settings(), path)
    assert path.read_bytes() == b"theme = \xff\n"


def test_saving_through_a_symlink_keeps_the_link_and_the_mode(tmp_path: Path) -> None:
    """A dotfiles manager links config.toml into a repository; the link must survive a save."""
    real = tmp_path / "dotfiles" / "quizapp.toml"
    real.parent.mkdir()
    real.write_text("theme = 'dark'\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert save_settings(Settings(theme="light"), link) == link
    assert link.is_symlink()
    text = real.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"theme": "light"}, "the value round-trips through the link"
    assert len(text.splitlines()) == 1, "the key was replaced, not added again"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["quizapp.toml"]


# --- settings files that used to crash ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mock_questions = " + "[" * 3000 + "]" * 3000 + "\n",
        "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
        "new_per_day = " + "9" * 5000 + "\n",
    ],
    ids=["nested-array", "nested-table", "5000-digits"],
)
def test_a_value_tomllib_cannot_read_is_a_clear_error_and_the_file_is_kept(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^{re.escape(str(path))}: TOML として読めません"):
        load_settings(path)
    with pytest.raises(ConfigError, match="保存せずにファイルはそのままにしました"):
        save_settings(Settings(theme="light"), path)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_an_exam_date_out_of_range_names_the_file_and_key_in_japanese(
    tmp_path: Path, day: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"exam_date = {day}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 設定が正しくありません: exam_date: ")
    assert re.search(r"20(00-01-01 以上|99-12-31 以下)にしてください（値: " + day + "）$", message)


def test_a_file_with_a_utf8_bom_loads_and_saves(tmp_path: Path) -> None:
    """Notepad on Windows starts UTF-8 files with a BOM."""
    path = tmp_path / "config.toml"
    path.write_text("\ufefftheme = 'light'\nnew_per_day = 7\n", encoding="utf-8")
    assert (load_settings(path).theme, load_settings(path).new_per_day) == ("light", 7)
    save_settings(Settings(theme="light", new_per_day=9), path)
    assert load_settings(path) == Settings(theme="light", new_per_day=9)


@pytest.mark.parametrize("key", ["new_per_day", "leech_threshold", "mock_questions"])
def test_a_boolean_is_no_number(tmp_path: Path, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"{key} = true\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value).endswith(f"{key}: 整数にしてください（値: true）")


toml_values = st.recursive(
    st.one_of(
        st.sampled_from(["true", "false"]),
        st.integers().map(str),
        st.integers(4000, 6000).map(lambda n: "1" * n),
        st.floats(allow_nan=True).map(
            lambda f: {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(f), repr(f))
        ),
        st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
        st.sampled_from(["1979-05-27T07:32:00Z", "07:32:00", "0x1F", "'dark'", '"light"']),
        st.text(max_size=10).map(json.dumps),
    ),
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda v: "[" + ", ".join(v) + "]")
        | st.lists(inner, max_size=3).map(
            lambda v: "{" + ", ".join(f"k{n} = {x}" for n, x in enumerate(v)) + "}"
        )
    ),
    max_leaves=5,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from([f.name for f in SETTINGS] + ["unknown"]),
    value=toml_values,
    depth=st.sampled_from([0, 0, 0, 2000]),
)
@example(key="exam_date", value="0001-01-01", depth=0)
@example(key="mock_questions", value="1", depth=2000)
def test_any_toml_value_gives_settings_the_scheduler_can_use_or_a_config_error(
    tmp_path: Path, key: str, value: str, depth: int
) -> None:
    from datetime import UTC, datetime

    from quizapp.scheduler import SrsScheduler

    path = tmp_path / "config.toml"
    path.write_text(f"{key} = {'[' * depth}{value}{']' * depth}\n", encoding="utf-8")
    try:
        loaded = load_settings(path)
    except ConfigError as exc:
        assert str(exc).startswith(str(path))
        return
    scheduler = SrsScheduler.from_settings(loaded, fuzz=False)
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    scheduler.review(None, 3, now)
    scheduler.below_target_on([], loaded.exam_date or now)


@settings(deadline=None)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    form=st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]),
    wide=st.booleans(),
)
def test_parse_date_reads_every_japanese_form(day: date, form: str, wide: bool) -> None:
    text = form.format(y=day.year, m=day.month, d=day.day)
    if wide:  # full-width digits and separators, as an IME types them
        text = text.translate(str.maketrans("0123456789/.-", "０１２３４５６７８９／．－"))
    assert parse_date(text) == day
    assert settings_from_form({"exam_date": f" {text} "}).exam_date == day


@given(st.text(max_size=30))
@example("2027/2/30")
@example("2027年13月1日")
@example("27/1/10")
def test_parse_date_never_raises_and_refuses_what_is_no_day(text: str) -> None:
    found = parse_date(text)
    assert found is None or isinstance(found, date)


def test_an_impossible_date_in_the_form_is_explained_in_japanese() -> None:
    with pytest.raises(ConfigError, match="受験日: 2027-01-10、2027/1/10"):
        settings_from_form({"exam_date": "2027/2/30"})


def test_the_exam_date_example_is_ahead_of_today() -> None:
    today = date(2031, 5, 1)
    assert example_exam_date(today) > today
    assert example_exam_date(today).isoformat() in help_text("exam_date", today)
    assert "{example}" not in render_settings(Settings())


ENGLISH = re.compile(r"[A-Za-z]{3,}")
BAD_FORM_VALUES = ["0", "-1", "abc", "1e400", "nan", "inf", "1.5", "", "9" * 40, "true", "dark?"]
BAD_FILE_VALUES = [
    "0",
    "-1",
    '"abc"',
    "inf",
    "nan",
    "1.5",
    "true",
    "2027-01-10",
    "10:00:00",
    "2027-01-10T10:00:00",
    "[1]",
    "{a=1}",
    "1e300",
    "99999999999999999999",
]


def _problems(message: str) -> str:
    """A message without what it quotes (the typed value, the key, the allowed values)."""
    message = re.sub(r"（(入力|値): .*?）|「[^」]*」", "", message)
    for info in SETTINGS:
        message = message.replace(info.name, "")
    return message


@pytest.mark.parametrize("value", BAD_FORM_VALUES)
def test_the_form_explains_every_bad_value_in_japanese(value: str) -> None:
    for info in SETTINGS:
        try:
            settings_from_form({info.name: value})
        except ConfigError as exc:
            assert not ENGLISH.search(_problems(str(exc))), str(exc)


@pytest.mark.parametrize("value", BAD_FILE_VALUES)
def test_the_file_explains_every_bad_value_in_japanese(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    for info in SETTINGS:
        path.write_text(f"{info.name} = {value}\n", encoding="utf-8")
        try:
            load_settings(path)
        except ConfigError as exc:
            message = str(exc).removeprefix(f"{path}: ")
            assert not ENGLISH.search(_problems(message)), message
            assert "datetime." not in message


def test_the_theme_may_be_typed_in_japanese() -> None:
    assert settings_from_form({"theme": "ライト"}).theme == "light"
    assert settings_from_form({"theme": "ダーク"}).theme == "dark"
