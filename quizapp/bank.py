"""The question bank: its YAML schema (pydantic models) and the loader.

The loader reads every YAML file of a bank directory with a safe loader that remembers the line of
each mapping, validates each item on its own (one bad item never hides the others) and reports every
problem as ``path:line: id: message`` in a single pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
BLANK_MARK = re.compile(r"【(\d+)】")
CODE_BLANK = "____"

DEFAULT_SECONDS = {"trap": 20, "choice": 45, "fill": 40, "generated": 90}


class _Model(BaseModel):
    # defer_build: the validators are built on the first validation, which a start with a warm
    # bank cache never needs (see load_bank)
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, defer_build=True
    )


class Source(_Model):
    doc: str
    """File name of the seed note the facts come from."""
    section: str
    """Heading in that note, copied exactly (without the leading # marks)."""


class Check(_Model):
    """A number stated by a hand-written item, recomputed with a solvers function."""

    fn: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    """``module.function`` inside the solvers package, e.g. ``conv.output_size``."""
    args: dict[str, Any] = {}
    """Keyword arguments; lists become float64 arrays."""
    expect: float | list[Any]
    """Expected value (a list for tuple or array results)."""
    pick: int | None = None
    """Index of the element to compare when the function returns a tuple."""
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9


class Option(_Model):
    text: str = Field(min_length=1)
    """What the learner sees (for a code item: the line substituted for ____)."""
    rationale: str = Field(min_length=1)
    """Why it is right, or for a wrong option what it actually describes."""


class CodeSpec(_Model):
    """An E資格 コード穴埋め: each option is substituted for ____ and run against solvers."""

    template: str
    entry: str
    """Name of the function the template defines."""
    reference: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    """``module.function`` in solvers that the keyed option must agree with."""
    cases: list[list[Any]] = Field(min_length=1)
    """Positional argument lists; lists become float64 arrays."""


class Blank(_Model):
    answers: list[str] | None = Field(default=None, min_length=1)
    """Every accepted spelling: Japanese, English, abbreviation."""
    number: float | None = None
    """For a numeric blank: the value (backed by a ``check:``)."""
    rel_tol: float = 0.0
    abs_tol: float = 1e-9

    @model_validator(mode="after")
    def _one_form(self) -> Blank:
        if (self.answers is None) == (self.number is None):
            raise ValueError("a blank needs either `answers` or `number`")
        return self


class _ItemBase(_Model):
    id: str = Field(pattern=SLUG)
    """Stable slug, unique across the bank; never reused once retired."""
    exams: list[Literal["G", "E"]] = Field(min_length=1)
    topic: str
    """A topic id from questionbank/topics.yaml."""
    tags: list[str] = []
    difficulty: Literal[1, 2, 3]
    prompt: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    source: Source
    check: list[Check] = []
    seconds: int | None = Field(default=None, gt=0)
    """Expected answer time; a right but much slower answer is graded Hard."""

    @property
    def expected_seconds(self) -> int:
        return self.seconds or DEFAULT_SECONDS[self.kind]  # type: ignore[attr-defined]


class Trap(_ItemBase):
    kind: Literal["trap"]
    truth: bool
    """Whether the ○× statement in ``prompt`` is true."""
    confused_with: str = Field(min_length=1)
    """What the statement is commonly mixed up with."""


class Choice(_ItemBase):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=6)
    answer: int | list[int]
    """1-based number(s) of the correct option(s)."""
    code: CodeSpec | None = None

    @property
    def correct(self) -> frozenset[int]:
        """0-based indexes of the correct options."""
        nums = [self.answer] if isinstance(self.answer, int) else self.answer
        return frozenset(n - 1 for n in nums)


class Fill(_ItemBase):
    kind: Literal["fill"]
    blanks: list[Blank] = Field(min_length=1)


class Generated(_ItemBase):
    kind: Literal["generated"]
    generator: str
    """Registry name of a solvers generator."""
    params: dict[str, Any] = {}
    """Ranges narrowing the generator's defaults: a list of values or {min, max}."""


Item = Annotated[Trap | Choice | Fill | Generated, Field(discriminator="kind")]
_ITEM = TypeAdapter(Item, config=ConfigDict(defer_build=True))


class BankFile(_Model):
    """The schema of one topic file (used for ``quizapp schema``)."""

    items: list[Item]


class Topic(_Model):
    id: str = Field(pattern=SLUG)
    title: str
    area: str
    """G検定 syllabus area."""
    seeds: list[str] = []


class TopicsFile(_Model):
    topics: list[Topic] = Field(min_length=1)


@dataclass(frozen=True)
class BankError:
    path: Path
    line: int
    item_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.item_id}: {self.message}"


class BankLoadError(Exception):
    """Raised by :func:`load_bank` when ``strict``; carries every error found."""

    def __init__(self, errors: list[BankError]) -> None:
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass
class Bank:
    topics: dict[str, Topic]
    items: dict[str, Trap | Choice | Fill | Generated]
    locations: dict[str, tuple[Path, int]] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)
    raw_lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per item: line offsets of its check entries, options and code block (for error reports)."""

    def by_topic(self, topic: str) -> list[Trap | Choice | Fill | Generated]:
        return [item for item in self.items.values() if item.topic == topic]

    def summary(self) -> str:
        """One line: item counts by kind and the number of topics covered."""
        kinds = Counter(item.kind for item in self.items.values())
        topics = {item.topic for item in self.items.values()}
        parts = ", ".join(f"{k} {kinds[k]}" for k in ("trap", "choice", "fill", "generated"))
        return f"{len(self.items)} items ({parts}) in {len(topics)}/{len(self.topics)} topics"


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
    _write_cache(entry, text)
    return data


# --- parse cache ------------------------------------------------------------------------------

CACHE_FORMAT = 1
"""Bump when LineDict or the encoding below changes: old entries are then never read."""
_NODE = "\u0000"


def _cache_entry(cache_dir: Path, path: Path, raw: bytes) -> Path:
    """``<hash of the path>-<hash of format, PyYAML version and content>.json``."""
    where = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    what = hashlib.sha256(f"{CACHE_FORMAT}:{yaml.__version__}:".encode() + raw).hexdigest()
    return cache_dir / f"{where}-{what[:32]}.json"


def _write_cache(entry: Path, text: str) -> None:
    """Atomically replace the file's entry and drop its older versions; failures are ignored
    (a read-only cache directory only costs speed)."""
    prefix = entry.name.split("-", 1)[0]
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        for old in entry.parent.glob(f"{prefix}-*.json"):
            if old != entry:
                old.unlink(missing_ok=True)
        tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, entry)
    except OSError:
        pass


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


# --- loading ------------------------------------------------------------------------------------


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
        parsed = TopicsFile.model_validate(data)
    except ValidationError as exc:
        return {}, [
            BankError(path, _line_of(data, err["loc"], 1), "-", _message(err))
            for err in exc.errors()
        ]
    return {t.id: t for t in parsed.topics}, []


def _message(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p in _KIND_TAGS))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "missing field"
    return f"{loc}: {msg}" if loc else msg


_KIND_TAGS = {"trap", "choice", "fill", "generated"}


def bank_files(directory: Path) -> list[Path]:
    """The item files of a bank directory (every *.yaml except topics.yaml), sorted."""
    return sorted(p for p in directory.rglob("*.yaml") if p.name != "topics.yaml" and p.is_file())


def load_bank(
    directories: Iterable[Path],
    *,
    topics_path: Path | None = None,
    generators: Mapping[str, Any] | None = None,
    run_checks: bool = False,
    strict: bool = False,
    cache_dir: Path | None = None,
) -> Bank:
    """Load and validate the bank from one or more directories.

    Args:
        directories: the shipped bank first, then user banks.
        topics_path: topics.yaml; defaults to the first directory's.
        generators: the solvers generator registry used to check ``generated`` items
            (None skips that check).
        run_checks: also recompute every ``check:`` and run every code option (imports solvers).
        strict: raise :class:`BankLoadError` when anything is wrong.
        cache_dir: keep parsed files there (see :func:`read_yaml`) and, without ``run_checks``,
            the validated bank (see :func:`_bank_key`); None parses and validates every file.
    """
    directories = [Path(d) for d in directories]
    topics_path = topics_path or directories[0] / "topics.yaml"
    entry = None
    if cache_dir is not None and not run_checks:
        entry = _bank_entry(cache_dir, directories, topics_path, generators)
        cached = _read_bank(entry) if entry is not None else None
        if cached is not None:
            if strict and cached.errors:
                raise BankLoadError(cached.errors)
            return cached
    topics, errors = load_topics(topics_path, cache_dir)
    bank = Bank(topics=topics, items={}, errors=errors)
    for directory in directories:
        if not directory.is_dir():
            bank.errors.append(BankError(directory, 1, "-", "bank directory not found"))
            continue
        for path in bank_files(directory):
            _load_file(bank, path, generators, cache_dir)
    if run_checks:
        from quizapp import checks

        for item_id, item in bank.items.items():
            path, line = bank.locations[item_id]
            bank.errors.extend(
                BankError(path, line + offset, item_id, msg)
                for offset, msg in checks.run_item_checks(item, bank.raw_lines.get(item_id, {}))
            )
    bank.errors.sort(key=lambda e: (str(e.path), e.line))
    if entry is not None:
        _write_bank(entry, bank)
    if strict and bank.errors:
        raise BankLoadError(bank.errors)
    return bank


def _load_file(
    bank: Bank, path: Path, generators: Mapping[str, Any] | None, cache_dir: Path | None
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
        _load_item(bank, path, raw, generators)


def _load_item(bank: Bank, path: Path, raw: Any, generators: Mapping[str, Any] | None) -> None:
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
        item = _ITEM.validate_python(raw)
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
    if ok:
        bank.items[item.id] = item
        bank.locations[item.id] = (path, line)
        bank.raw_lines[item.id] = _check_lines(raw)


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
    item: Trap | Choice | Fill | Generated, raw: LineDict, generators: Mapping[str, Any] | None
) -> list[tuple[str, int]]:
    """Problems the schema alone cannot see: answer ranges, blank markers, generator names."""
    problems: list[tuple[str, int]] = []
    line = raw.line

    def at(key: str) -> int:
        return raw.key_lines.get(key, line)

    if isinstance(item, Choice):
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
    elif isinstance(item, Fill):
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
    elif isinstance(item, Generated) and generators is not None:
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


# --- validated bank cache ----------------------------------------------------------------------
#
# Validating the bank means building pydantic's validators for every model, a fifth of the app's
# start-up; on a start with the same files, code and generators the result is the same. So the
# validated bank is kept as JSON and rebuilt with ``model_construct`` (pydantic's constructor for
# already validated data), which needs no validator.

_MODELS = {m.__name__: m for m in (Source, Check, Option, CodeSpec, Blank, Trap, Choice, Fill)}
_MODELS |= {m.__name__: m for m in (Generated, Topic)}
_MODEL_TAG = "\u0000model"


def _bank_entry(
    cache_dir: Path,
    directories: list[Path],
    topics_path: Path,
    generators: Mapping[str, Any] | None,
) -> Path | None:
    """``bank<hash of the paths>-<hash of everything the result depends on>.json``: every file's
    path and content, the generators' names and parameters, this module's source and the pydantic
    and PyYAML versions. None when a file cannot be read (the loader then reports it)."""
    where = hashlib.sha256(repr([str(topics_path), *map(str, directories)]).encode())
    what = hashlib.sha256(f"{CACHE_FORMAT}:{pydantic.VERSION}:{yaml.__version__}".encode())
    gens = (
        None if generators is None else sorted((n, sorted(g.ranges)) for n, g in generators.items())
    )
    what.update(repr(gens).encode())
    try:
        what.update(Path(__file__).read_bytes())
        for path in [topics_path, *(p for d in directories if d.is_dir() for p in bank_files(d))]:
            what.update(f"\0{path}\0".encode())
            what.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return cache_dir / f"bank{where.hexdigest()[:16]}-{what.hexdigest()[:32]}.json"


def _read_bank(entry: Path) -> Bank | None:
    """The cached bank, or None when the entry is missing or damaged."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        return Bank(
            topics={t.id: t for t in map(_rebuild, data["topics"])},
            items={i.id: i for i in map(_rebuild, data["items"])},
            locations={k: (Path(p), line) for k, (p, line) in data["locations"].items()},
            errors=[BankError(Path(p), line, i, m) for p, line, i, m in data["errors"]],
            raw_lines=data["raw_lines"],
        )
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None


def _write_bank(entry: Path, bank: Bank) -> None:
    """Keep ``bank`` (unless it holds values JSON cannot, such as dates in ``args``)."""
    try:
        text = json.dumps(
            {
                "topics": [_flatten(t) for t in bank.topics.values()],
                "items": [_flatten(i) for i in bank.items.values()],
                "locations": {k: [str(p), line] for k, (p, line) in bank.locations.items()},
                "errors": [[str(e.path), e.line, e.item_id, e.message] for e in bank.errors],
                "raw_lines": bank.raw_lines,
            },
            ensure_ascii=False,
        )
    except TypeError:
        return
    _write_cache(entry, text)


def _flatten(value: Any) -> Any:
    """A validated value as JSON: a model becomes {tag: [class, fields set, fields]}."""
    if isinstance(value, _Model):
        fields = {k: _flatten(v) for k, v in value.__dict__.items()}
        return {_MODEL_TAG: [type(value).__name__, sorted(value.model_fields_set), fields]}
    if isinstance(value, list):
        return [_flatten(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) and k != _MODEL_TAG for k in value):
            raise TypeError("mapping keys JSON cannot keep")
        return {k: _flatten(v) for k, v in value.items()}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"not cacheable: {type(value).__name__}")


def _rebuild(value: Any) -> Any:
    if isinstance(value, dict):
        if _MODEL_TAG in value:
            name, fields_set, fields = value[_MODEL_TAG]
            values = {k: _rebuild(v) for k, v in fields.items()}
            return _MODELS[name].model_construct(set(fields_set), **values)
        return {k: _rebuild(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebuild(v) for v in value]
    return value


def json_schema() -> dict[str, Any]:
    """JSON Schema of a bank file, for editor completion (``quizapp schema``)."""
    schema = BankFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "quizapp question bank file"
    return schema
