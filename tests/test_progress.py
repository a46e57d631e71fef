"""Progress figures from the store: per-topic overview, due forecast, leeches, retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Rating, State

from quizapp import progress
from quizapp.bank import Bank
from quizapp.scheduler import JST, SrsScheduler
from quizapp.store import CardState, ReviewRecord, Store
from solvers.generators import REGISTRY

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TRAP, SINGLE, MULTI, FILL = "t-relu-zero", "c-relu-single", "c-gap-multi", "f-gap-name"
GEN = "gen:conv_output_size"


@pytest.fixture
def sched() -> SrsScheduler:
    return SrsScheduler(fuzz=False)


def answer_at(
    store: Store, sched: SrsScheduler, key: str, correct: bool, at: datetime
) -> CardState:
    """Record one answer as a session does: the scheduler's new state and the log entry together."""
    rating = Rating.Good if correct else Rating.Again
    state = sched.review(store.get_card(key), rating, at, card_key=key)
    store.record_answer(review(key, correct, at, rating=int(rating)), state)
    return state


def review(key: str, correct: bool, at: datetime, rating: int = 3) -> ReviewRecord:
    generated = key.startswith("gen:")
    return ReviewRecord(
        card_key=key,
        item_id=None if generated else key,
        generator=key[4:] if generated else None,
        seed=1 if generated else None,
        params={"W": 7} if generated else None,
        answer="o",
        correct=correct,
        rating=rating,
        seconds=5.0,
        reviewed_at=at,
        session_id=None,
    )


def card_due(key: str, due: datetime, *, suspended: bool = False) -> CardState:
    """A card in Review state due at ``due``."""
    fsrs = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 5.0,
        "difficulty": 5.0,
        "due": due.isoformat(),
        "last_review": (due - timedelta(days=5)).isoformat(),
    }
    return CardState(key, fsrs, reps=2, suspended=suspended)


# --- overview -----------------------------------------------------------------------------


def by_topic(view: progress.Overview) -> dict[str, progress.TopicProgress]:
    return {t.topic: t for t in view.topics}


def test_overview_of_a_fresh_store(bank: Bank, store: Store, sched: SrsScheduler) -> None:
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    topics = by_topic(view)
    assert set(topics) == {"relu", "stride-padding", "gap-cam"}
    assert {k: t.total for k, t in topics.items()} == {
        "relu": 2,
        "stride-padding": 1,
        "gap-cam": 2,
    }
    assert topics["relu"].title == "ReLUと勾配消失の緩和"
    assert all(t.seen == t.answers == 0 for t in view.topics)
    assert all(t.accuracy is None for t in view.topics)
    assert view.total_cards == 5 and view.seen_cards == 0
    assert view.due_now == 0 and view.answers == 0 and view.accuracy is None
    assert view.weakest() == []
    assert view.below_target_on_exam is None and view.days_to_exam is None


def record_history(store: Store, sched: SrsScheduler) -> None:
    """relu: trap right then wrong, choice right; gap-cam: fill wrong ×3; generator right once."""
    at = T0 - timedelta(hours=3)
    for key, correct in (
        (TRAP, True),
        (SINGLE, True),
        (FILL, False),
        (GEN, True),
        (TRAP, False),
        (FILL, False),
        (FILL, False),
    ):
        answer_at(store, sched, key, correct, at)
        at += timedelta(minutes=1)


def test_overview_counts_per_topic(bank: Bank, store: Store, sched: SrsScheduler) -> None:
    record_history(store, sched)
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    topics = by_topic(view)
    relu, gap, stride = topics["relu"], topics["gap-cam"], topics["stride-padding"]
    assert (relu.total, relu.seen, relu.answers, relu.correct_answers) == (2, 2, 3, 2)
    assert (gap.total, gap.seen, gap.answers, gap.correct_answers) == (2, 1, 3, 0)
    assert (stride.total, stride.seen, stride.answers) == (1, 1, 1)
    assert relu.accuracy == pytest.approx(2 / 3) and gap.accuracy == 0.0
    assert view.seen_cards == 4 and view.total_cards == 5
    assert view.answers == 7 and view.correct_answers == 3
    assert view.accuracy == pytest.approx(3 / 7)


def test_a_generator_shared_by_two_topics_counts_once_in_the_totals(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    """The shipped bank has such generators (softmax_probs: softmax and seq2seq): home showed
    '6/470 studied' after 5 answers and took the shared answer twice into the accuracy."""
    (generated,) = [i for i in bank.items.values() if i.kind == "generated"]
    twin = replace(generated, id="g-conv-size-again", topic="relu")
    shared = Bank(topics=bank.topics, items={**bank.items, twin.id: twin})
    answer_at(store, sched, GEN, False, T0 - timedelta(hours=1))
    answer_at(store, sched, TRAP, True, T0 - timedelta(minutes=30))
    view = progress.overview(shared, REGISTRY, store, sched, T0)
    topics = by_topic(view)
    assert topics["relu"].total == 3 and topics["stride-padding"].total == 1
    assert topics["relu"].answers == 2 and topics["stride-padding"].answers == 1
    assert view.total_cards == 5 and view.seen_cards == 2
    assert (view.answers, view.correct_answers) == (2, 1)


def test_cards_coming_due_within_the_hour(bank: Bank, store: Store, sched: SrsScheduler) -> None:
    """A missed card is relearned within minutes: home tells when instead of showing 0 due."""
    store.save_card(card_due(TRAP, T0 + timedelta(minutes=10)), now=T0)
    store.save_card(card_due(SINGLE, T0 + timedelta(minutes=50)), now=T0)
    store.save_card(card_due(FILL, T0 + timedelta(minutes=70)), now=T0)
    store.save_card(card_due(MULTI, T0 + timedelta(minutes=5), suspended=True), now=T0)
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    assert (view.due_now, view.due_soon, view.next_due) == (0, 2, T0 + timedelta(minutes=10))
    later = progress.overview(bank, REGISTRY, store, sched, T0 + timedelta(minutes=30))
    assert (later.due_now, later.due_soon) == (1, 2)
    assert progress.overview(bank, REGISTRY, store, sched, T0 - timedelta(days=1)).next_due is None


def test_weakest_topics_need_three_answers_and_an_accuracy_below_the_learners(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    """relu (2/3) is above the learner's 3/7 and stride-padding has one answer: only gap-cam."""
    record_history(store, sched)
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    assert [t.topic for t in view.weakest()] == ["gap-cam"]
    assert [t.topic for t in view.weakest(1)] == ["gap-cam"]
    assert "stride-padding" not in {t.topic for t in view.weakest(5)}


def test_a_topic_answered_all_right_is_never_weak(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    at = T0 - timedelta(hours=3)
    for key in (TRAP, SINGLE, TRAP):
        answer_at(store, sched, key, True, at)
        at += timedelta(minutes=1)
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    assert by_topic(view)["relu"].accuracy == 1.0
    assert view.weakest() == []
    for key in (FILL, FILL, FILL):
        answer_at(store, sched, key, True, at)
        at += timedelta(minutes=1)
    assert progress.overview(bank, REGISTRY, store, sched, T0).weakest() == []


def test_due_now_counts_only_cards_due_and_still_in_the_bank(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    record_history(store, sched)
    answer_at(store, sched, "retired-item", False, T0 - timedelta(hours=2))
    answer_at(store, sched, "gen:retired_generator", False, T0 - timedelta(hours=2))
    assert progress.overview(bank, REGISTRY, store, sched, T0 - timedelta(hours=3)).due_now == 0
    view = progress.overview(bank, REGISTRY, store, sched, T0 + timedelta(days=1))
    assert view.due_now == 4
    assert view.seen_cards == 4


def test_overview_removed_items_do_not_count(bank: Bank, store: Store, sched: SrsScheduler) -> None:
    answer_at(store, sched, "retired-item", True, T0)
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    assert view.answers == 0 and view.seen_cards == 0


def test_overview_exam_date_figures(bank: Bank, store: Store) -> None:
    exam = date(2027, 3, 1)
    sched = SrsScheduler(fuzz=False, exam_date=exam)
    record_history(store, sched)
    answer_at(store, sched, "retired-item", True, T0)
    view = progress.overview(bank, REGISTRY, store, sched, T0)
    assert view.days_to_exam == (exam - T0.date()).days == 99
    # Each card has been answered once or a few times within minutes: 99 days on, recall of every
    # one of the four seen cards is far below 90 %. The retired item's card is left out.
    assert view.below_target_on_exam == 4


def test_overview_exam_date_counts_cards_that_will_have_faded(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    state = answer_at(store, sched, TRAP, True, T0 - timedelta(days=400))
    while (state.stability or 0) < 50:
        state = answer_at(store, sched, TRAP, True, state.due)
    last = state.last_review
    assert last is not None
    now = last + timedelta(days=1)
    soon = (last + timedelta(days=3)).date()
    view = progress.overview(bank, REGISTRY, store, SrsScheduler(fuzz=False, exam_date=soon), now)
    assert view.days_to_exam == (soon - now.date()).days == 2
    assert view.below_target_on_exam == 0, "stability ≥ 50 days: still recalled 3 days later"
    late = (last + timedelta(days=400)).date()
    view = progress.overview(bank, REGISTRY, store, SrsScheduler(fuzz=False, exam_date=late), now)
    assert view.below_target_on_exam == 1


# --- due forecast -------------------------------------------------------------------------


def test_due_forecast_puts_overdue_cards_in_today(store: Store) -> None:
    cards = {
        "a": T0 - timedelta(days=3),
        "b": T0 - timedelta(minutes=1),
        "c": T0 + timedelta(hours=6),
        "d": T0 + timedelta(days=1),
        "e": T0 + timedelta(days=2, hours=3),
        "f": T0 + timedelta(days=7),
    }
    for key, due in cards.items():
        store.save_card(card_due(key, due), now=T0)
    store.save_card(card_due("g", T0 - timedelta(days=1), suspended=True), now=T0)
    forecast = progress.due_forecast(store, T0, 7, tz=UTC)
    today = T0.date()
    assert [d for d, _ in forecast] == [today + timedelta(days=i) for i in range(7)]
    assert [n for _, n in forecast] == [3, 1, 1, 0, 0, 0, 0]
    assert progress.due_forecast(store, T0, 8, tz=UTC)[7][1] == 1


def test_due_forecast_uses_the_given_timezone(store: Store) -> None:
    # 12:00 UTC is 21:00 JST: a card due four hours later is due today in UTC, tomorrow in JST.
    store.save_card(card_due("a", T0 + timedelta(hours=4)), now=T0)
    assert [n for _, n in progress.due_forecast(store, T0, 2, tz=UTC)] == [1, 0]
    jst = progress.due_forecast(store, T0, 2, tz=JST)
    assert jst[0][0] == date(2026, 11, 22) and [n for _, n in jst] == [0, 1]


def test_due_forecast_of_an_empty_store(store: Store) -> None:
    assert [n for _, n in progress.due_forecast(store, T0, 3, tz=UTC)] == [0, 0, 0]


# --- leeches ------------------------------------------------------------------------------


def lapse(store: Store, sched: SrsScheduler, key: str, at: datetime) -> tuple[CardState, datetime]:
    """Bring the card to Review state with right answers, then miss it once (one lapse)."""
    state = store.get_card(key)
    if state is None:
        state = answer_at(store, sched, key, True, at)
    while state.fsrs_state != State.Review:
        at = max(at, state.due)
        state = answer_at(store, sched, key, True, at)
    at = state.due
    return answer_at(store, sched, key, False, at), at


def test_a_card_becomes_a_leech_after_eight_lapses(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    assert sched.leech_threshold == 8
    at = T0
    for n in range(1, 8):
        state, at = lapse(store, sched, TRAP, at)
        assert state.lapses == n
    assert not store.get_card(TRAP).leech  # type: ignore[union-attr]
    assert progress.leeches(store, bank, REGISTRY) == []
    state, at = lapse(store, sched, TRAP, at)
    assert state.lapses == 8 and state.leech
    assert progress.leeches(store, bank, REGISTRY) == [(TRAP, "relu", 8)]


def test_leeches_most_lapses_first_with_topics(
    bank: Bank, store: Store, sched: SrsScheduler
) -> None:
    at = T0
    for _ in range(8):
        _, at = lapse(store, sched, GEN, at)
    at = T0
    for _ in range(9):
        _, at = lapse(store, sched, FILL, at)
    at = T0
    for _ in range(8):
        _, at = lapse(store, sched, "retired-item", at)
    rows = progress.leeches(store, bank, REGISTRY)
    assert rows[0] == (FILL, "gap-cam", 9)
    assert sorted(rows[1:]) == sorted([(GEN, "stride-padding", 8), ("retired-item", "?", 8)])


def test_getting_a_leech_right_keeps_the_tag(bank: Bank, store: Store, sched: SrsScheduler) -> None:
    at = T0
    for _ in range(8):
        state, at = lapse(store, sched, TRAP, at)
    answer_at(store, sched, TRAP, True, state.due)
    assert progress.leeches(store, bank, REGISTRY) == [(TRAP, "relu", 8)]


# --- retention ----------------------------------------------------------------------------


def test_retention_counts_only_repeat_answers(store: Store) -> None:
    assert progress.retention(store) is None
    at = T0
    for key, correct in (("a", False), ("b", True), ("c", True)):
        store.record_answer(review(key, correct, at), None)
        at += timedelta(hours=1)
    assert progress.retention(store) is None, "first answers are learning, not recall"
    since = at
    for key, correct in (("a", True), ("b", False), ("b", True), ("d", False)):
        store.record_answer(review(key, correct, at), None)
        at += timedelta(hours=1)
    assert progress.retention(store) == pytest.approx(2 / 3)
    assert progress.retention(store, since=since + timedelta(hours=1)) == pytest.approx(1 / 2)
    assert progress.retention(store, since=at) is None


def test_retention_of_generator_cards_counts_instances_as_repeats(store: Store) -> None:
    store.record_answer(review(GEN, False, T0), None)
    store.record_answer(review(GEN, True, T0 + timedelta(days=1)), None)
    store.record_answer(review(GEN, True, T0 + timedelta(days=2)), None)
    assert progress.retention(store) == 1.0


def test_topic_of(bank: Bank) -> None:
    assert progress.topic_of(TRAP, bank, REGISTRY) == "relu"
    assert progress.topic_of(GEN, bank, REGISTRY) == "stride-padding"
    assert progress.topic_of("retired-item", bank, REGISTRY) is None
    assert progress.topic_of("gen:retired_generator", bank, REGISTRY) is None


def test_suspended_cards_are_not_due(bank: Bank, store: Store, sched: SrsScheduler) -> None:
    state = answer_at(store, sched, TRAP, False, T0 - timedelta(days=1))
    assert progress.overview(bank, REGISTRY, store, sched, T0).due_now == 1
    store.save_card(replace(state, suspended=True), now=T0)
    assert progress.overview(bank, REGISTRY, store, sched, T0).due_now == 0
