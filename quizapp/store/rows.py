"""Rows to records and back: how each record is laid out in the tables."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from quizapp.store.records import CardState, ReviewRecord, SessionRecord, utc_iso


def insert_answer(conn: sqlite3.Connection, review: ReviewRecord, card: CardState | None) -> int:
    """The review's row and the card's upsert; the caller holds the write transaction."""
    if card is not None:
        if not card.card_key:
            card = replace(card, card_key=review.card_key)
        elif card.card_key != review.card_key:
            raise ValueError(f"card {card.card_key!r} does not match review {review.card_key!r}")
    reviewed_at = utc_iso(review.reviewed_at)
    cur = conn.execute(
        "INSERT INTO reviews (card_key, item_id, generator, seed, params, answer, correct,"
        " rating, seconds, reviewed_at, session_id, misconception)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            review.card_key,
            review.item_id,
            review.generator,
            review.seed,
            None if review.params is None else dumps(review.params),
            review.answer,
            int(review.correct),
            int(review.rating),
            float(review.seconds),
            reviewed_at,
            review.session_id,
            review.misconception,
        ),
    )
    if card is not None:
        conn.execute(UPSERT_CARD, card_row(card, introduced_at=reviewed_at))
    return int(cur.lastrowid or 0)


UPSERT_CARD = (
    "INSERT INTO cards (card_key, fsrs_id, state, step, stability, difficulty, due, last_review,"
    " lapses, reps, leech, suspended, introduced_at)"
    " VALUES (:card_key, :fsrs_id, :state, :step, :stability, :difficulty, :due, :last_review,"
    " :lapses, :reps, :leech, :suspended, :introduced_at)"
    " ON CONFLICT (card_key) DO UPDATE SET fsrs_id = excluded.fsrs_id, state = excluded.state,"
    " step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty,"
    " due = excluded.due, last_review = excluded.last_review, lapses = excluded.lapses,"
    " reps = excluded.reps, leech = excluded.leech, suspended = excluded.suspended"
)


def card_row(card: CardState, *, introduced_at: str) -> dict[str, Any]:
    d = card.card
    last = d.get("last_review")
    return {
        "card_key": card.card_key,
        "fsrs_id": int(d["card_id"]),
        "state": int(d["state"]),
        "step": d.get("step"),
        "stability": d.get("stability"),
        "difficulty": d.get("difficulty"),
        "due": utc_iso(datetime.fromisoformat(d["due"])),
        "last_review": utc_iso(datetime.fromisoformat(last)) if last else None,
        "lapses": card.lapses,
        "reps": card.reps,
        "leech": int(card.leech),
        "suspended": int(card.suspended),
        "introduced_at": introduced_at,
    }


def card_from_row(row: sqlite3.Row) -> CardState:
    return CardState(
        card_key=row["card_key"],
        card={
            "card_id": row["fsrs_id"],
            "state": row["state"],
            "step": row["step"],
            "stability": row["stability"],
            "difficulty": row["difficulty"],
            "due": row["due"],
            "last_review": row["last_review"],
        },
        lapses=row["lapses"],
        reps=row["reps"],
        leech=bool(row["leech"]),
        suspended=bool(row["suspended"]),
    )


def review_from_row(row: sqlite3.Row) -> ReviewRecord:
    return ReviewRecord(
        card_key=row["card_key"],
        item_id=row["item_id"],
        generator=row["generator"],
        seed=row["seed"],
        params=None if row["params"] is None else json.loads(row["params"]),
        answer=row["answer"],
        correct=bool(row["correct"]),
        rating=row["rating"],
        seconds=row["seconds"],
        reviewed_at=datetime.fromisoformat(row["reviewed_at"]),
        session_id=row["session_id"],
        misconception=row["misconception"],
        id=row["id"],
        auto_rating=row["auto_rating"],
    )


def session_from_row(row: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        mode=row["mode"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
        settings=json.loads(row["settings"]),
        summary=None if row["summary"] is None else json.loads(row["summary"]),
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not JSON-serialisable: {value!r}")
