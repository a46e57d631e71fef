"""Benchmarks: ``python -m benchmarks`` prints one table; each module adds rows.

Each module exposes ``run() -> list[dict]`` with keys name, value, target, ok (True, False or None
when there is no target or the comparison was skipped). Figures are ratios against a baseline measured
in the same run wherever an issue names one, because these machines are noisy.
"""
