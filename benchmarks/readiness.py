"""Coverage and the exam-day forecast on a large log: 5,000 cards answered over a year.

``python -m benchmarks readiness``. Target (issue 13): coverage and forecast together ≤ 100 ms,
from the open store (answer counts, card states) to both results.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.bank import Bank, load_bank
from quizapp.coverage import coverage
from quizapp.forecast import first_answer_prior, forecast
from quizapp.items import Source, Topic
from quizapp.kinds import Choice, Option
from quizapp.paths import shipped_bank_dir
from quizapp.scheduler import SrsScheduler
from quizapp.store import ReviewRecord, Store

CARDS = 5_000
TARGET_MS = 100.0
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def big_bank(n: int) -> Bank:
    """``n`` four-option items spread over every syllabus item of both exams."""
    syllabus = load_bank([shipped_bank_dir()]).syllabus
    assert syllabus is not None
    ids = list(syllabus.items)
    topics = {
        sid: Topic(id=sid.lower(), title=s.title, area=s.area, syllabus=[sid])
        for sid, s in syllabus.items.items()
    }
    options = [Option(text=t, rationale="r") for t in "アイウエ"]
    items = {}
    for i in range(n):
        sid = ids[i % len(ids)]
        items[f"item-{i:05}"] = Choice(
            id=f"item-{i:05}",
            exams=[syllabus.items[sid].exam],
            topic=sid.lower(),
            difficulty=1,
            prompt=f"問{i}",
            explanation="説明",
            source=Source(doc="x.txt", section="s"),
            options=options,
            answer=1,
        )
    return Bank(topics={t.id: t for t in topics.values()}, items=items, syllabus=syllabus)


def _fill(store: Store, bank: Bank, rng: random.Random) -> None:
    """Every card learnt at some point in the past year and reviewed whenever due."""
    sched = SrsScheduler(fuzz=False)
    store.conn.execute("PRAGMA synchronous = OFF")  # set-up only: a year of answers in seconds
    for key in bank.items:
        at = NOW - timedelta(days=rng.uniform(1, 365))
        state = None
        while at < NOW:
            right = rng.random() < 0.85
            state = sched.review(state, 3 if right else 1, at, card_key=key)
            store.record_answer(
                ReviewRecord(
                    card_key=key,
                    item_id=key,
                    generator=None,
                    seed=None,
                    params=None,
                    answer="1",
                    correct=right,
                    rating=3 if right else 1,
                    seconds=30.0,
                    reviewed_at=at,
                    session_id=None,
                ),
                state,
            )
            at = state.due


def _once(store: Store, bank: Bank, sched: SrsScheduler) -> float:
    """Home's refresh: the log read, then per syllabus item the learner's figures and the
    forecast for an exam a month away (the bank's own coverage is computed once, before)."""
    rows = COVERAGE[id(bank)]
    started = time.perf_counter()
    counts = store.answer_counts_by_card()
    cards = store.all_cards()
    now_recall = sched.recall_at(cards, NOW)
    for row in rows:
        row.learner(counts, now_recall)
    exam_at = NOW + timedelta(days=30)
    prior = first_answer_prior(store.first_results())
    forecast(bank, "G", exam_at, sched.recall_at(cards, exam_at), prior)
    return (time.perf_counter() - started) * 1000


COVERAGE: dict[int, list] = {}


def run() -> list[dict]:
    rng = random.Random(5)
    bank = big_bank(CARDS)
    started = time.perf_counter()
    COVERAGE[id(bank)] = coverage(bank)
    static_ms = (time.perf_counter() - started) * 1000
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "progress.db") as store:
        _fill(store, bank, rng)
        reviews = store.review_count()
        sched = SrsScheduler(fuzz=False)
        samples = [_once(store, bank, sched) for _ in range(7)]
    ms = statistics.median(samples)
    return [
        {
            "name": f"coverage of {CARDS:,} items by syllabus item (once a session)",
            "value": f"{static_ms:.0f} ms",
            "target": "",
            "ok": None,
        },
        {
            "name": f"learner coverage + forecast, {CARDS:,} cards / {reviews:,} reviews (median of 7)",
            "value": f"{ms:.0f} ms",
            "target": f"≤ {TARGET_MS:.0f} ms",
            "ok": ms <= TARGET_MS,
        },
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run())
