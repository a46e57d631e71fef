"""Reading and validating bank files: the path :func:`quizapp.bank.load_bank` takes when its
cache has no answer (a first start, or after the bank, the code or a library changed).

Every YAML file is read with a safe loader that remembers the line of each mapping; each item is
validated on its own against :mod:`quizapp.schema` (one bad item never hides the others) and every
problem is reported as ``path:line: id: message`` in a single pass.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizapp import schema
from quizapp.bank import CACHE_FORMAT, Bank, BankError, bank_files, syllabus_path
from quizapp.files import write_cache_entry
from quizapp.items import CODE_BLANK, Topic
from quizapp.syllabus import ADVANCED_TAG, Syllabus, syllabus_from

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]

BLANK_MARK = re.compile(r"【(\d+)】")


def read_bank(
    directories: list[Path],
    topics_path: Path,
    generators: Mapping[str, Any] | None,
    cache_dir: Path | None,
) -> Bank:
    """Every valid item of ``directories``, with an error for each problem found."""
    topics, errors = load_topics(topics_path, cache_dir)
    syllabus, syllabus_errors = load_syllabus(syllabus_path(topics_path), cache_dir)
    errors += syllabus_errors
    if syllabus is not None:
        errors += _topic_syllabus_problems(topics_path, topics, syllabus, cache_dir)
    bank = Bank(topics=topics, items={}, errors=errors, syllabus=syllabus)
    for directory in directories:
        if not directory.is_dir():
            bank.errors.append(BankError(directory, 1, "-", "bank directory not found"))
            continue
        home = directory if syllabus is not None and directory == topics_path.parent else None
        for path in bank_files(directory):
            _load_file(bank, path, generators, cache_dir, home)
    return bank


# --- YAML with line numbers -------------------------------------------------------------------


class LineDict(dict):
    """A mapping from YAML that remembers its own line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            result[key] = loader.construct_object(value_node, deep=True)
        except TypeError as exc:  # unhashable key
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid key: {exc}", key_node.start_mark
            ) from exc
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(data: Any, loc: Iterable[Any], default: int) -> int:
    """The line of the deepest mapping key that a pydantic error location reaches."""
    line = getattr(data, "line", default)
    for part in loc:
        if isinstance(data, LineDict):
            if part in data.key_lines:
                line = data.key_lines[part]
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            line = getattr(data, "line", line)
        else:
            break
    return line


def read_yaml(path: Path, cache_dir: Path | None = None) -> Any:
    """Parse one YAML file safely, keeping line numbers. Raises OSError or yaml.YAMLError.

    With ``cache_dir``, the parsed tree is also kept there as JSON keyed by the file's bytes:
    parsing the shipped bank's YAML is most of the app's start-up, reading the JSON a tenth of
    it. A missing, stale or damaged entry is simply parsed again."""
    raw = path.read_bytes()
    if cache_dir is None:
        return yaml.load(raw, Loader=_LineLoader)
    entry = _cache_entry(cache_dir, path, raw)
    try:
        return _decode(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    data = yaml.load(raw, Loader=_LineLoader)
    try:
        text = json.dumps(_encode(data), ensure_ascii=False)
    except TypeError:  # dates, sets, binary: valid YAML, not worth caching
        return data
    write_cache_entry(entry, text)
    return data


# --- parse cache ------------------------------------------------------------------------------

_NODE = "\u0000"


def _cache_entry(cache_dir: Path, path: Path, raw: bytes) -> Path:
    """``<hash of the path>-<hash of format, PyYAML version and content>.json``."""
    where = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    what = hashlib.sha256(f"{CACHE_FORMAT}:{yaml.__version__}:".encode() + raw).hexdigest()
    return cache_dir / f"{where}-{what[:32]}.json"


def _encode(data: Any) -> Any:
    """A parsed tree as JSON: every mapping becomes {NUL: [line, [[key, key line, value], …]]}
    (so keys keep their YAML types and lines); raises TypeError for anything else but scalars."""
    if isinstance(data, LineDict):
        entries = [[k, data.key_lines[k], _encode(v)] for k, v in data.items()]
        return {_NODE: [data.line, entries]}
    if isinstance(data, list):
        return [_encode(v) for v in data]
    if data is None or isinstance(data, str | bool | int | float):
        return data
    raise TypeError(f"not cacheable: {type(data).__name__}")


def _decode(data: Any) -> Any:
    if isinstance(data, dict):
        line, entries = data[_NODE]
        out = LineDict()
        out.line, out.key_lines = line, {}
        for key, key_line, value in entries:
            out[key] = _decode(value)
            out.key_lines[key] = key_line
        return out
    if isinstance(data, list):
        return [_decode(v) for v in data]
    return data


def _yaml_error(path: Path, exc: yaml.YAMLError) -> BankError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    problem = getattr(exc, "problem", None) or str(exc)
    if "python/" in str(problem) or "could not determine a constructor" in str(problem):
        problem = f"unsafe or unknown YAML tag refused: {problem}"
    return BankError(path, line, "-", f"YAML error: {problem}")


# --- validation ------------------------------------------------------------------------------------


def load_topics(
    path: Path, cache_dir: Path | None = None
) -> tuple[dict[str, Topic], list[BankError]]:
    try:
        data = read_yaml(path, cache_dir)
    except OSError as exc:
        return {}, [BankError(path, 1, "-", f"cannot read topics file: {exc.strerror}")]
    except yaml.YAMLError as exc:
        return {}, [_yaml_error(path, exc)]
    try:
        parsed = schema.TopicsFile.model_validate(data)
    except ValidationError as exc:
        return {}, [
            BankError(path, _line_of(data, err["loc"], 1), "-", _message(err))
            for err in exc.errors()
        ]
    return {t.id: schema.to_topic(t) for t in parsed.topics}, []


def load_syllabus(
    path: Path, cache_dir: Path | None = None
) -> tuple[Syllabus | None, list[BankError]]:
    """The syllabus beside topics.yaml; (None, []) when the bank has none (a test bank)."""
    if not path.exists():
        return None, []
    try:
        data = read_yaml(path, cache_dir)
    except OSError as exc:
        return None, [BankError(path, 1, "-", f"cannot read syllabus file: {exc.strerror}")]
    except yaml.YAMLError as exc:
        return None, [_yaml_error(path, exc)]
    try:
        parsed = schema.SyllabusFile.model_validate(data)
    except ValidationError as exc:
        return None, [
            BankError(path, _line_of(data, err["loc"], 1), "-", _message(err))
            for err in exc.errors()
        ]
    return syllabus_from(parsed.model_dump()), []


def _topic_syllabus_problems(
    path: Path, topics: Mapping[str, Topic], syllabus: Syllabus, cache_dir: Path | None
) -> list[BankError]:
    """Every topic serves known syllabus ids, or is marked advanced (beyond both syllabi)."""
    lines = {
        t.get("id"): getattr(t, "line", 1)
        for t in (read_yaml(path, cache_dir) or {}).get("topics", [])
        if isinstance(t, dict)
    }
    errors = []
    for topic in topics.values():
        line = lines.get(topic.id, 1)
        unknown = [i for i in topic.syllabus if i not in syllabus.items]
        if unknown:
            errors.append(BankError(path, line, topic.id, f"syllabus: unknown id {unknown[0]}"))
        if topic.advanced and topic.syllabus:
            errors.append(
                BankError(path, line, topic.id, "syllabus: an advanced topic serves no syllabus id")
            )
        elif not topic.advanced and not topic.syllabus:
            errors.append(
                BankError(
                    path,
                    line,
                    topic.id,
                    "syllabus: name the syllabus ids this topic serves (or mark it advanced: true)",
                )
            )
    return errors


def _message(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p in _KIND_TAGS))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "missing field"
    return f"{loc}: {msg}" if loc else msg


_KIND_TAGS = {"trap", "choice", "fill", "generated"}


def _load_file(
    bank: Bank,
    path: Path,
    generators: Mapping[str, Any] | None,
    cache_dir: Path | None,
    home: Path | None = None,
) -> None:
    try:
        data = read_yaml(path, cache_dir)
    except OSError as exc:
        bank.errors.append(BankError(path, 1, "-", f"cannot read file: {exc.strerror}"))
        return
    except yaml.YAMLError as exc:
        bank.errors.append(_yaml_error(path, exc))
        return
    if data is None:
        return
    if not isinstance(data, LineDict) or not isinstance(data.get("items"), list):
        bank.errors.append(
            BankError(path, 1, "-", "a bank file is a mapping with an `items:` list")
        )
        return
    extra = set(data) - {"items"}
    for key in sorted(extra, key=str):
        bank.errors.append(BankError(path, data.key_lines[key], "-", f"{key}: unknown key"))
    for raw in data["items"]:
        _load_item(bank, path, raw, generators, home)


def _load_item(
    bank: Bank,
    path: Path,
    raw: Any,
    generators: Mapping[str, Any] | None,
    home: Path | None = None,
) -> None:
    """Validate one item into ``bank``; ``home`` is the directory of the bank's syllabus, whose
    files must sit in the folder of their topic's syllabus area."""
    line = getattr(raw, "line", 1)
    item_id = raw.get("id", "?") if isinstance(raw, dict) else "?"
    item_id = item_id if isinstance(item_id, str) else str(item_id)
    errors = bank.errors

    def err(message: str, at: int | None = None) -> None:
        errors.append(BankError(path, at or line, item_id, message))

    if not isinstance(raw, LineDict):
        err("an item must be a mapping")
        return
    if raw.get("kind") not in _KIND_TAGS:
        err(f"kind: must be one of {', '.join(sorted(_KIND_TAGS))}", raw.key_lines.get("kind"))
        return
    try:
        item = schema.ITEM.validate_python(raw)
    except ValidationError as exc:
        for e in exc.errors():
            err(_message(e), _line_of(raw, e["loc"][1:], line))
        return

    def key_line(key: str) -> int:
        return raw.key_lines.get(key, line)

    if item.id in bank.items:
        first_path, first_line = bank.locations[item.id]
        err(f"duplicate id (first defined at {first_path}:{first_line})", key_line("id"))
        return
    ok = True
    if bank.topics and item.topic not in bank.topics:
        err(f"topic: unknown topic {item.topic!r}", key_line("topic"))
        ok = False
    for problem, at in _semantic_problems(item, raw, generators):
        err(problem, at)
        ok = False
    topic = bank.topics.get(item.topic)
    if bank.syllabus is not None and topic is not None and (topic.syllabus or topic.advanced):
        for problem, key in _syllabus_problems(item, topic, bank.syllabus):
            err(problem, key_line(key))
            ok = False
        folder = bank.syllabus.folder_for(topic.syllabus)
        if home is not None and path != home / folder / f"{topic.id}.yaml":
            err(
                f"topic: the items of {topic.id} belong in {folder}/{topic.id}.yaml",
                key_line("topic"),
            )
            ok = False
    if ok:
        bank.items[item.id] = schema.to_item(item)
        bank.locations[item.id] = (path, line)
        bank.raw_lines[item.id] = _check_lines(raw)


def _syllabus_problems(
    item: schema.Trap | schema.Choice | schema.Fill | schema.Generated,
    topic: Topic,
    syllabus: Syllabus,
) -> list[tuple[str, str]]:
    """(message, key) for an item that does not fit its topic's place in the syllabus."""
    if topic.advanced:
        if ADVANCED_TAG not in item.tags:
            return [(f"tags: an item of an advanced topic is tagged {ADVANCED_TAG}", "tags")]
        return []
    problems = []
    outside = [i for i in item.syllabus if i not in topic.syllabus]
    if outside:
        problems.append(
            (f"syllabus: {outside[0]} is not one of topic {topic.id}'s ids", "syllabus")
        )
    ids = item.syllabus or topic.syllabus
    served = syllabus.exams_of(ids)
    for exam in item.exams:
        if exam not in served and ADVANCED_TAG not in item.tags:
            problems.append(
                (
                    f"exams: tagged {exam} but its syllabus ids ({', '.join(ids)}) are not in "
                    f"the {exam} syllabus (retag it, or tag it {ADVANCED_TAG} and say so)",
                    "exams",
                )
            )
    if any(i.startswith("G-L") for i in ids):
        if item.source.ref is None:
            problems.append(("source: a law or ethics item names its basis in `ref`", "source"))
        if item.as_of is None:
            problems.append(("as_of: a law or ethics item says when it was last checked", "as_of"))
    return problems


def _check_lines(raw: LineDict) -> dict[str, Any]:
    """Line offsets (from the item's first line) of the check entries and code options."""
    base = raw.line
    out: dict[str, Any] = {}
    checks = raw.get("check")
    if isinstance(checks, list):
        out["check"] = [getattr(c, "line", base) - base for c in checks]
    options = raw.get("options")
    if isinstance(options, list):
        out["options"] = [getattr(o, "line", base) - base for o in options]
    code = raw.get("code")
    if isinstance(code, LineDict):
        out["code"] = code.line - base
    return out


def _semantic_problems(
    item: schema.Trap | schema.Choice | schema.Fill | schema.Generated,
    raw: LineDict,
    generators: Mapping[str, Any] | None,
) -> list[tuple[str, int]]:
    """Problems the schema alone cannot see: answer ranges, blank markers, generator names."""
    problems: list[tuple[str, int]] = []
    line = raw.line

    def at(key: str) -> int:
        return raw.key_lines.get(key, line)

    if isinstance(item, schema.Choice):
        nums = [item.answer] if isinstance(item.answer, int) else item.answer
        if not nums:
            problems.append(("answer: at least one correct option is needed", at("answer")))
        for n in nums:
            if not 1 <= n <= len(item.options):
                problems.append(
                    (f"answer: option {n} out of range 1–{len(item.options)}", at("answer"))
                )
        if len(set(nums)) != len(nums):
            problems.append(("answer: an option is listed twice", at("answer")))
        texts = [o.text for o in item.options]
        if len(set(texts)) != len(texts):
            problems.append(("options: two options have the same text", at("options")))
        if item.code is not None and item.code.template.count(CODE_BLANK) != 1:
            problems.append(
                (f"code.template: must contain exactly one {CODE_BLANK} blank", at("code"))
            )
    elif isinstance(item, schema.Fill):
        marks = list(dict.fromkeys(int(m) for m in BLANK_MARK.findall(item.prompt)))
        expected = list(range(1, len(item.blanks) + 1))
        if marks != expected:
            problems.append(
                (
                    f"prompt: blanks must be marked {''.join(f'【{n}】' for n in expected)} "
                    f"in order (found {''.join(f'【{n}】' for n in marks) or 'none'})",
                    at("prompt"),
                )
            )
    elif isinstance(item, schema.Generated) and generators is not None:
        gen = generators.get(item.generator)
        if gen is None:
            problems.append((f"generator: unknown generator {item.generator!r}", at("generator")))
        else:
            known = set(getattr(gen, "ranges", {}))
            for name in item.params:
                if name not in known:
                    problems.append(
                        (
                            f"params.{name}: {item.generator} has no parameter {name!r} "
                            f"(known: {', '.join(sorted(known)) or 'none'})",
                            at("params"),
                        )
                    )
    if "$" in item.prompt or "\\frac" in item.prompt or "\\times" in item.prompt:
        problems.append(("prompt: write math in Unicode, not LaTeX", at("prompt")))
    return problems
