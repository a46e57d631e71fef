"""Crash safety of the real write path: answers given through Session.answer and reported as
committed survive kill -9, and two processes answering at once lose nothing.

Children are forked from a small "zygote" process that has already imported quizapp and loaded the
fixture bank, so each one starts in milliseconds instead of paying Python's start-up and imports
again; each child is an ordinary process running Store.open, a Session and Session.answer, killed
with SIGKILL. A child reports a review id only after ``answer`` has returned, by a write(2) to its
own report file, which the kernel keeps when the process dies.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from quizapp.scheduler import SrsScheduler
from quizapp.store import SCHEMA_VERSION, ReviewRecord, Store

BANK_DIR = Path(__file__).parent / "ui" / "bank"
NEW_PER_DAY = 20

ZYGOTE = r"""
import json, os, random, signal, sqlite3, sys, time
from quizapp.bank import load_bank
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session, card_key_for
from quizapp.store import Store
from quizapp.modes import DRILL, REVIEW
from solvers.generators import REGISTRY

BANK = load_bank([sys.argv[1]], generators=REGISTRY)
assert not BANK.errors, BANK.errors
KEYS = sorted({card_key_for(item) for item in BANK.items.values()})
RESPONSES = {"trap": ["o", "x"], "choice": [[1], [2], [1, 2]], "fill": [["最大値プーリング"], ["x"]],
             "numeric": ["16", "7x7", "1/9"]}

def work(db, report, seed, count, go, die_at, from_start):
    rng = random.Random(seed)
    fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    maybe_die = None
    if die_at is not None:
        statements = iter(range(die_at, 0, -1))
        def maybe_die(sql):
            if next(statements, 0) == 1:
                os.write(fd, b"dying at " + " ".join(sql.split()[:3]).encode() + b"\n")
                os.kill(os.getpid(), signal.SIGKILL)
    if from_start and maybe_die is not None:
        # every connection Store.open makes, the inspection's included, counts statements
        connect = sqlite3.connect
        def traced(*args, **kwargs):
            conn = connect(*args, **kwargs)
            conn.set_trace_callback(maybe_die)
            return conn
        sqlite3.connect = traced
    os.write(fd, b"opening\n")
    with Store.open(db) as store:
        if maybe_die is not None and not from_start:
            store.conn.set_trace_callback(maybe_die)
        total = count or 100_000
        session = Session(
            bank=BANK, store=store, scheduler=SrsScheduler(fuzz=False), generators=REGISTRY,
            mode=DRILL, queue=[rng.choice(KEYS) for _ in range(total)], seed=seed,
            settings={"child": seed},
        ).start()
        os.write(fd, b"ready\n")
        while go and not os.path.exists(go):
            time.sleep(0.001)
        while (question := session.next_question()) is not None:
            response = rng.choice(RESPONSES[question.kind])
            feedback = session.answer(question, response, rng.uniform(1, 90))
            os.write(fd, b"%d\n" % feedback.review_id)
        session.finish()
    os.write(fd, b"done\n")

def review(db, report, bank_dir, seed, go, new_limit):
    from quizapp.session import review_queue, utc_now

    bank = load_bank([bank_dir], generators=REGISTRY)
    rng = random.Random(seed)
    fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with Store.open(db) as store:
        scheduler = SrsScheduler(fuzz=False)
        queue = review_queue(bank, REGISTRY, store, scheduler, utc_now(), new_limit, seed=seed)
        session = Session(
            bank=bank, store=store, scheduler=scheduler, generators=REGISTRY, mode=REVIEW,
            queue=queue, seed=seed, new_limit=new_limit,
        ).start()
        os.write(fd, b"ready %d\n" % len(queue))
        while not os.path.exists(go):
            time.sleep(0.001)
        while (question := session.next_question()) is not None:
            right = rng.random() < 0.8
            response = "o" if question.item.truth == right else "x"
            feedback = session.answer(question, response, 5.0)
            os.write(fd, b"%d %s\n" % (feedback.review_id, question.card_key.encode()))
        session.finish()
    os.write(fd, b"done\n")

TASKS = {"fork": work, "review": review}

for line in sys.stdin:
    command, arg = json.loads(line)
    if command in TASKS:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                TASKS[command](**arg)
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
    """A Python process with quizapp imported and a bank loaded that forks answering children."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(BANK_DIR)],
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
        self,
        db: Path,
        report: Path,
        seed: int,
        count: int | None = None,
        go: Path | None = None,
        die_at: int | None = None,
        from_start: bool = False,
    ) -> int:
        """Start a child answering into ``db`` (``count`` answers, or until killed); with
        ``die_at``, it kills itself with SIGKILL as its ``die_at``-th SQL statement starts,
        counted after Store.open or, with ``from_start``, from its first statement."""
        arg = {
            "db": str(db),
            "report": str(report),
            "seed": seed,
            "count": count,
            "go": go and str(go),
            "die_at": die_at,
            "from_start": from_start,
        }
        return self._ask("fork", arg)

    def review(self, db: Path, report: Path, bank_dir: Path, seed: int, go: Path) -> int:
        """Start a child reviewing ``db`` (its due cards and up to 20 new ones, from the bank in
        ``bank_dir``) once ``go`` exists; it reports ``ready <queue length>``, then
        ``<review id> <card key>`` per answer."""
        arg = {
            "db": str(db),
            "report": str(report),
            "bank_dir": str(bank_dir),
            "seed": seed,
            "go": str(go),
            "new_limit": NEW_PER_DAY,
        }
        return self._ask("review", arg)

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


def death(report: Path) -> str | None:
    """The SQL statement a self-killing child died at, as it reported."""
    lines = report.read_text().split("\n")[:-1] if report.exists() else []
    return next((line[len("dying at ") :] for line in lines if line.startswith("dying at ")), None)


def session_reviews(db: Path, child: int) -> list[int] | None:
    """Ids of the reviews of the session child ``child`` started (None: it never started one)."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "SELECT id FROM sessions WHERE settings = ?", (json.dumps({"child": child}),)
        ).fetchone()
        if row is None:
            return None
        ids = conn.execute("SELECT id FROM reviews WHERE session_id = ? ORDER BY id", row)
        return [r[0] for r in ids]
    finally:
        conn.close()


def wait_until_opening(report: Path, timeout: float = 20.0) -> None:
    """Until the child is about to call Store.open."""
    deadline = time.monotonic() + timeout
    while not (report.exists() and "opening\n" in report.read_text()):
        assert time.monotonic() < deadline, f"child never started ({report})"
        time.sleep(0.001)


def wait_until_ready(report: Path, *, answered: bool = False, timeout: float = 20.0) -> None:
    """Until the child is ready (with ``answered``: until it has reported a committed answer)."""
    deadline = time.monotonic() + timeout
    while not (reported(report)[1] if answered else reported(report)[0]):
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
    """50 children answer through Session.answer and are killed: half by the test at a random
    moment (anywhere, including inside SQLite or fsrs), half by themselves as a random SQL
    statement starts, so that every step of recording an answer (BEGIN, the review INSERT, the
    card upsert, COMMIT) is hit. Every id a child reported (it reports after ``answer`` returned)
    must be in the database, nothing else of it but the one answer in flight, and the database
    must pass integrity_check each time."""
    db = tmp_path / "progress.db"
    rng = random.Random(20250501)
    all_ids: set[int] = set()
    answered_then_killed = 0
    ready_children: set[int] = set()
    deaths = set()
    for i in range(50):
        report = tmp_path / f"child{i}.txt"
        self_kill = i % 2 == 1
        pid = zygote.fork(db, report, seed=i, die_at=rng.randrange(1, 120) if self_kill else None)
        if not self_kill:
            # Killed at a random moment once it has answered, however slow the machine is; the
            # self-killing half covers the statements before the first answer.
            wait_until_ready(report, answered=True)
            time.sleep(rng.uniform(0.0, 0.1))
            os.kill(pid, signal.SIGKILL)
        status = zygote.wait(pid)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        ready, ids, done = reported(report)
        assert not done
        if self_kill:
            deaths.add(death(report))
        answered_then_killed += bool(ids)
        if ready:
            ready_children.add(i)
        assert len(set(ids)) == len(ids)
        all_ids.update(ids)
        check_database(db, all_ids)
        logged = session_reviews(db, i)
        if ids:
            assert logged is not None and logged[: len(ids)] == ids
            assert len(logged) - len(ids) <= 1, "only the answer in flight may be unreported"
    assert answered_then_killed >= 40, "most children were killed while answering"
    assert {"BEGIN IMMEDIATE", "INSERT INTO reviews", "INSERT INTO cards", "COMMIT"} <= deaths
    assert len(all_ids) > 500
    with Store.open(db) as store:
        assert {r.id for r in store.reviews()} >= all_ids
        # a child killed between committing its session and reporting "ready" leaves a session
        # the test did not hear of: each child has at most one, and every ready child has one
        owners = [s.settings["child"] for s in store.unfinished_sessions()]
        assert len(owners) == len(set(owners))
        assert ready_children <= set(owners) <= set(range(50))


def test_kill_9_during_the_first_start_leaves_a_database_the_next_start_opens(
    zygote: Zygote, tmp_path: Path
) -> None:
    """Children start on a new database and answer three questions; each is killed during its
    first start: by itself as its n-th SQL statement starts, for every n in turn and on every
    connection, and by the test at random moments, which also land inside a statement (such as
    the switch of the new file to WAL, which left a hot -journal that every later start refused
    as "attempt to write a readonly database"). Each time the next start must open the database,
    which must pass integrity_check and hold every answer the child reported."""
    rng = random.Random(20250511)
    deaths = set()
    for i in range(160):
        run = tmp_path / f"run{i}"
        run.mkdir()
        db, report = run / "progress.db", run / "report.txt"
        if i < 60:
            pid = zygote.fork(db, report, seed=i, count=3, die_at=i + 1, from_start=True)
        else:
            pid = zygote.fork(db, report, seed=i, count=3)
            wait_until_opening(report)
            time.sleep(rng.uniform(0.0, 0.008))
            os.kill(pid, signal.SIGKILL)
        zygote.wait(pid)
        deaths.add(death(report))
        _, ids, _ = reported(report)
        with Store.open(db) as store:
            assert store.schema_version == SCHEMA_VERSION
            assert {r.id for r in store.reviews()} >= set(ids)
        check_database(db, set(ids))
    assert {
        "PRAGMA journal_mode =",
        "BEGIN IMMEDIATE",
        'CREATE TABLE "sessions"',
        "COMMIT",
    } <= deaths


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
    assert [session_reviews(db, 100 + n) for n in range(2)] == [sorted(a), sorted(b)]
    with Store.open(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.unfinished_sessions() == []


def trap_bank(directory: Path, n: int) -> list[str]:
    """A bank of ``n`` true-or-false items; returns their ids."""
    directory.mkdir()
    (directory / "topics.yaml").write_text(
        "topics:\n  - {id: relu, title: ReLU, area: ディープラーニングの概要}\n", encoding="utf-8"
    )
    ids = [f"t-{n:03d}" for n in range(n)]
    items = "".join(
        f"  - {{id: {i}, kind: trap, exams: [G], topic: relu, difficulty: 1,"
        f" prompt: 問 {i}, truth: true, confused_with: なし, explanation: 説明,"
        f" source: {{doc: x.txt, section: 要点}}}}\n"
        for i in ids
    )
    (directory / "items.yaml").write_text("items:\n" + items, encoding="utf-8")
    return ids


def test_two_reviews_at_once_share_the_due_cards_and_the_new_card_limit(
    zygote: Zygote, tmp_path: Path
) -> None:
    """Two `quizapp review` processes on one database, both started before either answers: each
    due card is answered by one of them only, the two together introduce no more new cards than
    the day allows, and every answer either reported is in the log."""
    ids = trap_bank(tmp_path / "bank", 200)
    due, new = ids[:150], ids[150:]
    db = tmp_path / "progress.db"
    scheduler = SrsScheduler(fuzz=False)
    week_ago = datetime.now(UTC) - timedelta(days=7)
    with Store.open(db) as store:
        for key in due:
            store.record_answer(
                ReviewRecord(key, key, None, None, None, "o", True, 3, 5.0, week_ago, None),
                scheduler.review(None, Rating.Good, week_ago, card_key=key),
            )
    go = tmp_path / "go"
    reports = [tmp_path / "a.txt", tmp_path / "b.txt"]
    pids = [
        zygote.review(db, report, tmp_path / "bank", seed=n, go=go)
        for n, report in enumerate(reports)
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() and r.read_text().startswith("ready ") for r in reports):
        assert time.monotonic() < deadline, "a child never became ready"
        time.sleep(0.005)
    go.touch()
    statuses = [zygote.wait(pid) for pid in pids]
    assert [os.WIFEXITED(s) and os.WEXITSTATUS(s) for s in statuses] == [0, 0], "a child failed"
    answered: list[dict[int, str]] = []
    for report in reports:
        lines = report.read_text().splitlines()
        assert lines[0] == f"ready {len(due) + NEW_PER_DAY}" and lines[-1] == "done"
        answered.append({int(i): key for i, key in (line.split() for line in lines[1:-1])})
    a, b = ({*keys.values()} for keys in answered)
    assert not a & b, f"{len(a & b)} cards reviewed by both, e.g. {sorted(a & b)[:3]}"
    assert set(due) <= a | b
    assert len((a | b) & set(new)) == NEW_PER_DAY
    with Store.open(db) as store:
        logged = {r.id: r.card_key for r in store.reviews(since=week_ago + timedelta(days=1))}
    assert logged == answered[0] | answered[1], "an answer was lost"
