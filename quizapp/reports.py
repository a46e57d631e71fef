"""``quizapp stats``: the day's numbers in plain text, for a terminal or a script."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from quizapp import progress
from quizapp.bank import load_bank
from quizapp.config import ConfigError, load_settings
from quizapp.scheduler import SrsScheduler
from quizapp.session import utc_now
from quizapp.store import Store, StoreError


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def stats_text(
    *, db_path: Path, bank_dirs: Sequence[Path], config_path: Path, now: datetime | None = None
) -> str:
    """The report as text. Raises StoreError / ConfigError with a clear message."""
    from solvers.generators import REGISTRY

    now = now or utc_now()
    settings = load_settings(config_path)
    scheduler = SrsScheduler.from_settings(settings, fuzz=False)
    bank = load_bank(bank_dirs, generators=REGISTRY)
    with Store.open(db_path, create=False) as store:
        view = progress.overview(bank, REGISTRY, store, scheduler, now)
        forecast = progress.due_forecast(store, now, 8)
        retention = progress.retention(store)
        note = store.note
    pct = lambda v: "—" if v is None else f"{v:.0%}"  # noqa: E731
    lines = [
        *([note, ""] if note else []),
        f"復習の予定: 今日 {forecast[0][1]} 枚 / 明日 {forecast[1][1]} 枚 / "
        f"7日以内 {sum(n for _, n in forecast[:7])} 枚",
        f"解答 {view.answers} 回、正答率 {pct(view.accuracy)}、復習時の再生率（retention） {pct(retention)}",
        f"学習済みカード {view.seen_cards}/{view.total_cards}",
    ]
    if view.days_to_exam is not None:
        lines.append(
            f"試験まで {view.days_to_exam} 日: 試験日に目標保持率を下回るカード {view.below_target_on_exam} 枚"
        )
    lines.append("")
    lines.append("トピック別の正答率:")
    rows = [t for t in view.topics if t.answers] or view.topics
    width = max((_width(t.title) for t in rows), default=0) + 2
    for t in sorted(rows, key=lambda t: (t.accuracy is None, t.accuracy or 0.0)):
        lines.append(
            f"  {_pad(t.title, width)}{pct(t.accuracy):>5}  ({t.correct_answers}/{t.answers})"
        )
    return "\n".join(lines)


def print_stats(*, db_path: Path, bank_dirs: Sequence[Path], config_path: Path) -> int:
    if not db_path.exists():
        print(f"まだ記録がありません（{db_path}）。quizapp で演習を始めましょう。")
        return 0
    try:
        print(stats_text(db_path=db_path, bank_dirs=bank_dirs, config_path=config_path))
    except (StoreError, ConfigError) as exc:
        print(f"quizapp stats: {exc}", file=sys.stderr)
        return 1
    return 0
