"""What the learner adds to the log after answering: a right answer's own rating (まぐれ, 普通,
簡単), bookmarks, and the cards answered wrong (the mistake notebook).

:class:`LearnerMarks` is a part of :class:`~quizapp.store.Store`; it uses the store's connection
and write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from quizapp.store.errors import RatingRefused
from quizapp.store.records import CardState, MissedCard, utc_iso
from quizapp.store.rows import UPSERT_CARD, card_row, review_from_row

_MISSED = """
WITH per_card AS (
    SELECT card_key, COUNT(*) AS answers, SUM(1 - correct) AS wrong,
           MAX(CASE WHEN correct = 0 THEN id END) AS wrong_id, MAX(id) AS last_id
    FROM reviews GROUP BY card_key HAVING SUM(1 - correct) > 0
)
SELECT r.*, p.answers AS n_answers, p.wrong AS n_wrong, latest.correct AS latest_correct
FROM per_card AS p
JOIN reviews AS r ON r.id = p.wrong_id
JOIN reviews AS latest ON latest.id = p.last_id
ORDER BY r.id DESC
"""


class LearnerMarks:
    """The store's methods for ratings, bookmarks and missed cards."""

    if TYPE_CHECKING:
        conn: sqlite3.Connection

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]: ...

    def rate_answer(
        self, review_id: int, rating: int, schedule: Callable[[], CardState] | None
    ) -> CardState | None:
        """Give a right answer the learner's own rating and reschedule its card with it, in one
        transaction. The review keeps what automatic grading rated in ``auto_rating`` (NULL again
        when the learner comes back to it).

        Args:
            review_id: the answer; it must still be its card's latest.
            rating: the fsrs rating (1–4) to log and schedule with.
            schedule: the card's state as if the answer had been rated ``rating`` (from its state
                before the answer); None when the answer did not put the card into FSRS, and
                only the log changes.

        Returns:
            The card's new state, or None without ``schedule``.

        Raises:
            KeyError: no review has this id.
            ValueError: the answer was wrong (a wrong answer stays Again), or ``rating`` is not
                1–4.
            RatingRefused: the card has been answered again since (in another session): its
                state no longer follows from this answer. Nothing was changed.
            StoreWriteError: as every write.
        """
        if not 1 <= rating <= 4:
            raise ValueError(f"rating must be 1–4: {rating}")
        with self._write() as conn:
            row = conn.execute(
                "SELECT card_key, correct, reviewed_at FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
            if row is None:
                raise KeyError(review_id)
            key, correct, reviewed_at = row
            if not correct:
                raise ValueError("a wrong answer stays Again")
            (latest,) = conn.execute(
                "SELECT MAX(id) FROM reviews WHERE card_key = ?", (key,)
            ).fetchone()
            if latest != review_id:
                raise RatingRefused(
                    "このカードはそのあと別の画面で解かれたので、評価を変えられません"
                )
            # SET reads the row as it was: auto_rating is the rating before this change
            conn.execute(
                "UPDATE reviews SET rating = ?, auto_rating = CASE"
                " WHEN COALESCE(auto_rating, rating) = ? THEN NULL"
                " ELSE COALESCE(auto_rating, rating) END WHERE id = ?",
                (rating, rating, review_id),
            )
            if schedule is None:
                return None
            card = schedule()
            if card.card_key != key:
                raise ValueError(f"card {card.card_key!r} does not match review {key!r}")
            conn.execute(UPSERT_CARD, card_row(card, introduced_at=reviewed_at))
            return card

    def set_bookmark(self, card_key: str, marked: bool, *, now: datetime) -> None:
        """Bookmark a card (again: it moves to the front) or remove its bookmark."""
        with self._write() as conn:
            if marked:
                conn.execute(
                    "INSERT OR REPLACE INTO bookmarks (card_key, marked_at) VALUES (?, ?)",
                    (card_key, utc_iso(now)),
                )
            else:
                conn.execute("DELETE FROM bookmarks WHERE card_key = ?", (card_key,))

    def bookmarks(self) -> list[str]:
        """Bookmarked card keys, the most recent first."""
        rows = self.conn.execute(
            "SELECT card_key FROM bookmarks ORDER BY marked_at DESC, card_key"
        ).fetchall()
        return [key for (key,) in rows]

    def is_bookmarked(self, card_key: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM bookmarks WHERE card_key = ?", (card_key,))
        return row.fetchone() is not None

    def missed_cards(self) -> list[MissedCard]:
        """Every card answered wrong at least once, the most recently missed first."""
        return [
            MissedCard(
                card_key=row["card_key"],
                wrong=int(row["n_wrong"]),
                answers=int(row["n_answers"]),
                last_wrong=review_from_row(row),
                latest_correct=bool(row["latest_correct"]),
            )
            for row in self._query(_MISSED)
        ]
