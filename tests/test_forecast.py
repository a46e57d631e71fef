"""The exam-day forecast: its arithmetic on known states, and its calibration on simulated
learners (predicted score against the score of an exam they then sit)."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from functools import cache

import pytest

from benchmarks.learners import simulate
from quizapp.bank import Bank, load_bank
from quizapp.forecast import GUESS, exam_cards, first_answer_prior, forecast
from quizapp.paths import shipped_bank_dir
from solvers.generators import REGISTRY

AT = datetime(2027, 1, 10, tzinfo=UTC)


@cache
def bank() -> Bank:
    return load_bank([shipped_bank_dir()], generators=REGISTRY)


def test_a_learner_who_has_seen_nothing_scores_the_prior_everywhere() -> None:
    result = forecast(bank(), "G", AT, lambda key, at: None, prior=0.3)
    assert result.score == pytest.approx(0.3)
    assert all(a.expected == pytest.approx(0.3) and a.seen == 0 for a in result.areas)
    assert sum(a.share for a in result.areas) == pytest.approx(1.0)


def test_perfect_recall_scores_full_marks_on_covered_areas_only() -> None:
    result = forecast(bank(), "E", AT, lambda key, at: 1.0, prior=0.0)
    for area in result.areas:
        assert area.expected == (1.0 if area.cards else 0.0)
    covered = sum(a.share for a in result.areas if a.cards)
    assert result.score == pytest.approx(covered)


def test_forgotten_cards_are_still_guessed_one_time_in_four() -> None:
    result = forecast(bank(), "G", AT, lambda key, at: 0.0, prior=0.0)
    for area in result.areas:
        assert area.expected == (GUESS if area.cards else 0.0)


def test_the_costliest_areas_are_those_with_the_most_points_at_stake() -> None:
    cards = exam_cards(bank(), "G")
    weak = "ディープラーニングの要素技術"
    assert cards[weak]
    result = forecast(
        bank(), "G", AT, lambda key, at: 0.0 if key in cards[weak] else 1.0, prior=1.0
    )
    assert result.costliest(1)[0].name == weak


def test_the_interval_holds_the_score_and_is_that_of_the_exams_length() -> None:
    result = forecast(bank(), "G", AT, lambda key, at: 0.5, prior=0.5)
    assert result.low < result.score < result.high
    covered = [a for a in result.areas if a.cards]
    assert covered and result.high - result.low == pytest.approx(
        2
        * 1.2816
        * (sum(a.share * a.expected * (1 - a.expected) for a in result.areas) / 160) ** 0.5
    )
    longer = forecast(bank(), "E", AT, lambda key, at: 0.5, prior=0.5)
    assert longer.high - longer.low > result.high - result.low, "100 questions vary more than 160"


def test_the_prior_learns_from_first_answers() -> None:
    assert first_answer_prior([]) == pytest.approx(1 / 3)
    assert first_answer_prior([True] * 98) > 0.95
    assert first_answer_prior([False] * 98) < 0.02


LEARNERS = [
    # strength of real memory against the model, first-answer accuracy, days studied, days rested
    (0.5, 0.30, 20, 0),
    (0.7, 0.35, 25, 7),
    (1.0, 0.30, 30, 30),
    (1.0, 0.40, 15, 0),
    (1.5, 0.30, 20, 14),
    (2.0, 0.25, 30, 0),
    (0.8, 0.30, 10, 20),
    (1.2, 0.35, 40, 3),
    (0.6, 0.45, 12, 0),
    (1.0, 0.20, 35, 60),
]


@pytest.mark.parametrize("exam", ["G", "E"])
def test_forecast_is_calibrated_on_simulated_learners(exam: str) -> None:
    """Mean absolute error of the predicted score against the realised one, over learners who
    remember from half to twice as well as the model assumes and rest up to two months before
    the exam."""
    outcomes = [
        simulate(bank(), exam, strength=s, base=b, days=d, rest=r, new_per_day=15, seed=n)
        for n, (s, b, d, r) in enumerate(LEARNERS)
    ]
    errors = [abs(o.predicted - o.realised) for o in outcomes]
    mae = statistics.mean(errors)
    bias = statistics.mean(o.predicted - o.expected for o in outcomes)
    true_mae = statistics.mean(abs(o.predicted - o.expected) for o in outcomes)
    covered = sum(o.low <= o.realised <= o.high for o in outcomes)
    print(
        f"\n{exam}: forecast MAE {mae:.3f} against the exams sat ({true_mae:.3f} against the"
        f" learners' expected scores, bias {bias:+.3f}); {covered}/{len(outcomes)} in the 80%"
        " interval"
    )
    assert mae < 0.05 and max(errors) < 0.12
    assert abs(bias) < 0.015 and true_mae < 0.03
    assert covered >= len(outcomes) // 2
