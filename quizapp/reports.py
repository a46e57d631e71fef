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
from quizapp.coverage import coverage
from quizapp.safetext import visible
from quizapp.scheduler import SrsScheduler
from quizapp.session import utc_now
from quizapp.store import Store, StoreError
from solvers.generators import REGISTRY


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def stats_text(
    *, db_path: Path, bank_dirs: Sequence[Path], config_path: Path, now: datetime | None = None
) -> str:
    """The report as text. Raises StoreError / ConfigError with a clear message."""
    now = now or utc_now()
    settings = load_settings(config_path)
    scheduler = SrsScheduler.from_settings(settings, fuzz=False)
    bank = load_bank(bank_dirs, generators=REGISTRY)
    with Store.open(db_path, create=False) as store:
        view = progress.overview(bank, REGISTRY, store, scheduler, now)
        forecast = progress.due_forecast(store, now, 8)
        retention = progress.retention(store)
        note = store.note
    pct = progress.percent
    lines = [
        *([note, ""] if note else []),
        f"復習の予定: 今日 {forecast[0][1]} 枚 / 明日 {forecast[1][1]} 枚 / "
        f"7日以内 {sum(n for _, n in forecast[:7])} 枚",
        f"解答 {view.answers} 回、正答率 {pct(view.accuracy)}、復習時の再生率（retention） {pct(retention)}",
        f"学習済みカード {view.seen_cards}/{view.total_cards}",
    ]
    if (exam := progress.exam_countdown(view)) is not None:
        lines.append(exam)
    lines.append("")
    lines.append("トピック別の正答率:")
    rows = [t for t in view.topics if t.answers] or view.topics
    # a title is bank text: escaped before it is measured, so the columns line up as printed
    titled = [(visible(t.title, newlines=False), t) for t in rows]
    width = max((_width(title) for title, _ in titled), default=0) + 2
    for title, t in sorted(titled, key=lambda r: (r[1].accuracy is None, r[1].accuracy or 0.0)):
        lines.append(
            f"  {_pad(title, width)}{pct(t.accuracy):>5}  ({t.correct_answers}/{t.answers})"
        )
    return "\n".join(lines)


def print_stats(*, db_path: Path, bank_dirs: Sequence[Path], config_path: Path) -> int:
    if not db_path.exists():
        _say(f"まだ記録がありません（{db_path}）。quizapp で演習を始めましょう。")
        return 0
    try:
        print(stats_text(db_path=db_path, bank_dirs=bank_dirs, config_path=config_path))
    except (StoreError, ConfigError) as exc:
        _say(f"quizapp stats: {exc}", err=True)
        return 1
    return 0


def _say(message: str, *, err: bool = False) -> None:
    """One message as one line: a path or an error may carry control characters."""
    print(visible(message, newlines=False), file=sys.stderr if err else sys.stdout)


def coverage_text(
    *,
    bank_dirs: Sequence[Path],
    exam: str | None,
    db_path: Path | None = None,
    config_path: Path | None = None,
    now: datetime | None = None,
) -> str:
    """Per syllabus item: items by kind, generators, keywords no item mentions yet, and, with a
    log, cards seen, accuracy and predicted recall now. Raises StoreError / ConfigError."""
    bank = load_bank(bank_dirs, generators=REGISTRY)
    if bank.syllabus is None:
        return "この問題集にはシラバス（syllabus.yaml）がありません。"
    counts: dict[str, tuple[int, int]] = {}
    recall: dict[str, float] = {}
    if db_path is not None and db_path.exists():
        now = now or utc_now()
        settings = load_settings(config_path) if config_path is not None else None
        scheduler = SrsScheduler.from_settings(settings, fuzz=False) if settings else SrsScheduler()
        with Store.open(db_path, create=False) as store:
            counts = store.answer_counts_by_card()
            recall = scheduler.recall_at(store.all_cards(), now)
    pct = progress.percent
    lines = []
    for exam_id, spec in bank.syllabus.exams.items():
        if exam is not None and exam_id != exam:
            continue
        rows = coverage(bank, exam_id)
        examined = [r for r in rows if r.item.examined]
        covered = [r for r in examined if r.covered]
        lines.append(
            f"{spec.name}（{spec.syllabus}）: 出題範囲 {len(examined)} 項目中 {len(covered)} 項目に問題あり"
            f"、キーワード {sum(len(r.item.keywords) - len(r.missing) for r in examined)}"
            f"/{sum(len(r.item.keywords) for r in examined)} を出題"
        )
        lines.append(
            _row(
                "ID", "項目", ["択一", "正誤", "穴埋", "計算"], "未出KW", "既習", "正答率", "想起率"
            )
        )
        for r in rows:
            learner = r.learner(counts, recall)
            title = visible(r.item.title, newlines=False)
            kinds = [r.kinds.get("choice", 0) + r.kinds.get("code", 0)]
            kinds += [r.kinds.get(k, 0) for k in ("trap", "fill", "generated")]
            lines.append(
                _row(
                    r.item.id,
                    _clip(title, 18),
                    [str(n) for n in kinds],
                    f"{len(r.missing)}/{len(r.item.keywords)}",
                    f"{learner.seen}/{len(r.cards)}",
                    pct(learner.accuracy),
                    pct(learner.recall),
                )
                + ("" if r.item.examined else " 対象外")
            )
            details = []
            if r.kinds.get("code"):
                details.append(f"うちコード {r.kinds['code']}")
            if r.generators:
                details.append("計算: " + ", ".join(r.generators))
            if r.oldest_as_of is not None:
                details.append(f"最も古い as_of {r.oldest_as_of}")
            if details:
                lines.append("         " + "／".join(details))
            if r.missing:
                lines.append("         未出: " + visible("、".join(r.missing), newlines=False))
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, with … where it was cut."""
    if _width(text) <= width:
        return text
    out = ""
    for char in text:
        if _width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def _rjust(text: str, width: int) -> str:
    return " " * max(width - _width(text), 0) + text


def _row(
    sid: str, title: str, kinds: list[str], missing: str, seen: str, acc: str, rec: str
) -> str:
    """One line of the coverage table, 80 columns at most."""
    return (
        f"  {_pad(sid, 6)} {_pad(title, 18)}"
        + "".join(_rjust(k, 5) for k in kinds)
        + f" {_rjust(missing, 7)} {_rjust(seen, 7)} {_rjust(acc, 6)} {_rjust(rec, 6)}"
    )


def print_coverage(
    *, bank_dirs: Sequence[Path], exam: str | None, db_path: Path, config_path: Path
) -> int:
    try:
        print(
            coverage_text(bank_dirs=bank_dirs, exam=exam, db_path=db_path, config_path=config_path)
        )
    except (StoreError, ConfigError) as exc:
        _say(f"quizapp coverage: {exc}", err=True)
        return 1
    return 0
