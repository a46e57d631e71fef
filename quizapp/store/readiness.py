"""What the exam-day forecast and the study plan read from the log, and the forecast's history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime

ANSWER_SECONDS = 500
"""How many of the latest answers give the time a card takes."""


class ReadinessQueries:
    """Mixed into :class:`quizapp.store.Store`."""

    conn: sqlite3.Connection
    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]

    def first_results(self) -> list[bool]:
        """Whether each card's first answer was right: how the learner does on unseen cards."""
        rows = self.conn.execute(
            "SELECT correct FROM reviews WHERE id IN (SELECT MIN(id) FROM reviews GROUP BY card_key)"
        )
        return [bool(ok) for (ok,) in rows]

    def answer_seconds(self, latest: int = ANSWER_SECONDS) -> list[float]:
        """Seconds taken by the latest answers (newest first)."""
        rows = self.conn.execute("SELECT seconds FROM reviews ORDER BY id DESC LIMIT ?", (latest,))
        return [float(s) for (s,) in rows]

    def save_forecast(self, day: date, exam: str, score: float, low: float, high: float) -> None:
        """Keep the day's forecast for ``exam`` (the latest of the day replaces an earlier one)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO forecasts (day, exam, score, low, high) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (day, exam) DO UPDATE SET score = excluded.score,"
                " low = excluded.low, high = excluded.high",
                (day.isoformat(), exam, score, low, high),
            )

    def forecast_history(self, exam: str, since: date) -> list[tuple[date, float]]:
        """(day, predicted score) for ``exam`` from ``since`` on, oldest first."""
        rows = self.conn.execute(
            "SELECT day, score FROM forecasts WHERE exam = ? AND day >= ? ORDER BY day",
            (exam, since.isoformat()),
        )
        return [(date.fromisoformat(day), float(score)) for day, score in rows]

    def mock_results(self, exam: str) -> list[MockRecord]:
        """Every finished mock exam of ``exam``, oldest first."""
        return list(self._mock_records(exam))

    def _mock_records(self, exam: str) -> Iterator[MockRecord]:
        rows = self.conn.execute(
            "SELECT ended_at, summary FROM sessions"
            " WHERE mode = 'mock' AND summary IS NOT NULL AND ended_at IS NOT NULL ORDER BY id"
        )
        for ended, text in rows:
            try:
                summary = json.loads(text)
                if summary.get("exam") != exam:
                    continue
                forecast = summary.get("forecast")
                yield MockRecord(
                    ended_at=datetime.fromisoformat(ended),
                    correct=int(summary["correct"]),
                    asked=int(summary["asked"]),
                    forecast=None if forecast is None else float(forecast),
                )
            except (ValueError, TypeError, KeyError, AttributeError):
                continue


@dataclass(frozen=True)
class MockRecord:
    """A finished mock exam as the sessions table keeps it."""

    ended_at: datetime
    correct: int
    asked: int
    forecast: float | None
    """The predicted score when it began."""

    @property
    def score(self) -> float:
        return self.correct / self.asked if self.asked else 0.0
