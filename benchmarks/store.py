"""Store latency: recording one answer on a database of 100,000 reviews; building a review queue.

``python -m benchmarks.store`` prints the rows.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from quizapp.scheduler import SrsScheduler
from quizapp.store import CardState, ReviewRecord, Store, utc_iso

HISTORY = 100_000
ANSWERS = 1_000
CARDS = 500
RECORD_P99_MS = 5.0
QUEUE_MS = 20.0
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _cards(sched: SrsScheduler, rng: random.Random) -> list[CardState]:
    """CARDS cards learnt over the past months by a learner who stopped reviewing each card at some
    point in the last 120 days (so most are due at NOW, with a spread of retrievabilities)."""
    states = []
    for i in range(CARDS):
        stopped = NOW - timedelta(days=rng.uniform(0, 120))
        at = stopped - timedelta(days=rng.uniform(10, 200))
        state = sched.review(None, 3, at, card_key=f"item-{i:04}")
        while state.due <= stopped:
            at = state.due
            state = sched.review(state, sched.grade(rng.random() < 0.85, 10, 20), at)
        states.append(state)
    return states


def _fill(store: Store, states: list[CardState], rng: random.Random) -> int:
    """Bulk-insert HISTORY reviews and the cards (far faster than one transaction per answer)."""
    session = store.start_session(mode="review", now=NOW - timedelta(days=365))
    start = NOW - timedelta(days=365)
    rows = (
        (
            f"item-{i % CARDS:04}",
            f"item-{i % CARDS:04}",
            rng.choice(["16", "ReLU", "2", "○"]),
            int(rng.random() < 0.8),
            rng.randint(1, 3),
            rng.uniform(3, 90),
            utc_iso(start + timedelta(seconds=i * 300)),
            session,
        )
        for i in range(HISTORY)
    )
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO reviews (card_key, item_id, answer, correct, rating, seconds, reviewed_at,"
            " session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    for state in states:
        store.save_card(state, now=start)
    return session


def _time_answers(path: Path, synchronous: Literal["NORMAL", "FULL"]) -> list[float]:
    rng = random.Random(2)
    sched = SrsScheduler(fuzz=True, seed=2)
    with Store.open(path, synchronous=synchronous) as store:
        session = store.start_session(mode="review", now=NOW)
        cards = {c.card_key: c for c in store.all_cards()}
        keys = sorted(cards)
        samples = []
        for n in range(ANSWERS):
            key = rng.choice(keys)
            now = NOW + timedelta(seconds=20 * n)
            correct = rng.random() < 0.8
            rating = sched.grade(correct, 15, 20)
            state = sched.review(cards[key], rating, now)
            review = ReviewRecord(
                key, key, None, None, None, "16", correct, int(rating), 15.0, now, session
            )
            started = time.perf_counter()
            store.record_answer(review, state)
            samples.append((time.perf_counter() - started) * 1000)
            cards[key] = state
    return samples


def _best_ms(fn: Callable[[], object], repeats: int = 20) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def run() -> list[dict]:
    rng = random.Random(1)
    sched = SrsScheduler(fuzz=False)
    states = _cards(sched, rng)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "progress.db"
        with Store.open(path) as store:
            started = time.perf_counter()
            _fill(store, states, rng)
            fill_s = time.perf_counter() - started
            total = store.review_count()
        rows.append(
            {
                "name": f"store: bulk insert {HISTORY:,} reviews + {CARDS} cards",
                "value": f"{fill_s:.2f} s ({total:,} rows)",
                "target": "",
                "ok": None,
            }
        )
        open_ms = _best_ms(lambda: Store.open(path).close(), repeats=5)
        rows.append(
            {
                "name": f"store: open with {HISTORY:,} reviews (incl. PRAGMA quick_check)",
                "value": f"{open_ms:.0f} ms (best of 5)",
                "target": "",
                "ok": None,
            }
        )
        with Store.open(path) as store:
            due = len(store.due_cards(NOW))
            for label, fetch in (
                ("due_cards", lambda: store.due_cards(NOW)),
                ("all_cards", store.all_cards),
            ):
                ms = _best_ms(lambda fetch=fetch: sched.queue_order(fetch(), NOW))
                rows.append(
                    {
                        "name": f"store: review queue, {CARDS} cards ({due} due): "
                        f"{label} + queue_order",
                        "value": f"{ms:.1f} ms (best of 20)",
                        "target": f"≤ {QUEUE_MS:g} ms",
                        "ok": ms <= QUEUE_MS,
                    }
                )
        for mode in ("NORMAL", "FULL"):
            samples = _time_answers(path, mode)
            p50, p99 = _percentile(samples, 0.5), _percentile(samples, 0.99)
            default = mode == "NORMAL"
            rows.append(
                {
                    "name": f"store: record_answer on {HISTORY // 1000}k reviews, "
                    f"synchronous={mode}" + ("" if default else " (opt-in)"),
                    "value": f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(samples):.1f} ms",
                    "target": f"p99 ≤ {RECORD_P99_MS:g} ms" if default else "",
                    "ok": p99 <= RECORD_P99_MS if default else None,
                }
            )
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run())
