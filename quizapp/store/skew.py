"""Card states stamped by a clock that ran ahead: brought back to the present on opening.

Answers given while the system clock was, say, a year fast leave cards last reviewed and due a
year ahead; once the clock is right again every one of them is hidden for that year, and cards
"introduced" in the future use up every day's new-card limit. Such a card is treated as reviewed
now and due now, so it comes back at once. The review log keeps its timestamps (it is history),
and each changed card's old values go to the ``repairs`` table.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from quizapp.store.records import utc_iso
from quizapp.store.rows import dumps

TOLERANCE = timedelta(hours=1)
"""How far ahead a timestamp may be before it counts as a clock error: another quizapp's answer
committed a moment after ``now`` was read is not one."""

REASON = "clock-ahead"


def settle_future(conn: sqlite3.Connection, now: datetime) -> list[str]:
    """Bring cards stamped after ``now`` back to ``now``; return their keys.

    Reads first, and takes the write lock only when there is something to change.
    """
    limit = utc_iso(now + TOLERANCE)
    found = "SELECT 1 FROM cards WHERE last_review > ? OR introduced_at > ? LIMIT 1"
    if conn.execute(found, (limit, limit)).fetchone() is None:
        return []
    stamp = utc_iso(now)
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute(
            "SELECT card_key, due, last_review, introduced_at FROM cards"
            " WHERE last_review > ? OR introduced_at > ? ORDER BY card_key",
            (limit, limit),
        ).fetchall()
        for key, due, last_review, introduced_at in rows:
            ahead = last_review is not None and last_review > limit
            before = {"introduced_at": introduced_at}
            if ahead:
                before |= {"due": due, "last_review": last_review}
            conn.execute(
                "INSERT INTO repairs (repaired_at, card_key, reason, before) VALUES (?, ?, ?, ?)",
                (stamp, key, REASON, dumps(before)),
            )
            conn.execute(
                "UPDATE cards SET introduced_at = MIN(introduced_at, :now),"
                " due = CASE WHEN :ahead THEN MIN(due, :now) ELSE due END,"
                " last_review = CASE WHEN :ahead THEN :now ELSE last_review END"
                " WHERE card_key = :key",
                {"now": stamp, "ahead": ahead, "key": key},
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return [row[0] for row in rows]
