"""A database quizapp cannot use is reported by `quizapp`, `quizapp stats` and `quizapp export`
with its path, without a traceback, and its directory is left exactly as it was: same files, same
bytes, same modification times, no ``-wal``/``-shm`` files.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from quizapp.cli import main
from quizapp.store import SCHEMA_VERSION, ReviewRecord, Store, StoreError

SCRIPT = Path(sys.executable).with_name("quizapp")
COMMANDS = {
    "quizapp": [],
    "stats": ["stats"],
    "export": ["export", "--csv", "{out}"],
}
NOBODY = 65534

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")


def make_review(n: int = 0) -> ReviewRecord:
    return ReviewRecord(
        f"item-{n}",
        f"item-{n}",
        None,
        None,
        None,
        "答え",
        True,
        3,
        5.0,
        datetime(2025, 5, 1, tzinfo=UTC),
        None,
    )


def make_db(path: Path, answers: int = 3) -> Path:
    with Store.open(path) as store:
        for n in range(answers):
            store.record_answer(make_review(n), None)
    assert not path.with_name(path.name + "-wal").exists()
    return path


def sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()


def newer(path: Path) -> None:
    sql(make_db(path), f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def truncated(path: Path) -> None:
    data = make_db(path, answers=300).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def text_file(path: Path) -> None:
    path.write_text("これはデータベースではありません\n" * 20, encoding="utf-8")


def directory(path: Path) -> None:
    path.mkdir()


def table_dropped(path: Path) -> None:
    sql(make_db(path), "DROP TABLE reviews")


def column_renamed(path: Path) -> None:
    sql(make_db(path), "ALTER TABLE reviews RENAME COLUMN answer TO ans")


def column_dropped(path: Path) -> None:
    sql(make_db(path), "ALTER TABLE cards DROP COLUMN leech")


def another_program(path: Path) -> None:
    sql(path, "PRAGMA journal_mode = wal", "CREATE TABLE contacts (name TEXT)")


def empty_with_wal(path: Path) -> None:
    """A zero-byte file beside a non-empty -wal: SQLite would delete that -wal on opening."""
    make_db(path)
    keep = sqlite3.connect(path)
    keep.execute("PRAGMA journal_mode = wal")
    keep.execute("INSERT INTO sessions (mode, started_at) VALUES ('drill', '2025')")
    keep.commit()
    wal = path.with_name(path.name + "-wal").read_bytes()
    keep.close()
    path.write_bytes(b"")
    path.with_name(path.name + "-wal").write_bytes(wal)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "newer-schema": (newer, f"バージョン {SCHEMA_VERSION + 1}"),
    "truncated": (truncated, "壊れています"),
    "text": (text_file, "SQLite データベースではありません"),
    "directory": (directory, "ディレクトリです"),
    "table-dropped": (table_dropped, "テーブル reviews がありません"),
    "column-renamed": (column_renamed, "reviews に列 answer がありません"),
    "column-dropped": (column_dropped, "cards に列 leech がありません"),
    "another-program": (another_program, "contacts"),
    "empty-with-wal": (empty_with_wal, "progress.db-wal"),
}


def snapshot(directory: Path) -> dict[str, object]:
    """Every entry under ``directory`` (and the directory itself): kind, bytes and mtime."""
    entries: dict[str, object] = {".": directory.stat().st_mtime_ns}
    for entry in sorted(directory.rglob("*")):
        st = entry.stat()
        digest = hashlib.sha256(entry.read_bytes()).hexdigest() if entry.is_file() else "dir"
        entries[str(entry.relative_to(directory))] = (digest, st.st_mtime_ns, st.st_mode)
    return entries


def cli_env(home: Path, cache: Path | None = None) -> dict[str, str]:
    """Settings, cache and data dirs inside ``home``, so only the database's directory is watched."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(cache or home / "cache"),
        XDG_DATA_HOME=str(home / "share"),
        QUIZAPP_CONFIG=str(home / "config.toml"),
    )
    return env


Job = tuple[list[str], Path, dict[str, str]]


def commands(
    db: Path, home: Path, prefix: Sequence[str] = (), cache: Path | None = None
) -> dict[str, Job]:
    """The three commands on ``db`` (argv, cwd, env); their CSV targets are in ``home``."""
    jobs = {}
    for name, args in COMMANDS.items():
        argv = [a.format(out=home / f"{name}.csv") for a in args]
        jobs[name] = ([*prefix, str(SCRIPT), *argv, "--db", str(db)], home, cli_env(home, cache))
    return jobs


def run_jobs(jobs: dict[Any, Job], width: int = 2) -> dict[Any, subprocess.CompletedProcess[str]]:
    """Run the jobs, ``width`` at a time, in order (more at once only thrash a small CI box)."""
    pending = list(jobs.items())
    running: dict[Any, subprocess.Popen[str]] = {}
    done = {}
    while pending or running:
        while pending and len(running) < width:
            key, (argv, cwd, env) = pending.pop(0)
            running[key] = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        for key, proc in list(running.items()):
            if proc.poll() is not None:
                out, err = proc.communicate()
                done[key] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
                del running[key]
        time.sleep(0.005)
    return done


def assert_refused(
    results: dict[str, subprocess.CompletedProcess[str]], db: Path, expect: str, home: Path
) -> None:
    for name, result in results.items():
        output = result.stdout + result.stderr
        assert result.returncode == 1, (name, output)
        assert "Traceback" not in output, (name, output)
        assert str(db) in result.stderr and re.search(expect, result.stderr), (name, result.stderr)
        assert not (home / f"{name}.csv").exists()


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bank parse cache for every run of the app."""
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(CASES))
def test_every_command_reports_a_refused_database_and_leaves_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared_cache: Path,
    case: str,
    command: str,
) -> None:
    """Through :func:`quizapp.cli.main` in this process, so that an uncaught exception fails the
    test (an interpreter per case and command would cost many seconds; the console script itself
    is run by :func:`test_console_script_reports_a_refused_database_and_leaves_it`)."""
    make, expect = CASES[case]
    data = tmp_path / "data"
    data.mkdir()
    db = data / "progress.db"
    make(db)
    time.sleep(0.01)  # a write after the snapshot would show as a new mtime
    before = snapshot(data)
    for key, value in cli_env(tmp_path, shared_cache).items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out.csv"
    argv = [a.format(out=out) for a in COMMANDS[command]]
    assert main([*argv, "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert str(db) in err and expect in err
    assert not out.exists()
    assert snapshot(data) == before


# --- a hot journal: a writer killed mid-transaction ------------------------------------------

KILLED_WRITER = r"""
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 4")  # spill: changed pages reach the file before COMMIT
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
for _ in range(40):
    conn.execute("INSERT INTO filler VALUES (randomblob(4000))")
os.kill(os.getpid(), signal.SIGKILL)
"""


def kill_a_writer(path: Path) -> None:
    """Leave a hot journal beside ``path``, as kill -9 during the first start's switch to WAL
    does: the file holds pages of a transaction that never committed."""
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], check=False)
    assert path.with_name(path.name + "-journal").stat().st_size > 0
    with pytest.raises(sqlite3.OperationalError):
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("SELECT * FROM sqlite_master").fetchall()
        finally:
            conn.close()


@pytest.mark.parametrize("answers", [None, 3])
def test_a_hot_journal_is_rolled_back_not_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answers: int | None,
) -> None:
    """A new file (the first start killed) or a database with answers: stats reads it and the
    app opens it, with the answers committed before the killed transaction and nothing of it."""
    db = tmp_path / "progress.db"
    if answers is not None:
        make_db(db, answers)
    kill_a_writer(db)
    for key, value in cli_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    assert main(["stats", "--db", str(db)]) == 0, capsys.readouterr().err
    with Store.open(db, create=False) as store:
        assert store.review_count() == (answers or 0)
    with Store.open(db) as store:
        assert store.review_count() == (answers or 0)
        assert store.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "filler" not in tables
    assert not db.with_name(db.name + "-journal").exists()


def test_a_hot_journal_beside_another_programs_database_is_still_refused(tmp_path: Path) -> None:
    db = tmp_path / "contacts.db"
    sql(db, "CREATE TABLE contacts (name TEXT)", "INSERT INTO contacts VALUES ('山田')")
    kill_a_writer(db)
    with pytest.raises(StoreError, match=r"quizapp のデータベースではありません.*contacts"):
        Store.open(db)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT name FROM contacts").fetchall() == [("山田",)]
    conn.close()


# --- as real processes: a lock held by another process, and permissions ----------------------


HOLD_LOCK = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO sessions (mode, started_at) VALUES ('other', '2025')")
print("locked", flush=True)
sys.stdin.read()
"""


def unprivileged_prefix() -> list[str] | None:
    """A command prefix under which file permissions apply (root reads anything, so as root the
    commands run as ``nobody`` through setpriv); None where that is not possible."""
    if sys.platform == "win32":
        return None
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if shutil.which("setpriv") is None:
        return None
    probe = subprocess.run([*prefix, str(SCRIPT), "--help"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def unreadable(path: Path) -> None:
    make_db(path).chmod(0o000)


def read_only(path: Path) -> None:
    make_db(path).chmod(0o444)


def in_closed_directory(path: Path) -> Path:
    """A database path inside a directory others cannot enter; returns the path to use."""
    closed = path.parent / "closed"
    closed.mkdir()
    closed.chmod(0o700 if os.geteuid() == 0 else 0o000)
    return closed / "progress.db"


@dataclass
class Outcome:
    db: Path
    home: Path
    before: dict[str, object]
    after: dict[str, object]
    results: dict[str, subprocess.CompletedProcess[str]]


PROCESS_CASES: dict[str, tuple[Callable[[Path], object], str, tuple[str, ...]]] = {
    "locked": (make_db, "ほかのプロセスが使用中", ("quizapp",)),
    "newer-schema": (newer, f"バージョン {SCHEMA_VERSION + 1}", tuple(COMMANDS)),
    "unreadable": (unreadable, "読めません", tuple(COMMANDS)),
    "read-only": (read_only, "書き込みが許可されていない", ("quizapp",)),
    "closed-directory": (in_closed_directory, "調べられません|Permission denied", tuple(COMMANDS)),
}
"""case → (make the database, expected message (a regex), commands). From ``unreadable`` on, the
commands run without root's privileges; a locked or read-only database is refused by the app only,
before any answer would fail to save (stats and export read what was committed: below). In a closed directory, stats stops
at its own ``exists()`` check and the CLI reports the OSError with the path."""
PERMISSION_CASES = ("unreadable", "read-only", "closed-directory")


@pytest.fixture(scope="module")
def processes(shared_cache: Path) -> Iterator[dict[str, Outcome]]:
    """Every process case's commands as console-script processes. The locked case's go first and
    wait out the 5 s busy timeout while the others run; another process holds that lock until all
    have ended. The databases are in a directory anyone may enter (for the permission cases)."""
    root = Path(tempfile.mkdtemp(prefix="quizapp-refusals-"))
    root.chmod(0o777)
    prefix = unprivileged_prefix()
    try:
        prepared = {}
        for case, (make, _, names) in PROCESS_CASES.items():
            if case in PERMISSION_CASES and prefix is None:
                continue
            home = root / case
            (home / "data").mkdir(parents=True)
            for directory in (home, home / "data"):
                directory.chmod(0o777)
            db = make(home / "data" / "progress.db")
            db = db if isinstance(db, Path) else home / "data" / "progress.db"
            jobs = commands(db, home, prefix if case in PERMISSION_CASES else (), shared_cache)
            prepared[case] = (db, home, {name: jobs[name] for name in names})
        shared_cache.chmod(0o777)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(prepared["locked"][0])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            time.sleep(0.01)
            before = {case: snapshot(home / "data") for case, (_, home, _) in prepared.items()}
            jobs = {
                (case, name): job
                for case, (_, _, case_jobs) in prepared.items()
                for name, job in case_jobs.items()
            }
            done = run_jobs(jobs, width=len(COMMANDS) + 2)
            after = {case: snapshot(home / "data") for case, (_, home, _) in prepared.items()}
        finally:
            assert holder.stdin is not None and holder.stdout is not None
            holder.stdin.close()
            holder.wait(timeout=10)
            holder.stdout.close()
        yield {
            case: Outcome(
                db,
                home,
                before[case],
                after[case],
                {name: done[case, name] for name in case_jobs},
            )
            for case, (db, home, case_jobs) in prepared.items()
        }
    finally:
        for path in root.rglob("*"):
            path.chmod(0o700)
        shutil.rmtree(root)


@pytest.mark.parametrize("case", list(PROCESS_CASES))
def test_console_script_reports_a_refused_database_and_leaves_it(
    processes: dict[str, Outcome], case: str
) -> None:
    if case not in processes:
        pytest.skip("file permissions cannot be tested here (root without setpriv)")
    outcome = processes[case]
    assert_refused(outcome.results, outcome.db, PROCESS_CASES[case][1], outcome.home)
    assert outcome.after == outcome.before


def test_locked_database_keeps_its_answers(processes: dict[str, Outcome]) -> None:
    with Store.open(processes["locked"].db) as store:
        assert store.review_count() == 3


def test_empty_file_reads_as_an_empty_log_and_stays_empty(tmp_path: Path) -> None:
    """A zero-byte file is SQLite's empty database: the read-only commands show an empty log and
    leave it zero bytes (the app itself turns it into a quizapp database: test_store)."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / "progress.db"
    db.touch()
    before = snapshot(data)
    out = tmp_path / "log.csv"
    results = run_jobs(
        {name: job for name, job in commands(db, tmp_path).items() if name in ("stats", "export")}
    )
    assert results["stats"].returncode == 0, results["stats"].stderr
    assert "解答 0 回" in results["stats"].stdout
    assert results["export"].returncode == 0, results["export"].stderr
    assert "0 reviews" in results["export"].stdout
    assert (tmp_path / "export.csv").exists() and not out.exists()
    assert snapshot(data) == before


# --- read-only commands read without leaving a file ---------------------------------------


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_read_only_open_creates_no_file_and_writes_nothing(tmp_path: Path) -> None:
    """Works as root too: SQLite's own read-only open would create -wal and -shm here and leave
    them (read-only ones beside a read-only file, which the app's next answer then failed on)."""
    data = tmp_path / "data"
    data.mkdir()
    db = make_db(data / "progress.db")
    before = snapshot(data)
    with Store.open(db, create=False) as store:
        assert files(data) == ["progress.db"]
        assert store.review_count() == 3 and store.note is None
        with pytest.raises((StoreError, sqlite3.Error)):
            store.record_answer(make_review(), None)
    assert snapshot(data) == before
    with Store.open(db) as store:
        store.record_answer(make_review(), None)
        assert store.review_count() == 4


def test_a_read_only_open_sees_what_a_running_app_committed(tmp_path: Path) -> None:
    db = make_db(tmp_path / "progress.db")
    with Store.open(db) as app:
        app.record_answer(make_review(), None)
        assert files(tmp_path) == ["progress.db", "progress.db-shm", "progress.db-wal"]
        with Store.open(db, create=False) as reader:
            assert reader.review_count() == 4 and reader.note is None
            app.record_answer(make_review(), None)
            assert reader.review_count() == 4, "a snapshot: a later answer is not mixed in"
        assert files(tmp_path) == ["progress.db", "progress.db-shm", "progress.db-wal"]


def leave_wal(path: Path) -> Path:
    """A database whose last answer is only in its -wal, whose -shm is gone (as a killed writer
    and a cleaner leave it)."""
    make_db(path)
    code = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute(\"INSERT INTO sessions (mode, started_at) VALUES ('drill', '2025')\")\n"
        "os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=False)
    path.with_name(path.name + "-shm").unlink()
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    return path


READ_ONLY_CASES: dict[str, tuple[Callable[[Path], object], str | None]] = {
    "read-only-file": (read_only, None),
    "read-only-directory": (lambda db: make_db(db).parent.chmod(0o555), None),
    "read-only-directory-with-wal": (lambda db: leave_wal(db).parent.chmod(0o555), "注意"),
}
"""case → (make the database, what stats must say besides the report)."""


@pytest.fixture(scope="module")
def read_only_runs(shared_cache: Path) -> Iterator[dict[str, Outcome]]:
    """stats and export run as an unprivileged user on each read-only case, then the app's own
    read-write open and an answer, once the permissions are back."""
    prefix = unprivileged_prefix()
    if prefix is None:
        pytest.skip("file permissions cannot be tested here (root without setpriv)")
    root = Path(tempfile.mkdtemp(prefix="quizapp-read-only-"))
    root.chmod(0o777)
    shared_cache.chmod(0o777)
    try:
        prepared = {}
        for case, (make, _) in READ_ONLY_CASES.items():
            home = root / case
            (home / "data").mkdir(parents=True)
            for directory in (home, home / "data"):
                directory.chmod(0o777)
            db = home / "data" / "progress.db"
            make(db)
            prepared[case] = (db, home, commands(db, home, prefix, shared_cache))
        before = {case: snapshot(home / "data") for case, (_, home, _) in prepared.items()}
        jobs = {
            (case, name): job
            for case, (_, _, case_jobs) in prepared.items()
            for name, job in case_jobs.items()
            if name != "quizapp"
        }
        done = run_jobs(jobs)
        after = {case: snapshot(home / "data") for case, (_, home, _) in prepared.items()}
        yield {
            case: Outcome(
                db,
                home,
                before[case],
                after[case],
                {name: done[case, name] for name in ("stats", "export")},
            )
            for case, (db, home, _) in prepared.items()
        }
    finally:
        for path in root.rglob("*"):
            path.chmod(0o777)
        shutil.rmtree(root)


ANSWER = r"""
import sys
from datetime import UTC, datetime
from quizapp.store import ReviewRecord, Store
with Store.open(sys.argv[1]) as store:
    store.record_answer(ReviewRecord("x", "x", None, None, None, "a", True, 3, 1.0,
                                     datetime.now(UTC), None), None)
    print(store.review_count())
"""


@pytest.mark.parametrize("case", list(READ_ONLY_CASES))
def test_read_only_commands_read_a_read_only_database_and_leave_no_file(
    read_only_runs: dict[str, Outcome], case: str
) -> None:
    outcome = read_only_runs[case]
    stats, export = outcome.results["stats"], outcome.results["export"]
    assert stats.returncode == 0, stats.stderr
    assert "解答" in stats.stdout and "Traceback" not in stats.stderr
    note = READ_ONLY_CASES[case][1]
    # the note starts 「注意: 」; a topic title may hold 注意 (注意機構)
    assert (note in stats.stdout) if note else ("注意: " not in stats.stdout)
    assert export.returncode == 0, export.stderr
    assert "3 reviews" in export.stdout
    assert outcome.after == outcome.before
    # the permissions back, the app's own open writes an answer (read-only -wal/-shm left by
    # stats made it fail with "attempt to write a readonly database")
    for path in (outcome.db.parent, *outcome.db.parent.iterdir()):
        path.chmod(0o777 if path.is_dir() else 0o666)
    prefix = unprivileged_prefix()
    assert prefix is not None
    answered = subprocess.run(
        [*prefix, sys.executable, "-c", ANSWER, str(outcome.db)],
        capture_output=True,
        text=True,
        env=cli_env(outcome.home),
    )
    assert answered.returncode == 0, answered.stderr
    assert int(answered.stdout) == 4


def test_read_only_commands_read_what_was_committed_past_another_process_lock(
    tmp_path: Path, shared_cache: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = make_db(data / "progress.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = snapshot(data)
        jobs = commands(db, tmp_path, (), shared_cache)
        results = run_jobs({name: jobs[name] for name in ("stats", "export")})
        assert snapshot(data) == before
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert results["stats"].returncode == 0, results["stats"].stderr
    assert results["export"].returncode == 0, results["export"].stderr
    assert "3 reviews" in results["export"].stdout
