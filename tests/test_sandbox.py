"""A bank is data: its code options are refused when they reach outside the program, run only in
the sandbox's child process with limits, and never in quizapp's process.

The attacks are real: each would have run (created the marker file, read a file, ended validate
with status 0, hung or exhausted memory) when options were executed in-process.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp import checks, sandbox
from quizapp.bank import load_bank
from quizapp.paths import shipped_bank_dir

SCRIPT = Path(sys.executable).with_name("quizapp")
SOURCE = 'source: {doc: 000_1cc36260ef192bf7.txt, section: "1. ReLU"}'
REAL_BUILTINS = "np.isscalar.__globals__['__builtins__']"
"""How code that got past the syntax check could reach the real builtins (NumPy's globals)."""


def code_item(item_id: str, template: str, options: list[str]) -> str:
    """A code item on ``activations.relu`` whose first option is right; one option per line."""
    body = textwrap.indent(template, " " * 8)
    lines = "\n".join(f"      - {{text: {text!r}, rationale: 理由}}" for text in options)
    return f"""\
  - id: {item_id}
    kind: choice
    exams: [E]
    topic: relu
    difficulty: 2
    prompt: 空欄に入るものを選べ。
    code:
      template: |
{body}
      entry: relu
      reference: activations.relu
      cases:
        - [[-2.0, -0.5, 0.0, 1.5]]
    options:
{lines}
    answer: 1
    explanation: 説明。
    {SOURCE}
"""


EXPRESSION = "def relu(x):\n    return ____\n"
STATEMENT = "def relu(x):\n    ____\n    return y\n"


def attacks(marker: Path) -> list[tuple[str, str, str, str]]:
    """(item id, template, option, what validate must say about it)."""
    return [
        ("touch", EXPRESSION, f"__import__('os').system('touch {marker}')", "__import__ is not"),
        ("passwd", EXPRESSION, "open('/etc/passwd').read()", "open is not allowed"),
        ("subclasses", EXPRESSION, "().__class__.__bases__[0].__subclasses__()", ".__bases__"),
        ("huge", EXPRESSION, "np.ones(10**12)", "ran out of memory"),
        ("exit", STATEMENT, "raise SystemExit(0)", "SystemExit is not allowed"),
        ("socket", STATEMENT, "import socket", "import is not allowed"),
        ("relative-touch", EXPRESSION, "__import__('os').system('touch MARK')", "__import__"),
    ]


def right(template: str) -> str:
    return "np.maximum(0, x)" if template == EXPRESSION else "y = np.maximum(0, x)"


def write_attack_bank(root: Path, marker: Path, extra: str = "") -> tuple[Path, str]:
    root.mkdir(parents=True, exist_ok=True)
    items = "".join(
        code_item(f"evil-{name}", template, [right(template), option, "x"])
        for name, template, option, _ in attacks(marker)
    )
    text = "items:\n" + items + extra
    path = root / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def checked(root: Path):
    """The bank in ``root`` with its checks and code run (topics from the shipped bank)."""
    return load_bank([root], topics_path=shipped_bank_dir() / "topics.yaml", run_checks=True)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_validate_refuses_a_malicious_bank_runs_none_of_it_and_exits_1(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    marker = tmp_path / "MARK"
    loop = code_item("evil-loop", STATEMENT, ["y = np.maximum(0, x)", "while True: pass", "y = x"])
    path, text = write_attack_bank(tmp_path / "bank", marker, extra=loop)
    result = subprocess.run(
        [str(SCRIPT), "validate", str(path.parent)],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard: the loop is stopped after the sandbox's 5 s
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert not marker.exists() and not (tmp_path / "MARK").exists()
    out = result.stdout
    for name, _, option, why in attacks(marker):
        line = line_of(text, option)
        assert f"{path}:{line}: evil-{name}: code: option 2: " in out, out
        assert why in out.split(f"{path}:{line}: evil-{name}:")[1].splitlines()[0]
    line = line_of(text, "while True")
    assert f"{path}:{line}: evil-loop: code: option 2: did not finish within 5 s" in out
    assert "Traceback" not in result.stderr


def test_the_loader_reports_each_attack_at_its_option_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "MARK"
    path, text = write_attack_bank(tmp_path / "bank", marker)
    bank = checked(path.parent)
    errors = {(e.item_id, e.line): e.message for e in bank.errors}
    for name, _, option, why in attacks(marker):
        line = line_of(text, option)
        assert why in errors.pop((f"evil-{name}", line)), name
    assert errors == {}, "the right options must pass and the wrong ones must disagree"
    assert not marker.exists()


def test_a_template_that_reaches_outside_is_reported_once_and_nothing_runs(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "MARK"
    template = f"__import__('os').system('touch {marker}')\ndef relu(x):\n    return ____\n"
    text = "items:\n" + code_item("evil-template", template, ["np.maximum(0, x)", "x"])
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    [error] = checked(tmp_path).errors
    assert error.line == line_of(text, "template:")
    assert error.message == "code.template line 1: __import__ is not allowed"
    assert not marker.exists()


# --- the syntax check ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("import os", "import is not allowed"),
        ("from os import system", "import is not allowed"),
        ("__import__('os')", "__import__ is not allowed"),
        ("x = __builtins__", "__builtins__ is not allowed"),
        ("y = ().__class__", "attribute .__class__ is not allowed"),
        ("y = x._base", "attribute ._base is not allowed"),
        ("open('f', 'w')", "open is not allowed"),
        ("exec('1')", "exec is not allowed"),
        ("eval('1')", "eval is not allowed"),
        ("compile('1', 'f', 'exec')", "compile is not allowed"),
        ("globals()", "globals is not allowed"),
        ("getattr(x, 'y')", "getattr is not allowed"),
        ("type(x)", "type is not allowed"),
        ("raise SystemExit(0)", "SystemExit is not allowed"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt is not allowed"),
        ("raise BaseException", "BaseException is not allowed"),
        ("g.gi_frame", "attribute .gi_frame is not allowed"),
        ("f.f_globals", "attribute .f_globals is not allowed"),
        ("e.tb_frame", "attribute .tb_frame is not allowed"),
        ("'{0.x}'.format(x)", "attribute .format is not allowed"),
        ("np.load('f.npy')", "attribute .load is not allowed"),
        ("x.tofile('f')", "attribute .tofile is not allowed"),
        ("np.exp = abs", "assigning to an attribute (.exp) is not allowed"),
        ("del np.exp", "assigning to an attribute (.exp) is not allowed"),
        ("class A: pass", "class definitions are not allowed"),
        ("match x:\n    case _: pass", "match statements are not allowed"),
        ("def __getattr__(n): pass", "__getattr__ is not allowed"),
        ("x = " + "-" * 100_000 + "1", "longer than"),
        ("x = " + "-" * 10_000 + "1", "nested too deeply"),
    ],
)
def test_what_the_syntax_check_refuses(source: str, reason: str) -> None:
    found = sandbox.refusals(source)
    assert found and found[0].reason.startswith(reason), found


def test_ordinary_numpy_code_is_not_refused() -> None:
    source = """\
def conv(x, w, stride=1):
    n, _, h, wd = x.shape
    out = np.empty((n, h))
    for i in range(h):
        out[:, i] = x[:, :, i].sum(axis=-1) @ w.reshape(-1, 1)[:, 0] if i else 0.0
    f = lambda a: np.maximum(0, a)
    ys = [f(v) for v in out]
    msg = f"{len(ys)} rows"
    try:
        return np.linalg.norm(out, axis=1) / stride
    except ZeroDivisionError:
        return out
"""
    assert sandbox.refusals(source) == []


@given(st.text(max_size=300) | st.text("npx_.()[]{}=:,\n '\"019+-*/@lambdaifor", max_size=300))
def test_the_syntax_check_answers_for_any_text(source: str) -> None:
    found = sandbox.refusals(source)
    assert all(isinstance(r, sandbox.Refusal) and r.reason for r in found)


def test_a_program_that_does_not_parse_is_left_to_run_and_reported_broken() -> None:
    assert sandbox.refusals("def f(:") == []
    [outcome] = sandbox.run([sandbox.Program("def f(:", "f", [[1.0]])])
    assert outcome.broken and outcome.broken.startswith("does not compile: SyntaxError")
    assert outcome.stopped is None


# --- the child process: what holds when the syntax check misses something ------------------------


@pytest.fixture
def unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the syntax check off, as if it had missed each of these escapes."""
    monkeypatch.setattr(sandbox, "refusals", lambda source: [])


def run_one(source: str, cases: list[list[object]] | None = None, **limits: float) -> object:
    program = sandbox.Program(f"def f(*args):\n    return {source}\n", "f", cases or [[1.0]])
    [outcome] = sandbox.run([program], sandbox.Limits(**limits))
    return outcome


@pytest.mark.usefixtures("unchecked")
@pytest.mark.parametrize(
    ("source", "event"),
    [
        ("__import__('os').system('touch {marker}')", "import os"),
        (
            "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close']"
            "[0].__init__.__globals__['system']('touch {marker}')",
            "os.system",
        ),
        (f"{REAL_BUILTINS}['open']('{{marker}}', 'w')", "open"),
        (f"{REAL_BUILTINS}['eval']('1')", "exec"),
        (f"{REAL_BUILTINS}['__import__']('socket')", "import"),
        (f"{REAL_BUILTINS}['__import__']('subprocess')", "import"),
        ("(lambda: (yield))().gi_frame", "object.__getattr__"),
    ],
)
def test_the_child_refuses_what_gets_past_the_syntax_check(
    source: str, event: str, tmp_path: Path
) -> None:
    marker = tmp_path / "MARK"
    outcome = run_one(source.format(marker=marker))
    assert outcome.stopped == f"refused in the sandbox: {event}", outcome
    assert not marker.exists()


@pytest.mark.usefixtures("unchecked")
def test_numpy_cannot_write_a_file_for_bank_code(tmp_path: Path) -> None:
    outcome = run_one(f"np.asarray([1.0]).tofile('{tmp_path / 'MARK'}')")
    assert outcome.stopped or all(isinstance(r, sandbox.Raised) for r in outcome.results)
    assert not (tmp_path / "MARK").exists()


@pytest.mark.usefixtures("unchecked")
def test_the_child_has_no_environment_a_scratch_directory_and_its_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZAPP_BANK", "/somewhere")
    monkeypatch.setenv("HOME", "/home/someone")
    os_ = f"{REAL_BUILTINS}['__import__']('os')"
    resource = f"{REAL_BUILTINS}['__import__']('resource')"
    sys_ = f"{REAL_BUILTINS}['__import__']('sys')"
    source = (
        f"([ord(c) for c in ' '.join(sorted({os_}.environ))], [ord(c) for c in {os_}.getcwd()], "
        f"{sys_}.flags.isolated, "
        + ", ".join(
            f"{resource}.getrlimit({resource}.RLIMIT_{name})"
            for name in ("AS", "FSIZE", "NOFILE", "NPROC", "CPU")
        )
        + ")"
    )
    outcome = run_one(source, memory_mb=512, seconds=3)
    (names, cwd, isolated, memory, fsize, nofile, nproc, cpu) = outcome.results[0]
    seen = set("".join(chr(int(c)) for c in names).split()) - {"LC_CTYPE"}  # Python's own
    assert seen == set(sandbox._environment())  # no HOME, no QUIZAPP_*
    scratch = Path("".join(chr(int(c)) for c in cwd))
    assert scratch.name.startswith("quizapp-sandbox-") and not scratch.exists()
    assert isolated == 1
    assert memory == (512 * 2**20,) * 2 and fsize == nofile == nproc == (0, 0)
    assert 3 <= cpu[0] < 10


def test_the_environment_keeps_nothing_of_the_users(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOME", "QUIZAPP_BANK", "QUIZAPP_DB", "PATH", "SSH_AUTH_SOCK", "http_proxy"):
        monkeypatch.setenv(name, "x")
    assert set(sandbox._environment()) <= {
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "LD_LIBRARY_PATH",
        "DYLD_LIBRARY_PATH",
    }


def test_an_endless_program_is_stopped_and_the_next_one_still_runs() -> None:
    loop = sandbox.Program("def f(x):\n    while True:\n        pass\n", "f", [[1.0]])
    fine = sandbox.Program("def f(x):\n    return x * 2\n", "f", [[1.5]])
    outcomes = sandbox.run([loop, fine], sandbox.Limits(seconds=1))
    assert outcomes[0].stopped == "did not finish within 1 s"
    assert outcomes[1].results == (3.0,)


def test_memory_beyond_the_limit_is_an_error_not_an_answer() -> None:
    outcome = run_one("np.ones(2**27).sum()", memory_mb=512)  # 1 GiB
    assert outcome.stopped == "ran out of memory (limit 512 MB)"


def test_a_crash_is_reported_and_the_next_program_still_runs() -> None:
    crash = sandbox.Program(
        "def f(x):\n    return np.lib.stride_tricks.as_strided("
        "x, shape=(10**6,), strides=(10**12,)).sum()\n",
        "f",
        [[[1.0]]],
    )
    fine = sandbox.Program("def f(x):\n    return x + 1\n", "f", [[1.0]])
    outcomes = sandbox.run([crash, fine])
    assert outcomes[0].stopped == "crashed (SIGSEGV)"
    assert outcomes[1].results == (2.0,)


@pytest.mark.usefixtures("unchecked")
def test_system_exit_and_os_exit_in_bank_code_never_pass_for_an_answer() -> None:
    raised = sandbox.run(
        [sandbox.Program(f"def f(x):\n    raise {REAL_BUILTINS}['SystemExit'](0)\n", "f", [[1]])]
    )
    assert raised[0].results == (sandbox.Raised("raises SystemExit"),)
    gone = run_one(f"{REAL_BUILTINS}['__import__']('os')._exit(0)")
    assert gone.stopped == "the sandbox exited with status 0 before finishing"


def test_results_come_back_as_numbers_tuples_and_reasons() -> None:
    program = sandbox.Program(
        "def f(x, k):\n    return (x * k, k) if k else 1 / k\n", "f", [[[1.0, 2.0], 3], [[1.0], 0]]
    )
    [outcome] = sandbox.run([program])
    assert outcome.results == (([3.0, 6.0], 3.0), sandbox.Raised("raises ZeroDivisionError"))


def test_cases_must_be_plain_data() -> None:
    import datetime

    with pytest.raises(ValueError, match="not date"):
        sandbox.Program("def f(x): return x", "f", [[datetime.date(2024, 1, 1)]])
    with pytest.raises(ValueError, match="beyond 64 bits"):
        sandbox.Program("def f(x): return x", "f", [[10**5000]])


# --- nothing else runs bank text -----------------------------------------------------------------


def test_only_the_sandbox_child_executes_code() -> None:
    """No module of quizapp's process calls exec, eval or compile (the UI included)."""
    package = Path(checks.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "sandbox_child.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"exec", "eval", "compile", "__import__"}
            ):
                offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(
    "name",
    [
        "os.system",
        "builtins.exec",
        "conv.np",
        "conv.as_strided",
        "activations.finite",  # a private helper imported into a public module
        "problem.Problem",  # a class
        "generators.REGISTRY",
        "_checks.finite",
        "conv._pair",
        "conv.__builtins__",
        "conv.output_size.__globals__",
        "ｃｏｎｖ.output_size",
        "conv",
        "",
    ],
)
def test_a_check_can_name_only_a_public_solvers_function(name: str) -> None:
    with pytest.raises(checks.CheckError):
        checks.resolve(name)


def test_a_check_naming_os_system_is_a_bank_error(tmp_path: Path) -> None:
    item = f"""\
items:
  - id: evil-check
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: ReLUの x=0 における勾配は 0 である。
    truth: true
    confused_with: なし
    explanation: 説明。
    {SOURCE}
    check:
      - fn: os.system
        args: {{command: "touch {tmp_path / "MARK"}"}}
        expect: 0
"""
    (tmp_path / "c.yaml").write_text(item, encoding="utf-8")
    [error] = checked(tmp_path).errors
    assert error.message.startswith("check: os.system: ")
    assert not (tmp_path / "MARK").exists()


def test_a_reference_that_raises_is_a_bank_error_not_a_traceback(tmp_path: Path) -> None:
    text = "items:\n" + code_item("bad-case", EXPRESSION, ["np.maximum(0, x)", "x"]).replace(
        "- [[-2.0, -0.5, 0.0, 1.5]]", "- [[a, b]]"
    )
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    [error] = checked(tmp_path).errors
    assert error.message.startswith("code.reference activations.relu raises ")
    assert error.line == line_of(text, "template:")


def test_a_keyed_option_disagreeing_with_a_several_output_reference_is_a_bank_error(
    tmp_path: Path,
) -> None:
    """A reference returning outputs of different shapes (dx, dw, db) is described in the
    message, not a traceback: the outputs are listed one by one."""
    text = """\
items:
  - id: affine-wrong-key
    kind: choice
    exams: [E]
    topic: backprop
    difficulty: 2
    prompt: 空欄に入るものを選べ。
    code:
      template: |
        def affine_backward(x, w, dout):
            dx = ____
            return dx, dout.T @ x, dout.sum(axis=0)
      entry: affine_backward
      reference: dense.dense_backward
      cases:
        - [[[1.0, 2.0, 3.0]], [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [[1.0, -2.0]]]
    options:
      - {text: 2 * (dout @ w), rationale: 理由}
      - {text: dout @ w, rationale: 理由}
    answer: 1
    explanation: 説明。
"""
    text += f"    {SOURCE}\n"
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    errors = [e.message for e in checked(tmp_path).errors]
    assert any(m.startswith("code: keyed option 1 is wrong: case 1 ") for m in errors), errors
    assert any("option 2 also agrees" in m for m in errors), errors
