"""Recompute the numbers a hand-written item states, and run its code options, with solvers.

This is how the bank stays true: an item's ``check:`` entries name solvers functions and the values
the item relies on; a ``code:`` item's options are executed and compared with a solvers reference.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from quizapp.items import CODE_BLANK, Check, Choice, CodeSpec, Fill


class CheckError(Exception):
    """A check that cannot run: unknown function, bad arguments, an exception inside solvers."""


def resolve(name: str) -> Callable[..., Any]:
    """``module.function`` → the public function ``solvers.module.function``.

    Raises:
        CheckError: the module or function does not exist or is not a public solvers function.
    """
    module_name, _, func_name = name.partition(".")
    if module_name.startswith("_") or func_name.startswith("_"):
        raise CheckError(f"{name}: only public solvers functions may be named")
    try:
        module = importlib.import_module(f"solvers.{module_name}")
    except ImportError as exc:
        raise CheckError(f"{name}: no solvers module {module_name!r}") from exc
    func = getattr(module, func_name, None)
    if not callable(func) or not getattr(func, "__module__", "").startswith("solvers"):
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
    arr = np.asarray(value)
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


def run_option(spec: CodeSpec, option_text: str) -> list[str]:
    """Run one code option on every case; returns why it disagrees with the reference (or [])."""
    reference = resolve(spec.reference)
    source = spec.template.replace(CODE_BLANK, option_text)
    namespace: dict[str, Any] = {"np": np, "__name__": "quizapp_code_item"}
    problems: list[str] = []
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(source, "<code item>", "exec"), namespace)
            entry = namespace[spec.entry]
        except Exception as exc:
            return [f"does not compile: {type(exc).__name__}: {exc}"]
        for i, case in enumerate(spec.cases, start=1):
            want = reference(*[_arg(a) for a in case])
            try:
                got = entry(*[_arg(a) for a in case])
            except Exception as exc:
                problems.append(f"case {i} raises {type(exc).__name__}")
                continue
            if not close(got, _plain(want), 1e-6, 1e-9):
                problems.append(f"case {i} gives {_short(got)} instead of {_short(want)}")
    return problems


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def run_item_checks(item: Any, lines: Mapping[str, Any]) -> list[tuple[int, str]]:
    """Every problem with an item's numbers and code, as (line offset within the item, message)."""
    out: list[tuple[int, str]] = []
    check_lines: Sequence[int] = lines.get("check", [])
    for i, check in enumerate(item.check):
        message = run_check(check)
        if message:
            out.append((check_lines[i] if i < len(check_lines) else 0, message))
    if isinstance(item, Fill):
        expects = [c.expect for c in item.check]
        for n, blank in enumerate(item.blanks, start=1):
            if blank.number is not None and not any(
                close(e, blank.number, max(blank.rel_tol, 1e-9), max(blank.abs_tol, 1e-9))
                for e in expects
            ):
                out.append((0, f"blanks.{n}: numeric answer {blank.number} has no matching check"))
    if isinstance(item, Choice) and item.code is not None:
        option_lines: Sequence[int] = lines.get("options", [])
        try:
            resolve(item.code.reference)
        except CheckError as exc:
            return [*out, (lines.get("code", 0), f"code.reference: {exc}")]
        for i, option in enumerate(item.options):
            problems = run_option(item.code, option.text)
            offset = option_lines[i] if i < len(option_lines) else 0
            keyed = i in item.correct
            if keyed and problems:
                out.append((offset, f"code: keyed option {i + 1} is wrong: {problems[0]}"))
            elif not keyed and not problems:
                out.append((offset, f"code: option {i + 1} also agrees with {item.code.reference}"))
    return out
