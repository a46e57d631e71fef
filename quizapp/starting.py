"""Starting a session: which cards, in which mode, with what the learner's settings say. The
screens call these and only show the result (a session, or None when there is nothing to ask)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from quizapp.bank import Bank
from quizapp.modes import DRILL, MOCK, PRACTICE, REVIEW, Mode
from quizapp.progress import topic_of
from quizapp.queues import drill_queue, review_queue
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import Store


class Sources(Protocol):
    """What starting a session reads (the app's context provides it)."""

    bank: Bank
    store: Store
    scheduler: SrsScheduler
    generators: Mapping[str, Any]
    settings: Any
    clock: Callable[[], datetime]
    seed: int | None


def open_session(
    src: Sources,
    mode: Mode,
    queue: list[str],
    *,
    endless: str | None = None,
    numeric_choices: bool = False,
    new_limit: int | None = None,
    **settings: Any,
) -> Session:
    """A started session of ``mode`` over ``queue``; ``settings`` are logged with it.

    Raises:
        StoreError: the session could not be recorded.
    """
    return Session(
        bank=src.bank,
        store=src.store,
        scheduler=src.scheduler,
        generators=src.generators,
        mode=mode,
        queue=queue,
        seed=src.seed,
        clock=src.clock,
        endless=endless,
        settings=settings,
        numeric_choices=numeric_choices,
        topics=settings.get("topics", ()),
        new_limit=new_limit,
        introduce=mode.introduces(src.settings.drill_introduces_cards),
    ).start()


def start_drill(src: Sources, topics: Sequence[str], exams: Sequence[str]) -> Session:
    """A drill of ``topics`` for ``exams``: unseen and weak cards first."""
    queue = drill_queue(
        src.bank, topics, exams, seed=src.seed, seen=src.store.answer_counts_by_card()
    )
    return open_session(src, DRILL, queue, topics=list(topics), exams=list(exams))


def start_cards(src: Sources, keys: Sequence[str], *, source: str) -> Session | None:
    """A drill of ``keys`` in their order (a list the learner made: search hits, the notebook,
    bookmarks); None when there are none."""
    queue = list(dict.fromkeys(keys))
    if not queue:
        return None
    topics = sorted(
        {t for key in queue if (t := topic_of(key, src.bank, src.generators)) is not None}
    )
    return open_session(src, DRILL, queue, topics=topics, source=source)


def start_review(src: Sources) -> Session | None:
    """Today's review (due cards, then new ones up to the daily limit); None when it is empty."""
    limit = src.settings.new_per_day
    queue = review_queue(
        src.bank,
        src.generators,
        src.store,
        src.scheduler,
        src.clock(),
        new_limit=limit,
        seed=src.seed,
    )
    if not queue:
        return None
    return open_session(src, REVIEW, queue, new_limit=limit)


def start_practice(src: Sources, generator: str, *, choices: bool) -> Session:
    """Endless problems of one generator, typed or as options."""
    return open_session(
        src, PRACTICE, [], endless=generator, numeric_choices=choices, generator=generator
    )


@dataclass(frozen=True)
class MockStart:
    """A started mock exam: its session, the questions drawn, and the forecast it began with."""

    session: Session
    picked: Any
    expected: float


def start_mock(src: Sources, exam: str) -> MockStart | None:
    """Draw ``exam``'s mock and start its session; None when the bank has nothing for it."""
    from quizapp.forecast import from_store
    from quizapp.mock import draw

    syllabus = src.bank.syllabus
    if syllabus is None or exam not in syllabus.exams:
        return None
    picked = draw(src.bank, exam, src.settings.mock_questions, src.generators, src.seed)
    if not picked.cards:
        return None
    expected = from_store(src.bank, src.store, src.scheduler, exam, src.clock()).score
    session = open_session(
        src, MOCK, [], exam=exam, questions=len(picked.cards), seconds=picked.seconds
    )
    return MockStart(session, picked, expected)
