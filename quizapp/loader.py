"""Validating bank files: the path :func:`quizapp.bank.load_bank` takes when its cache has no
answer (a first start, or after the bank, the code or a library changed).

Every YAML file is read by :mod:`quizapp.bankyaml` (safe, bounded, with the line of each mapping);
each item is validated on its own against :mod:`quizapp.schema` (one bad item never hides the
others) and every problem is reported as ``path:line: id: message`` in a single pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizapp import placement, schema
from quizapp.bankdata import Bank, BankError
from quizapp.bankfiles import TooLarge, check_bank_size, list_bank, syllabus_path
from quizapp.bankyaml import BadValue, LineDict, bad_values, read_yaml, yaml_error_line
from quizapp.items import CODE_BLANK, Topic
from quizapp.safetext import visible
from quizapp.syllabus import Syllabus, syllabus_from

BLANK_MARK = re.compile(r"【(\d+)】")
TRIAL_SEEDS = range(5)
"""Seeds a generated item's narrowed ranges must each give a problem for (``validate``)."""


def read_bank(
    directories: list[Path],
    topics_path: Path,
    generators: Mapping[str, Any] | None,
    cache_dir: Path | None,
    *,
    generate: bool = False,
) -> Bank:
    """Every valid item of ``directories``, with an error for each problem found.

    With ``generate``, a generated item's narrowed ranges must also give a problem for each of
    :data:`TRIAL_SEEDS` (this imports NumPy and the generator's family: ``validate`` does it, a
    start does not)."""
    topics, errors = load_topics(topics_path, cache_dir)
    syllabus, syllabus_errors = load_syllabus(syllabus_path(topics_path), cache_dir)
    errors += syllabus_errors
    if syllabus is not None:
        errors += placement.topic_problems(topics_path, topics, syllabus, cache_dir)
    bank = Bank(topics=topics, items={}, errors=errors, syllabus=syllabus)
    for directory in directories:
        if not directory.is_dir():
            bank.errors.append(BankError(directory, 1, "-", "bank directory not found"))
            continue
        listing = list_bank(directory)
        for link in listing.outside:
            bank.errors.append(
                BankError(link, 1, "-", "symlink to outside the bank directory: not followed")
            )
        home = directory if syllabus is not None and directory == topics_path.parent else None
        try:
            check_bank_size(listing)
        except TooLarge as exc:
            bank.errors.append(BankError(directory, 1, "-", str(exc)))
            continue
        for path in listing.files:
            _load_file(bank, path, generators, cache_dir, generate, home)
    return bank


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


# --- validation ------------------------------------------------------------------------------------


def _read_model(path: Path, model: type, what: str, cache_dir: Path | None) -> tuple[Any, list]:
    """A whole file validated against one schema model: (the model, []) or (None, errors)."""
    try:
        data = read_yaml(path, cache_dir)
    except OSError as exc:
        return None, [BankError(path, 1, "-", f"cannot read {what} file: {exc.strerror}")]
    except (TooLarge, yaml.YAMLError) as exc:
        return None, [_file_error(path, exc)]
    bad = [BankError(path, v.line, "-", _bad(where, v)) for where, v in bad_values(data)]
    if bad:
        return None, bad
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [
            BankError(path, _line_of(data, err["loc"], 1), "-", _message(err))
            for err in exc.errors()
        ]


def load_topics(
    path: Path, cache_dir: Path | None = None
) -> tuple[dict[str, Topic], list[BankError]]:
    parsed, errors = _read_model(path, schema.TopicsFile, "topics", cache_dir)
    if parsed is None:
        return {}, errors
    return {t.id: schema.to_topic(t) for t in parsed.topics}, []


def load_syllabus(
    path: Path, cache_dir: Path | None = None
) -> tuple[Syllabus | None, list[BankError]]:
    """The syllabus beside topics.yaml; (None, []) when the bank has none (a test bank)."""
    if not path.exists():
        return None, []
    parsed, errors = _read_model(path, schema.SyllabusFile, "syllabus", cache_dir)
    if parsed is None:
        return None, errors
    return syllabus_from(parsed.model_dump()), []


def _message(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p in _KIND_TAGS))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "missing field"
    return f"{loc}: {msg}" if loc else msg


_KIND_TAGS = {"trap", "choice", "fill", "generated"}


def _file_error(path: Path, exc: TooLarge | yaml.YAMLError) -> BankError:
    if isinstance(exc, TooLarge):
        return BankError(path, 1, "-", str(exc))
    line, problem = yaml_error_line(exc)
    return BankError(path, line, "-", f"YAML error: {problem}")


def _bad(where: str, value: BadValue) -> str:
    return f"{visible(where, newlines=False)}: {value.message}" if where else value.message


def _load_file(
    bank: Bank,
    path: Path,
    generators: Mapping[str, Any] | None,
    cache_dir: Path | None,
    generate: bool = False,
    home: Path | None = None,
) -> None:
    try:
        data = read_yaml(path, cache_dir)
    except OSError as exc:
        bank.errors.append(BankError(path, 1, "-", f"cannot read file: {exc.strerror}"))
        return
    except (TooLarge, yaml.YAMLError) as exc:
        bank.errors.append(_file_error(path, exc))
        return
    if data is None:
        return
    if isinstance(data, LineDict) and isinstance(data.get("items"), BadValue):
        bank.errors.append(BankError(path, data["items"].line, "-", _bad("items", data["items"])))
        return
    if not isinstance(data, LineDict) or not isinstance(data.get("items"), list):
        bank.errors.append(
            BankError(path, 1, "-", "a bank file is a mapping with an `items:` list")
        )
        return
    extra = set(data) - {"items"}
    for key in sorted(extra, key=str):
        shown = key.message if isinstance(key, BadValue) else visible(str(key), newlines=False)
        bank.errors.append(BankError(path, data.key_lines[key], "-", f"{shown}: unknown key"))
    for raw in data["items"]:
        _load_item(bank, path, raw, generators, generate, home)


def _load_item(
    bank: Bank,
    path: Path,
    raw: Any,
    generators: Mapping[str, Any] | None,
    generate: bool = False,
    home: Path | None = None,
) -> None:
    """Validate one item into ``bank``; ``home`` is the directory of the bank's syllabus, whose
    files must sit in the folder of their topic's syllabus area."""
    line = getattr(raw, "line", 1)
    item_id = raw.get("id") if isinstance(raw, dict) else None
    item_id = visible(item_id, newlines=False) if isinstance(item_id, str) else "?"
    errors = bank.errors

    def err(message: str, at: int | None = None) -> None:
        errors.append(BankError(path, at or line, item_id, message))

    if isinstance(raw, BadValue):
        err(raw.message, raw.line)
        return
    if not isinstance(raw, LineDict):
        err("an item must be a mapping")
        return
    bad = list(bad_values(raw))
    for where, value in bad:
        err(_bad(where, value), value.line)
    if bad:
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
    for problem, at in _semantic_problems(item, raw, generators, generate):
        err(problem, at)
        ok = False
    topic = bank.topics.get(item.topic)
    if bank.syllabus is not None and topic is not None and (topic.syllabus or topic.advanced):
        for problem, key in placement.item_problems(item, topic, bank.syllabus):
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
    generate: bool = False,
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
            problems.extend(_params_problems(item, raw, gen, generate))
    if "$" in item.prompt or "\\frac" in item.prompt or "\\times" in item.prompt:
        problems.append(("prompt: write math in Unicode, not LaTeX", at("prompt")))
    return problems


def _params_problems(
    item: schema.Generated, raw: LineDict, gen: Any, generate: bool
) -> list[tuple[str, int]]:
    """A generated item's ``params`` must name the generator's parameters and narrow its default
    ranges (never widen them: the generator is only known to work inside those); with
    ``generate``, they must also give a problem for every trial seed."""
    params = raw.get("params")
    lines = params.key_lines if isinstance(params, LineDict) else {}
    default_line = raw.key_lines.get("params", raw.line)
    defaults = getattr(gen, "ranges", {})
    problems: list[tuple[str, int]] = []
    for name, spec in item.params.items():
        at = lines.get(name, default_line)
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            problem = f"{item.generator} has no parameter {name!r} (known: {known})"
        else:
            problem = _outside(spec, defaults[name])
        if problem:
            shown = visible(str(name), newlines=False)
            problems.append((f"params.{shown}: {problem}", at))
    if problems or not generate or not item.params:
        return problems
    for seed in TRIAL_SEEDS:
        try:
            gen.generate(seed, item.params)
        except Exception as exc:  # whatever the generator raises is what validate reports
            reason = visible(f"{type(exc).__name__}: {exc}", newlines=False)[:300]
            message = (
                f"params: no problem can be generated within these ranges (seed {seed}: {reason})"
            )
            return [(message, default_line)]
    return problems


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _outside(spec: Any, default: Any) -> str | None:
    """Why the range ``spec`` is not a narrowing of ``default`` (None when it is). A list's
    values must be among the default's values (or within its {min, max}, integers if it is);
    a {min, max} must lie within the default's, or list only default values."""
    if isinstance(default, Mapping):
        lo, hi = default["min"], default["max"]
        whole = isinstance(lo, int) and isinstance(hi, int)
        allowed = f"{'integers ' if whole else ''}within {lo}–{hi}"

        def fits(value: Any) -> bool:
            return _number(value) and lo <= value <= hi and (not whole or isinstance(value, int))
    else:
        allowed = "one of " + ", ".join(map(str, default))

        def fits(value: Any) -> bool:
            return any(
                value == d
                and isinstance(value, bool) == isinstance(d, bool)
                and isinstance(value, str) == isinstance(d, str)
                for d in default
            )

    if isinstance(spec, Mapping):
        if set(spec) != {"min", "max"}:
            return "a range is a list of values or {min, max}"
        lo_, hi_ = spec["min"], spec["max"]
        if not (_number(lo_) and _number(hi_) and lo_ <= hi_):
            return "{min, max} needs numbers with min ≤ max"
        if isinstance(default, Mapping):
            ok = fits(lo_) and fits(hi_)
        else:
            span = hi_ - lo_ + 1 if isinstance(lo_, int) and isinstance(hi_, int) else 0
            ok = 0 < span <= len(default) and all(fits(v) for v in range(lo_, hi_ + 1))
        return (
            None
            if ok
            else f"{{min: {lo_}, max: {hi_}}} is not within the generator's range ({allowed})"
        )
    if isinstance(spec, str) or not isinstance(spec, list):
        return "a range is a list of values or {min, max}"
    if not spec:
        return "an empty list leaves nothing to draw"
    wrong = [v for v in spec if not fits(v)]
    if wrong:
        shown = visible(", ".join(repr(v)[:40] for v in wrong[:5]), newlines=False)
        return f"{shown} outside the generator's range ({allowed})"
    return None
