"""Claims: the card a review session is showing, so that two sessions at once share the work.

A review session claims each card just before showing it, inside a write transaction, and the
claim goes when the card is answered, when the session ends or claims its next card, or when it
is older than :data:`CLAIM_TTL` (its app was killed, or the learner walked away) or as far in the
future (a clock that ran ahead). A claim is refused for a due card another session is showing or
has answered since the queue was built, and for a new card when the day's new cards (introduced
plus claimed by other sessions) are used up.
Nothing here stops an answer from being recorded: a stale claim taken over means, at worst, one
card reviewed twice.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from quizapp.store.records import utc_iso

CLAIM_TTL = timedelta(minutes=30)


def claim(
    conn: sqlite3.Connection,
    card_key: str,
    *,
    session_id: int,
    now: datetime,
    new_limit: int | None,
    day_start: datetime,
) -> bool:
    """Claim ``card_key`` for ``session_id``; the caller holds the write transaction."""
    fresh = (utc_iso(now - CLAIM_TTL), utc_iso(now + CLAIM_TTL))
    holder = conn.execute(
        "SELECT session_id FROM claims WHERE card_key = ? AND claimed_at BETWEEN ? AND ?",
        (card_key, *fresh),
    ).fetchone()
    if holder is not None and holder[0] != session_id:
        return False
    card = conn.execute(
        "SELECT due, suspended FROM cards WHERE card_key = ?", (card_key,)
    ).fetchone()
    if card is not None and (card[1] or card[0] > utc_iso(now)):
        return False
    if card is None and new_limit is not None:
        introduced = conn.execute(
            "SELECT COUNT(*) FROM cards WHERE introduced_at >= ?", (utc_iso(day_start),)
        ).fetchone()[0]
        claimed = conn.execute(
            "SELECT COUNT(*) FROM claims"
            " WHERE new = 1 AND session_id != ? AND claimed_at BETWEEN ? AND ?",
            (session_id, *fresh),
        ).fetchone()[0]
        if introduced + claimed >= new_limit:
            return False
    release(conn, session_id)
    conn.execute(
        "INSERT OR REPLACE INTO claims (card_key, session_id, claimed_at, new) VALUES (?, ?, ?, ?)",
        (card_key, session_id, utc_iso(now), int(card is None)),
    )
    return True


def release(conn: sqlite3.Connection, session_id: int | None, card_key: str | None = None) -> None:
    """Drop the session's claims (on ``card_key`` only, when given)."""
    if session_id is None:
        return
    if card_key is None:
        conn.execute("DELETE FROM claims WHERE session_id = ?", (session_id,))
    else:
        conn.execute(
            "DELETE FROM claims WHERE session_id = ? AND card_key = ?", (session_id, card_key)
        )
