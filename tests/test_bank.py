"""The loader: schema, line numbers, every error in one pass, safe YAML."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.bank import BankLoadError, load_bank
from quizapp.kinds import Choice, Fill, Generated, Trap
from quizapp.schema import json_schema

TOPICS = """\
topics:
  - {id: relu, title: ReLU, area: 概要}
  - {id: stride-padding, title: 出力サイズ, area: 要素技術}
"""

SOURCE = "source: {doc: 000_1cc36260ef192bf7.txt, section: 要点}"

GOOD = f"""\
items:
  - id: relu-trap
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: ReLUは負の入力に対して0を出力する。
    truth: true
    confused_with: Leaky ReLU
    explanation: 負の入力は0になる。
    {SOURCE}
  - id: relu-choice
    kind: choice
    exams: [G, E]
    topic: relu
    difficulty: 2
    prompt: 正しいものを選べ。
    options:
      - {{text: A, rationale: 正しい}}
      - {{text: B, rationale: Bの説明}}
    answer: 1
    explanation: 説明。
    {SOURCE}
  - id: relu-fill
    kind: fill
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: 正の入力をそのまま出す関数は【1】である。
    blanks:
      - answers: [ReLU, ランプ関数]
    explanation: 説明。
    {SOURCE}
  - id: stride-gen
    kind: generated
    exams: [E]
    topic: stride-padding
    difficulty: 2
    prompt: 出力サイズを計算しよう。
    generator: conv_output_size
    explanation: 説明。
    {SOURCE}
"""


def write_bank(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


class FakeGenerator:
    ranges = {"size": [32], "kernel": [3]}


GENERATORS = {"conv_output_size": FakeGenerator()}


def test_good_bank_loads_every_kind(tmp_path: Path) -> None:
    bank = load_bank([write_bank(tmp_path, {"relu.yaml": GOOD})], generators=GENERATORS)
    assert bank.errors == []
    kinds = {item.id: type(item) for item in bank.items.values()}
    assert kinds == {
        "relu-trap": Trap,
        "relu-choice": Choice,
        "relu-fill": Fill,
        "stride-gen": Generated,
    }
    assert bank.items["relu-choice"].correct == frozenset({0})
    assert bank.items["relu-trap"].expected_seconds == 20
    assert "4 items" in bank.summary()


PLANTED = """\
items:
  - id: e-unknown-key
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: 文。
    truth: true
    confused_with: x
    explanation: 説明。
    colour: red  # E1 unknown key
    {SOURCE}
  - id: e-missing-field   # E2 missing explanation (reported at the item)
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: 文。
    truth: false
    confused_with: x
    {SOURCE}
  - id: e-answer-range
    kind: choice
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: 選べ。
    options:
      - {{text: A, rationale: a}}
      - {{text: B, rationale: b}}
    answer: 3  # E3 answer out of range
    explanation: 説明。
    {SOURCE}
  - id: e-topic
    kind: trap
    exams: [G]
    topic: no-such-topic  # E4 unknown topic
    difficulty: 1
    prompt: 文。
    truth: true
    confused_with: x
    explanation: 説明。
    {SOURCE}
  - id: e-generator
    kind: generated
    exams: [E]
    topic: stride-padding
    difficulty: 1
    prompt: 計算しよう。
    generator: no_such_generator  # E5 unknown generator
    explanation: 説明。
    {SOURCE}
  - id: e-check
    kind: trap
    exams: [E]
    topic: stride-padding
    difficulty: 2
    prompt: 32×32 の入力に 3×3、ストライド2、パディング1 の畳み込みをすると出力は 15×15 になる。
    truth: false
    confused_with: +1 を忘れた計算
    explanation: 説明。
    {SOURCE}
    check:
      - fn: conv.output_size  # E6 check recomputes 16, not 15
        args: {{size: 32, kernel: 3, stride: 2, padding: 1}}
        expect: 15
  - id: e-difficulty
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 4  # E7 difficulty out of range
    prompt: 文。
    truth: true
    confused_with: x
    explanation: 説明。
    {SOURCE}
  - id: e-blanks
    kind: fill
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: 空欄は【2】だけ。  # E8 blank markers wrong
    blanks:
      - answers: [ReLU]
    explanation: 説明。
    {SOURCE}
  - id: relu-trap  # E9 duplicate id across files
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: 文。
    truth: true
    confused_with: x
    explanation: 説明。
    {SOURCE}
"""

UNSAFE = """\
items:
  - id: e-unsafe
    kind: trap
    exams: [G]
    topic: relu
    difficulty: 1
    prompt: !!python/object/apply:os.system ["echo pwned > {marker}"]  # E10 unsafe tag
"""


def planted_lines(text: str) -> dict[str, int]:
    return {
        m.group(1): n
        for n, line in enumerate(text.splitlines(), start=1)
        if (m := re.search(r"# (E\d+)", line))
    }


def test_ten_planted_errors_all_reported_with_lines(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    planted = PLANTED.format(SOURCE=SOURCE)
    unsafe = UNSAFE.format(marker=marker)
    root = write_bank(
        tmp_path / "bank", {"a-good.yaml": GOOD, "b-planted.yaml": planted, "c-unsafe.yaml": unsafe}
    )
    bank = load_bank([root], generators=GENERATORS, run_checks=True)
    got = {(e.path.name, e.line) for e in bank.errors}
    expected = {
        ("b-planted.yaml", line) for key, line in planted_lines(planted).items() if key != "E10"
    }
    expected.add(("c-unsafe.yaml", planted_lines(unsafe)["E10"]))
    assert got == expected, "\n".join(map(str, bank.errors))
    assert len(bank.errors) == 10
    messages = "\n".join(map(str, bank.errors))
    for needle in (
        "colour: unknown key",
        "explanation: missing field",
        "answer: option 3 out of range",
        "unknown topic 'no-such-topic'",
        "unknown generator 'no_such_generator'",
        "expected 15, solvers computes 16",
        "difficulty",
        "【1】",
        "duplicate id",
        "unsafe or unknown YAML tag",
    ):
        assert needle in messages
    assert not marker.exists(), "a python tag was executed"
    for error in bank.errors:
        assert re.match(r"^.+\.yaml:\d+: [\w?-]+: .+", str(error))


def test_errors_name_the_item_id(tmp_path: Path) -> None:
    planted = PLANTED.format(SOURCE=SOURCE)
    bank = load_bank([write_bank(tmp_path, {"b.yaml": planted})], generators=GENERATORS)
    ids = {e.item_id for e in bank.errors}
    assert {"e-unknown-key", "e-missing-field", "e-answer-range", "e-topic", "e-generator"} <= ids


def test_strict_raises_with_all_errors(tmp_path: Path) -> None:
    root = write_bank(tmp_path, {"b.yaml": PLANTED.format(SOURCE=SOURCE)})
    with pytest.raises(BankLoadError) as info:
        load_bank([root], generators=GENERATORS, strict=True)
    assert len(info.value.errors) >= 7


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    root = write_bank(
        tmp_path, {"x.yaml": "items:\n  - id: a\n    prompt: [unclosed\n    kind: trap\n"}
    )
    bank = load_bank([root])
    [error] = bank.errors
    assert error.path.name == "x.yaml"
    assert error.line in (3, 4)
    assert "YAML error" in error.message


def test_not_a_mapping_and_unknown_kind(tmp_path: Path) -> None:
    root = write_bank(
        tmp_path,
        {
            "list.yaml": "- just a list\n",
            "kind.yaml": "items:\n  - id: k\n    kind: essay\n",
        },
    )
    messages = sorted(str(e) for e in load_bank([root]).errors)
    assert any("list.yaml:1" in m and "items" in m for m in messages)
    assert any("kind.yaml:3: k: kind: must be one of" in m for m in messages)


def test_code_options_are_executed(tmp_path: Path) -> None:
    item = f"""\
items:
  - id: relu-code
    kind: choice
    exams: [E]
    topic: relu
    difficulty: 2
    prompt: 空欄に入るものを選べ。
    code:
      template: |
        def relu(x):
            return ____
      entry: relu
      reference: activations.relu
      cases:
        - [[-2.0, -0.5, 0.0, 1.5]]
    options:
      - {{text: "np.maximum(0, x)", rationale: 正しい}}
      - {{text: "np.abs(x)", rationale: 絶対値}}
      - {{text: "np.minimum(0, x)", rationale: 負側だけ}}
      - {{text: "np.maximum(0, x)[::-1]", rationale: 逆順}}
    answer: 2
    explanation: 説明。
    {SOURCE}
"""
    bank = load_bank([write_bank(tmp_path, {"c.yaml": item})], run_checks=True)
    messages = [str(e) for e in bank.errors]
    assert any("keyed option 2 is wrong" in m for m in messages)
    assert any("option 1 also agrees" in m for m in messages)


def test_json_schema_covers_every_kind() -> None:
    schema = json_schema()
    text = str(schema)
    for kind in ("trap", "choice", "fill", "generated"):
        assert kind in text
    assert schema["title"]


def test_shipped_schema_file_is_current() -> None:
    """Editors read questionbank/schema.json; regenerate it with `quizapp schema` after a change."""
    import json

    from quizapp.paths import shipped_bank_dir

    shipped = json.loads((shipped_bank_dir() / "schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema()


# --- parse cache ------------------------------------------------------------------------------


def _errors(bank) -> list[str]:
    return [str(e) for e in bank.errors]


def test_cached_load_equals_fresh_load_including_error_lines(tmp_path: Path) -> None:
    planted = PLANTED.format(SOURCE=SOURCE)
    root = write_bank(tmp_path / "bank", {"a-good.yaml": GOOD, "b-planted.yaml": planted})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS, run_checks=True)
    first = load_bank([root], generators=GENERATORS, run_checks=True, cache_dir=cache)
    second = load_bank([root], generators=GENERATORS, run_checks=True, cache_dir=cache)
    assert len(list(cache.glob("*.json"))) == 3  # topics and both item files
    for bank in (first, second):
        assert bank.items == fresh.items
        assert bank.locations == fresh.locations
        assert bank.raw_lines == fresh.raw_lines
        assert _errors(bank) == _errors(fresh)


def test_an_edited_file_replaces_its_cache_entry(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    before = set(cache.glob("*.json"))
    edited = GOOD.replace("ReLUは負の入力に対して0を出力する。", "ReLUは負の入力で0。")
    (root / "a.yaml").write_text(edited, encoding="utf-8")
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert bank.items["relu-trap"].prompt == "ReLUは負の入力で0。"
    after = set(cache.glob("*.json"))
    assert len(after) == len(before) and after != before  # the old version is gone


def test_a_damaged_cache_entry_is_parsed_again(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    for bank_entry in cache.glob("bank*.marshal"):
        bank_entry.unlink()  # so that the files are read again (its own damage: further down)
    for n, entry in enumerate(sorted(cache.glob("*.json"))):
        entry.write_text(["{not json", '{"x": 1}', "[1, 2]"][n % 3], encoding="utf-8")
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert bank.items == fresh.items and not bank.errors


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("", encoding="utf-8")
    bank = load_bank([root], generators=GENERATORS, cache_dir=blocked / "cache")
    assert len(bank.items) == 4 and not bank.errors


def test_values_json_cannot_hold_are_not_cached(tmp_path: Path) -> None:
    from quizapp.bankyaml import read_yaml

    path = tmp_path / "d.yaml"
    path.write_text("when: 2026-11-22\nitems: []\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert str(read_yaml(path, cache)["when"]) == "2026-11-22"
    assert not cache.exists() or not list(cache.glob("*.json"))


yaml_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()


@st.composite
def line_trees(draw, depth: int = 3):
    from quizapp.bankyaml import LineDict

    if depth == 0 or draw(st.booleans()):
        return draw(yaml_scalars)
    if draw(st.booleans()):
        return [draw(line_trees(depth - 1)) for _ in range(draw(st.integers(0, 3)))]
    node = LineDict()
    node.line = draw(st.integers(1, 10_000))
    node.key_lines = {}
    for key in draw(st.lists(st.none() | st.booleans() | st.integers() | st.text(), max_size=4)):
        node[key] = draw(line_trees(depth - 1))
        node.key_lines[key] = draw(st.integers(1, 10_000))
    return node


@given(line_trees())
def test_cache_encoding_round_trips_values_lines_and_key_types(tree) -> None:
    import json

    from quizapp.bankyaml import LineDict, _decode, _encode

    back = _decode(json.loads(json.dumps(_encode(tree), ensure_ascii=False)))

    def same(a, b) -> bool:
        if isinstance(a, LineDict):
            return (
                isinstance(b, LineDict)
                and a.line == b.line
                and a.key_lines == b.key_lines
                and list(a) == list(b)
                and all(type(k) is type(kb) for k, kb in zip(a, b, strict=True))
                and all(same(a[k], b[k]) for k in a)
            )
        if isinstance(a, list):
            return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
        return type(a) is type(b) and a == b

    assert same(tree, back)


def test_the_schema_and_the_run_time_items_have_the_same_fields() -> None:
    """quizapp.schema validates the YAML, quizapp.items is what the app uses: every model's fields
    (names, order and defaults) are its dataclass's, so ``to_item`` loses nothing."""
    import dataclasses
    import importlib

    from pydantic_core import PydanticUndefined

    from quizapp import items, kinds, schema

    pairs = [(items.Topic, schema.Topic, "")]
    pairs += [(part, getattr(schema, part.__name__), "") for part in items.PARTS.values()]
    for kind in kinds.KINDS.values():
        module = importlib.import_module(kind.schema)
        pairs.append((kind.item_type, kind.item_model(), kind.name))
        pairs += [(part, getattr(module, part.__name__), "") for part in kind.parts.values()]
    for cls, model, kind_name in pairs:
        name = cls.__name__
        expected = {}
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                expected[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                expected[f.name] = f.default_factory()
            else:
                expected[f.name] = PydanticUndefined
        got = {n: info.default for n, info in model.model_fields.items()}
        if "kind" in got:  # the discriminator: required in YAML, implied by the class at run time
            assert got.pop("kind") is PydanticUndefined and expected.pop("kind") == kind_name
        assert got == expected, name
        assert list(got) == list(expected), name


# --- validated bank cache ---------------------------------------------------------------------


def _same_bank(a, b) -> None:
    assert list(a.items) == list(b.items) and a.items == b.items
    for x, y in zip(a.items.values(), b.items.values(), strict=True):
        assert type(x) is type(y)
    assert a.topics == b.topics
    assert a.locations == b.locations
    assert a.raw_lines == b.raw_lines
    assert a.errors == b.errors


def test_a_warm_start_rebuilds_the_validated_bank_without_validating(tmp_path: Path) -> None:
    planted = PLANTED.format(SOURCE=SOURCE)
    root = write_bank(tmp_path / "bank", {"a-good.yaml": GOOD, "b-planted.yaml": planted})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    first = load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert len(list(cache.glob("bank*.marshal"))) == 1
    _same_bank(first, fresh)
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from quizapp import bank\n"
        "class Gen:\n    ranges = {'size': [32], 'kernel': [3]}\n"
        "gens = {'conv_output_size': Gen()}\n"
        "b = bank.load_bank([Path(sys.argv[1])], generators=gens, cache_dir=Path(sys.argv[2]))\n"
        "assert b.items and b.errors\n"
        "loaded = {'pydantic', 'yaml', 'quizapp.loader', 'quizapp.bankyaml', 'quizapp.schema',"
        " 'quizapp.placement'}"
        " & set(sys.modules)\n"
        "assert not loaded, f'a warm start imported {sorted(loaded)}'\n"
    )
    subprocess.run([sys.executable, "-c", code, str(root), str(cache)], check=True)
    _same_bank(load_bank([root], generators=GENERATORS, cache_dir=cache), fresh)
    with pytest.raises(BankLoadError):
        load_bank([root], generators=GENERATORS, cache_dir=cache, strict=True)


def test_the_validated_bank_is_keyed_by_every_file_and_the_generators(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    assert load_bank([root], generators={}, cache_dir=cache).errors  # unknown generator
    (root / "topics.yaml").write_text(TOPICS.replace("stride-padding", "padding"), "utf-8")
    assert any("unknown topic" in str(e) for e in load_bank([root], cache_dir=cache).errors)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (root / "b.yaml").write_text("items: []\n", encoding="utf-8")
    bank = load_bank([root], generators=GENERATORS, cache_dir=cache)
    _same_bank(bank, load_bank([root], generators=GENERATORS))
    assert len(list(cache.glob("bank*.marshal"))) == 1  # each key replaces the previous entry


def test_a_damaged_validated_bank_is_validated_again(tmp_path: Path) -> None:
    root = write_bank(tmp_path / "bank", {"a.yaml": GOOD})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    load_bank([root], generators=GENERATORS, cache_dir=cache)
    (entry,) = cache.glob("bank*.marshal")
    damages = (
        "{not json",
        "[1, 2]",
        '{"topics": [], "items": [{"kind": "nope", "id": "x"}]}',
        '{"topics": [], "items": [{"kind": "trap", "id": "x", "unknown": 1}]}',
        '{"topics": [], "items": [{"kind": "trap", "source": [1]}]}',
    )
    for damage in damages:
        entry.write_text(damage, encoding="utf-8")
        _same_bank(load_bank([root], generators=GENERATORS, cache_dir=cache), fresh)


def test_values_json_would_change_keep_the_validated_bank_out_of_the_cache(tmp_path: Path) -> None:
    """Check arguments are free-form: a mapping with number keys or a date would come back from
    JSON as something else, so such a bank is validated on every start instead."""
    odd = GOOD.replace(
        "    truth: true\n",
        "    truth: true\n    check:\n"
        "      - {fn: conv.output_size, args: {table: {1: 2}, when: 2026-12-01}, expect: 1}\n",
        1,
    )
    root = write_bank(tmp_path / "bank", {"a.yaml": odd})
    cache = tmp_path / "cache"
    fresh = load_bank([root], generators=GENERATORS)
    assert fresh.items["relu-trap"].check[0].args["table"] == {1: 2}
    _same_bank(load_bank([root], generators=GENERATORS, cache_dir=cache), fresh)
    assert not list(cache.glob("bank*.marshal"))
    _same_bank(load_bank([root], generators=GENERATORS, cache_dir=cache), fresh)
