"""TUI timings: cold start to the first question against a bare Textual app, keypress to feedback.

Measurements behind choices in the code (re-measure here before undoing them):

- ``quizapp.cli._app`` disables the cyclic GC while the app is built and freezes what it built:
  the collection at interpreter exit alone spent ~80 ms walking it.
- ``QuizScreen`` hides the answer inputs once answered rather than disabling them: disabling
  restyles every Input and tripled the keypress-to-feedback time.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

START_TARGET = 1.5
FEEDBACK_TARGET_MS = 50.0
REPEATS = 11

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

async def main():
    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

import asyncio
asyncio.run(main())
"""

QUIZ = """
import asyncio, sys
from pathlib import Path
from quizapp.cli import app_from_argv

async def main():
    tmp = Path(sys.argv[1])
    extra = ["--bank", sys.argv[2]] if len(sys.argv) > 2 else []
    app = app_from_argv(
        ["review", "--db", str(tmp / "p.db"), "--config", str(tmp / "c.toml"), *extra]
    )
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app.screen, "question", None) is None:
            await pilot.pause(0.005)
        await pilot.pause()

asyncio.run(main())
"""


def _child_env(cache: str | None = None) -> dict[str, str]:
    """This environment minus PYTHONDONTWRITEBYTECODE: an installed quizapp has bytecode (pip
    compiles it, as it did Textual's), and without the variable the untimed first run writes it
    for a source checkout too, so both apps start from compiled modules. With ``cache``, that is
    the user cache directory (where quizapp keeps the parsed bank), and quizapp's own variables
    are dropped so that the shipped bank alone is loaded."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache is not None:
        env["XDG_CACHE_HOME"] = cache
    return env


def _time_script(code: str, *args: str, cache: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], check=True, env=_child_env(cache)
    )
    return time.perf_counter() - start


BANK_SIZES = (1_500, 5_000)
"""Whole-bank sizes (shipped items plus a user bank) the cold start is measured with too."""


def write_user_bank(directory: Path, items: int) -> None:
    """``items`` four-option G検定 items for the shipped topics, as a user bank (``--bank``)."""
    from quizapp.bank import load_bank
    from quizapp.paths import shipped_bank_dir

    bank = load_bank([shipped_bank_dir()])
    topics = [t.id for t in bank.topics.values() if any(s.startswith("G") for s in t.syllabus)]
    per_file = 1_000  # a bank file is at most 2 MB
    for start in range(0, items, per_file):
        lines = ["items:"]
        for n in range(start, min(start + per_file, items)):
            lines.append(
                f"""  - id: bench-item-{n:05}
    kind: choice
    exams: [G]
    topic: {topics[n % len(topics)]}
    difficulty: 1
    prompt: ベンチマーク用の問題 {n}。正しいものを1つ選べ。
    options:
      - {{text: 正しい選択肢, rationale: 正しい}}
      - {{text: 誤り A, rationale: 別のもの}}
      - {{text: 誤り B, rationale: 別のもの}}
      - {{text: 誤り C, rationale: 別のもの}}
    answer: 1
    explanation: 説明 {n}。
    source: {{ref: ベンチマーク}}
    as_of: 2026-12-01"""
            )
        path = directory / f"bench{start // per_file:02}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cold_start(bank: str | None = None) -> tuple[list[float], list[float]]:
    """Wall times of fresh processes, run in turns: (quizapp to first question, bare app to
    first paint).

    Each quizapp run gets a new database; the bank's parse cache (and bytecode, see
    :func:`_child_env`) is filled by one untimed run of each app first, as it is on every start
    after the first after installing or editing the bank."""
    quiz, bare = [], []
    extra = [bank] if bank else []
    with tempfile.TemporaryDirectory() as cache:
        with tempfile.TemporaryDirectory() as tmp:
            _time_script(QUIZ, tmp, *extra, cache=cache)
        _time_script(BARE)
        for _ in range(REPEATS):
            with tempfile.TemporaryDirectory() as tmp:
                quiz.append(_time_script(QUIZ, tmp, *extra, cache=cache))
            bare.append(_time_script(BARE))
    return quiz, bare


def large_bank_rows() -> list[dict]:
    """Cold start with the whole bank at each of :data:`BANK_SIZES` items."""
    from quizapp.bank import load_bank
    from quizapp.paths import shipped_bank_dir

    shipped = len(load_bank([shipped_bank_dir()]).items)
    rows = []
    for size in BANK_SIZES:
        with tempfile.TemporaryDirectory() as bank:
            write_user_bank(Path(bank), max(size - shipped, 0))
            quiz_runs, bare_runs = cold_start(bank)
        quiz, bare = statistics.median(quiz_runs), statistics.median(bare_runs)
        rows.append(
            {
                "name": f"  the same with a {size:,}-item bank (median of {REPEATS})",
                "value": f"{quiz / bare:.2f}× ({quiz * 1000:.0f} ms vs {bare * 1000:.0f} ms)",
                "target": f"≤ {START_TARGET}×",
                "ok": quiz / bare <= START_TARGET,
            }
        )
    return rows


def _watch_for_frame(screen, view) -> asyncio.Future[float]:
    """A future set to the time of the first frame the screen composites with ``view`` visible.

    Wraps the screen's compositor refresh (Textual's per-frame hook; headless runs compose the
    frame but skip writing it to a terminal). Install it before sending the key."""
    shown: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    original = screen._compositor_refresh

    def hooked() -> None:
        original()
        visible = screen.feedback is not None and view in screen._compositor.visible_widgets
        if visible and not shown.done():
            shown.set_result(time.perf_counter())
            del screen._compositor_refresh

    screen._compositor_refresh = hooked
    return shown


async def _feedback_latencies(n: int = 30) -> tuple[list[tuple[str, float]], list[float]]:
    """Answer ``n`` review items through keys: (kind, ms to the feedback frame) per answer, and
    Pilot's own press-and-settle round trip (which adds its idle waits) per answer."""
    from textual import events

    from quizapp.paths import shipped_bank_dir
    from quizapp.ui.app import make_app
    from quizapp.ui.screens.quiz import QuizScreen
    from quizapp.ui.widgets.feedback import FeedbackView

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(
            db_path=Path(tmp) / "p.db",
            bank_dirs=[shipped_bank_dir()],
            config_path=Path(tmp) / "c.toml",
            start="review",
            seed=1,
            fuzz=False,
        )
        frames: list[tuple[str, float]] = []
        round_trips: list[float] = []
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            while len(frames) < n and isinstance(app.screen, QuizScreen):
                screen = app.screen
                q = screen.question
                if q is None:
                    break
                if q.kind == "trap":
                    key = "o"
                elif q.kind == "choice":
                    if q.multi:
                        await pilot.press("1")
                    key = "enter" if q.multi else "1"
                else:
                    for _ in range(max(q.blanks, 1) - 1):
                        await pilot.press(*"16", "enter")
                    await pilot.press(*"16")
                    key = "enter"
                await pilot.pause()
                # the key goes in the way a terminal delivers it: through the driver's queue
                event = events.Key(key, "\r" if key == "enter" else key)
                event.set_sender(app)
                shown = _watch_for_frame(screen, screen.query_one(FeedbackView))
                started = time.perf_counter()
                app._driver.send_message(event)
                frames.append((q.kind, (await asyncio.wait_for(shown, 5) - started) * 1000))
                await pilot.pause()
                round_trips.append((time.perf_counter() - started) * 1000)
                assert screen.feedback is not None
                await pilot.press("enter")
                await pilot.pause()
        return frames, round_trips


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def run() -> list[dict]:
    quiz_runs, bare_runs = cold_start()
    quiz, bare = statistics.median(quiz_runs), statistics.median(bare_runs)
    ratio = quiz / bare
    frames, round_trips = asyncio.run(_feedback_latencies())
    latencies = [ms for _, ms in frames]
    by_kind = ", ".join(
        f"{kind} {statistics.median(ms for k, ms in frames if k == kind):.0f}"
        for kind in ("trap", "choice", "fill", "numeric")
        if any(k == kind for k, _ in frames)
    )
    return [
        {
            "name": f"TUI cold start to first question / bare Textual app (median of {REPEATS})",
            "value": f"{ratio:.2f}× ({quiz * 1000:.0f} ms vs {bare * 1000:.0f} ms)",
            "target": f"≤ {START_TARGET}×",
            "ok": ratio <= START_TARGET,
        },
        {
            # the machine's noise moves the medians (the bare app alone varies by a third between
            # runs); the fastest of each is what the code costs
            "name": f"  fastest of {REPEATS} / fastest of {REPEATS}",
            "value": f"{min(quiz_runs) / min(bare_runs):.2f}× "
            f"({min(quiz_runs) * 1000:.0f} ms vs {min(bare_runs) * 1000:.0f} ms)",
            "target": "",
            "ok": None,
        },
        *large_bank_rows(),
        {
            "name": f"TUI keypress → frame showing the feedback ({len(latencies)} answers) p50 / p95",
            "value": f"{_p(latencies, 0.5):.1f} / {_p(latencies, 0.95):.1f} ms",
            "target": f"≤ {FEEDBACK_TARGET_MS:.0f} ms",
            "ok": _p(latencies, 0.95) <= FEEDBACK_TARGET_MS,
        },
        {
            "name": "  median by kind (ms)",
            "value": by_kind,
            "target": "",
            "ok": None,
        },
        {
            "name": "  Pilot press + pause() round trip, p50 (includes Pilot's idle waits)",
            "value": f"{_p(round_trips, 0.5):.0f} ms",
            "target": "",
            "ok": None,
        },
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run())
