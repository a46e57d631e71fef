"""Sessions and queues, without the UI: grading each kind, committing, scheduling, re-showing misses."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating, State
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizapp.bank import Bank, load_bank
from quizapp.cardkey import GEN_PREFIX
from quizapp.grading import MAX_INPUT
from quizapp.kinds import Choice, Fill, Generated, Trap
from quizapp.modes import MODES
from quizapp.scheduler import SrsScheduler
from quizapp.session import (
    RELEARN_GAP,
    Question,
    Session,
    card_key_for,
    drill_queue,
    new_cards_today,
    review_queue,
)
from quizapp.store import CardState, ReviewRecord, Store, StoreError
from solvers.generators import REGISTRY
from solvers.problem import Problem

BANK_DIR = Path(__file__).parent / "ui" / "bank"
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TRAP, SINGLE, MULTI, FILL = "t-relu-zero", "c-relu-single", "c-gap-multi", "f-gap-name"
GEN = GEN_PREFIX + "conv_output_size"
ALL_KEYS = (TRAP, SINGLE, MULTI, FILL, GEN)


class Clock:
    """A UTC clock that only moves when told to."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_session(
    bank: Bank,
    store: Store,
    clock: Clock,
    mode: str = "drill",
    queue: Sequence[str] = (),
    seed: int | None = 7,
    **kw: Any,
) -> Session:
    return Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=MODES[mode],
        queue=list(queue),
        seed=seed,
        clock=clock,
        **kw,
    ).start()


def fmt(value: float | tuple[float, ...]) -> str:
    """A number as a learner could type it."""
    if isinstance(value, tuple):
        return "×".join(fmt(v) for v in value)
    return repr(float(value))


def close(problem: Problem, a: Any, b: Any) -> bool:
    pairs = zip(a, b, strict=True) if isinstance(a, tuple) else [(a, b)]
    return all(
        math.isclose(x, y, rel_tol=problem.rel_tol, abs_tol=problem.abs_tol) for x, y in pairs
    )


def correct_choice(problem: Problem) -> int:
    return next(i for i, c in enumerate(problem.choices) if c.correct)


def right_response(q: Question) -> Any:
    """What a learner who knows the answer submits, in the form the UI sends."""
    item = q.item
    if q.problem is not None:
        if q.kind == "choice":
            return [q.order.index(correct_choice(q.problem))]
        return fmt(q.problem.answer)
    if isinstance(item, Trap):
        return "o" if item.truth else "x"
    if isinstance(item, Choice):
        return sorted(q.order.index(i) for i in item.correct)
    assert isinstance(item, Fill)
    return [b.answers[-1] if b.answers else f"{b.number:g}" for b in item.blanks]


def wrong_response(q: Question) -> Any:
    item = q.item
    if q.problem is not None:
        if q.kind == "choice":
            wrong = next(i for i, c in enumerate(q.problem.choices) if not c.correct)
            return [q.order.index(wrong)]
        return "-98765"
    if isinstance(item, Trap):
        return "x" if item.truth else "o"
    if isinstance(item, Choice):
        wrong = next(i for i in range(len(item.options)) if i not in item.correct)
        return [q.order.index(wrong)]
    assert isinstance(item, Fill)
    return ["まったく別の用語"] * len(item.blanks)


# --- card keys ------------------------------------------------------------------------------


def test_card_key_for_items_and_generators(bank: Bank) -> None:
    assert card_key_for(bank.items[TRAP]) == TRAP
    assert card_key_for(bank.items[FILL]) == FILL
    generated = bank.items["g-conv-size"]
    assert isinstance(generated, Generated)
    assert card_key_for(generated) == GEN


# --- grading each kind through Session.answer ---------------------------------------------


def test_trap_right_and_wrong(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, queue=[TRAP])
    q = session.next_question()
    assert q is not None and q.kind == "trap" and q.card_key == TRAP
    assert bank.items[TRAP].truth is True  # type: ignore[union-attr]
    right = session.answer(q, "o", 5)
    assert right.grade.correct and right.grade.answer == "○"
    assert right.explanation == bank.items[TRAP].explanation
    wrong = session.answer(q, "x", 5)
    assert not wrong.grade.correct and wrong.grade.answer == "×"
    assert session.next_question() is None


def test_single_choice_is_graded_through_the_shown_order(
    bank: Bank, store: Store, clock: Clock
) -> None:
    item = bank.items[SINGLE]
    assert isinstance(item, Choice)
    orders = set()
    for seed in range(8):
        session = make_session(bank, store, clock, queue=[SINGLE], seed=seed)
        q = session.next_question()
        assert q is not None and q.kind == "choice" and not q.multi
        assert sorted(q.order) == list(range(len(item.options)))
        assert q.options == tuple(item.options[i].text for i in q.order)
        orders.add(q.order)
        right = q.order.index(next(iter(item.correct)))
        for position in range(len(q.options)):
            fb = session.answer(q, [position], 10)
            assert fb.grade.correct == (q.order[position] in item.correct)
            assert fb.grade.answer == str(position + 1)
            assert fb.grade.expected == str(right + 1)
            assert store.reviews()[-1].answer == str(q.order[position] + 1)
            assert [o.chosen for o in fb.options] == [p == position for p in range(len(q.options))]
            assert [o.text for o in fb.options] == list(q.options)
            assert [o.correct for o in fb.options] == [i in item.correct for i in q.order]
    assert len(orders) > 1, "options should be shuffled per showing"


def test_multi_choice_needs_exactly_the_correct_set(bank: Bank, store: Store, clock: Clock) -> None:
    item = bank.items[MULTI]
    assert isinstance(item, Choice) and len(item.correct) == 2
    session = make_session(bank, store, clock, queue=[MULTI], seed=3)
    q = session.next_question()
    assert q is not None and q.multi
    right = [q.order.index(i) for i in item.correct]
    wrong = [p for p in range(len(q.order)) if q.order[p] not in item.correct]
    assert session.answer(q, right, 10).grade.correct
    assert session.answer(q, list(reversed(right)), 10).grade.correct
    assert not session.answer(q, right[:1], 10).grade.correct
    assert not session.answer(q, [*right, wrong[0]], 10).grade.correct
    assert not session.answer(q, wrong, 10).grade.correct


def test_fill_accepts_an_alias(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, queue=[FILL])
    q = session.next_question()
    assert q is not None and q.kind == "fill" and q.blanks == 1
    for alias in (["GAP"], ["gap"], ["グローバル平均プーリング"], "Global Average Pooling"):
        fb = session.answer(q, alias, 10)
        assert fb.grade.correct, alias
        assert fb.grade.blanks == (True,)
    fb = session.answer(q, ["Global Max Pooling"], 10)
    assert not fb.grade.correct and fb.grade.blanks == (False,)


def distinguishing_misconception(problem: Problem) -> Any:
    """A misconception whose value is neither the answer nor an earlier misconception's value."""
    for n, m in enumerate(problem.misconceptions):
        if close(problem, m.value, problem.answer):
            continue
        if any(close(problem, m.value, e.value) for e in problem.misconceptions[:n]):
            continue
        return m
    return None


def test_numeric_exact_answer_and_misconception(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, endless="conv_output_size", seed=11)
    for _ in range(30):
        q = session.next_question()
        assert q is not None and q.kind == "numeric" and q.problem is not None
        mistake = distinguishing_misconception(q.problem)
        if mistake is not None:
            break
    else:
        pytest.fail("no conv_output_size problem with a distinct misconception in 30 draws")
    problem = q.problem
    assert q.card_key == GEN and q.topic == "stride-padding"
    assert q.prompt.startswith(bank.items["g-conv-size"].prompt)
    assert problem.prompt in q.prompt

    right = session.answer(q, fmt(problem.answer), 20)
    assert right.grade.correct and right.diagnosis == ""
    assert right.solution == problem.solution and right.solution

    wrong = session.answer(q, fmt(mistake.value), 20)
    assert not wrong.grade.correct
    assert wrong.diagnosis == mistake.label
    assert store.reviews()[-1].misconception == mistake.code

    other = session.answer(q, "-98765", 20)
    assert not other.grade.correct and other.diagnosis == ""
    assert store.reviews()[-1].misconception is None


# --- committing and scheduling ------------------------------------------------------------


def test_each_answer_is_committed_before_answer_returns(
    bank: Bank, store: Store, clock: Clock, db_path: Path
) -> None:
    session = make_session(bank, store, clock, queue=ALL_KEYS)
    answered = 0
    while (q := session.next_question()) is not None:
        clock.advance(seconds=30)
        fb = session.answer(q, right_response(q) if answered % 2 else wrong_response(q), 12.5)
        answered += 1
        with Store.open(db_path) as other:
            assert other.review_count() == answered
            last = other.reviews()[-1]
            card = other.get_card(q.card_key)
        assert last.id == fb.review_id
        assert last.card_key == q.card_key
        assert last.correct == fb.grade.correct == bool(answered % 2 == 0)
        if isinstance(q.item, Choice):
            # The log keeps original option numbers; the feedback speaks in the shown ones.
            shown = sorted(right_response(q) if last.correct else wrong_response(q))
            assert fb.grade.answer == ",".join(str(p + 1) for p in shown)
            assert last.answer == ",".join(str(i + 1) for i in sorted(q.order[p] for p in shown))
        else:
            assert last.answer == fb.grade.answer
        assert last.reviewed_at == clock.now
        assert last.seconds == 12.5
        assert last.session_id == session.session_id
        assert last.rating == (int(Rating.Good) if last.correct else int(Rating.Again))
        if q.problem is not None:
            assert last.item_id == "g-conv-size"
            assert last.generator == "conv_output_size"
            assert last.seed == q.problem.seed
            assert last.params == json.loads(json.dumps(q.problem.params))
            assert last.params  # the instance can be rebuilt from the log
        else:
            assert last.item_id == q.card_key and last.generator is None
            assert last.seed is None and last.params is None
        assert card is not None and card.reps == 1
    assert answered == len(ALL_KEYS)


def test_generated_instance_can_be_rebuilt_from_the_log(
    bank: Bank, store: Store, clock: Clock
) -> None:
    session = make_session(bank, store, clock, queue=[GEN])
    q = session.next_question()
    assert q is not None and q.problem is not None
    session.answer(q, right_response(q), 30)
    review = store.reviews()[-1]
    assert review.seed is not None
    rebuilt = REGISTRY["conv_output_size"].generate(review.seed, None)
    assert rebuilt.prompt == q.problem.prompt and rebuilt.answer == q.problem.answer


def test_card_state_is_saved_and_due_moves_forward(
    bank: Bank, store: Store, clock: Clock, db_path: Path
) -> None:
    session = make_session(bank, store, clock, queue=[TRAP, TRAP, TRAP])
    q = session.next_question()
    assert q is not None
    first = session.answer(q, "o", 5)
    assert first.card is not None and first.card.reps == 1 and first.card.lapses == 0
    assert first.card.due > clock.now
    with Store.open(db_path) as other:
        saved = other.get_card(TRAP)
    assert saved is not None and saved.reps == 1 and saved.due == first.card.due

    clock.now = first.card.due
    q = session.next_question()
    assert q is not None
    second = session.answer(q, "o", 5)
    assert second.card is not None and second.card.reps == 2
    assert second.card.due > first.card.due

    clock.now = second.card.due
    q = session.next_question()
    assert q is not None
    third = session.answer(q, "o", 5)
    assert third.card is not None and third.card.reps == 3
    assert third.card.fsrs_state == State.Review
    assert third.card.due - clock.now > second.card.due - first.card.due
    saved = store.get_card(TRAP)
    assert saved is not None
    assert (saved.due, saved.reps, saved.lapses, saved.stability, saved.fsrs_state) == (
        third.card.due,
        3,
        0,
        third.card.stability,
        State.Review,
    )


def test_slow_right_answer_is_rated_hard(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, queue=[TRAP])
    q = session.next_question()
    assert q is not None
    session.answer(q, "o", 3 * q.expected_seconds)
    assert store.reviews()[-1].rating == int(Rating.Hard)


# --- review sessions re-show misses -------------------------------------------------------


def walk(session: Session, wrong_once: set[str]) -> list[str]:
    """Answer every question (wrong the first time for keys in ``wrong_once``); keys shown."""
    shown: list[str] = []
    missed: set[str] = set()
    while (q := session.next_question()) is not None:
        shown.append(q.card_key)
        miss = q.card_key in wrong_once and q.card_key not in missed
        if miss:
            missed.add(q.card_key)
        session.answer(q, wrong_response(q) if miss else right_response(q), 10)
        assert len(shown) < 50
    return shown


def test_review_reshows_a_miss_after_relearn_gap_other_cards(
    bank: Bank, store: Store, clock: Clock
) -> None:
    keys = list(ALL_KEYS)
    assert len(keys) > RELEARN_GAP + 1
    session = make_session(bank, store, clock, mode="review", queue=keys)
    shown = walk(session, wrong_once={keys[0]})
    assert shown == [*keys[: RELEARN_GAP + 1], keys[0], *keys[RELEARN_GAP + 1 :]]
    assert session.summary.answered == len(keys) + 1 and session.summary.correct == len(keys)


def test_review_reshows_a_miss_at_the_end_when_the_queue_runs_out(
    bank: Bank, store: Store, clock: Clock
) -> None:
    session = make_session(bank, store, clock, mode="review", queue=[TRAP, FILL])
    assert session.remaining() == 2
    shown = walk(session, wrong_once={TRAP, FILL})
    assert shown == [TRAP, FILL, TRAP, FILL]


def test_drill_does_not_reshow_a_miss(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, mode="drill", queue=[TRAP, FILL])
    assert walk(session, wrong_once={TRAP, FILL}) == [TRAP, FILL]


def test_session_skips_keys_that_no_longer_resolve(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(
        bank, store, clock, queue=["retired-item", TRAP, GEN_PREFIX + "no_such_generator", FILL]
    )
    assert walk(session, wrong_once=set()) == [TRAP, FILL]


# --- mock exams ---------------------------------------------------------------------------


def test_mock_generated_question_offers_the_problem_choices(
    bank: Bank, store: Store, clock: Clock
) -> None:
    session = make_session(bank, store, clock, mode="mock", queue=[GEN, TRAP])
    q = session.next_question()
    assert q is not None and q.kind == "choice" and q.problem is not None
    problem = q.problem
    assert len(problem.choices) >= 4
    assert q.options == tuple(c.text + problem.unit for c in problem.choices)
    right = session.answer(q, [q.order.index(correct_choice(problem))], 20)
    assert right.grade.correct
    assert [o.text for o in right.options] == list(q.options)
    for position, choice in enumerate(problem.choices):
        if choice.correct:
            continue
        fb = session.answer(q, [q.order.index(position)], 20)
        assert not fb.grade.correct
        if choice.misconception is not None:
            assert fb.diagnosis in {m.label for m in problem.misconceptions}
    assert session.next_question() is not None  # the trap follows
    summary = session.finish()
    assert summary.answered == len(problem.choices)
    assert summary.correct == 1


# --- finishing ----------------------------------------------------------------------------


def test_building_a_session_writes_nothing_until_it_is_started(
    bank: Bank, store: Store, clock: Clock
) -> None:
    """A screen may build a session and drop it (the learner backs out): only start() records
    it, once, and a session never started shows no card and has nothing to close."""
    session = Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=REGISTRY,
        mode=MODES["review"],
        queue=[TRAP],
        clock=clock,
    )
    assert session.session_id is None and store.unfinished_sessions() == []
    with pytest.raises(RuntimeError):
        session.next_question()
    assert session.finish().answered == 0 and store.unfinished_sessions() == []
    started = make_session(bank, store, clock, mode="review", queue=[TRAP])
    first = started.session_id
    assert started.start() is started and started.session_id == first
    assert [s.id for s in store.unfinished_sessions()] == [first]
    record = store.get_session(first)
    assert record is not None and record.mode == "review"


def test_finish_records_end_and_summary_once(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, queue=ALL_KEYS, settings={"topics": ["relu"]})
    record = store.get_session(session.session_id)
    assert record is not None and record.mode == "drill" and record.ended_at is None
    assert record.settings == {"topics": ["relu"]}
    assert store.unfinished_sessions()[-1].id == session.session_id
    shown = walk(session, wrong_once={TRAP, FILL})
    clock.advance(minutes=5)
    summary = session.finish()
    ended = clock.now
    assert summary.answered == len(shown) and summary.correct == len(shown) - 2
    assert summary.score == pytest.approx(3 / 5)
    assert summary.by_topic == {"relu": [1, 2], "gap-cam": [1, 2], "stride-padding": [1, 1]}
    assert [f.question.card_key for f in summary.missed] == [TRAP, FILL]

    clock.advance(hours=1)
    assert session.finish() is summary
    record = store.get_session(session.session_id)
    assert record is not None
    assert record.ended_at == ended
    assert record.summary == {
        "answered": 5,
        "correct": 3,
        "by_topic": {"relu": [1, 2], "gap-cam": [1, 2], "stride-padding": [1, 1]},
    }
    assert session.session_id not in {s.id for s in store.unfinished_sessions()}


# --- odd responses ------------------------------------------------------------------------


def first_question(session: Session) -> Question:
    q = session.next_question()
    assert q is not None
    return q


ODD = [
    (TRAP, None),
    (TRAP, 1),
    (TRAP, 0),
    (TRAP, 1.0),
    (TRAP, True),
    (TRAP, ["o"]),
    (SINGLE, None),
    (SINGLE, []),
    (SINGLE, ""),
    (SINGLE, [99]),
    (SINGLE, [-1]),
    (SINGLE, 99),
    (SINGLE, "99"),
    (SINGLE, 1.5),
    (SINGLE, ["a"]),
    (SINGLE, [None]),
    (MULTI, None),
    (MULTI, []),
    (MULTI, [99, 100]),
    (FILL, None),
    (FILL, []),
    (FILL, 16),
    (FILL, [None]),
    (GEN, None),
    (GEN, []),
    (GEN, ""),
    (GEN, {"a": 1}),
    pytest.param(GEN, "(" * 199 + "1", id="deep-parentheses"),
    pytest.param(GEN, "-" * 150 + "1", id="deep-signs"),
]


@pytest.mark.parametrize(("key", "response"), ODD, ids=lambda v: repr(v))
def test_odd_response_is_just_wrong(
    bank: Bank, store: Store, clock: Clock, key: str, response: Any
) -> None:
    session = make_session(bank, store, clock, queue=[key])
    q = first_question(session)
    fb = session.answer(q, response, 10)
    assert fb.grade.correct is False
    assert store.reviews()[-1].correct is False
    assert store.get_card(key) is not None


@pytest.mark.parametrize("response", [None, [], "", [99], 99, ["x"], [0, 1]])
def test_odd_response_to_a_mock_problem_is_just_wrong(
    bank: Bank, store: Store, clock: Clock, response: Any
) -> None:
    session = make_session(bank, store, clock, mode="mock", queue=[GEN])
    q = first_question(session)
    assert not session.answer(q, response, 10).grade.correct


def test_negative_positions_do_not_wrap_around(bank: Bank, store: Store, clock: Clock) -> None:
    session = make_session(bank, store, clock, mode="mock", queue=[GEN, SINGLE])
    q = first_question(session)
    assert q.problem is not None
    wrapped = q.order.index(correct_choice(q.problem)) - len(q.order)
    assert not session.answer(q, [wrapped], 10).grade.correct
    q = first_question(session)
    item = bank.items[SINGLE]
    assert isinstance(item, Choice)
    wrapped = q.order.index(next(iter(item.correct))) - len(q.order)
    assert not session.answer(q, [wrapped], 10).grade.correct


def test_an_out_of_range_position_spoils_a_right_one(
    bank: Bank, store: Store, clock: Clock
) -> None:
    session = make_session(bank, store, clock, queue=[SINGLE])
    q = first_question(session)
    right = right_response(q)
    assert session.answer(q, right, 10).grade.correct
    assert not session.answer(q, [*right, 99], 10).grade.correct


@pytest.fixture
def questions(bank: Bank, store: Store, clock: Clock) -> dict[str, tuple[Session, Question]]:
    """One session per kind, each with its first question, shared by hypothesis examples."""
    out = {}
    for name, key, mode in (
        ("trap", TRAP, "drill"),
        ("choice", SINGLE, "drill"),
        ("multi", MULTI, "drill"),
        ("fill", FILL, "drill"),
        ("numeric", GEN, "drill"),
        ("mock", GEN, "mock"),
    ):
        session = make_session(bank, store, clock, mode=mode, queue=[key])
        out[name] = (session, first_question(session))
    return out


@pytest.mark.parametrize("kind", ["trap", "choice", "multi", "fill", "numeric", "mock"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=30))
@example(text="²")
@example(text="①")
@example(text="٣")
@example(text="(" * 199 + "1")
def test_arbitrary_text_never_raises(
    questions: dict[str, tuple[Session, Question]], store: Store, kind: str, text: str
) -> None:
    session, q = questions[kind]
    before = store.review_count()
    fb = session.answer(q, text, 10)
    assert isinstance(fb.grade.correct, bool)
    assert store.review_count() == before + 1
    stored = store.reviews()[-1]
    assert stored.correct == fb.grade.correct
    if kind not in ("choice", "multi"):
        assert stored.answer == fb.grade.answer


def test_a_huge_answer_is_stored_bounded(bank: Bank, store: Store, clock: Clock) -> None:
    for key, response in ((FILL, ["GAP" * 400_000]), (GEN, "9" * 1_000_000), (TRAP, "o" * 10**6)):
        session = make_session(bank, store, clock, queue=[key])
        fb = session.answer(first_question(session), response, 10)
        assert not fb.grade.correct
        assert len(store.reviews(card_key=key)[-1].answer) <= MAX_INPUT + 1


def test_a_failed_write_leaves_the_session_as_it_was(
    bank: Bank, db_path: Path, clock: Clock
) -> None:
    """A lock held by another process past the busy timeout: nothing is recorded, counted or
    queued, and answering again records the answer once."""
    with Store.open(db_path, busy_timeout_ms=50) as store:
        session = make_session(bank, store, clock, mode="review", queue=[TRAP, SINGLE])
        q = first_question(session)
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises((StoreError, sqlite3.Error)):
            session.answer(q, wrong_response(q), 10)
        assert store.review_count() == 0
        assert session.summary.answered == 0 and session.remaining() == 1
        other.execute("ROLLBACK")
        other.close()
        fb = session.answer(q, wrong_response(q), 10)
        assert not fb.grade.correct
        assert [r.card_key for r in store.reviews()] == [q.card_key]
        assert session.summary.answered == 1 and session.remaining() == 2  # the miss comes back
        assert store.get_card(q.card_key) is not None


# --- determinism --------------------------------------------------------------------------


def fingerprint(session: Session) -> list[tuple[Any, ...]]:
    out = []
    while (q := session.next_question()) is not None:
        p = q.problem
        out.append(
            (q.card_key, q.kind, q.prompt, q.options, q.order)
            + ((p.seed, p.params, p.answer) if p is not None else ())
        )
        session.answer(q, right_response(q), 10)
    return out


@pytest.mark.parametrize("mode", ["drill", "mock"])
def test_same_seed_same_questions(bank: Bank, tmp_path: Path, mode: str) -> None:
    runs = []
    for n, seed in enumerate((5, 5, 6)):
        with Store.open(tmp_path / f"{n}.db") as s:
            session = make_session(bank, s, Clock(), mode=mode, queue=ALL_KEYS, seed=seed)
            runs.append(fingerprint(session))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert [r[0] for r in runs[0]] == [r[0] for r in runs[2]]


# --- drill_queue --------------------------------------------------------------------------


def test_drill_queue_keeps_only_chosen_topics_and_exams(bank: Bank) -> None:
    assert set(drill_queue(bank, ["relu"], seed=1)) == {TRAP, SINGLE}
    assert set(drill_queue(bank, ["gap-cam"], exams=["G"], seed=1)) == {MULTI, FILL}
    assert set(drill_queue(bank, ["relu", "gap-cam", "stride-padding"], exams=["E"], seed=1)) == {
        SINGLE,
        GEN,
    }
    assert set(drill_queue(bank, ["stride-padding"], exams=["G"], seed=1)) == set()
    everything = drill_queue(bank, list(bank.topics), seed=1)
    assert sorted(everything) == sorted(ALL_KEYS)


def test_drill_queue_generator_card_appears_once(bank: Bank, tmp_path: Path) -> None:
    twin = tmp_path / "bank"
    twin.mkdir()
    (twin / "topics.yaml").write_text((BANK_DIR / "topics.yaml").read_text("utf-8"), "utf-8")
    text = (BANK_DIR / "items.yaml").read_text("utf-8")
    extra = text[text.index("  - id: g-conv-size") :].replace("g-conv-size", "g-conv-size-2")
    (twin / "items.yaml").write_text(text + extra, "utf-8")
    doubled = load_bank([twin], generators=REGISTRY)
    assert not doubled.errors and "g-conv-size-2" in doubled.items
    queue = drill_queue(doubled, ["stride-padding"], seed=0)
    assert queue == [GEN]


def test_drill_queue_puts_unseen_then_weak_then_strong(bank: Bank) -> None:
    seen = {TRAP: (4, 4), SINGLE: (4, 1), MULTI: (2, 1)}
    orders = set()
    for seed in range(10):
        queue = drill_queue(bank, list(bank.topics), seed=seed, seen=seen)
        assert set(queue[:2]) == {FILL, GEN}
        assert queue[2:] == [SINGLE, MULTI, TRAP]
        orders.add(tuple(queue))
    assert len(orders) == 2, "unseen cards are shuffled by the seed"
    assert drill_queue(bank, list(bank.topics), seed=3) == drill_queue(
        bank, list(bank.topics), seed=3
    )


# --- review_queue -------------------------------------------------------------------------


def answer_at(
    store: Store, sched: SrsScheduler, key: str, correct: bool, at: datetime
) -> CardState:
    """Record one answer the way a session does (scheduler, then one committed write)."""
    rating = Rating.Good if correct else Rating.Again
    state = sched.review(store.get_card(key), rating, at, card_key=key)
    store.record_answer(
        ReviewRecord(
            card_key=key,
            item_id=None if key.startswith(GEN_PREFIX) else key,
            generator=key[len(GEN_PREFIX) :] if key.startswith(GEN_PREFIX) else None,
            seed=None,
            params=None,
            answer="o",
            correct=correct,
            rating=int(rating),
            seconds=5.0,
            reviewed_at=at,
            session_id=None,
        ),
        state,
    )
    return state


def graduate(store: Store, sched: SrsScheduler, key: str, at: datetime) -> CardState:
    """Answer a new card right until it leaves the learning steps."""
    state = answer_at(store, sched, key, True, at)
    while state.fsrs_state != State.Review:
        state = answer_at(store, sched, key, True, state.due)
    return state


def test_review_queue_on_a_fresh_store_is_new_cards_up_to_the_limit(
    bank: Bank, store: Store
) -> None:
    sched = SrsScheduler(fuzz=False)
    two = review_queue(bank, REGISTRY, store, sched, T0, new_limit=2, seed=1)
    assert len(two) == 2 and set(two) <= set(ALL_KEYS)
    assert sorted(review_queue(bank, REGISTRY, store, sched, T0, new_limit=20, seed=1)) == sorted(
        ALL_KEYS
    )
    assert review_queue(bank, REGISTRY, store, sched, T0, new_limit=0, seed=1) == []
    assert two == review_queue(bank, REGISTRY, store, sched, T0, new_limit=2, seed=1)


def test_review_queue_puts_due_cards_first_in_scheduler_order(bank: Bank, store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    older = graduate(store, sched, TRAP, T0 - timedelta(days=40))
    newer = graduate(store, sched, SINGLE, T0 - timedelta(days=39))
    assert older.due < T0 and newer.due < T0
    learning = answer_at(store, sched, FILL, False, T0 - timedelta(days=1))
    assert learning.due < T0
    queue = review_queue(bank, REGISTRY, store, sched, T0, new_limit=20, seed=1)
    due = sched.queue_order(store.all_cards(), T0)
    assert set(due) == {TRAP, SINGLE, FILL}
    assert queue[:3] == due
    assert due.index(TRAP) < due.index(SINGLE), "longer since review → lower recall → first"
    assert set(queue[3:]) == {MULTI, GEN}


def test_review_queue_leaves_out_cards_not_yet_due(bank: Bank, store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    state = graduate(store, sched, TRAP, T0 - timedelta(days=40))
    at = state.due - timedelta(hours=1)
    assert TRAP not in review_queue(bank, REGISTRY, store, sched, at, new_limit=20, seed=1)
    assert review_queue(bank, REGISTRY, store, sched, state.due, new_limit=0, seed=1) == [TRAP]


def test_review_queue_counts_new_cards_introduced_today(bank: Bank, store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    answer_at(store, sched, TRAP, True, T0 - timedelta(hours=3))
    answer_at(store, sched, GEN, False, T0 - timedelta(hours=2))
    now = T0 + timedelta(days=0, hours=1)
    queue = review_queue(bank, REGISTRY, store, sched, now, new_limit=3, seed=1)
    due = sched.queue_order(store.all_cards(), now)
    assert set(due) == {TRAP, GEN}
    assert queue[:2] == due
    fresh = queue[2:]
    assert len(fresh) == 1 and fresh[0] in {SINGLE, MULTI, FILL}
    assert review_queue(bank, REGISTRY, store, sched, now, new_limit=2, seed=1) == due


def test_review_queue_does_not_count_yesterdays_new_cards(bank: Bank, store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    answer_at(store, sched, TRAP, True, T0 - timedelta(days=1))
    answer_at(store, sched, GEN, True, T0 - timedelta(days=1))
    queue = review_queue(bank, REGISTRY, store, sched, T0, new_limit=2, seed=1)
    assert set(queue[:2]) == {TRAP, GEN}
    assert len(queue) == 4 and set(queue[2:]) <= {SINGLE, MULTI, FILL}


def test_review_queue_skips_cards_whose_item_was_removed(bank: Bank, store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    for key in ("retired-item", GEN_PREFIX + "retired_generator", TRAP):
        answer_at(store, sched, key, False, T0 - timedelta(days=2))
    queue = review_queue(bank, REGISTRY, store, sched, T0, new_limit=20, seed=1)
    assert queue[0] == TRAP
    assert sorted(queue) == sorted(ALL_KEYS)
    assert "retired-item" not in queue and GEN_PREFIX + "retired_generator" not in queue


def test_review_queue_skips_suspended_cards(bank: Bank, store: Store) -> None:
    sched = SrsScheduler(fuzz=False)
    state = answer_at(store, sched, TRAP, False, T0 - timedelta(days=2))
    store.save_card(replace(state, suspended=True), now=T0)
    assert TRAP not in review_queue(bank, REGISTRY, store, sched, T0, new_limit=20, seed=1)


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_new_card_day_starts_at_local_midnight(bank: Bank, store: Store, tokyo: None) -> None:
    limit = 2
    late_evening = Clock(datetime(2026, 11, 22, 14, 30, tzinfo=UTC))  # 23:30 JST on the 22nd
    session = make_session(bank, store, late_evening, queue=[TRAP])
    session.answer(session.next_question(), "o", 5)  # type: ignore[arg-type]
    assert len(new_cards_today(bank, store, late_evening(), limit)) == 1
    after_midnight = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)  # 00:30 JST on the 23rd
    fresh = new_cards_today(bank, store, after_midnight, limit)
    assert len(fresh) == limit and TRAP not in fresh


def test_a_shared_generator_is_framed_by_the_drilled_topics_item(
    bank: Bank, store: Store, clock: Clock
) -> None:
    """Six shipped generators serve items of several topics. A drill of one topic frames the
    problem with that topic's item (its lead-in, ranges and explanation) and counts it there; a
    review uses the generator's own topic's item."""
    from dataclasses import replace

    (own,) = [i for i in bank.items.values() if isinstance(i, Generated)]
    assert REGISTRY[own.generator].topic == own.topic
    other = replace(own, id="g-conv-size-relu", topic="relu", prompt="ReLU の層の出力サイズ。")
    shared = Bank(topics=bank.topics, items={other.id: other, **bank.items})
    drill = make_session(shared, store, clock, queue=[GEN], topics=["relu"])
    q = drill.next_question()
    assert q is not None and q.item == other and q.topic == "relu"
    assert q.prompt.startswith("ReLU の層の出力サイズ。")
    review = make_session(shared, store, clock, mode="review", queue=[GEN])
    q = review.next_question()
    assert q is not None and q.item == own and q.topic == own.topic
