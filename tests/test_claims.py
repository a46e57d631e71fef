"""Two review sessions on one database at once (two apps, two terminals): each due card is shown by
one of them, the day's new-card limit holds for both together, and no answer is lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from quizapp.bank import Bank
from quizapp.cardkey import GEN_PREFIX
from quizapp.kinds import Choice, Fill, Trap
from quizapp.modes import DRILL, REVIEW
from quizapp.scheduler import SrsScheduler
from quizapp.session import Question, Session, card_key_for, review_queue
from quizapp.store import SCHEMA_VERSION, ReviewRecord, Store, m001_initial
from quizapp.store.claims import CLAIM_TTL
from solvers.generators import REGISTRY

T0 = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.db"


@pytest.fixture
def two(db: Path) -> Iterator[tuple[Store, Store]]:
    """Two connections to one database, as two apps have."""
    with Store.open(db) as a, Store.open(db) as b:
        yield a, b


def keys(bank: Bank) -> list[str]:
    return sorted({card_key_for(item) for item in bank.items.values()})


def make_due(store: Store, bank: Bank) -> list[str]:
    """Every card answered once a week ago: all of them are due at T0."""
    sched = SrsScheduler(fuzz=False)
    for key in keys(bank):
        when = T0 - timedelta(days=7)
        store.record_answer(
            ReviewRecord(key, None, None, None, None, "o", True, 3, 5.0, when, None),
            sched.review(None, Rating.Good, when, card_key=key),
        )
    return keys(bank)


def review(bank: Bank, store: Store, clock: Clock, new_limit: int) -> Session:
    sched = SrsScheduler(fuzz=False)
    queue = review_queue(bank, REGISTRY, store, sched, clock(), new_limit=new_limit, seed=1)
    return Session(
        bank=bank,
        store=store,
        scheduler=sched,
        generators=REGISTRY,
        mode=REVIEW,
        queue=queue,
        seed=1,
        clock=clock,
        numeric_choices=True,
        new_limit=new_limit,
    ).start()


def right(q: Question) -> Any:
    """A right answer: a review brings a missed card back until it is answered right."""
    item = q.item
    if q.problem is not None:
        return [q.order.index(next(i for i, c in enumerate(q.problem.choices) if c.correct))]
    if isinstance(item, Trap):
        return "o" if item.truth else "x"
    if isinstance(item, Choice):
        return sorted(q.order.index(i) for i in item.correct)
    assert isinstance(item, Fill)
    return [b.answers[-1] if b.answers else f"{b.number:g}" for b in item.blanks]


def answer(session: Session, question: Question) -> None:
    assert session.answer(question, right(question), 5.0).grade.correct


def run_side_by_side(a: Session, b: Session) -> tuple[list[str], list[str]]:
    """Both sessions ask in turn, each showing its question before the other answers."""
    seen_a: list[str] = []
    seen_b: list[str] = []
    going = [True, True]
    while any(going):
        qa = a.next_question() if going[0] else None
        qb = b.next_question() if going[1] else None
        going = [qa is not None, qb is not None]
        if qa is not None and qb is not None:
            assert qa.card_key != qb.card_key, "both apps show the same card"
        for session, question, seen in ((a, qa, seen_a), (b, qb, seen_b)):
            if question is not None:
                answer(session, question)
                seen.append(question.card_key)
    return seen_a, seen_b


def test_two_reviews_at_once_share_the_due_cards(bank: Bank, two: tuple[Store, Store]) -> None:
    first, second = two
    due = make_due(first, bank)
    clock = Clock()
    a, b = review(bank, first, clock, 20), review(bank, second, clock, 20)
    assert sorted(a._queue) == sorted(b._queue) == due, "both queues hold every due card"
    seen_a, seen_b = run_side_by_side(a, b)
    assert not set(seen_a) & set(seen_b)
    assert sorted(seen_a + seen_b) == due
    assert first.review_count() == len(due) * 2


def test_the_new_card_limit_holds_for_two_reviews_together(
    bank: Bank, two: tuple[Store, Store]
) -> None:
    first, second = two
    clock = Clock()
    a, b = review(bank, first, clock, 3), review(bank, second, clock, 3)
    assert len(a._queue) == len(b._queue) == 3
    seen_a, seen_b = run_side_by_side(a, b)
    assert not set(seen_a) & set(seen_b)
    assert len(seen_a) + len(seen_b) == 3
    assert first.new_cards_since(T0 - timedelta(hours=1)) == 3
    # a third review started later the same day gets none
    assert review(bank, second, clock, 3).next_question() is None


def test_a_card_answered_elsewhere_since_the_queue_was_built_is_skipped(
    bank: Bank, two: tuple[Store, Store]
) -> None:
    first, second = two
    due = make_due(first, bank)
    clock = Clock()
    a, b = review(bank, first, clock, 0), review(bank, second, clock, 0)
    done = []
    while (q := a.next_question()) is not None:
        answer(a, q)
        done.append(q.card_key)
    assert sorted(done) == due
    assert b.next_question() is None


def test_a_stale_claim_is_taken_over_and_both_answers_are_kept(
    bank: Bank, two: tuple[Store, Store]
) -> None:
    """The learner left a question on screen (or the app was killed): after CLAIM_TTL another
    review shows the card; the first answer, when it comes, is still recorded."""
    first, second = two
    make_due(first, bank)
    clock = Clock()
    a = review(bank, first, clock, 0)
    shown = a.next_question()
    assert shown is not None
    b = review(bank, second, clock, 0)
    other = b.next_question()
    assert other is not None and other.card_key != shown.card_key
    b.finish()
    clock.now += CLAIM_TTL + timedelta(seconds=1)
    c = review(bank, second, clock, 0)
    while (q := c.next_question()) is not None and q.card_key != shown.card_key:
        answer(c, q)
    assert q is not None, "the stale claim was taken over"
    answer(c, q)
    answer(a, shown)
    assert len(first.reviews(card_key=shown.card_key)) == 3  # the old answer and both new ones


def test_a_finished_review_releases_its_card(bank: Bank, two: tuple[Store, Store]) -> None:
    first, second = two
    make_due(first, bank)
    clock = Clock()
    a = review(bank, first, clock, 0)
    shown = a.next_question()
    assert shown is not None
    a.finish()
    b = review(bank, second, clock, 0)
    again = b.next_question()
    assert again is not None and again.card_key == shown.card_key


def test_drills_ignore_claims(bank: Bank, two: tuple[Store, Store]) -> None:
    """A drill repeats what the learner chose, due or not, whoever else is reviewing it."""
    first, second = two
    make_due(first, bank)
    clock = Clock()
    a = review(bank, first, clock, 0)
    shown = a.next_question()
    assert shown is not None
    drill = Session(
        bank=bank,
        store=second,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=DRILL,
        queue=[shown.card_key],
        clock=clock,
    ).start()
    again = drill.next_question()
    assert again is not None and again.card_key == shown.card_key


def test_a_database_of_the_first_schema_gains_claims(db: Path) -> None:
    with Store.open(db, migrations=[m001_initial]) as old:
        old.start_session(mode="review", now=T0)
    with Store.open(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get_session(1) is not None
        assert store.claim_card(GEN_PREFIX + "conv_output_size", session_id=1, now=T0)


def test_a_claim_from_a_clock_that_ran_ahead_does_not_block_a_card(
    bank: Bank, two: tuple[Store, Store]
) -> None:
    first, second = two
    make_due(first, bank)
    a = review(bank, first, Clock(T0 + timedelta(days=365)), 0)
    shown = a.next_question()
    assert shown is not None
    b = review(bank, second, Clock(), 0)
    again = b.next_question()
    assert again is not None and again.card_key == shown.card_key
