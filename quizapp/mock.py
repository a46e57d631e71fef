"""An exam-faithful mock exam: a draw by the syllabus's area shares, an answer sheet the learner
moves around in (flag for review, go back, change an answer), and a result per area.

Only the exam's own formats appear: four-option choice items (code items in E資格 only) and
generated problems shown as four options; ○× and fill-ins stay drill formats, and items beyond the
syllabus (発展) never appear. The pace is the exam's, scaled to the number of questions.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from quizapp.bank import Bank
from quizapp.counts import syllabus_ids
from quizapp.kinds import GenerationError, card_key_for, kind_of
from quizapp.question import Question
from quizapp.queues import keep_sets_together
from quizapp.session import Session
from quizapp.syllabus import ADVANCED_TAG, Exam

PASS_LINE = 0.7
"""JDLA publishes no pass mark for either exam; about 70% is the common estimate."""


def allocate(shares: Sequence[tuple[str, float]], n: int) -> dict[str, int]:
    """``n`` questions over areas in proportion to their shares (largest remainder: every area
    is within one question of its exact share, and the counts add up to ``n``)."""
    total = sum(share for _, share in shares)
    exact = [(name, n * share / total) for name, share in shares]
    counts = {name: int(x) for name, x in exact}
    left = n - sum(counts.values())
    for name, _ in sorted(exact, key=lambda p: -(p[1] - int(p[1])))[:left]:
        counts[name] += 1
    return counts


def exam_pool(bank: Bank, exam: str, generators: Mapping[str, Any]) -> dict[str, list[str]]:
    """Area → card keys that may appear in the exam's mock, each in the format the exam uses."""
    assert bank.syllabus is not None
    pool: dict[str, list[str]] = {a.name: [] for a in bank.syllabus.exams[exam].areas}
    for item in bank.items.values():
        if exam not in item.exams or ADVANCED_TAG in item.tags:
            continue
        if not kind_of(item).in_mock(item, exam, generators):
            continue
        key = card_key_for(item)
        for sid in syllabus_ids(bank, item):
            sitem = bank.syllabus.items[sid]
            if sitem.exam == exam and sitem.examined and key not in pool[sitem.area]:
                pool[sitem.area].append(key)
                break
    return pool


@dataclass(frozen=True)
class Draw:
    """The questions of one mock: card keys with the area each was drawn for, in exam order."""

    exam: Exam
    cards: list[tuple[str, str]]
    seconds: int
    target: dict[str, int]
    """The questions each area would get from its share alone."""

    @property
    def shortfall(self) -> int:
        """Questions the bank could not supply (areas without enough items)."""
        return sum(self.target.values()) - len(self.cards)


def draw(
    bank: Bank, exam: str, n: int, generators: Mapping[str, Any], seed: int | None = None
) -> Draw:
    """``n`` distinct questions by area share; an area short of items passes its questions on to
    the others in proportion to their shares. The time limit keeps the exam's pace."""
    assert bank.syllabus is not None
    spec = bank.syllabus.exams[exam]
    rng = random.Random(seed)
    pool = exam_pool(bank, exam, generators)
    units = {name: _units(bank, keys) for name, keys in pool.items()}
    for area_units in units.values():
        rng.shuffle(area_units)
    target = allocate([(a.name, a.share) for a in spec.areas], n)
    chosen: dict[str, list[list[str]]] = {name: [] for name in target}
    remaining = n
    open_areas = [a for a in spec.areas if units[a.name]]
    while remaining and open_areas:
        want = allocate([(a.name, a.share) for a in open_areas], remaining)
        taken = 0
        for name, k in want.items():
            taken += _take(units[name], chosen[name], k)
        if not taken:  # every unit left is a set larger than what an area may still take
            taken = next((_take(units[a.name], chosen[a.name], remaining) for a in open_areas), 0)
            if not taken:
                break
        remaining -= taken
        open_areas = [a for a in open_areas if units[a.name]]
    drawn = [(unit, name) for name in target for unit in chosen[name]]
    rng.shuffle(drawn)
    cards = [(key, name) for unit, name in drawn for key in unit]
    seconds = round(len(cards) * spec.minutes * 60 / spec.questions)
    return Draw(exam=spec, cards=cards, seconds=seconds, target=target)


def _units(bank: Bank, keys: list[str]) -> list[list[str]]:
    """``keys`` as what is drawn at once: a card alone, or a linked set's parts in order."""
    grouped = keep_sets_together(bank.items, keys)
    units: list[list[str]] = []
    last = None
    for key in grouped:
        item = bank.items.get(key)
        name = kind_of(item).set_of(item) if item is not None else None
        if name is not None and name == last:
            units[-1].append(key)
        else:
            units.append([key])
        last = name
    return units


def _take(units: list[list[str]], chosen: list[list[str]], k: int) -> int:
    """Move the first units that fit in ``k`` questions from ``units`` to ``chosen``; the
    number of questions moved."""
    taken = 0
    for unit in list(units):
        if taken + len(unit) <= k:
            units.remove(unit)
            chosen.append(unit)
            taken += len(unit)
    return taken


@dataclass
class Sheet:
    """The answer sheet: every question up front, answers that can change until submission."""

    questions: list[Question]
    areas: list[str]
    answers: dict[int, Any] = field(default_factory=dict)
    flags: set[int] = field(default_factory=set)

    def answer(self, index: int, response: Any) -> None:
        if response in (None, [], ()):
            self.answers.pop(index, None)
        else:
            self.answers[index] = response

    def toggle_flag(self, index: int) -> bool:
        """Flag (見直し) or unflag a question; returns whether it is flagged now."""
        self.flags.symmetric_difference_update({index})
        return index in self.flags

    def status(self, index: int) -> str:
        """``flagged``, ``answered`` or ``unanswered`` (a flag shows over an answer)."""
        if index in self.flags:
            return "flagged"
        return "answered" if index in self.answers else "unanswered"

    def unanswered(self) -> list[int]:
        return [i for i in range(len(self.questions)) if i not in self.answers]

    def flagged(self) -> list[int]:
        return sorted(self.flags)

    def to_json(self) -> dict[str, Any]:
        """What to keep so an interrupted mock is not lost: keys, answers, flags."""
        return {
            "cards": [q.card_key for q in self.questions],
            "answers": {str(i): r for i, r in self.answers.items()},
            "flags": sorted(self.flags),
        }

    def restore(self, progress: Mapping[str, Any]) -> int:
        """Put back a draft's answers and flags (see :func:`draft_progress`); returns the
        question the learner was on. Raises ValueError, TypeError or LookupError for a progress
        that does not fit this sheet."""
        answers: dict[int, Any] = {}
        for key, response in progress["answers"].items():
            index = int(key)
            positions = len(self.questions[index].options)
            if not (isinstance(response, list) and response) or any(
                type(p) is not int or not 0 <= p < positions for p in response
            ):
                raise ValueError(f"not an answer to question {index + 1}: {response!r}")
            answers[index] = response
        flags = {int(i) for i in progress["flags"]}
        current = int(progress["index"])
        if not flags <= set(range(len(self.questions))) or not 0 <= current < len(self.questions):
            raise ValueError("a flag or the position is off the sheet")
        self.answers, self.flags = answers, flags
        return current


def draft_plan(picked: Draw, sheet: Sheet, seed: int, forecast: float | None) -> dict[str, Any]:
    """What a draft keeps once: the draw, its seed (the session's random order of options and
    generated problems follows from it), the pace, and what each question showed (so a bank
    changed since is noticed instead of giving answers to other options)."""
    return {
        "seed": seed,
        "cards": [list(card) for card in picked.cards],
        "seconds": picked.seconds,
        "target": picked.target,
        "forecast": forecast,
        "shown": [_fingerprint(q) for q in sheet.questions],
    }


def draft_progress(sheet: Sheet, index: int, elapsed: float) -> dict[str, Any]:
    """What a draft keeps on every change: answers, flags, the question on screen, time used."""
    json = sheet.to_json()
    return {"answers": json["answers"], "flags": json["flags"], "index": index, "elapsed": elapsed}


@dataclass(frozen=True)
class Resumable:
    """An unsubmitted mock as a draft gives it back."""

    draw: Draw
    seed: int
    forecast: float | None
    shown: list[str]
    progress: Mapping[str, Any]

    @property
    def elapsed(self) -> float:
        """Time used before the app closed. The time it stayed closed does not count: a crash is
        not the learner's fault (the real exam's clock would have run on)."""
        return min(max(float(self.progress["elapsed"]), 0.0), float(self.draw.seconds))


def resumable(bank: Bank, exam: str, plan: Any, progress: Any) -> Resumable | None:
    """A draft's plan read back, or None when it is not one (or names an exam the bank's
    syllabus lacks)."""
    if bank.syllabus is None or exam not in bank.syllabus.exams:
        return None
    try:
        picked = Draw(
            exam=bank.syllabus.exams[exam],
            cards=[(str(key), str(area)) for key, area in plan["cards"]],
            seconds=int(plan["seconds"]),
            target={str(k): int(v) for k, v in plan["target"].items()},
        )
        forecast = plan["forecast"]
        found = Resumable(
            draw=picked,
            seed=int(plan["seed"]),
            forecast=None if forecast is None else float(forecast),
            shown=[str(f) for f in plan["shown"]],
            progress=dict(progress),
        )
        found.elapsed  # noqa: B018 - it must read
    except (ValueError, TypeError, LookupError, AttributeError):
        return None
    return found


def resumed_sheet(session: Session, found: Resumable) -> tuple[Sheet, int] | None:
    """The draft's sheet built again through a session seeded as the first was, with its answers
    and flags, and the question the learner was on; None when the bank has changed since (a
    card gone, or a question that no longer shows what it showed)."""
    if not all(session.resolvable(key) for key, _ in found.draw.cards):
        return None
    try:
        sheet = sheet_for(session, found.draw)
    except GenerationError:
        return None
    if [_fingerprint(q) for q in sheet.questions] != found.shown:
        return None
    try:
        index = sheet.restore(found.progress)
    except (ValueError, TypeError, LookupError, AttributeError):
        return None
    return sheet, index


def _fingerprint(question: Question) -> str:
    shown = "\0".join([question.card_key, question.prompt, *question.options])
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def sheet_for(session: Session, picked: Draw) -> Sheet:
    """Build every question of a draw through the session (a generator gets its instance now)."""
    questions = [
        session.question_for(key, number=n) for n, (key, _) in enumerate(picked.cards, start=1)
    ]
    return Sheet(questions=questions, areas=[area for _, area in picked.cards])


@dataclass(frozen=True)
class AreaResult:
    name: str
    correct: int
    asked: int


@dataclass(frozen=True)
class Result:
    exam: str
    correct: int
    asked: int
    seconds: float
    limit: int
    areas: list[AreaResult]
    unanswered: list[int]
    wrong: list[int]
    flagged: list[int]
    pass_line: float = PASS_LINE
    forecast: float | None = None
    """The predicted score when the mock began: the app's calibration compares the two."""

    @property
    def score(self) -> float:
        return self.correct / self.asked if self.asked else 0.0

    @property
    def passed(self) -> bool:
        """Whether the score reaches the estimated pass line (an estimate, never a verdict)."""
        return self.score >= self.pass_line

    def to_json(self) -> dict[str, Any]:
        return {
            "exam": self.exam,
            "correct": self.correct,
            "asked": self.asked,
            "seconds": round(self.seconds, 1),
            "limit": self.limit,
            "areas": {a.name: [a.correct, a.asked] for a in self.areas},
            "unanswered": self.unanswered,
            "pass_line": self.pass_line,
            "forecast": self.forecast,
        }


def submit(
    session: Session,
    sheet: Sheet,
    exam: Exam,
    limit: int,
    seconds: float,
    now: datetime,
    forecast: float | None = None,
) -> Result:
    """Grade the sheet: every answered question is graded, scheduled and committed through the
    session; an unanswered one counts as wrong but is not logged (no answer was given).

    The draft goes first: a kill while grading leaves the answers graded so far in the log and
    never offers them to be graded again."""
    session.store.clear_mock_draft(session.session_id)
    per_area: dict[str, list[int]] = {a.name: [0, 0] for a in exam.areas}
    wrong = []
    each = seconds / max(len(sheet.answers), 1)
    for index, question in enumerate(sheet.questions):
        area = per_area[sheet.areas[index]]
        area[1] += 1
        if index not in sheet.answers:
            continue
        feedback = session.answer(question, sheet.answers[index], each)
        if feedback.grade.correct:
            area[0] += 1
        else:
            wrong.append(index)
    areas = [AreaResult(name, c, n) for name, (c, n) in per_area.items() if n]
    result = Result(
        exam=exam.id,
        correct=sum(a.correct for a in areas),
        asked=len(sheet.questions),
        seconds=seconds,
        limit=limit,
        areas=areas,
        unanswered=sheet.unanswered(),
        wrong=wrong,
        flagged=sheet.flagged(),
        forecast=forecast,
    )
    session.store.end_session(session.session_id, now=now, summary=result.to_json())
    session.finished = True
    return result
