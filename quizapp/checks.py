"""Recompute the numbers a hand-written item states, and run its code options, with solvers.

This is how the bank stays true: an item's ``check:`` entries name solvers functions and the values
the item relies on; a ``code:`` item's options are run in :mod:`quizapp.sandbox` (never here) and
compared with a solvers reference computed here.
"""

from __future__ import annotations

import importlib
import inspect
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from quizapp import sandbox
from quizapp.items import Check
from quizapp.kinds import CODE_BLANK, CodeSpec, Item, kind_of
from quizapp.safetext import visible


class CheckError(Exception):
    """A check that cannot run: unknown function, bad arguments, an exception inside solvers."""


_SOLVERS_NAME = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


def resolve(name: str) -> Callable[..., Any]:
    """``module.function`` → the public function ``solvers.module.function``.

    Only a plain function defined in that module qualifies: never a class, a module, an imported
    name (``conv.np``) or anything private or dunder, so a bank cannot name ``os.system``.

    Raises:
        CheckError: the module or function does not exist or is not a public solvers function.
    """
    if not _SOLVERS_NAME.fullmatch(name):
        raise CheckError(f"{name}: only public solvers functions (module.function) may be named")
    module_name, _, func_name = name.partition(".")
    try:
        module = importlib.import_module(f"solvers.{module_name}")
    except ImportError as exc:
        raise CheckError(f"{name}: no solvers module {module_name!r}") from exc
    func = vars(module).get(func_name)
    if not inspect.isfunction(func) or func.__module__ != module.__name__:
        raise CheckError(f"{name}: solvers.{module_name} has no public function {func_name!r}")
    return func


def _arg(value: Any) -> Any:
    return np.asarray(value) if isinstance(value, list) else value


def close(result: Any, expect: Any, rel_tol: float, abs_tol: float) -> bool:
    """Element-wise closeness of a solvers result and an expected value (nested tuples allowed)."""
    if isinstance(result, tuple) and isinstance(expect, list | tuple):
        return len(result) == len(expect) and all(
            close(r, e, rel_tol, abs_tol) for r, e in zip(result, expect, strict=True)
        )
    try:
        got = np.asarray(result, dtype=float)
        want = np.asarray(expect, dtype=float)
    except (TypeError, ValueError):
        return False
    if got.size != want.size:
        return False
    return bool(np.allclose(got.reshape(want.shape), want, rtol=rel_tol, atol=abs_tol))


def _short(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    try:
        arr = np.asarray(value)
    except ValueError:  # a reference's several outputs of different shapes, as _plain lists them
        return "(" + ", ".join(_short(v) for v in value) + ")"
    if arr.ndim == 0:
        return f"{arr.item():.10g}" if arr.dtype.kind == "f" else str(arr.item())
    return np.array2string(arr, precision=6, separator=", ", threshold=12)


def run_check(check: Check) -> str | None:
    """Recompute one ``check:`` entry; returns an error message or None when it agrees."""
    try:
        func = resolve(check.fn)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = func(**{k: _arg(v) for k, v in check.args.items()})
    except CheckError as exc:
        return f"check: {exc}"
    except Exception as exc:
        return f"check {check.fn}: raised {type(exc).__name__}: {exc}"
    if check.pick is not None:
        try:
            result = result[check.pick]
        except (TypeError, IndexError):
            return f"check {check.fn}: result has no element {check.pick}"
    if not close(result, check.expect, check.rel_tol, check.abs_tol):
        return (
            f"check {check.fn}({_format_args(check.args)}): expected {_short(check.expect)}, "
            f"solvers computes {_short(result)}"
        )
    return None


def _format_args(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items())


def check_items(
    items: Mapping[str, Item], lines: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[tuple[int, str]]]:
    """Every problem with the items' numbers and code, per item id, as (line offset within the
    item, message). The code options of all items run together in one sandbox."""
    out: dict[str, list[tuple[int, str]]] = {}
    plans: list[_CodePlan] = []
    for item_id, item in items.items():
        item_lines = lines.get(item_id, {})
        out[item_id] = _number_problems(item, item_lines)
        spec = kind_of(item).code(item)
        if spec is not None:
            plan = _plan_code(item, spec, item_lines)
            if isinstance(plan, _CodePlan):
                plans.append(plan)
            else:
                out[item_id].append(plan)
    outcomes = iter(sandbox.run([p for plan in plans for p in plan.programs]))
    for plan in plans:
        judged = [next(outcomes) for _ in plan.programs]
        out[plan.item.id].extend(_judge(plan, judged))
    return out


def _number_problems(item: Item, lines: Mapping[str, Any]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    check_lines: Sequence[int] = lines.get("check", [])
    for i, check in enumerate(item.check):
        message = run_check(check)
        if message:
            out.append((check_lines[i] if i < len(check_lines) else 0, message))
    expects = [c.expect for c in item.check]
    for where, number, rel_tol, abs_tol in kind_of(item).stated_numbers(item):
        if not any(close(e, number, max(rel_tol, 1e-9), max(abs_tol, 1e-9)) for e in expects):
            out.append((0, f"{where}: numeric answer {number} has no matching check"))
    return out


@dataclass(frozen=True)
class _CodePlan:
    item: Any
    reference: str
    programs: list[sandbox.Program]
    wants: list[Any]
    option_lines: Sequence[int]


def _plan_code(item: Any, spec: CodeSpec, lines: Mapping[str, Any]) -> _CodePlan | tuple[int, str]:
    """The programs to run for a code item and the reference's answers, or why there are none.

    The template is read (never run) first, with a harmless name in the blank, so that a problem
    in it is reported once at the code block rather than once per option."""
    at = lines.get("code", 0)
    found = sandbox.refusals(spec.template.replace(CODE_BLANK, "_"))
    if found:
        return at, f"code.template line {found[0].line}: {found[0].reason}"
    try:
        reference = resolve(spec.reference)
        programs = [
            sandbox.Program(spec.template.replace(CODE_BLANK, o.text), spec.entry, spec.cases)
            for o in item.options
        ]
    except CheckError as exc:
        return at, f"code.reference: {exc}"
    except ValueError as exc:
        return at, f"code.cases: {exc}"
    wants = []
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, case in enumerate(spec.cases, start=1):
            try:
                wants.append(_plain(reference(*[_arg(a) for a in case])))
            except Exception as exc:
                return (
                    at,
                    f"code.reference {spec.reference} raises {type(exc).__name__} on case {i}",
                )
    return _CodePlan(item, spec.reference, programs, wants, lines.get("options", []))


def _judge(plan: _CodePlan, outcomes: Sequence[sandbox.Outcome]) -> list[tuple[int, str]]:
    """The keyed options, and only they, must agree with the reference on every case."""
    out = []
    for i, outcome in enumerate(outcomes):
        at = plan.option_lines[i] if i < len(plan.option_lines) else 0
        keyed = i in plan.item.correct
        if outcome.stopped:
            out.append((at, f"code: option {i + 1}: {visible(outcome.stopped, newlines=False)}"))
            continue
        problems = _disagreements(outcome, plan.wants)
        if keyed and problems:
            out.append((at, f"code: keyed option {i + 1} is wrong: {problems[0]}"))
        elif not keyed and not problems:
            out.append((at, f"code: option {i + 1} also agrees with {plan.reference}"))
    return out


def _disagreements(outcome: sandbox.Outcome, wants: Sequence[Any]) -> list[str]:
    if outcome.broken:
        return [visible(outcome.broken, newlines=False)]
    problems = []
    for i, (got, want) in enumerate(zip(outcome.results, wants, strict=False), start=1):
        if isinstance(got, sandbox.Raised):
            problems.append(f"case {i} {got.what}")
        elif not close(got, want, 1e-6, 1e-9):
            problems.append(f"case {i} gives {_short(got)} instead of {_short(want)}")
    return problems


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
