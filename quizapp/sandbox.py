"""Running code that comes from a bank: the one way quizapp does it.

A bank file is data. Its ``code:`` options are Python, so they are never run in quizapp's process:
:func:`run` first refuses, by reading the syntax tree, anything that could reach outside the
program (imports, dunder names and attributes, ``open``/``exec``/``eval``/``getattr``…,
``SystemExit``), then runs what is left in a short-lived ``python -I`` child
(:mod:`quizapp.sandbox_child`) with an empty environment, a scratch working directory, limits on
CPU time, memory, files and processes, an audit hook that refuses every I/O event, and only ``np``
and a few builtins in scope. The parent enforces a wall-clock limit per program and kills the child
when it is exceeded. Whatever the child does, it can only produce an :class:`Outcome`: its exit
status is never quizapp's.
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CHILD = Path(__file__).with_name("sandbox_child.py")

MAX_SOURCE = 20_000
"""Characters a program may have: bank code is a short function."""

_READY = b'{"ready": true}'
"""The child's first line: it is limited and watched, and bank code may run."""

_MAX_LINE = 16 * 2**20
"""Bytes of one answer from the child (a result is at most 100 000 numbers)."""

FORBIDDEN_NAMES = frozenset(
    [
        "open",
        "exec",
        "eval",
        "compile",
        "globals",
        "locals",
        "vars",
        "dir",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "breakpoint",
        "input",
        "print",
        "help",
        "memoryview",
        "type",
        "object",
        "super",
        "classmethod",
        "staticmethod",
        "property",
        "id",
        "exit",
        "quit",
        "copyright",
        "credits",
        "license",
        "BaseException",
        "BaseExceptionGroup",
        "SystemExit",
        "KeyboardInterrupt",
        "GeneratorExit",
    ]
)
"""Builtins that read files, run code, look behind objects or end the process."""

FORBIDDEN_ATTRIBUTES = frozenset(
    [
        "format",
        "format_map",
        "tofile",
        "dump",
        "ctypes",
        "ctypeslib",
        "os",
        "sys",
        "builtins",
        "subprocess",
        "socket",
        "importlib",
        "pickle",
        "marshal",
        "shutil",
        "mmap",
        "system",
        "popen",
        "load",
        "loadtxt",
        "genfromtxt",
        "fromfile",
        "fromregex",
        "save",
        "savez",
        "savez_compressed",
        "savetxt",
        "memmap",
        "DataSource",
        "f2py",
        "testing",
        "distutils",
    ]
)
"""Attributes that reach a module, a file or a format string's attribute lookup."""

_INTERNAL_PREFIXES = ("_", "f_", "gi_", "cr_", "ag_", "tb_", "co_")
"""Private names and the interpreter's frames, generators, tracebacks and code objects."""


@dataclass(frozen=True)
class Limits:
    seconds: float = 5.0
    """Wall-clock time per program. The child's CPU time is limited to this much per program
    too, which holds even if quizapp dies while a program runs."""
    memory_mb: int = 1024
    """Address space of the child process."""
    startup_seconds: float = 30.0
    """Time for the child to start Python and NumPy (generous: a loaded machine is slow)."""


@dataclass(frozen=True)
class Program:
    """Python source defining ``entry``, called once per case (lists arrive as NumPy arrays)."""

    source: str
    entry: str
    cases: Sequence[Sequence[Any]]

    def __post_init__(self) -> None:
        _check_plain(self.cases)


@dataclass(frozen=True)
class Raised:
    """A case that gave no numbers: ``what`` says why (``raises ZeroDivisionError``)."""

    what: str


@dataclass(frozen=True)
class Outcome:
    """What one program did. ``stopped`` is set when the sandbox refused or stopped it (always an
    error); ``broken`` when it does not compile or define ``entry`` (an ordinary wrong answer);
    else ``results`` holds one value (a float, nested lists of floats, or a tuple of those) or
    :class:`Raised` per case."""

    results: tuple[Any, ...] = ()
    broken: str | None = None
    stopped: str | None = None
    line: int = 0
    """The program's line that made it refused before running (0 for anything else)."""


@dataclass(frozen=True, order=True)
class Refusal:
    line: int
    reason: str


def refusals(source: str) -> list[Refusal]:
    """Why ``source`` may not run, from its syntax tree (empty when nothing is found).

    Source that does not parse is not refused here: running it reports that it does not compile.
    """
    if len(source) > MAX_SOURCE:
        return [Refusal(1, f"longer than {MAX_SOURCE} characters")]
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    except (RecursionError, MemoryError):
        return [Refusal(1, "nested too deeply to be checked")]
    found = {
        Refusal(getattr(node, "lineno", 1), reason)
        for node in ast.walk(tree)
        if (reason := _refusal(node))
    }
    return sorted(found)


def _refusal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "import is not allowed"
    if isinstance(node, ast.ClassDef):
        return "class definitions are not allowed"
    if isinstance(node, ast.Match):
        return "match statements are not allowed"
    name = node.id if isinstance(node, ast.Name) else getattr(node, "name", None)
    if isinstance(name, str) and (name.startswith("__") or name in FORBIDDEN_NAMES):
        return f"{name} is not allowed"
    if isinstance(node, ast.Attribute):
        if node.attr.startswith(_INTERNAL_PREFIXES) or node.attr in FORBIDDEN_ATTRIBUTES:
            return f"attribute .{node.attr} is not allowed"
        if not isinstance(node.ctx, ast.Load):
            return f"assigning to an attribute (.{node.attr}) is not allowed"
    return None


def _check_plain(value: Any, depth: int = 0) -> None:
    """Cases travel as JSON: numbers, strings, booleans, null and lists of them."""
    if depth > 32:
        raise ValueError("cases are nested too deeply")
    if isinstance(value, list | tuple):
        for v in value:
            _check_plain(v, depth + 1)
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif isinstance(value, int):
        if abs(value) >= 2**63:
            raise ValueError("cases may not hold an integer beyond 64 bits")
    elif not isinstance(value, float):
        raise ValueError(f"cases may hold numbers, strings and lists, not {type(value).__name__}")


def run(programs: Sequence[Program], limits: Limits | None = None) -> list[Outcome]:
    """Run each program on its cases in the sandbox; one child process for all of them (another
    is started after a child had to be stopped). Never raises for what a program does."""
    limits = limits or Limits()
    outcomes: list[Outcome | None] = [None] * len(programs)
    pending = []
    for i, program in enumerate(programs):
        found = refusals(program.source)
        if found:
            outcomes[i] = Outcome(stopped=found[0].reason, line=found[0].line)
        else:
            pending.append(i)
    if pending and os.name != "posix":
        stopped = Outcome(stopped="code can only be run on Linux or macOS (the sandbox needs them)")
        return [o or stopped for o in outcomes]
    while pending:
        done = _run_child([programs[i] for i in pending], limits)
        for i, outcome in zip(pending, done, strict=False):
            outcomes[i] = outcome
        pending = pending[len(done) :]
    return [o or Outcome(stopped="not run") for o in outcomes]


def _environment() -> dict[str, str]:
    """Nothing of the user's: no HOME, no QUIZAPP_*, no proxies; one BLAS thread."""
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):  # how some Pythons find libpython
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _run_child(programs: list[Program], limits: Limits) -> list[Outcome]:
    """Outcomes of a prefix of ``programs`` (at least one): up to the one that stopped the child."""
    request = {
        "limits": {"seconds": limits.seconds, "memory_mb": limits.memory_mb},
        "programs": [{"source": p.source, "entry": p.entry, "cases": p.cases} for p in programs],
    }
    with tempfile.TemporaryDirectory(prefix="quizapp-sandbox-") as scratch:
        (Path(scratch) / "request.json").write_text(json.dumps(request), encoding="utf-8")
        with subprocess.Popen(
            [sys.executable, "-I", "-B", "-X", "utf8", str(_CHILD)],
            cwd=scratch,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        ) as proc:
            try:
                return _collect(proc, len(programs), limits)
            finally:
                _kill(proc)


def _collect(proc: subprocess.Popen[bytes], count: int, limits: Limits) -> list[Outcome]:
    """The answers as they come, each within its time; what stopped the child ends the list."""
    assert proc.stdout is not None and proc.stderr is not None
    answers: list[Outcome] = []
    ready = False
    stdout, errors = bytearray(), bytearray()
    late: str | None = None
    deadline = time.monotonic() + limits.startup_seconds
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        selector.register(proc.stderr, selectors.EVENT_READ)
        while selector.get_map() and len(answers) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                late = (
                    f"did not finish within {limits.seconds:g} s"
                    if ready
                    else f"the sandbox did not start within {limits.startup_seconds:g} s"
                )
                break
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is proc.stderr:
                    errors[:] = (errors + chunk)[-2000:]
                else:
                    stdout += chunk
            *lines, rest = stdout.split(b"\n")
            stdout[:] = rest
            for line in lines:
                if not ready:
                    ready = line == _READY
                elif len(answers) < count:
                    answers.append(_answer(line, limits))
                deadline = time.monotonic() + limits.seconds
            if len(stdout) > _MAX_LINE:
                late = "sent an answer too large to read"
                break
    if len(answers) == count:
        return answers
    why = late or _exit_reason(proc, limits)
    if ready:
        return [*answers, Outcome(stopped=why)]
    tail = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
    return [Outcome(stopped=f"{why}: {tail[0]}" if tail else why)] * count


def _answer(line: bytes, limits: Limits) -> Outcome:
    try:
        message = json.loads(line)
        if "cases" in message:
            return Outcome(results=tuple(_result(case) for case in message["cases"]))
        if "broken" in message:
            return Outcome(broken=str(message["broken"]))
        if "refused" in message:
            return Outcome(stopped=f"refused in the sandbox: {message['refused']}")
        if message.get("limit") == "memory":
            return Outcome(stopped=f"ran out of memory (limit {limits.memory_mb} MB)")
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    return Outcome(stopped="the sandbox sent an answer it should not")


def _result(case: dict[str, Any]) -> Any:
    if "value" in case:
        return _decode(case["value"])
    if "raised" in case:
        return Raised(f"raises {case['raised']}")
    return Raised(f"returns {case['unusable']}")


def _decode(value: dict[str, Any]) -> Any:
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    return value["array"]


def _exit_reason(proc: subprocess.Popen[bytes], limits: Limits) -> str:
    try:
        code = proc.wait(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        return f"did not finish within {limits.seconds:g} s"
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"used more than its CPU time ({math.ceil(limits.seconds)} s a program)"
    if code == -signal.SIGXFSZ:
        return "tried to write a file"
    if code < 0:
        try:
            return f"crashed ({signal.Signals(-code).name})"
        except ValueError:
            return f"crashed (signal {-code})"
    return f"the sandbox exited with status {code} before finishing"


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """The child and anything it started (its own session) go; then it is waited for."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
