"""Bank input that used to crash or hang quizapp: every one is now a ``path:line: id:`` error.

Values YAML cannot build, duplicate keys, bad encodings, alias bombs, oversized files, symlinks
out of the bank, and generated items whose ranges leave no problem to generate.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizapp.bank import Bank, load_bank
from quizapp.modes import DRILL, PRACTICE
from solvers.generators import REGISTRY

TOPICS = """\
topics:
  - {id: relu, title: ReLU, area: 概要}
  - {id: stride-padding, title: 出力サイズ, area: 要素技術}
"""

TRAP = """\
  - id: {id}
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: ReLUは負の入力に対して0を出力する。
    truth: true
    confused_with: Leaky ReLU
    explanation: 負の入力は0になる。
    source: {{doc: 000_1cc36260ef192bf7.txt, section: 要点}}
"""

GENERATED = """\
  - id: {id}
    kind: generated
    exams: [E]
    topic: stride-padding
    difficulty: 2
    prompt: 出力サイズを計算しよう。
    generator: {generator}
    params: {params}
    explanation: 説明。
    source: {{doc: 000_1cc36260ef192bf7.txt, section: 要点}}
"""

ERROR = re.compile(r"^.+\.yaml:(\d+): [^\s:]+: \S.*$", re.DOTALL)


def write_bank(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def items(*blocks: str) -> str:
    return "items:\n" + "".join(blocks)


def trap(item_id: str) -> str:
    return TRAP.format(id=item_id)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def errors(bank: Bank) -> list[str]:
    return [str(e) for e in bank.errors]


# --- values YAML cannot build --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("section: 要点", "section: 2024-02-30", "not a valid date"),
        ("difficulty: 1", "difficulty: !!int abc", "not a valid integer"),
        ("difficulty: 1", "difficulty: " + "7" * 5000, "too many digits"),
        ("difficulty: 1", "difficulty: !!timestamp xyz", "not a valid date"),
        ("truth: true", "truth: !!bool maybe", "not a valid bool"),
        (
            "prompt: ReLUは負の入力に対して0を出力する。",
            "prompt: !!python/name:os.getcwd",
            "unsafe",
        ),
    ],
)
def test_a_value_yaml_cannot_build_is_an_error_of_its_item_at_its_line(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    bad = trap("bad-item").replace(old, new, 1)
    text = items(trap("first"), bad, trap("last"))
    for cache in (None, tmp_path / "cache"):  # validate, and an app start (parse cache)
        bank = load_bank([write_bank(tmp_path / "bank", {"x.yaml": text})], cache_dir=cache)
        [error] = bank.errors
        assert error.item_id == "bad-item"
        assert error.line == line_of(text, new[:20])
        assert says in error.message
        assert set(bank.items) == {"first", "last"}, "the other items still load"


def test_a_key_given_twice_is_reported_at_the_second_but_a_merge_may_override(
    tmp_path: Path,
) -> None:
    twice = trap("twice").replace("    truth: true\n", "    truth: true\n    truth: false\n")
    first = trap("first").replace("source: {", "source: &src {")
    merged = trap("merged").replace(
        "source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}", "source: {<<: *src, section: 別}"
    )
    text = items(twice, first, merged)
    bank = load_bank([write_bank(tmp_path, {"x.yaml": text})])
    [error] = bank.errors
    assert str(error).endswith(f"x.yaml:{line_of(text, 'truth: false')}: twice: " + error.message)
    assert "truth: duplicate key 'truth' (first at line 8)" in error.message
    assert set(bank.items) == {"first", "merged"}
    assert bank.items["merged"].source.section == "別", "a merged key is overridden, not doubled"


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    text = items(trap("a"), trap("b")).encode()
    raw = text.replace("負の入力は0になる".encode(), b"\xff\xfe", 1)  # in a's explanation
    bank = load_bank([write_bank(tmp_path, {"x.yaml": raw})])
    [error] = bank.errors
    assert (error.line, error.item_id) == (10, "-")
    assert "not UTF-8" in error.message and "position" not in error.message


def test_a_control_character_is_reported_at_its_line(tmp_path: Path) -> None:
    text = items(trap("a").replace("0を出力する", "0を\x1b[2J出力する"))
    bank = load_bank([write_bank(tmp_path, {"x.yaml": text})])
    [error] = bank.errors
    assert error.line == 7 and "\\x1b" in error.message and "\x1b" not in str(error)


# --- size and aliases ----------------------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)

QUIZAPP = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # the old loader took 4.6 GB
from quizapp.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", [["validate"], []], ids=["validate", "app-start"])
def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path, command: list[str]) -> None:
    root = write_bank(tmp_path / "bank", {"bomb.yaml": BOMB + "items: []\n"})
    paths = ["--bank", str(root), "--db", str(tmp_path / "p.db"), "--config", str(tmp_path / "c")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the app start's parse cache
    out = subprocess.run(
        [sys.executable, "-c", QUIZAPP, *command, *paths],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr, out.stderr[-2000:]
    line = line_of(BOMB, "f: &f")  # the first to pass 200 000 values
    assert (
        f"bomb.yaml:{line}: -: YAML error: refused: expands to more than" in out.stdout + out.stderr
    )


def test_a_document_nesting_too_deep_is_refused(tmp_path: Path) -> None:
    text = "items: [" + "[" * 400 + "]" * 400 + "]\n"
    [error] = load_bank([write_bank(tmp_path, {"x.yaml": text})]).errors
    assert "nested more than" in error.message


def test_an_oversized_file_is_never_parsed_on_any_path(tmp_path: Path) -> None:
    huge = items(trap("inside-a-huge-file")) + "# padding\n" * 300_000  # 3 MB
    root = write_bank(tmp_path / "bank", {"huge.yaml": huge, "small.yaml": items(trap("ok"))})
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):
        bank = load_bank([root], cache_dir=cache)
        [error] = bank.errors
        assert error.path.name == "huge.yaml" and "larger than 2 MB" in error.message
        assert set(bank.items) == {"ok"}


def test_a_directory_too_big_in_all_is_not_read(tmp_path: Path) -> None:
    part = items(trap("x")) + "# padding\n" * 150_000  # 1.5 MB
    files = {f"part{n}.yaml": part.replace("id: x", f"id: x{n}") for n in range(6)}
    root = write_bank(tmp_path / "bank", files)
    for cache in (None, tmp_path / "cache"):
        bank = load_bank([root], cache_dir=cache)
        [error] = bank.errors
        assert error.path == root and "more than the 8 MB" in error.message
        assert not bank.items


def test_the_app_refuses_an_oversized_user_bank_with_the_files_path(tmp_path: Path) -> None:
    from quizapp.paths import shipped_bank_dir
    from quizapp.ui.app import StartupError, build_context

    user = tmp_path / "mine"
    user.mkdir()
    (user / "big.yaml").write_text("items: []\n" + "#\n" * 1_100_000, encoding="utf-8")
    with pytest.raises(StartupError, match=r"big\.yaml:1: -: file larger than 2 MB"):
        build_context(
            db_path=tmp_path / "p.db",
            bank_dirs=[shipped_bank_dir(), user],
            config_path=tmp_path / "c.toml",
            cache_dir=tmp_path / "cache",
        )
    assert not (tmp_path / "p.db").exists()


# --- symlinks -----------------------------------------------------------------------------------


def test_symlinks_out_of_the_bank_are_reported_and_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "dir").mkdir(parents=True)
    (elsewhere / "secret.yaml").write_text(items(trap("secret-file")), encoding="utf-8")
    (elsewhere / "dir" / "more.yaml").write_text(items(trap("secret-dir")), encoding="utf-8")
    root = write_bank(tmp_path / "bank", {"own.yaml": items(trap("own")), "sub/x.txt": ""})
    (root / "linked.yaml").symlink_to(elsewhere / "secret.yaml")
    (root / "sub" / "linked-dir").symlink_to(elsewhere / "dir")
    (root / "alias.yaml").symlink_to(root / "sub" / "x.txt")  # inside the bank: followed
    cache = tmp_path / "cache"
    for _ in range(2):
        bank = load_bank([root], cache_dir=cache)
        assert set(bank.items) == {"own"}
        refused = {(e.path, e.message) for e in bank.errors}
        message = "symlink to outside the bank directory: not followed"
        assert refused == {(root / "linked.yaml", message), (root / "sub/linked-dir", message)}
    (root / "linked.yaml").unlink()
    (root / "sub" / "linked-dir").unlink()
    assert not load_bank([root], cache_dir=cache).errors, "the cached errors went with the links"
    link = tmp_path / "link-to-bank"
    link.symlink_to(root)
    bank = load_bank([link])
    assert not bank.errors and set(bank.items) == {"own"}, "the directory itself may be a link"


# --- generated items' ranges ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("generator", "params", "says"),
    [
        ("conv_output_size", "{size: [1], kernel: [11]}", "params.size: 1 outside"),
        ("tinycnn_experiment", "{width: [100000]}", "params.width: 100000 outside"),
        ("tinycnn_experiment", "{depth: {min: 3, max: 9}}", "params.depth: {min: 3, max: 9}"),
        ("tinycnn_experiment", "{depth: [4.5]}", "params.depth: 4.5 outside"),
        ("conv_output_size", "{size: {min: 16, max: 20}}", "params.size: {min: 16, max: 20} is"),
        ("conv_output_size", "{size: []}", "params.size: an empty list"),
        ("conv_output_size", "{size: [true]}", "params.size: True outside"),
    ],
)
def test_ranges_wider_than_the_generators_are_errors_on_every_path(
    tmp_path: Path, generator: str, params: str, says: str
) -> None:
    text = items(GENERATED.format(id="wide", generator=generator, params=params))
    root = write_bank(tmp_path / "bank", {"x.yaml": text})
    for run_checks in (False, True):
        [error] = load_bank([root], generators=REGISTRY, run_checks=run_checks).errors
        assert (error.item_id, error.line) == ("wide", line_of(text, "params:"))
        assert error.message.startswith(says)


def test_validate_tries_the_narrowed_ranges_and_reports_when_they_give_no_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.cli import main

    params = "{size: [5], kernel: [11], stride: [1], padding: [0]}"  # each within the defaults
    fine = "{size: {min: 5, max: 16}, kernel: [3], stride: [1, 2]}"
    text = items(
        GENERATED.format(id="none-left", generator="conv_output_size", params=params),
        GENERATED.format(id="fine", generator="conv_output_size", params=fine),
    )
    root = write_bank(tmp_path / "bank", {"x.yaml": text})
    assert main(["validate", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    line = line_of(text, "params:")
    assert len(out) == 1, "the item whose ranges work passes"
    assert f"x.yaml:{line}: none-left: params: no problem can be generated" in out[0]


# --- hypothesis: whatever a field holds, the answer is a list of errors with lines ---------------

TAGS = [
    "",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!str ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!pairs ",
    "!!seq ",
    "!!map ",
    "!!merge ",
    "!!value ",
    "!custom ",
    "!!python/name:os.system ",
    "!<tag:yaml.org,2002:int> ",
]
ODD = [
    "~",
    "yes",
    ".inf",
    "-.nan",
    "0x1F",
    "0o17",
    "1_000",
    "2024-02-30",
    "2024-13-01",
    "2024-02-30T25:61:61Z",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "*nowhere",
    "&anchor x",
    "''",
    '"\\x07"',
    '"\\ud800"',
    "? [a]",
    "<<",
    "=",
]


@st.composite
def dates(draw) -> str:
    y, m, d = draw(st.integers(0, 10_000)), draw(st.integers(0, 13)), draw(st.integers(0, 32))
    return f"{y:04d}-{m:02d}-{d:02d}"


scalars = st.builds(
    str.__add__,
    st.sampled_from(TAGS),
    st.one_of(
        st.integers().map(str),
        st.integers(4000, 6000).map(lambda n: "9" * n),
        st.floats().map(repr),
        dates(),
        st.sampled_from(ODD),
        st.text(max_size=20).map(lambda t: json.dumps(t)),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    ),
)

FIELDS = [
    "id: {}",
    "exams: [{}]",
    "topic: {}",
    "tags: [{}]",
    "difficulty: {}",
    "prompt: {}",
    "truth: {}",
    "confused_with: {}",
    "explanation: {}",
    "source: {{doc: {}, section: 要点}}",
    "source: {{doc: a.txt, section: {}}}",
    "seconds: {}",
    "{}: 1",
    "check: [{{fn: conv.output_size, args: {{size: {}}}, expect: 1}}]",
]


def _fuzzed(field: str, value: str) -> str:
    key = field.split(":")[0]
    lines = trap("fuzzed").splitlines(keepends=True)
    line = "    " + field.format(value) + "\n"
    for n, old in enumerate(lines):
        if old.strip().startswith(key + ":"):
            lines[n] = line if n else "  - " + line[4:]
            break
    else:
        lines.append(line)
    return items(*lines, trap("neighbour"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=scalars)
@example(field="source: {{doc: a.txt, section: {}}}", value="2024-02-30")
@example(field="difficulty: {}", value="!!int abc")
@example(field="difficulty: {}", value="9" * 5000)
@example(field="prompt: {}", value="!!timestamp xyz")
@example(field="truth: {}", value="!!bool maybe")
@example(field="tags: [{}]", value="!!map x")
def test_any_scalar_or_tag_in_any_field_gives_errors_with_lines(field: str, value: str) -> None:
    text = _fuzzed(field, value)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_bank(Path(tmp) / "bank", {"x.yaml": text})
        fresh = load_bank([root], generators=REGISTRY)
        cached = [load_bank([root], generators=REGISTRY, cache_dir=Path(tmp) / "c") for _ in "ab"]
    n_lines = len(text.splitlines())
    for error in fresh.errors:
        found = ERROR.match(str(error))
        assert found, str(error)
        assert 1 <= int(found.group(1)) <= n_lines + 1, str(error)
    for bank in cached:
        assert errors(bank) == errors(fresh) and bank.items == fresh.items


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@example(b"  - {id: x, kind: trap, source: {section: 2024-02-30}}\n")
def test_any_bytes_give_errors_with_lines(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bank = load_bank([write_bank(Path(tmp), {"x.yaml": b"items:\n" + raw})])
    for error in bank.errors:
        assert ERROR.match(str(error)), str(error)


ranges = st.one_of(
    st.lists(st.integers(-3, 300) | st.sampled_from([3.0, 0.5, True, "3"]), max_size=4),
    st.fixed_dictionaries({"min": st.integers(-3, 300), "max": st.integers(-3, 300)}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["size", "kernel", "stride", "padding"]), ranges))
def test_whatever_ranges_pass_validate_generate_problems(params: dict) -> None:
    """Validate's verdict on ``params`` holds at run time: an item it accepts generates."""
    text = items(GENERATED.format(id="p", generator="conv_output_size", params=json.dumps(params)))
    with tempfile.TemporaryDirectory() as tmp:
        root = write_bank(Path(tmp), {"x.yaml": text})
        bank = load_bank([root], generators=REGISTRY, run_checks=True)
    for error in bank.errors:
        assert ERROR.match(str(error)) and error.item_id == "p", str(error)
    if not bank.errors:
        for seed in range(5, 15):
            REGISTRY["conv_output_size"].generate(seed, bank.items["p"].params)


# --- run time: a generator that fails never ends a session ---------------------------------------


def test_a_generator_that_raises_skips_its_card_and_the_session_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from quizapp.cardkey import GEN_PREFIX
    from quizapp.scheduler import SrsScheduler
    from quizapp.session import Session
    from quizapp.store import Store

    params = "{size: [5], kernel: [11], stride: [1], padding: [0]}"  # passes a start's checks
    text = items(
        GENERATED.format(id="none-left", generator="conv_output_size", params=params),
        trap("after"),
    )
    bank = load_bank([write_bank(tmp_path / "bank", {"x.yaml": text})], generators=REGISTRY)
    assert not bank.errors
    with Store.open(tmp_path / "p.db") as store:
        session = Session(
            bank=bank,
            store=store,
            scheduler=SrsScheduler(fuzz=False, seed=1),
            generators=REGISTRY,
            mode=DRILL,
            queue=[GEN_PREFIX + "conv_output_size", "after"],
            seed=1,
        ).start()
        question = session.next_question()
        assert question is not None and question.card_key == "after"
        assert question.number == 1
        assert session.next_question() is None
    assert "skipped card gen:conv_output_size" in caplog.text


def test_an_endless_drill_on_a_failing_generator_ends_instead_of_crashing(tmp_path: Path) -> None:
    from quizapp.scheduler import SrsScheduler
    from quizapp.session import Session
    from quizapp.store import Store

    params = "{size: [5], kernel: [11], stride: [1], padding: [0]}"
    text = items(GENERATED.format(id="none-left", generator="conv_output_size", params=params))
    bank = load_bank([write_bank(tmp_path / "bank", {"x.yaml": text})], generators=REGISTRY)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(
            bank=bank,
            store=store,
            scheduler=SrsScheduler(fuzz=False, seed=1),
            generators=REGISTRY,
            mode=PRACTICE,
            queue=[],
            endless="conv_output_size",
            seed=1,
        ).start()
        assert session.next_question() is None


def test_an_expected_time_too_long_for_a_float_is_an_error(tmp_path: Path) -> None:
    """Grading multiplies the expected time as a float: 10**400 seconds crashed the drill."""
    text = items(
        trap("slow").replace(
            "    difficulty: 1\n", "    difficulty: 1\n    seconds: 1" + "0" * 400 + "\n"
        )
    )
    [error] = load_bank([write_bank(tmp_path, {"x.yaml": text})]).errors
    assert (error.item_id, error.line) == ("slow", line_of(text, "seconds:"))
    assert error.message.startswith("seconds: Input should be less than or equal to 3600")
