"""The command line, run as a user runs it: the installed console script, from another directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.cli import main

SCRIPT = Path(sys.executable).with_name("quizapp")


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_validate_shipped_bank_from_another_directory(tmp_path: Path) -> None:
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")
    assert "items" in result.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_validate_reports_errors_and_exits_1(tmp_path: Path) -> None:
    bank = tmp_path / "mybank"
    bank.mkdir()
    (bank / "mine.yaml").write_text("items:\n  - id: Bad Id\n    kind: trap\n", encoding="utf-8")
    result = run_cli("validate", str(bank), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{bank / 'mine.yaml'}:2: Bad Id: id:" in result.stdout


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
