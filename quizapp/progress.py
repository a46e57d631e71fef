"""Progress figures shared by the home screen, the stats screen and ``quizapp stats``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from quizapp.bank import Bank
from quizapp.cardkey import generator_of
from quizapp.counts import cards_by_topic
from quizapp.scheduler import SrsScheduler
from quizapp.store import CardState, Store

MIN_ANSWERS_FOR_WEAKNESS = 3
SOON = timedelta(hours=1)
"""How far ahead home looks for cards coming due (a missed card returns within minutes)."""


def percent(value: float | None) -> str:
    """A share as every screen and ``quizapp stats`` print it: 67%, or — without answers."""
    return "—" if value is None else f"{value:.0%}"


@dataclass(frozen=True)
class TopicProgress:
    topic: str
    title: str
    total: int
    """Cards in the topic (hand-written items plus generator cards)."""
    seen: int
    """Cards answered at least once."""
    answers: int
    """Answers given (a card answered three times counts three)."""
    correct_answers: int
    """Right answers among them: the 正解 column wherever one is shown."""

    @property
    def accuracy(self) -> float | None:
        """正答率: right answers over answers, the one definition home, stats, the result
        screen and ``quizapp stats`` show."""
        return self.correct_answers / self.answers if self.answers else None


@dataclass(frozen=True)
class Overview:
    topics: list[TopicProgress]
    due_now: int
    due_soon: int
    """Cards not due yet that fall due within :data:`SOON`."""
    next_due: datetime | None
    """When the first of those falls due."""
    seen_cards: int
    total_cards: int
    answers: int
    correct_answers: int
    below_target_on_exam: int | None
    """Seen cards whose recall will be below the target when the exam starts (None without an
    exam date, or once it has passed)."""
    days_to_exam: int | None
    """From the learner's local date to the exam date; negative once it has passed."""
    exam_date: date | None = None

    @property
    def accuracy(self) -> float | None:
        return self.correct_answers / self.answers if self.answers else None

    def weakest(self, n: int = 3) -> list[TopicProgress]:
        """Up to ``n`` topics answered at least :data:`MIN_ANSWERS_FOR_WEAKNESS` times whose
        accuracy is below the learner's own (all answers): a topic answered all right, or
        better than the rest, is no weakness however few topics there are."""
        average = self.accuracy
        if average is None:
            return []
        rated = [
            t
            for t in self.topics
            if t.answers >= MIN_ANSWERS_FOR_WEAKNESS and (t.accuracy or 0.0) < average
        ]
        return sorted(rated, key=lambda t: (t.accuracy or 0.0, -t.answers))[:n]


def topic_of(key: str, bank: Bank, generators: Mapping[str, Any]) -> str | None:
    name = generator_of(key)
    if name is not None:
        gen = generators.get(name)
        return gen.topic if gen is not None else None
    item = bank.items.get(key)
    return item.topic if item is not None else None


def overview(
    bank: Bank,
    generators: Mapping[str, Any],
    store: Store,
    scheduler: SrsScheduler,
    now: datetime,
    tz: tzinfo | None = None,
) -> Overview:
    """Everything the home screen shows, from one pass over the cards and the log.

    A generator used by items of several topics is one card that counts in each of those topics,
    but once in the totals. Days are counted on the calendar of ``tz`` (default: the machine's
    local time zone), the one the learner lives by."""
    keys_by_topic = cards_by_topic(bank)
    every_key = set().union(*keys_by_topic.values())
    counts = store.answer_counts_by_card()
    topics = []
    for topic, keys in keys_by_topic.items():
        answered = [k for k in keys if k in counts]
        topics.append(
            TopicProgress(
                topic=topic,
                title=bank.topics[topic].title if topic in bank.topics else topic,
                total=len(keys),
                seen=len(answered),
                answers=sum(counts[k][0] for k in answered),
                correct_answers=sum(counts[k][1] for k in answered),
            )
        )
    cards = [c for c in store.all_cards() if topic_of(c.card_key, bank, generators) is not None]
    due_now = len(scheduler.queue_order(cards, now))
    coming = sorted(c.due for c in cards if not c.suspended and now < c.due <= now + SOON)
    below = days = None
    if scheduler.exam_date is not None:
        days = (scheduler.exam_date - now.astimezone(tz).date()).days
        if days >= 0:
            below = scheduler.below_target_on(cards, scheduler.exam_date)
    return Overview(
        topics=topics,
        due_now=due_now,
        due_soon=len(coming),
        next_due=coming[0] if coming else None,
        seen_cards=sum(1 for k in every_key if k in counts),
        total_cards=len(every_key),
        answers=sum(counts[k][0] for k in every_key if k in counts),
        correct_answers=sum(counts[k][1] for k in every_key if k in counts),
        below_target_on_exam=below,
        days_to_exam=days,
        exam_date=scheduler.exam_date,
    )


def exam_countdown(view: Overview) -> str | None:
    """The exam line of home and ``quizapp stats`` (None without an exam date)."""
    days = view.days_to_exam
    if days is None:
        return None
    if days < 0:
        return f"受験日（{view.exam_date}）は過ぎました。次の受験日は設定で入れられます"
    if days == 0:
        return "今日は試験日です"
    return f"試験まで {days} 日（試験日に目標保持率を下回るカード {view.below_target_on_exam} 枚）"


def due_forecast(
    store: Store,
    now: datetime,
    days: int,
    tz: tzinfo | None = None,
    cards: Sequence[CardState] | None = None,
) -> list[tuple[date, int]]:
    """Cards falling due on each of the next ``days`` days (today includes everything overdue).

    ``cards``: the store's cards when the caller has already read them."""
    tz = tz or now.astimezone().tzinfo
    today = now.astimezone(tz).date()
    counts = dict.fromkeys((today + timedelta(days=i) for i in range(days)), 0)
    for card in store.all_cards() if cards is None else cards:
        if card.suspended:
            continue
        day = max(card.due.astimezone(tz).date(), today)
        if day in counts:
            counts[day] += 1
    return list(counts.items())


def leeches(store: Store, bank: Bank, generators: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """(card key, topic, lapses) of the cards tagged as leeches, most lapses first."""
    out = [
        (c.card_key, topic_of(c.card_key, bank, generators) or "?", c.lapses)
        for c in store.all_cards()
        if c.leech
    ]
    return sorted(out, key=lambda row: -row[2])


def retention(store: Store, since: datetime | None = None) -> float | None:
    """Share of right answers among reviews of cards already seen before (true recall)."""
    seen: set[str] = set()
    recalls = right = 0
    for review in store.reviews(since=None):
        if review.card_key in seen and (since is None or review.reviewed_at >= since):
            recalls += 1
            right += review.correct
        seen.add(review.card_key)
    return right / recalls if recalls else None
