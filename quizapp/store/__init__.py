"""The progress database: an append-only review log plus each card's scheduling state, in SQLite.

Durability: the database runs in WAL mode and every answer is committed in its own transaction
before :meth:`Store.record_answer` returns. With ``synchronous=NORMAL`` (the default here) a commit
is written to the WAL file but not fsync'ed, so it survives the app being killed (kill -9, a closed
terminal): the data is in the operating system's page cache and reaches the disk on the next
checkpoint. Only an OS crash or power cut can lose the last few answers, and even then the database
stays consistent. That is the usual trade for a desktop app: an fsync per answer costs milliseconds
on slow disks. Pass ``synchronous="FULL"`` to :meth:`Store.open` to fsync every commit instead.

The package, one concern per module: :mod:`~quizapp.store.records` (what is kept),
:mod:`~quizapp.store.migrations` (the versioned schema), :mod:`~quizapp.store.inspection` (refusing
a file before writing to it), :mod:`~quizapp.store.opening` (opening it),
:mod:`~quizapp.store.skew` (cards stamped by a clock that ran ahead),
:mod:`~quizapp.store.snapshot` (reading for a read-only command), :mod:`~quizapp.store.claims`
(two review sessions at once), :mod:`~quizapp.store.marks` (the learner's own ratings, bookmarks
and missed cards), :mod:`~quizapp.store.rows` (records to rows and back) and
:mod:`~quizapp.store.database` (the :class:`Store` itself).
"""

from quizapp.store.database import BUSY_TIMEOUT_MS, Store, default_db_path
from quizapp.store.errors import RatingRefused, StoreError, StoreWriteError
from quizapp.store.inspection import SQLITE_MAGIC
from quizapp.store.migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    Migration,
    m001_initial,
    migrate,
)
from quizapp.store.records import CardState, MissedCard, ReviewRecord, SessionRecord, utc_iso

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SQLITE_MAGIC",
    "TABLES",
    "CardState",
    "Migration",
    "MissedCard",
    "RatingRefused",
    "ReviewRecord",
    "SessionRecord",
    "Store",
    "StoreError",
    "StoreWriteError",
    "default_db_path",
    "m001_initial",
    "migrate",
    "utc_iso",
]
