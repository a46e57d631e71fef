"""The learner's own rating of a right answer (まぐれ / 普通 / 簡単), and drills that leave new
cards out of FSRS: through :class:`~quizapp.session.Session`, with a real store and scheduler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from quizapp.bank import Bank
from quizapp.modes import MODES
from quizapp.scheduler import GUESS, SELF_RATINGS, SrsScheduler
from quizapp.session import Feedback, Session, new_cards_today, review_queue
from quizapp.store import CardState, Store
from solvers.generators import REGISTRY

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TRAP, SINGLE = "t-relu-zero", "c-relu-single"


def session(bank: Bank, store: Store, mode: str = "drill", **kw: Any) -> Session:
    return Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=MODES[mode],
        queue=kw.pop("queue", [TRAP]),
        seed=7,
        clock=kw.pop("clock", lambda: T0),
        **kw,
    ).start()


def schedule_of(card: CardState | None) -> tuple[Any, ...]:
    """What FSRS decided for a card (the store writes its dates in another ISO form)."""
    assert card is not None
    d = card.card
    return (card.due, d["state"], d["stability"], d["difficulty"], card.reps, card.lapses)


def answer_right(s: Session, seconds: float = 5.0) -> Feedback:
    q = s.next_question()
    assert q is not None and q.card_key == TRAP
    feedback = s.answer(q, "o", seconds)  # the trap is true
    assert feedback.grade.correct
    return feedback


def test_each_rating_schedules_the_card_differently(bank: Bank, tmp_path: Path) -> None:
    dues = {}
    for rating in SELF_RATINGS:
        with Store.open(tmp_path / f"{int(rating)}.db") as store:
            s = session(bank, store)
            rated = s.rate(answer_right(s), rating)
            stored = store.get_card(TRAP)
            assert schedule_of(rated.card) == schedule_of(stored) and rated.rating == rating
            (logged,) = store.reviews()
            assert logged.correct and logged.rating == rating
            assert logged.auto_rating == (None if rating == Rating.Good else Rating.Good)
            dues[rating] = schedule_of(stored)[0]
    assert dues[GUESS] < dues[Rating.Good] < dues[Rating.Easy]


def test_rating_again_starts_from_the_state_before_the_answer(bank: Bank, store: Store) -> None:
    s = session(bank, store)
    feedback = answer_right(s)
    kept = store.get_card(TRAP)
    feedback = s.rate(feedback, Rating.Easy)
    feedback = s.rate(feedback, GUESS)
    feedback = s.rate(feedback, Rating.Good)
    assert schedule_of(store.get_card(TRAP)) == schedule_of(kept)
    assert schedule_of(feedback.card) == schedule_of(kept)
    assert feedback.auto_rating == Rating.Good
    assert store.reviews()[0].auto_rating is None
    assert store.get_card(TRAP).reps == 1  # type: ignore[union-attr]


def test_a_slow_right_answer_is_hard_until_the_learner_says_otherwise(
    bank: Bank, store: Store
) -> None:
    s = session(bank, store)
    feedback = answer_right(s, seconds=1000)
    assert feedback.rating == feedback.auto_rating == Rating.Hard
    assert s.rate(feedback, Rating.Good).rating == Rating.Good
    assert store.reviews()[0].auto_rating == Rating.Hard


def test_a_wrong_answer_and_an_older_answer_are_not_rated(bank: Bank, store: Store) -> None:
    s = session(bank, store, queue=[TRAP, SINGLE])
    first = answer_right(s)
    q = s.next_question()
    assert q is not None
    wrong = s.answer(q, [q.order.index(1)], 5.0)
    assert not wrong.grade.correct
    with pytest.raises(ValueError):
        s.rate(wrong, Rating.Easy)
    with pytest.raises(ValueError):
        s.rate(first, Rating.Easy)
    assert [r.rating for r in store.reviews()] == [Rating.Good, Rating.Again]


def test_a_guess_in_a_review_comes_back_like_a_miss(bank: Bank, store: Store) -> None:
    s = session(bank, store, mode="review", queue=[TRAP, SINGLE])
    s.rate(answer_right(s), GUESS)
    keys = []
    while (q := s.next_question()) is not None:
        keys.append(q.card_key)
        s.answer(q, "o" if q.card_key == TRAP else [q.order.index(0)], 5.0)
    assert keys == [SINGLE, TRAP]


def test_a_guess_taken_back_does_not_come_back(bank: Bank, store: Store) -> None:
    s = session(bank, store, mode="review", queue=[TRAP, SINGLE])
    feedback = s.rate(answer_right(s), GUESS)
    s.rate(feedback, Rating.Good)
    keys = []
    while (q := s.next_question()) is not None:
        keys.append(q.card_key)
        s.answer(q, [q.order.index(0)], 5.0)
    assert keys == [SINGLE]


# --- new cards and drills -------------------------------------------------------------------


def test_a_drill_that_does_not_introduce_leaves_new_cards_new(bank: Bank, store: Store) -> None:
    s = session(bank, store, introduce=False)
    feedback = answer_right(s)
    assert feedback.card is None and store.get_card(TRAP) is None
    assert store.new_cards_since(T0 - timedelta(days=1)) == 0
    assert len(store.reviews()) == 1
    # the card is still new for today's review, and the day's budget is whole
    assert TRAP in new_cards_today(bank, store, T0, new_limit=20)
    assert len(new_cards_today(bank, store, T0, new_limit=20)) == 5
    # its own rating is logged all the same
    s.rate(feedback, Rating.Easy)
    assert store.reviews()[0].rating == Rating.Easy and store.get_card(TRAP) is None


def test_a_drill_that_introduces_uses_the_days_budget(bank: Bank, store: Store) -> None:
    s = session(bank, store, introduce=True)
    assert answer_right(s).card is not None
    assert store.new_cards_since(T0 - timedelta(days=1)) == 1
    assert TRAP not in new_cards_today(bank, store, T0, new_limit=20)
    assert len(new_cards_today(bank, store, T0, new_limit=20)) == 4


def test_a_drill_still_schedules_a_card_fsrs_knows(bank: Bank, store: Store) -> None:
    review = session(bank, store, mode="review")
    answer_right(review)
    before = store.get_card(TRAP)
    later = T0 + timedelta(days=30)
    drill = session(bank, store, introduce=False, clock=lambda: later)
    answer_right(drill)
    after = store.get_card(TRAP)
    assert before is not None and after is not None
    assert after.reps == 2 and after.due > later
    assert TRAP in review_queue(
        bank, REGISTRY, store, SrsScheduler(fuzz=False), after.due + timedelta(days=1)
    )
