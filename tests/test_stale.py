"""法改正に注意: items whose law or guideline was last checked long ago are listed for a re-check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from quizapp.bank import load_bank
from quizapp.coverage import stale_items
from quizapp.paths import shipped_bank_dir

TOPICS = "topics:\n  - {id: privacy, title: 個人情報, area: 法律, syllabus: [G-L01]}\n"


def item(item_id: str, as_of: str) -> str:
    return f"""\
  - id: {item_id}
    kind: trap
    exams: [G]
    topic: privacy
    difficulty: 1
    prompt: 文。
    truth: true
    confused_with: 別の文
    explanation: 説明。
    source: {{ref: "個人情報保護法"}}
    as_of: {as_of}
"""


def law_bank(root: Path) -> Path:
    root.mkdir()
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    shutil.copy(shipped_bank_dir() / "syllabus.yaml", root / "syllabus.yaml")
    items = item("old-rule", "2019-05-01") + item("new-rule", "2026-06-01")
    items += item("older-rule", "2018-01-10")
    (root / "g-law").mkdir()
    (root / "g-law" / "privacy.yaml").write_text("items:\n" + items, encoding="utf-8")
    return root


def test_stale_items_are_the_ones_checked_before_the_cutoff_oldest_first(tmp_path: Path) -> None:
    bank = load_bank([law_bank(tmp_path / "bank")])
    assert not bank.errors
    found = stale_items(bank, date(2026, 12, 3), 2)
    assert [(s.item.id, s.as_of) for s in found] == [
        ("older-rule", date(2018, 1, 10)),
        ("old-rule", date(2019, 5, 1)),
    ]
    assert stale_items(bank, date(2026, 12, 3), 10) == []
    assert len(stale_items(bank, date(2026, 12, 3), 0)) == 3


def test_validate_stale_lists_them_with_path_and_line(tmp_path: Path) -> None:
    root = law_bank(tmp_path / "bank")
    run = subprocess.run(
        [sys.executable, "-m", "quizapp", "validate", str(root), "--stale", "3"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert (
        lines[0]
        == f"{root / 'g-law' / 'privacy.yaml'}:24: older-rule: as_of 2018-01-10 (個人情報保護法)"
    )
    assert lines[1].startswith(f"{root / 'g-law' / 'privacy.yaml'}:2: old-rule: as_of 2019-05-01")
    assert lines[-1].startswith("ok:")
    assert "2 item(s)" in run.stderr


def test_validate_stale_refuses_a_word(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "quizapp", "validate", "--stale", "two"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 2 and "not a number of years" in run.stderr
