"""The fsrs wrapper: ratings, lapses, leeches, the exam-date cap, queue order, a simulated year."""

from __future__ import annotations

import heapq
import itertools
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import given
from hypothesis import strategies as st

from quizapp.scheduler import EXAM_MARGIN, JST, SrsScheduler
from quizapp.store import CardState

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def graduated(sched: SrsScheduler, key: str = "k", at: datetime = T0) -> tuple[CardState, datetime]:
    """A card taken through its learning steps with Good answers, and the time it is next due."""
    state = sched.review(None, Rating.Good, at, card_key=key)
    while state.fsrs_state != State.Review:
        at = state.due
        state = sched.review(state, Rating.Good, at)
    return state, state.due


# --- grading --------------------------------------------------------------------------------


@given(
    correct=st.booleans(),
    seconds=st.floats(min_value=0, max_value=1e4),
    expected=st.floats(min_value=0.1, max_value=1e3),
)
def test_grade_follows_correctness_and_speed(
    correct: bool, seconds: float, expected: float
) -> None:
    rating = SrsScheduler.grade(correct, seconds, expected)
    if not correct:
        assert rating == Rating.Again
    elif seconds > 2 * expected:
        assert rating == Rating.Hard
    else:
        assert rating == Rating.Good


def test_grade_boundary_and_missing_expectation() -> None:
    assert SrsScheduler.grade(True, 40.0, 20.0) == Rating.Good
    assert SrsScheduler.grade(True, 40.01, 20.0) == Rating.Hard
    assert SrsScheduler.grade(True, 1e6, 0.0) == Rating.Good
    assert SrsScheduler.grade(False, 1.0, 20.0) == Rating.Again


# --- reviewing ------------------------------------------------------------------------------


def test_review_without_fuzz_or_exam_matches_plain_fsrs() -> None:
    sched = SrsScheduler(fuzz=False)
    plain = Scheduler(enable_fuzzing=False)
    ratings = [
        Rating.Good,
        Rating.Good,
        Rating.Good,
        Rating.Hard,
        Rating.Again,
        Rating.Good,
        Rating.Good,
    ]
    state: CardState | None = None
    card = Card(card_id=1, due=T0)
    at = T0
    for rating in ratings:
        state = sched.review(state, rating, at, card_key="x")
        card, _ = plain.review_card(card, rating, at)
        assert state.card["due"] == card.to_dict()["due"]
        assert state.card["stability"] == pytest.approx(card.stability)
        assert state.card["difficulty"] == pytest.approx(card.difficulty)
        assert state.card["state"] == card.state.value
        at = card.due
    assert state is not None and state.reps == len(ratings) and state.card_key == "x"


def test_new_card_key_defaults_to_empty_and_is_kept_afterwards() -> None:
    sched = SrsScheduler(fuzz=False)
    assert sched.review(None, Rating.Good, T0).card_key == ""
    first = sched.review(None, Rating.Good, T0, card_key="gen:conv_output_size")
    assert sched.review(first, Rating.Good, first.due).card_key == "gen:conv_output_size"


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SrsScheduler().review(None, Rating.Good, datetime(2025, 1, 1))


def test_other_timezones_are_converted_to_utc() -> None:
    sched = SrsScheduler(fuzz=False)
    jst = sched.review(None, Rating.Good, T0.astimezone(JST), card_key="a")
    utc = sched.review(None, Rating.Good, T0, card_key="a")
    assert jst.card == utc.card


def test_lapses_count_only_again_on_review_cards() -> None:
    sched = SrsScheduler(fuzz=False)
    state = sched.review(None, Rating.Again, T0, card_key="k")
    state = sched.review(state, Rating.Again, state.due)
    assert state.lapses == 0, "Again while still learning is not a lapse"
    while state.fsrs_state != State.Review:
        state = sched.review(state, Rating.Good, state.due)
    state = sched.review(state, Rating.Again, state.due)
    assert (state.lapses, state.fsrs_state) == (1, State.Relearning)
    state = sched.review(state, Rating.Again, state.due)
    assert state.lapses == 1, "Again while relearning is not another lapse"
    assert state.reps == 6


def test_leech_tagged_when_lapses_reach_threshold() -> None:
    sched = SrsScheduler(fuzz=False, leech_threshold=8)
    state, at = graduated(sched)
    history = []
    while state.lapses < 9:
        state = sched.review(state, Rating.Again, at)
        while state.fsrs_state != State.Review:
            state = sched.review(state, Rating.Good, state.due)
        history.append((state.lapses, state.leech))
        at = state.due
    assert history == [(n, n >= 8) for n in range(1, 10)]


def test_fuzz_is_seeded_and_stays_within_fsrs_ranges() -> None:
    def intervals(seed: int | None, fuzz: bool = True) -> list[int]:
        sched = SrsScheduler(fuzz=fuzz, seed=seed)
        state, at = graduated(sched)
        out = []
        for _ in range(8):
            state = sched.review(state, Rating.Good, at)
            out.append((state.due - at).days)
            at = state.due
        return out

    assert intervals(1) == intervals(1)
    assert any(intervals(1) != intervals(s) for s in range(2, 6))
    # Against the unfuzzed interval of the same card (same stability), the spread is fsrs's.
    sched = SrsScheduler(fuzz=True, seed=3)
    exact = SrsScheduler(fuzz=False)
    state, at = graduated(exact)
    for _ in range(8):
        fuzzed = sched.review(state, Rating.Good, at)
        state = exact.review(state, Rating.Good, at)
        base = (state.due - at).days
        got = (fuzzed.due - at).days
        assert fuzzed.card["stability"] == state.card["stability"]
        assert abs(got - base) <= max(1, round(0.05 * base + 3)), (base, got)
        at = state.due


# --- the exam date --------------------------------------------------------------------------


def test_due_cap_rule() -> None:
    exam = date(2025, 11, 8)
    sched = SrsScheduler(exam_date=exam)
    start = datetime(2025, 11, 8, tzinfo=JST)
    assert sched.exam_start() == start
    assert sched.due_cap(start - timedelta(days=30)) == start - EXAM_MARGIN
    assert sched.due_cap(start - timedelta(hours=3)) == start
    assert sched.due_cap(start) is None
    assert SrsScheduler().due_cap(T0) is None


def test_exam_date_caps_long_intervals_but_not_learning_steps() -> None:
    exam = date(2025, 4, 20)
    sched = SrsScheduler(fuzz=False, exam_date=exam)
    start = datetime(2025, 4, 20, tzinfo=JST)
    eve = start - EXAM_MARGIN
    state = sched.review(None, Rating.Good, T0, card_key="k")
    assert state.due == T0 + timedelta(minutes=10)
    state = sched.review(state, Rating.Easy, state.due)
    at = state.due
    while at < eve:
        state = sched.review(state, Rating.Good, at)
        assert state.due <= eve
        at = state.due
    assert at == eve
    state = sched.review(state, Rating.Good, at)
    assert state.due == start, "answered on the eve → due at the exam start"
    after = sched.review(state, Rating.Good, start)
    assert after.due > start + timedelta(days=30), "no cap once the exam has begun"


# --- retrievability and queue ---------------------------------------------------------------


def test_retrievability_decays_and_is_zero_for_unseen() -> None:
    sched = SrsScheduler(fuzz=False)
    state, due = graduated(sched)
    assert sched.retrievability(None, T0) == 0.0
    values = [sched.retrievability(state, due + timedelta(days=d)) for d in range(0, 60, 5)]
    assert all(a > b for a, b in itertools.pairwise(values))
    assert values[0] == pytest.approx(0.9, abs=0.05)


def test_below_target_on_counts_cards_under_desired_retention() -> None:
    sched = SrsScheduler(fuzz=False, desired_retention=0.9)
    states = []
    for i in range(6):
        state, at = graduated(sched, key=f"k{i}")
        for _ in range(i):
            state = sched.review(state, Rating.Good, at)
            at = state.due
        states.append(state)
    day = datetime(2025, 6, 1, tzinfo=UTC)
    expected = sum(sched.retrievability(s, day) < 0.9 for s in states)
    assert 0 < expected < len(states)
    assert sched.below_target_on(states, day) == expected
    assert sched.below_target_on(states, date(2025, 6, 1)) == sum(
        sched.retrievability(s, datetime(2025, 6, 1, tzinfo=JST)) < 0.9 for s in states
    )


@given(
    specs=st.lists(
        st.tuples(st.integers(0, 120), st.integers(0, 6), st.booleans()), min_size=1, max_size=25
    )
)
def test_queue_order_is_due_unsuspended_lowest_retrievability_first(
    specs: list[tuple[int, int, bool]],
) -> None:
    sched = SrsScheduler(fuzz=False)
    now = T0 + timedelta(days=150)
    states = []
    for i, (offset, goods, suspended) in enumerate(specs):
        state, at = graduated(sched, key=f"k{i:02}", at=T0 + timedelta(days=offset))
        for _ in range(goods):
            state = sched.review(state, Rating.Good, at)
            at = state.due
        states.append(CardState(state.card_key, state.card, suspended=suspended))
    order = sched.queue_order(states, now)
    expected = {s.card_key for s in states if s.due <= now and not s.suspended}
    assert set(order) == expected
    by_key = {s.card_key: s for s in states}
    r = [sched.retrievability(by_key[k], now) for k in order]
    assert r == sorted(r)


# --- a simulated year -----------------------------------------------------------------------

START = datetime(2025, 4, 1, tzinfo=UTC)
Event = tuple[datetime, Rating, int | None, CardState]


def simulate(
    sched: SrsScheduler, n_cards: int = 500, days: int = 365, seed: int = 7
) -> dict[str, list[Event]]:
    """A learner introducing 20 new cards a day and reviewing each card exactly when it is due.

    Recall is drawn from the model's retrievability, except for one card in 25 that the learner
    finds hard (true recall R³), which makes lapses and leeches happen.
    """
    rng = random.Random(seed)
    end = START + timedelta(days=days)
    hardness = {f"c{i:03}": 3.0 if i % 25 == 0 else 1.0 for i in range(n_cards)}
    heap = [(START + timedelta(days=i // 20, hours=9), f"c{i:03}") for i in range(n_cards)]
    heapq.heapify(heap)
    states: dict[str, CardState] = {}
    history: dict[str, list[Event]] = defaultdict(list)
    while heap:
        at, key = heapq.heappop(heap)
        if at >= end:
            break
        state = states.get(key)
        recall = 0.6 if state is None else sched.retrievability(state, at) ** hardness[key]
        rating = sched.grade(rng.random() < recall, rng.uniform(3, 50), 20.0)
        new = sched.review(state, rating, at, card_key=key)
        history[key].append((at, rating, None if state is None else state.fsrs_state, new))
        states[key] = new
        heapq.heappush(heap, (new.due, key))
    return history


@pytest.fixture(scope="module")
def year() -> dict[str, list[Event]]:
    return simulate(SrsScheduler(fuzz=False, leech_threshold=8))


def review_intervals(events: list[Event]) -> list[tuple[str, timedelta, float]]:
    """("ok" | "lapse", interval given, stability) for each answer that left the card in Review."""
    out = []
    lapsed = False
    for at, rating, before, new in events:
        if before == State.Review and rating == Rating.Again:
            lapsed = True
        elif new.fsrs_state == State.Review:
            ok = before == State.Review and not lapsed
            out.append(("ok" if ok else "lapse", new.due - at, new.card["stability"]))
            lapsed = False
    return out


def test_simulation_covers_every_card(year: dict[str, list[Event]]) -> None:
    assert len(year) == 500
    assert all(events[-1][3].reps == len(events) for events in year.values())
    assert sum(len(e) for e in year.values()) > 10_000


def test_intervals_grow_with_consecutive_correct_answers(year: dict[str, list[Event]]) -> None:
    """Every right answer raises stability and never shortens the interval; over four right
    answers in a row the interval grows (unless pinned at the 1-day minimum, as for hard cards).
    """
    runs_checked = 0
    for events in year.values():
        run: list[tuple[timedelta, float]] = []
        for kind, interval, stability in review_intervals(events):
            if kind == "ok":
                assert interval >= run[-1][0], (run, interval)
                assert stability > run[-1][1]
                run.append((interval, stability))
            else:
                run = [(interval, stability)]
            if len(run) == 4 and run[0][0] >= timedelta(days=2):
                assert run[-1][0] > run[0][0], run
                runs_checked += 1
    assert runs_checked > 300


def test_intervals_shrink_after_a_lapse(year: dict[str, list[Event]]) -> None:
    lapses = 0
    for events in year.values():
        previous: timedelta | None = None
        for kind, interval, _ in review_intervals(events):
            if kind == "lapse" and previous is not None:
                lapses += 1
                assert interval <= previous
                if previous > timedelta(days=1):
                    assert interval < previous
            previous = interval
    assert lapses > 100


def test_lapses_and_leeches_match_the_history(year: dict[str, list[Event]]) -> None:
    leeches = 0
    for events in year.values():
        final = events[-1][3]
        counted = sum(
            1 for _, r, before, _ in events if before == State.Review and r == Rating.Again
        )
        assert final.lapses == counted
        assert final.leech == (counted >= 8)
        first_leech = next((i for i, e in enumerate(events) if e[3].leech), None)
        if first_leech is not None:
            assert events[first_leech][3].lapses == 8
            leeches += 1
    assert leeches > 0


def test_with_an_exam_date_nothing_is_due_after_the_exam() -> None:
    exam = date(2025, 10, 18)
    sched = SrsScheduler(fuzz=False, exam_date=exam)
    start = sched.exam_start()
    assert start is not None
    eve = start - EXAM_MARGIN
    history = simulate(sched, n_cards=500, days=220)
    before_exam = [
        (at, new) for events in history.values() for at, _, _, new in events if at < start
    ]
    assert all(new.due <= start for _, new in before_exam)
    assert all(new.due <= eve for at, new in before_exam if at < eve)
    assert sum(1 for at, new in before_exam if at < eve and new.due == eve) > 100, "the cap bit"
    last_seen = {key: max(at for at, *_ in events if at < start) for key, events in history.items()}
    assert all(at >= eve for at in last_seen.values()), "every card is reviewed on the eve"
    after = [new.due - at for events in history.values() for at, _, _, new in events if at >= start]
    assert max(after) > timedelta(days=30), "the cap stops once the exam has begun"


def test_timezone_constant_is_japan() -> None:
    assert JST.utcoffset(None) == timedelta(hours=9)


@given(
    ratings=st.lists(st.sampled_from([1, 2, 3, 4]), min_size=1, max_size=8),
    gaps=st.lists(st.floats(min_value=0.01, max_value=90), min_size=8, max_size=8),
    later=st.floats(min_value=0, max_value=400),
)
def test_recall_at_many_cards_equals_fsrs_for_each(
    ratings: list[int], gaps: list[float], later: float
) -> None:
    """The one-pass retrievability used by the forecast agrees with fsrs card by card."""
    sched = SrsScheduler(fuzz=False)
    state = None
    at = T0
    for rating, gap in zip(ratings, gaps, strict=False):
        state = sched.review(state, rating, at, card_key="k")
        at += timedelta(days=gap)
    assert state is not None
    moment = at + timedelta(days=later)
    fast = sched.recall_at([state], moment)
    assert fast["k"] == pytest.approx(sched.retrievability(state, moment), rel=1e-12)
    assert sched.recall_at([], moment) == {}
