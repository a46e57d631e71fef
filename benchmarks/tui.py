"""TUI timings: cold start to the first question against a bare Textual app, keypress to feedback."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

START_TARGET = 1.5
FEEDBACK_TARGET_MS = 50.0
REPEATS = 5

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
from quizapp.paths import shipped_bank_dir
from quizapp.ui.app import make_app

async def main():
    tmp = Path(sys.argv[1])
    app = make_app(db_path=tmp / "p.db", bank_dirs=[shipped_bank_dir()],
                   config_path=tmp / "c.toml", start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app.screen, "question", None) is None:
            await pilot.pause(0.005)
        await pilot.pause()

asyncio.run(main())
"""


def _time_script(code: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], check=True)
    return time.perf_counter() - start


def cold_start() -> tuple[float, float]:
    """Median wall time of a fresh process: (quizapp to first question, bare app to first paint)."""
    quiz, bare = [], []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as tmp:
            quiz.append(_time_script(QUIZ, tmp))
        bare.append(_time_script(BARE))
    return statistics.median(quiz), statistics.median(bare)


async def _feedback_latencies(n: int = 30) -> list[float]:
    from quizapp.paths import shipped_bank_dir
    from quizapp.ui.app import make_app
    from quizapp.ui.screens.quiz import QuizScreen

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(
            db_path=Path(tmp) / "p.db",
            bank_dirs=[shipped_bank_dir()],
            config_path=Path(tmp) / "c.toml",
            start="review",
            seed=1,
            fuzz=False,
        )
        latencies = []
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            while len(latencies) < n and isinstance(app.screen, QuizScreen):
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
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                latencies.append((time.perf_counter() - start) * 1000)
                assert screen.feedback is not None
                await pilot.press("enter")
                await pilot.pause()
        return latencies


def run() -> list[dict]:
    quiz, bare = cold_start()
    ratio = quiz / bare
    latencies = sorted(asyncio.run(_feedback_latencies()))
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return [
        {
            "name": "TUI cold start to first question / bare Textual app (median of 5)",
            "value": f"{ratio:.2f}× ({quiz * 1000:.0f} ms vs {bare * 1000:.0f} ms)",
            "target": f"≤ {START_TARGET}×",
            "ok": ratio <= START_TARGET,
        },
        {
            "name": f"TUI keypress → feedback rendered (Pilot, {len(latencies)} answers) p50 / p95",
            "value": f"{p50:.1f} / {p95:.1f} ms",
            "target": f"≤ {FEEDBACK_TARGET_MS:.0f} ms",
            "ok": p95 <= FEEDBACK_TARGET_MS,
        },
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run())
