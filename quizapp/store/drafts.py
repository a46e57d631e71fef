"""The mock exam's unsubmitted answer sheet, kept on every change so that a kill loses nothing.

A draft has two parts: its ``plan`` (what was drawn, written once when the exam starts) and its
``progress`` (answers, flags, position, time used: rewritten on every change). What they hold is
:mod:`quizapp.mock`'s business; the store keeps them as JSON beside the mock's session. Submitting
or discarding removes the draft. :class:`MockDrafts` is a part of :class:`~quizapp.store.Store`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quizapp.store.records import utc_iso


@dataclass(frozen=True)
class DraftRecord:
    session_id: int
    exam: str
    plan: Any
    """None when the stored text is not JSON (the draft cannot be resumed)."""
    progress: Any
    saved_at: datetime


class MockDrafts:
    """Mixed into :class:`quizapp.store.Store`."""

    conn: sqlite3.Connection
    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]

    def save_mock_draft(
        self, session_id: int, exam: str, plan: Any, progress: Any, *, now: datetime
    ) -> None:
        """Keep a mock's draft as it starts (or replace it whole)."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO mock_drafts (session_id, exam, plan, progress, saved_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, exam, _dumps(plan), _dumps(progress), utc_iso(now)),
            )

    def update_mock_draft(self, session_id: int, progress: Any, *, now: datetime) -> None:
        """Keep the learner's latest answers, flags, position and time used."""
        with self._write() as conn:
            conn.execute(
                "UPDATE mock_drafts SET progress = ?, saved_at = ? WHERE session_id = ?",
                (_dumps(progress), utc_iso(now), session_id),
            )

    def mock_draft(self) -> DraftRecord | None:
        """The latest draft, if a mock was left unsubmitted."""
        row = self.conn.execute(
            "SELECT session_id, exam, plan, progress, saved_at FROM mock_drafts"
            " ORDER BY saved_at DESC, session_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        session_id, exam, plan, progress, saved_at = row
        return DraftRecord(
            session_id, exam, _loads(plan), _loads(progress), datetime.fromisoformat(saved_at)
        )

    def move_mock_draft(self, old: int, new: int, *, now: datetime) -> None:
        """The draft of session ``old`` continues in session ``new`` (a resumed mock): ``old`` is
        ended without a summary, so it never counts as a mock result."""
        with self._write() as conn:
            conn.execute("UPDATE mock_drafts SET session_id = ? WHERE session_id = ?", (new, old))
            conn.execute(
                "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (utc_iso(now), old),
            )

    def clear_mock_draft(self, session_id: int) -> None:
        """Drop a draft as its mock is submitted."""
        with self._write() as conn:
            conn.execute("DELETE FROM mock_drafts WHERE session_id = ?", (session_id,))

    def discard_mock_draft(self, session_id: int, *, now: datetime) -> None:
        """Drop a draft; its session ends without a summary (no result, no answers logged)."""
        with self._write() as conn:
            conn.execute("DELETE FROM mock_drafts WHERE session_id = ?", (session_id,))
            conn.execute(
                "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (utc_iso(now), session_id),
            )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
