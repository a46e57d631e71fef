"""Crash safety of the real write path: answers reported as committed survive kill -9, and two
processes answering at once lose nothing.

Children are forked from a small "zygote" process that has already imported quizapp.store, so each
one starts in milliseconds instead of paying Python's start-up and imports again; each child is an
ordinary process running Store.open and Store.record_answer, killed with SIGKILL. A child reports a
review id only after record_answer has returned, by a write(2) to its own report file, which the
kernel keeps when the process dies.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp.store import Store

ZYGOTE = r"""
import json, os, random, sys, time
from datetime import UTC, datetime, timedelta
from quizapp.store import CardState, ReviewRecord, Store

def work(db, report, seed, count, go):
    rng = random.Random(seed)
    fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with Store.open(db) as store:
        session = store.start_session(mode="drill", settings={"child": seed}, now=datetime.now(UTC))
        os.write(fd, b"ready\n")
        while go and not os.path.exists(go):
            time.sleep(0.001)
        n = 0
        while count is None or n < count:
            key = f"item-{rng.randrange(300)}"
            now = datetime.now(UTC)
            due = now + timedelta(days=rng.randrange(1, 60))
            card = CardState(key, {
                "card_id": seed, "state": 2, "step": None, "stability": rng.uniform(1, 60),
                "difficulty": rng.uniform(1, 10), "due": due.isoformat(),
                "last_review": now.isoformat(),
            }, reps=n + 1)
            review = ReviewRecord(
                key, key, None, None, None, "答え" * rng.randrange(1, 40), rng.random() < 0.7,
                rng.randrange(1, 5), rng.uniform(1, 90), now, session,
            )
            review_id = store.record_answer(review, card)
            os.write(fd, b"%d\n" % review_id)
            n += 1
        store.end_session(session, now=datetime.now(UTC), summary={"answered": n})
    os.write(fd, b"done\n")

for line in sys.stdin:
    command, arg = json.loads(line)
    if command == "fork":
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                work(**arg)
            except BaseException:
                import traceback
                traceback.print_exc()
                code = 1
            sys.stderr.flush()
            os._exit(code)
        print(pid, flush=True)
    elif command == "wait":
        print(os.waitpid(arg, 0)[1], flush=True)
"""


class Zygote:
    """A Python process with quizapp.store imported that forks writer children on request."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def _ask(self, command: str, arg: object) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps([command, arg]) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "zygote died"
        return int(line)

    def fork(
        self, db: Path, report: Path, seed: int, count: int | None = None, go: Path | None = None
    ) -> int:
        """Start a child recording answers into ``db``; returns its pid."""
        arg = {
            "db": str(db),
            "report": str(report),
            "seed": seed,
            "count": count,
            "go": go and str(go),
        }
        return self._ask("fork", arg)

    def wait(self, pid: int) -> int:
        """The child's wait status."""
        return self._ask("wait", pid)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    z = Zygote()
    yield z
    z.close()


def reported(report: Path) -> tuple[bool, list[int], bool]:
    """(ready, committed ids, done) from a child's report; a torn last line is ignored."""
    text = report.read_text() if report.exists() else ""
    lines = text.split("\n")[:-1]
    ids = [int(x) for x in lines if x.isdigit()]
    return "ready" in lines, ids, "done" in lines


def wait_until_ready(report: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not reported(report)[0]:
        assert time.monotonic() < deadline, f"child never became ready ({report})"
        time.sleep(0.002)


def check_database(db: Path, expected_ids: set[int]) -> int:
    """Integrity ok, every reported id present, and each card's state matches its latest review."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "reviews" not in tables:  # killed while creating the schema: nothing was committed
            assert not expected_ids
            return 0
        present = {row[0] for row in conn.execute("SELECT id FROM reviews")}
        missing = expected_ids - present
        assert not missing, f"{len(missing)} committed answers lost, e.g. {sorted(missing)[:5]}"
        torn = conn.execute(
            "SELECT c.card_key FROM cards c WHERE c.last_review IS NOT"
            " (SELECT r.reviewed_at FROM reviews r WHERE r.card_key = c.card_key"
            " ORDER BY r.id DESC LIMIT 1)"
        ).fetchall()
        assert torn == [], "a card's state and its review log disagree"
        return len(present)
    finally:
        conn.close()


def test_kill_9_never_loses_a_committed_answer(zygote: Zygote, tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    rng = random.Random(20250501)
    all_ids: set[int] = set()
    killed_mid_run = 0
    for i in range(50):
        report = tmp_path / f"child{i}.txt"
        pid = zygote.fork(db, report, seed=i)
        time.sleep(rng.uniform(0.02, 0.2))
        os.kill(pid, signal.SIGKILL)
        status = zygote.wait(pid)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        _, ids, _ = reported(report)
        killed_mid_run += bool(ids)
        assert len(set(ids)) == len(ids)
        all_ids.update(ids)
        check_database(db, all_ids)
    assert killed_mid_run >= 40, "most children were killed while answering"
    assert len(all_ids) > 1000
    with Store.open(db) as store:
        assert {r.id for r in store.reviews()} >= all_ids
        assert len(store.unfinished_sessions()) == 50


def test_two_processes_answering_at_once(zygote: Zygote, tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    go = tmp_path / "go"
    reports = [tmp_path / "a.txt", tmp_path / "b.txt"]
    pids = [
        zygote.fork(db, report, seed=100 + n, count=1000, go=go) for n, report in enumerate(reports)
    ]
    for report in reports:
        wait_until_ready(report)
    go.touch()
    statuses = [zygote.wait(pid) for pid in pids]
    assert [os.WIFEXITED(s) and os.WEXITSTATUS(s) for s in statuses] == [0, 0], "a child failed"
    results = [reported(report) for report in reports]
    assert all(done and len(ids) == 1000 for _, ids, done in results)
    a, b = (set(ids) for _, ids, _ in results)
    assert not a & b
    assert min(b) < max(a) and min(a) < max(b), "the two writers interleaved"
    assert check_database(db, a | b) == 2000
    with Store.open(db) as store:
        assert store.schema_version == 1
        assert len(store.unfinished_sessions()) == 0
        assert store.answer_counts_by_item().keys() <= {f"item-{i}" for i in range(300)}
