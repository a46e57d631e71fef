"""Run every benchmark module and print one table: ``python -m benchmarks [name ...]``."""

from __future__ import annotations

import importlib
import sys
import time

MODULES = ["bank", "store", "readiness", "generators", "tinycnn", "tui"]


def main(argv: list[str]) -> int:
    names = argv or MODULES
    rows: list[dict] = []
    for name in names:
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ImportError as exc:
            rows.append(
                {"name": f"{name}: not available", "value": str(exc), "target": "", "ok": None}
            )
            continue
        for row in module.run():
            rows.append(row)
        print(f"[{name} done in {time.perf_counter() - started:.1f} s]", file=sys.stderr)
    print_table(rows)
    return 0 if all(r.get("ok") is not False for r in rows) else 1


def print_table(rows: list[dict]) -> None:
    headers = ("benchmark", "value", "target", "")
    table = [
        (
            r["name"],
            r["value"],
            r.get("target", ""),
            {True: "ok", False: "MISS", None: "-"}[r.get("ok")],
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *table, strict=False)]
    for line in (headers, tuple("-" * w for w in widths), *table):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
