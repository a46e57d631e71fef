"""The mock exam's draft: kept in the store on every change, given back as the same sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.bank import load_bank
from quizapp.mock import draft_plan, draft_progress, draw, resumable, resumed_sheet, sheet_for
from quizapp.modes import MOCK
from quizapp.paths import shipped_bank_dir
from quizapp.scheduler import SrsScheduler
from quizapp.session import Session
from quizapp.store import Store

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_draft_round_trips_through_the_store(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        assert store.mock_draft() is None
        sid = store.start_session(mode="mock", now=NOW)
        plan = {"seed": 5, "cards": [["a", "領域"]], "shown": ["x"]}
        store.save_mock_draft(sid, "G", plan, {"answers": {}, "flags": []}, now=NOW)
        progress = {"answers": {"0": [2]}, "flags": [0], "index": 0, "elapsed": 12.5}
        store.update_mock_draft(sid, progress, now=NOW + timedelta(seconds=13))
    with Store.open(tmp_path / "p.db") as store:
        draft = store.mock_draft()
        assert draft is not None
        assert (draft.session_id, draft.exam, draft.plan, draft.progress) == (
            sid,
            "G",
            plan,
            progress,
        )
        assert draft.saved_at == NOW + timedelta(seconds=13)
        new = store.start_session(mode="mock", now=NOW)
        store.move_mock_draft(sid, new, now=NOW)
        moved = store.mock_draft()
        assert moved is not None and moved.session_id == new and moved.progress == progress
        old = store.get_session(sid)
        assert old is not None and old.ended_at is not None and old.summary is None
        store.discard_mock_draft(new, now=NOW)
        assert store.mock_draft() is None
        assert store.mock_results("G") == []  # neither session counts as a mock taken


def test_submitting_clears_the_draft(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        sid = store.start_session(mode="mock", now=NOW)
        store.save_mock_draft(sid, "E", {}, {}, now=NOW)
        store.clear_mock_draft(sid)
        assert store.mock_draft() is None


@pytest.fixture(scope="module")
def shipped():
    from solvers.generators import REGISTRY

    return load_bank([shipped_bank_dir()], generators=REGISTRY), REGISTRY


def _session(bank, generators, store: Store, seed: int) -> Session:
    return Session(
        bank=bank,
        store=store,
        scheduler=SrsScheduler(fuzz=False),
        generators=generators,
        mode=MOCK,
        queue=[],
        seed=seed,
        clock=lambda: NOW,
        introduce=False,
    ).start()


def _drafted(bank, generators, store: Store, seed: int = 11):
    picked = draw(bank, "E", 30, generators, seed)
    first = _session(bank, generators, store, seed)
    sheet = sheet_for(first, picked)
    assert any(q.problem is not None for q in sheet.questions), "a generated problem in the draw"
    for i in range(0, 30, 3):
        sheet.answer(i, [i % 4] if not sheet.questions[i].multi else [0, 1])
    sheet.toggle_flag(4)
    plan = draft_plan(picked, sheet, seed, 0.61)
    return sheet, plan, draft_progress(sheet, 7, 300.0)


def test_a_draft_gives_back_the_same_sheet_with_its_answers(shipped, tmp_path: Path) -> None:
    bank, generators = shipped
    with Store.open(tmp_path / "p.db") as store:
        sheet, plan, progress = _drafted(bank, generators, store)
        found = resumable(bank, "E", plan, progress)
        assert found is not None and found.elapsed == 300.0 and found.forecast == 0.61
        rebuilt = resumed_sheet(_session(bank, generators, store, found.seed), found)
    assert rebuilt is not None
    again, index = rebuilt
    assert index == 7
    assert [(q.card_key, q.prompt, q.options) for q in again.questions] == [
        (q.card_key, q.prompt, q.options) for q in sheet.questions
    ]
    assert again.answers == sheet.answers and again.flags == {4}


def test_a_bank_changed_since_gives_no_sheet(shipped, tmp_path: Path) -> None:
    bank, generators = shipped
    with Store.open(tmp_path / "p.db") as store:
        sheet, plan, progress = _drafted(bank, generators, store)
        found = resumable(bank, "E", plan, progress)
        assert found is not None
        hand = next(q for q in sheet.questions if q.problem is None)
        gone = replace(bank, items={k: v for k, v in bank.items.items() if k != hand.card_key})
        assert resumed_sheet(_session(gone, generators, store, found.seed), found) is None
        edited_item = replace(bank.items[hand.card_key], prompt="書き換えられた問題文")
        edited = replace(bank, items={**bank.items, hand.card_key: edited_item})
        assert resumed_sheet(_session(edited, generators, store, found.seed), found) is None


@pytest.mark.parametrize(
    "progress",
    [
        None,
        {},
        {"answers": {"0": [9]}, "flags": [], "index": 0, "elapsed": 1},
        {"answers": {"99": [0]}, "flags": [], "index": 0, "elapsed": 1},
        {"answers": {}, "flags": [99], "index": 0, "elapsed": 1},
        {"answers": {}, "flags": [], "index": -1, "elapsed": 1},
        {"answers": {"0": "x"}, "flags": [], "index": 0, "elapsed": 1},
        {"answers": {}, "flags": [], "index": 0, "elapsed": "soon"},
    ],
)
def test_a_damaged_draft_gives_nothing_rather_than_a_wrong_sheet(
    shipped, tmp_path: Path, progress
) -> None:
    bank, generators = shipped
    with Store.open(tmp_path / "p.db") as store:
        _, plan, _ = _drafted(bank, generators, store)
        found = resumable(bank, "E", plan, progress)
        assert (
            found is None
            or resumed_sheet(_session(bank, generators, store, found.seed), found) is None
        )
    assert resumable(bank, "E", None, {}) is None
    assert resumable(bank, "X", plan, {}) is None
