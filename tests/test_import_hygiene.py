"""The core never imports Textual, solvers never imports quizapp, and importing does no work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = [
    "quizapp.bank",
    "quizapp.bankcache",
    "quizapp.bankdata",
    "quizapp.bankfiles",
    "quizapp.items",
    "quizapp.kinds",
    "quizapp.cardkey",
    "quizapp.question",
    "quizapp.modes",
    "quizapp.queues",
    "quizapp.starting",
    "quizapp.loader",
    "quizapp.bankyaml",
    "quizapp.schema",
    "quizapp.checks",
    "quizapp.sandbox",
    "quizapp.grading",
    "quizapp.store",
    "quizapp.scheduler",
    "quizapp.session",
    "quizapp.config",
    "quizapp.paths",
    "quizapp.cli",
    "quizapp.search",
    "quizapp.notebook",
    "quizapp.answerkey",
    "quizapp.errata",
    "quizapp.placement",
    "quizapp.syllabus",
    "quizapp.coverage",
    "quizapp.forecast",
    "quizapp.mock",
    "quizapp.plan",
    "quizapp.readiness",
    "quizapp.progress",
    "quizapp.reports",
    "quizapp.export",
    "quizapp.files",
    "quizapp.counts",
    "quizapp.figures",
    "quizapp.rules",
]


def _modules_after(imports: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in imports)
        + "print('\\n'.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_does_not_import_textual() -> None:
    modules = _modules_after(CORE)
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_solvers_do_not_import_quizapp() -> None:
    modules = _modules_after(["solvers.generators", "solvers.cnn", "solvers.problem"])
    assert not any(m == "quizapp" or m.startswith("quizapp.") for m in modules)
    assert "textual" not in modules


def test_start_up_modules_do_not_import_numpy() -> None:
    # NumPy is a tenth of a second of start-up: only generating a problem or running checks needs it
    startup = [m for m in CORE if m != "quizapp.checks"]
    modules = _modules_after([*startup, "quizapp.ui.app", "solvers.generators", "solvers.problem"])
    assert "numpy" not in modules


REVIEW_START = """
import asyncio, sys, tempfile
from pathlib import Path
from quizapp.ui.app import make_app

async def main(tmp):
    app = make_app(db_path=tmp / "p.db", bank_dirs=[Path(sys.argv[1])], config_path=tmp / "c.toml",
                   start="review", seed=int(sys.argv[2]), fuzz=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app.screen, "question", None) is None:
            await pilot.pause(0.01)
        print(app.screen.question.card_key, "numpy" in sys.modules, "sqlite_utils" in sys.modules)

with tempfile.TemporaryDirectory() as tmp:
    asyncio.run(main(Path(tmp)))
"""


def _review_start(seed: int) -> tuple[str, bool, bool]:
    bank = Path(__file__).parent / "ui" / "bank"
    out = subprocess.run(
        [sys.executable, "-c", REVIEW_START, str(bank), str(seed)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,  # an app that never shows a question fails the test instead of hanging CI
    )
    key, numpy, sqlite_utils = out.stdout.split()
    return key, numpy == "True", sqlite_utils == "True"


def test_a_review_opening_on_a_hand_written_card_never_imports_numpy() -> None:
    # a first start: new database, the bank's first card hand-written (seed 1 in the test bank)
    key, numpy, sqlite_utils = _review_start(seed=1)
    assert not key.startswith("gen:")
    assert not numpy, "NumPy was imported before any generated card was shown"
    assert not sqlite_utils, (
        "sqlite-utils (which imports NumPy) was imported to create the database"
    )


def test_a_review_opening_on_a_generated_card_imports_numpy_to_generate_it() -> None:
    key, numpy, _ = _review_start(seed=7)  # opens on the test bank's generated card
    assert key.startswith("gen:")
    assert numpy


def test_building_a_bank_never_imports_the_module_that_loads_one() -> None:
    # quizapp.bank imports the loader (on a cache miss); the loader, the syllabus rules and the
    # YAML reader take Bank and the bank files from their own modules, so there is no cycle
    modules = _modules_after(["quizapp.loader", "quizapp.placement", "quizapp.bankyaml"])
    assert "quizapp.bank" not in modules


def test_the_rules_and_counts_import_neither_pydantic_nor_pyyaml() -> None:
    # the content rules read rules.yaml only when validate runs them; counting is warm-start work
    modules = _modules_after(["quizapp.rules", "quizapp.figures", "quizapp.counts"])
    assert "yaml" not in modules
    assert "pydantic" not in modules
