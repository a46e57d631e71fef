"""Fixtures for the TUI tests: a small fixed bank, a fixed clock and seed, a temporary database."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from quizapp.paths import shipped_bank_dir
from quizapp.ui.app import QuizApp, make_app

BANK = Path(__file__).parent / "bank"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_factory(tmp_path: Path) -> Callable[..., QuizApp]:
    """Builds the real app on temporary paths; the same db across calls (for resume tests)."""
    clock_value = [NOW]

    def factory(start: str = "home", config: str | None = None) -> QuizApp:
        config_path = tmp_path / "config.toml"
        if config is not None:
            config_path.write_text(config, encoding="utf-8")
        return make_app(
            db_path=tmp_path / "progress.db",
            bank_dirs=[BANK],
            config_path=config_path,
            start=start,
            clock=lambda: clock_value[0],
            seed=7,
            fuzz=False,
        )

    factory.clock = clock_value  # type: ignore[attr-defined]
    return factory


def rendered(widget: Widget) -> str:
    """The characters a widget sends to the terminal, line after line."""
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


def screen_chars(pilot: Pilot) -> str:
    """Every character the current screen's widgets put on the terminal (toasts too, when the
    test runs with ``notifications=True``)."""
    return "\n".join(rendered(w) for w in pilot.app.screen.query("*") if w.display)


def flat(widget: Widget) -> str:
    """A widget's text as shown, without any white space (a wrapped line loses the space it was
    broken at): compare with :func:`unspaced` text."""
    return unspaced(rendered(widget))


def unspaced(text: str) -> str:
    return "".join(text.split())


TOPICS = {
    # topic id: (syllabus id, area folder)
    "history": ("G-T02", "g-ai-definition"),
    "evaluation": ("G-T10", "g-ml"),
    "activations": ("G-T12", "g-dl-overview"),
    "privacy": ("G-L01", "g-law"),
}


def choice(item_id: str, topic: str, n: int) -> str:
    law = topic == "privacy"
    source = (
        'source: {ref: "個人情報保護法"}\n    as_of: 2026-12-01'
        if law
        else ('source: {ref: "テスト用"}')
    )
    return f"""\
  - id: {item_id}
    kind: choice
    exams: [G]
    topic: {topic}
    difficulty: 1
    prompt: {topic} の問題 {n}。正しいものを選べ。
    options:
      - {{text: 正解{n}, rationale: 正しい}}
      - {{text: 誤り{n}a, rationale: 別のもの}}
      - {{text: 誤り{n}b, rationale: 別のもの}}
      - {{text: 誤り{n}c, rationale: 別のもの}}
    answer: 1
    explanation: 説明 {n}。
    {source}
"""


@pytest.fixture
def exam_app(tmp_path: Path) -> Callable[..., QuizApp]:
    """The app on a bank with the shipped syllabus and six four-option items per topic."""
    bank = tmp_path / "bank"
    bank.mkdir()
    shutil.copy(shipped_bank_dir() / "syllabus.yaml", bank / "syllabus.yaml")
    lines = ["topics:"]
    for topic, (sid, folder) in TOPICS.items():
        lines.append(f"  - {{id: {topic}, title: {topic}, area: x, syllabus: [{sid}]}}")
        (bank / folder).mkdir()
        items = "".join(choice(f"{topic}-{n}", topic, n) for n in range(6))
        (bank / folder / f"{topic}.yaml").write_text("items:\n" + items, encoding="utf-8")
    (bank / "topics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def factory(questions: int = 8) -> QuizApp:
        config = tmp_path / "config.toml"
        config.write_text(f"mock_questions = {questions}\n", encoding="utf-8")
        return make_app(
            db_path=tmp_path / "progress.db",
            bank_dirs=[bank],
            config_path=config,
            clock=lambda: NOW,
            seed=3,
            fuzz=False,
        )

    return factory
