"""Bank load + validate time as a ratio to a plain ``yaml.load(..., CSafeLoader)`` of the same files."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from quizapp.bank import load_bank
from quizapp.bankfiles import bank_files
from quizapp.paths import shipped_bank_dir

TARGET = 1.5
REPEATS = 5


def _best(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _plain_load(directory: Path) -> None:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in [directory / "topics.yaml", *bank_files(directory)]:
        with path.open("rb") as fh:
            yaml.load(fh, Loader=loader)


def synthetic_bank(root: Path, n_items: int = 5000, per_file: int = 100) -> Path:
    """A bank of ``n_items`` items of every kind, in files of ``per_file`` items."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(
        "topics:\n" + "".join(f"  - {{id: t{i}, title: 題{i}, area: 概要}}\n" for i in range(50)),
        encoding="utf-8",
    )
    src = "    source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}\n"
    kinds = [
        "    kind: trap\n    truth: true\n    confused_with: 似た概念と混同\n",
        "    kind: choice\n    answer: 2\n    options:\n"
        + "".join(
            f"      - text: 選択肢{j}の文\n        rationale: 選択肢{j}の根拠\n" for j in range(4)
        ),
        "    kind: fill\n    blanks:\n      - answers: [正解, せいかい, Answer]\n",
        "    kind: generated\n    generator: conv_output_size\n",
    ]
    for f in range(n_items // per_file):
        lines = ["items:\n"]
        for i in range(per_file):
            n = f * per_file + i
            prompt = (
                "空欄【1】に入る語を答えよ。" if n % 4 == 2 else f"問題文 {n} の説明がここに入る。"
            )
            lines.append(
                f"  - id: item-{n}\n    exams: [G, E]\n    topic: t{n % 50}\n    tags: [タグ]\n"
                f"    difficulty: {1 + n % 3}\n    prompt: {prompt}\n"
                f"    explanation: 解説 {n}。二文目の解説。\n" + src + kinds[n % 4]
            )
        (root / f"file{f:03}.yaml").write_text("".join(lines), encoding="utf-8")
    return root


def _ratio_rows(label: str, directory: Path) -> list[dict]:
    n_files = len(bank_files(directory))
    plain = _best(lambda: _plain_load(directory))
    validated = _best(lambda: load_bank([directory]))
    ratio = validated / plain
    bank = load_bank([directory])
    return [
        {
            "name": f"{label}: load+validate / plain CSafeLoader ({len(bank.items)} items, {n_files} files)",
            "value": f"{ratio:.2f}× ({validated * 1000:.0f} ms vs {plain * 1000:.0f} ms)",
            "target": f"≤ {TARGET}×",
            "ok": ratio <= TARGET,
        }
    ]


def run() -> list[dict]:
    rows = _ratio_rows("shipped bank", shipped_bank_dir())
    from solvers.generators import REGISTRY

    full = _best(lambda: load_bank([shipped_bank_dir()], generators=REGISTRY, run_checks=True), 3)
    rows.append(
        {
            "name": "shipped bank: full validate incl. every check: and code option",
            "value": f"{full * 1000:.0f} ms",
            "target": "",
            "ok": None,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        rows += _ratio_rows("synthetic bank", synthetic_bank(Path(tmp)))
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run())
