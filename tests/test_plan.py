"""The exam-date study plan: followed day by day, no card is first seen after the cut-off."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from quizapp.plan import REVIEW_DAYS, describe, final_review_order, plan

EXAM = date(2027, 1, 10)


@given(
    unseen=st.integers(min_value=0, max_value=5000),
    days_before=st.integers(min_value=REVIEW_DAYS, max_value=400),
)
def test_following_the_plan_meets_every_card_by_the_cut_off(unseen: int, days_before: int) -> None:
    today = EXAM - timedelta(days=days_before)
    left = unseen
    first_seen_last = None
    while left:
        p = plan(exam_date=EXAM, today=today, unseen=left, reviews_per_day=0)
        assert p.new_per_day > 0
        taken = min(p.new_per_day, left)
        left -= taken
        first_seen_last = today
        today += timedelta(days=1)
    if first_seen_last is not None:
        assert first_seen_last <= EXAM - timedelta(days=REVIEW_DAYS)


def test_the_rate_is_the_unseen_cards_over_the_days_to_the_cut_off() -> None:
    p = plan(exam_date=EXAM, today=date(2026, 12, 3), unseen=420, reviews_per_day=30)
    assert p.cutoff == date(2027, 1, 3) and p.study_days == 32
    assert p.new_per_day == 14  # ceil(420 / 32)
    assert describe(p) == "1/10 までに全範囲を一巡するには 1 日 14 枚（新規は 1/3 まで）"


def test_a_budget_says_what_fits_from_the_logged_seconds() -> None:
    p = plan(
        exam_date=EXAM,
        today=date(2026, 12, 3),
        unseen=420,
        reviews_per_day=30,
        seconds=[20, 40, 60],
        minutes=20,
    )
    assert p.seconds_per_card == 40
    assert p.minutes_needed == (14 + 30) * 40 / 60
    assert not p.fits and p.affordable_new == 0
    roomy = plan(
        exam_date=EXAM, today=date(2026, 12, 3), unseen=420, reviews_per_day=10, minutes=60
    )
    assert roomy.fits and roomy.affordable_new == 70
    assert "1 日 20 分では" in describe(p)


def test_the_last_days_review_the_weakest_cards_first() -> None:
    recall = {"a": 0.9, "b": 0.4, "c": 0.7, "d": 0.4}
    assert final_review_order(recall, recall.__getitem__) == ["b", "d", "c", "a"]
    late = plan(exam_date=EXAM, today=date(2027, 1, 5), unseen=50, reviews_per_day=0)
    assert (late.cutoff, late.new_per_day) == (date(2027, 1, 5), 50), "late: all of them today"
    assert "過ぎています" in describe(
        plan(exam_date=EXAM, today=date(2027, 1, 11), unseen=5, reviews_per_day=0)
    )
