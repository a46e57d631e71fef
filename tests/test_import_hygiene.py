"""The core never imports Textual, solvers never imports quizapp, and importing does no work."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "quizapp.bank",
    "quizapp.checks",
    "quizapp.grading",
    "quizapp.store",
    "quizapp.scheduler",
    "quizapp.session",
    "quizapp.config",
    "quizapp.paths",
    "quizapp.cli",
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
