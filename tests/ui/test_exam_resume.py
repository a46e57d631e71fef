"""A mock exam left unsubmitted is offered again on the next start: resumed where it was, with the
time it had left, or discarded."""

from __future__ import annotations

from datetime import timedelta

from quizapp.store import Store
from quizapp.ui.screens.exam import ExamScreen
from quizapp.ui.screens.exam_resume import ResumeExamScreen
from quizapp.ui.screens.home import HomeScreen

from .conftest import NOW, screen_chars
from .test_exam import open_g_exam, right_position, settled


async def leave_a_mock_unsubmitted(app) -> dict:
    """Answer questions 1–3, flag 2, spend 100 s, stop on question 5, and quit without
    submitting; returns what the sheet held."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_g_exam(pilot)
        screen.started_at = NOW - timedelta(seconds=100)
        for i in range(3):
            await pilot.press(str(right_position(screen, i) + 1), "right")
        await pilot.press("left", "left", "f", "right", "right", "right")
        await pilot.pause()
        assert screen.index == 4
        return {
            "answers": dict(screen.sheet.answers),
            "flags": set(screen.sheet.flags),
            "prompts": [q.prompt for q in screen.sheet.questions],
            "options": [q.options for q in screen.sheet.questions],
            "seconds": screen.draw.seconds,
        }


async def test_an_unsubmitted_mock_resumes_where_it_was(exam_app, tmp_path) -> None:
    before = await leave_a_mock_unsubmitted(exam_app(8))
    app = exam_app(8)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, ResumeExamScreen)
        text = screen_chars(pilot)
        assert "中断した模擬試験があります。再開しますか？" in text
        assert "8 問中 3 問解答済み" in text and "残り 3:20" in text
        await pilot.press("y")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert screen.index == 4 and "問 5/8" in screen_chars(pilot)
        assert screen.sheet.answers == before["answers"]
        assert screen.sheet.flags == before["flags"] == {1}
        assert [q.prompt for q in screen.sheet.questions] == before["prompts"]
        assert [q.options for q in screen.sheet.questions] == before["options"]
        assert round(screen.draw.seconds - screen.elapsed) == before["seconds"] - 100
        await pilot.press("s", "y")
        await settled(pilot)
    with Store.open(tmp_path / "progress.db") as store:
        assert store.mock_draft() is None
        (result,) = store.mock_results("G")
        assert result.asked == 8 and result.correct == 3
        mocks = [s for s in store.unfinished_sessions() if s.mode == "mock"]
        assert not mocks, "the first session ended when its draft moved on"


async def test_a_discarded_mock_is_gone(exam_app, tmp_path) -> None:
    await leave_a_mock_unsubmitted(exam_app(8))
    app = exam_app(8)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, ResumeExamScreen)
        await pilot.press("d")
        await settled(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "中断した模擬試験を破棄しました。" in screen_chars(pilot)
    with Store.open(tmp_path / "progress.db") as store:
        assert store.mock_draft() is None and store.mock_results("G") == []
    async with exam_app(8).run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)


async def test_later_keeps_the_draft_for_the_next_start(exam_app) -> None:
    await leave_a_mock_unsubmitted(exam_app(8))
    for _ in range(2):
        async with exam_app(8).run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            assert isinstance(pilot.app.screen, ResumeExamScreen)
            await pilot.press("escape")
            await settled(pilot)
            assert isinstance(pilot.app.screen, HomeScreen)


async def test_a_draft_the_bank_no_longer_gives_is_discarded_with_a_word(
    exam_app, tmp_path
) -> None:
    before = await leave_a_mock_unsubmitted(exam_app(8))
    for path in (tmp_path / "bank").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for prompt in before["prompts"]:
            text = text.replace(prompt, prompt + "（改訂）")
        path.write_text(text, encoding="utf-8")
    app = exam_app(8)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settled(pilot)
        await pilot.press("y")
        await settled(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "問題集が変わったため" in screen_chars(pilot)
    with Store.open(tmp_path / "progress.db") as store:
        assert store.mock_draft() is None


CHILD = """
import asyncio, json, os, sys
from datetime import datetime
from pathlib import Path
from quizapp.ui.app import make_app

tmp, now, report = Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), sys.argv[3]

async def main():
    app = make_app(db_path=tmp / "progress.db", bank_dirs=[tmp / "bank"],
                   config_path=tmp / "config.toml", clock=lambda: now, seed=3, fuzz=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await pilot.pause()
        sheet = app.screen.sheet
        for i in range(4):
            await pilot.press(str(sheet.questions[i].order.index(0) + 1), "right")
        await pilot.press("f")
        await pilot.pause()
        # every answer was committed as its key was handled: say what the sheet holds, then wait
        # for the kill
        held = {"answers": {str(k): v for k, v in sheet.answers.items()},
                "flags": sorted(sheet.flags), "index": app.screen.index}
        fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, json.dumps(held).encode())
        os.close(fd)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_mock_killed_mid_exam_keeps_every_answer(exam_app, tmp_path) -> None:
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    exam_app(8)  # writes the bank and the settings the child reads
    report = tmp_path / "report.json"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), NOW.isoformat(), str(report)]
    )
    try:
        deadline = time.monotonic() + 120
        while not report.exists() or not report.read_text(encoding="utf-8"):
            assert child.poll() is None, "the child ended before answering"
            assert time.monotonic() < deadline, "the child never answered"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    held = json.loads(report.read_text(encoding="utf-8"))
    assert len(held["answers"]) == 4 and held["flags"] == [4] and held["index"] == 4

    with Store.open(tmp_path / "progress.db") as store:
        draft = store.mock_draft()
    assert draft is not None and draft.exam == "G"
    assert {k: draft.progress[k] for k in held} == held

    app = exam_app(8)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, ResumeExamScreen)
        await pilot.press("y")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert {str(k): v for k, v in screen.sheet.answers.items()} == held["answers"]
        assert sorted(screen.sheet.flags) == held["flags"] and screen.index == 4
