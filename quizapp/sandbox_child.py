"""The inside of :mod:`quizapp.sandbox`: a short-lived ``python -I`` process that runs bank code.

It is started by the sandbox, never imported: it imports nothing from quizapp and reads one request
(``request.json`` in its scratch working directory) before it limits itself. Then, in this order:
NumPy is imported, the result channel is moved off stdout, CPU time, memory, file size, open files
and child processes are limited, and an audit hook is installed that refuses every event but
compiling and running the programs it was given (no ``open``, ``import``, ``socket``,
``subprocess``, ``os.system``, frame inspection …). Only then is bank code compiled and run, with a
read-only view of NumPy and a few builtins. One JSON line per program goes to the parent.
"""

import json
import os
import resource
import sys
import types
import warnings

SAFE_BUILTINS = [
    "abs",
    "all",
    "any",
    "bool",
    "chr",
    "complex",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "map",
    "max",
    "min",
    "ord",
    "pow",
    "range",
    "reversed",
    "round",
    "set",
    "slice",
    "sorted",
    "str",
    "sum",
    "tuple",
    "zip",
    "ArithmeticError",
    "AssertionError",
    "Exception",
    "FloatingPointError",
    "IndexError",
    "KeyError",
    "LookupError",
    "OverflowError",
    "RuntimeError",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
]
"""What bank code may call besides ``np``: no I/O, no introspection, no way to import."""

NUMPY_MODULES = {"linalg": {}, "fft": {}, "emath": {}, "lib": {"stride_tricks": {}}}
"""The NumPy submodules bank code sees (as read-only copies); every other module is left out."""

NUMPY_HIDDEN = frozenset(
    {
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
        "show_config",
        "show_runtime",
        "get_include",
        "info",
    }
)
"""NumPy functions that read or write files or print: not in the view bank code gets."""

MAX_RESULT = 100_000
"""Elements a result may have: more is reported, not sent."""


class Refused(Exception):
    """Raised by the audit hook; the refusal is also recorded, so catching it changes nothing."""


def main() -> None:
    with open("request.json", encoding="utf-8") as f:
        request = json.load(f)
    import numpy as np
    import numpy.fft  # now: nothing may be imported once bank code runs

    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(quiet, fd)
    os.close(quiet)
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    view = _view(np, NUMPY_MODULES)
    refused: list[str] = []
    builtins = {name: getattr(__builtins__, name) for name in SAFE_BUILTINS}
    builtins["__import__"] = _loaded_numpy(refused)
    programs = request["programs"]
    _limit(request["limits"], len(programs))
    approved: list[types.CodeType] = []
    sys.addaudithook(_hook(refused, approved))
    _send(out, {"ready": True})
    for program in programs:
        _send(out, _run(program, np, view, builtins, refused, approved))


def _send(out, message: dict) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _limit(limits: dict, count: int) -> None:
    """Limits that hold even if the parent dies; failing to set one stops the child (fail closed)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + limits["seconds"] * count) + 2
    memory = limits["memory_mb"] * 2**20
    for which, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 2)),
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_FSIZE, (0, 0)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_NOFILE, (0, 0)),
        (resource.RLIMIT_NPROC, (0, 0)),
    ):
        resource.setrlimit(which, value)


def _loaded_numpy(refused: list[str]):
    """``__import__`` for NumPy's own C code, which looks it up in the caller's builtins to reach
    its helpers (``x.mean()`` does): it hands out NumPy modules already loaded, nothing else.
    Bank code cannot name it (dunder names are refused before anything runs)."""

    def load(name, globals=None, locals=None, fromlist=(), level=0):
        top = name.partition(".")[0]
        if level == 0 and top == "numpy" and name in sys.modules:
            return sys.modules[name if fromlist else top]
        refused.append(f"import {name}")
        raise ImportError(f"import of {name} refused")

    return load


def _hook(refused: list[str], approved: list[types.CodeType]):
    def hook(event: str, args: tuple) -> None:
        if event == "compile" or (event == "exec" and any(args[0] is c for c in approved)):
            return
        refused.append(event)
        raise Refused(event)

    return hook


def _view(module: types.ModuleType, submodules: dict) -> types.ModuleType:
    """A copy of ``module``'s public names, without other modules or file functions."""
    view = types.ModuleType(module.__name__)
    for name, value in vars(module).items():
        if name.startswith("_") or name in NUMPY_HIDDEN:
            continue
        if isinstance(value, types.ModuleType):
            if name in submodules:
                setattr(view, name, _view(value, submodules[name]))
            continue
        setattr(view, name, value)
    return view


def _run(program: dict, np, view, builtins: dict, refused: list, approved: list) -> dict:
    del refused[:]
    namespace = {"__builtins__": builtins, "np": view}
    try:
        code = compile(program["source"], "<code option>", "exec")
    except BaseException as exc:
        return {"broken": f"does not compile: {_describe(exc)}"}
    approved.append(code)
    try:
        exec(code, namespace)
    except MemoryError:
        return {"limit": "memory"}
    except BaseException as exc:
        return {"refused": refused[0]} if refused else {"broken": f"fails: {_describe(exc)}"}
    entry = namespace.get(program["entry"])
    if not callable(entry):
        return {"broken": f"defines no function {program['entry']}"}
    cases = []
    for case in program["cases"]:
        args = [np.asarray(a) if isinstance(a, list) else a for a in case]
        try:
            result = entry(*args)
        except MemoryError:
            return {"limit": "memory"}
        except BaseException as exc:
            if refused:
                return {"refused": refused[0]}
            cases.append({"raised": type(exc).__name__})
            continue
        if refused:
            return {"refused": refused[0]}
        cases.append(_outcome(result, np))
    return {"cases": cases}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _outcome(result, np) -> dict:
    try:
        return {"value": _encode(result, np)}
    except MemoryError:
        return {"unusable": "a result too large"}
    except BaseException:
        return {"unusable": f"a {type(result).__name__}, not numbers"}


def _encode(value, np):
    """A result as JSON: a tuple keeps its parts apart, anything else becomes a float array."""
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, np) for v in value]}
    array = np.asarray(value, dtype=float)
    if array.size > MAX_RESULT:
        raise MemoryError
    return {"array": array.tolist()}


if __name__ == "__main__":
    main()
