"""Starting a session: which cards, in which mode, with what the learner's settings say. The
screens call these and only show the result (a session, or None when there is nothing to ask)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from quizapp.bank import Bank
from quizapp.mock import (
    Draw,
    Resumable,
    Sheet,
    draft_plan,
    draft_progress,
    draw,
    resumed_sheet,
    sheet_for,
)
from quizapp.modes import DRILL, MOCK, PRACTICE, REVIEW, Mode
from quizapp.progress import topic_of
from quizapp.queues import drill_queue, review_queue
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import Store
from quizapp.store.drafts import DraftRecord


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
    seed: int | None = None,
    **settings: Any,
) -> Session:
    """A started session of ``mode`` over ``queue`` (``seed``: its random order, else the
    app's); ``settings`` are logged with it.

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
        seed=src.seed if seed is None else seed,
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
    """A started mock exam: its session, the questions drawn and built, the forecast it began
    with, and the draft plan kept in the store so a kill loses no answer."""

    session: Session
    picked: Draw
    sheet: Sheet
    expected: float
    plan: dict[str, Any]


def start_mock(src: Sources, exam: str) -> MockStart | None:
    """Draw ``exam``'s mock, start its session and keep its draft; None when the bank has nothing
    for it. One seed serves the draw and the session's order of options and problems, so a
    draft rebuilds the same sheet from it (:func:`quizapp.mock.draft_plan`)."""
    from quizapp.forecast import from_store

    syllabus = src.bank.syllabus
    if syllabus is None or exam not in syllabus.exams:
        return None
    seed = src.seed if src.seed is not None else random.SystemRandom().randrange(2**31)
    picked = draw(src.bank, exam, src.settings.mock_questions, src.generators, seed)
    if not picked.cards:
        return None
    now = src.clock()
    expected = from_store(src.bank, src.store, src.scheduler, exam, now).score
    session = open_session(
        src, MOCK, [], exam=exam, questions=len(picked.cards), seconds=picked.seconds, seed=seed
    )
    sheet = sheet_for(session, picked)
    plan = draft_plan(picked, sheet, seed, expected)
    src.store.save_mock_draft(
        session.session_id, exam, plan, draft_progress(sheet, 0, 0.0), now=now
    )
    return MockStart(session, picked, sheet, expected, plan)


def resume_mock(
    src: Sources, draft: DraftRecord, found: Resumable
) -> tuple[Session, Sheet, int] | None:
    """The draft's sheet in a new session seeded as the first (the draft moves to it, and the
    old session ends without a result), with the question the learner was on; None when the
    bank no longer gives the same sheet (the new session is then ended).

    Raises:
        StoreError: the session could not be recorded.
    """
    plan = found.draw
    session = open_session(
        src,
        MOCK,
        [],
        exam=plan.exam.id,
        questions=len(plan.cards),
        seconds=plan.seconds,
        resumes=draft.session_id,
        seed=found.seed,
    )
    rebuilt = resumed_sheet(session, found)
    now = src.clock()
    if rebuilt is None:
        src.store.end_session(session.session_id, now=now)
        return None
    sheet, index = rebuilt
    src.store.move_mock_draft(draft.session_id, session.session_id, now=now)
    return session, sheet, index
