"""The command line, run as a user runs it: the installed console script, from another directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.cli import main

SCRIPT = Path(sys.executable).with_name("quizapp")


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command with exactly ``env`` (the ``cli_env`` fixture: nothing of the user's)."""
    return subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_validate_shipped_bank_from_another_directory(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    result = run_cli("validate", cwd=tmp_path, env=cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")
    assert "items" in result.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_validate_reports_errors_and_exits_1(tmp_path: Path, cli_env: dict[str, str]) -> None:
    bank = tmp_path / "mybank"
    bank.mkdir()
    (bank / "mine.yaml").write_text("items:\n  - id: Bad Id\n    kind: trap\n", encoding="utf-8")
    result = run_cli("validate", str(bank), cwd=tmp_path, env=cli_env)
    assert result.returncode == 1
    assert f"{bank / 'mine.yaml'}:2: Bad Id: id:" in result.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_the_suite_never_loads_the_users_bank(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A user bank in QUIZAPP_BANK (its code options would run under validate), database and
    settings, set when the suite is started, do not reach the commands the tests run."""
    bank = tmp_path / "userbank"
    bank.mkdir()
    (bank / "mine.yaml").write_text("items:\n  - id: Bad Id\n    kind: trap\n", encoding="utf-8")
    env = {
        **cli_env,
        "QUIZAPP_BANK": str(bank),
        "QUIZAPP_DB": str(tmp_path / "user.db"),
        "QUIZAPP_CONFIG": str(tmp_path / "user.toml"),
    }
    test = f"{Path(__file__).name}::test_validate_shipped_bank_from_another_directory"
    inner = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--basetemp", tmp_path / "inner"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *map(str, inner), test],
        cwd=Path(__file__).parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert not (tmp_path / "user.db").exists()


def test_version_matches_the_installed_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"quizapp {version('quizapp')}"


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "items" in schema["properties"]


def test_gen_list_and_problems(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gen", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "conv_output_size" in listing
    assert main(["gen", "conv_output_size", "-n", "2", "--seed", "7", "--answers"]) == 0
    first = capsys.readouterr().out
    assert first.count("seed ") == 2 and "答え:" in first
    main(["gen", "conv_output_size", "-n", "2", "--seed", "7", "--answers"])
    assert capsys.readouterr().out == first


def test_gen_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gen", "nope"]) == 2
    assert "unknown generator" in capsys.readouterr().err


APP_FROM_ARGV = """
import gc, sys
from quizapp.cli import app_from_argv
app = app_from_argv(sys.argv[1:])
print(app.start, app.context.store.path, app.context.config_path, gc.get_freeze_count() > 0)
try:
    app_from_argv(["stats"])
except ValueError as exc:
    print("refused:", exc)
"""


def test_the_app_is_built_as_the_command_builds_it(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """app_from_argv (used by the start-up benchmark) takes the command's flags and environment,
    and freezes what start-up loaded out of the cyclic GC; in a child process, as it does that
    for good."""
    env = {**cli_env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    db, config = tmp_path / "p.db", tmp_path / "c.toml"
    args = ["review", "--db", str(db), "--config", str(config)]
    result = subprocess.run(
        [sys.executable, "-c", APP_FROM_ARGV, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    start, db_path, config_path, frozen, *refusal = result.stdout.split()
    assert (start, db_path, config_path, frozen) == ("review", str(db), str(config), "True")
    assert refusal[0] == "refused:"
    assert list((tmp_path / "cache" / "quizapp" / "bank").glob("bank*.marshal"))


@pytest.mark.parametrize("n", ["0", "-2", "two"])
def test_gen_refuses_a_count_below_one(n: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["gen", "conv_output_size", "-n", n])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "-n" in captured.err and n in captured.err


def test_validate_an_empty_directory_says_it_holds_no_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZAPP_BANK", raising=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["validate", str(empty)]) == 1
    captured = capsys.readouterr()
    assert "ok" not in captured.out
    assert f"no items in {empty}" in captured.err


def test_validate_counts_the_cards_home_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bank of the UI tests has 5 items and 5 cards; a second item framing the same
    generator is a sixth item but no sixth card, and validate says so."""
    bank = tmp_path / "bank"
    shutil.copytree(Path(__file__).parent / "ui" / "bank", bank)
    assert main(["validate", str(bank)]) == 0
    assert capsys.readouterr().out.strip().endswith("; 5 cards")
    items = bank / "items.yaml"
    text = items.read_text(encoding="utf-8")
    twin = text[text.index("  - id: g-conv-size") :].replace("g-conv-size", "g-conv-size-2")
    items.write_text(text + twin, encoding="utf-8")
    assert main(["validate", str(bank)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 6 items")
    assert "5 cards (a generator framed by several items is one card: 1 fewer)" in out


def test_export_anki_adds_the_apkg_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("QUIZAPP_DB", "QUIZAPP_BANK", "QUIZAPP_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    ui_bank = Path(__file__).parent / "ui" / "bank"
    monkeypatch.setattr("quizapp.paths.shipped_bank_dir", lambda: ui_bank)
    db = tmp_path / "p.db"
    assert main(["export", "--anki", str(tmp_path / "deck"), "--db", str(db)]) == 0
    assert (tmp_path / "deck.apkg").is_file() and not (tmp_path / "deck").exists()
    assert f"written to {tmp_path / 'deck.apkg'}" in capsys.readouterr().out
    assert main(["export", "--anki", str(tmp_path / "mine.APKG"), "--db", str(db)]) == 0
    assert (tmp_path / "mine.APKG").is_file()
