"""Validating bank files: the path :func:`quizapp.bank.load_bank` takes when its cache has no
answer (a first start, or after the bank, the code or a library changed).

Every YAML file is read by :mod:`quizapp.bankyaml` (safe, bounded, with the line of each mapping);
each item is validated on its own against :mod:`quizapp.schema` (one bad item never hides the
others) and every problem is reported as ``path:line: id: message`` in a single pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizapp import placement, schema
from quizapp.bankdata import Bank, BankError
from quizapp.bankfiles import TooLarge, check_bank_size, list_bank, syllabus_path
from quizapp.bankyaml import BadValue, LineDict, bad_values, read_yaml, yaml_error_line
from quizapp.items import Topic
from quizapp.kinds import KINDS
from quizapp.safetext import visible
from quizapp.syllabus import Syllabus, syllabus_from


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
    :data:`~quizapp.kinds.generated.TRIAL_SEEDS` (this imports NumPy and the generator's family: ``validate`` does it, a
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
    loc = ".".join(str(p) for p in err["loc"])
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "missing field"
    return f"{loc}: {msg}" if loc else msg


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
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        err(f"kind: must be one of {', '.join(sorted(KINDS))}", raw.key_lines.get("kind"))
        return
    try:
        item = schema.item_model(kind).model_validate(raw)
    except ValidationError as exc:
        for e in exc.errors():
            err(_message(e), _line_of(raw, e["loc"], line))
        return

    for member, member_raw in KINDS[kind].members(item, raw):
        _add_item(bank, path, member, member_raw, generators, generate, home)


def _add_item(
    bank: Bank,
    path: Path,
    item: Any,
    raw: LineDict,
    generators: Mapping[str, Any] | None,
    generate: bool,
    home: Path | None,
) -> None:
    """Check one validated bank item (an item, or a linked set's part) and add it to ``bank``."""
    line = raw.line

    def err(message: str, at: int | None = None) -> None:
        bank.errors.append(BankError(path, at or line, item.id, message))

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
    item: schema.ItemBase,
    raw: LineDict,
    generators: Mapping[str, Any] | None,
    generate: bool = False,
) -> list[tuple[str, int]]:
    """Problems the schema alone cannot see: the item's kind's (answer ranges, blank markers,
    generator names and ranges), then math written in LaTeX."""
    line = raw.line

    def at(key: str) -> int:
        return raw.key_lines.get(key, line)

    kind = KINDS[item.kind]
    problems = kind.problems(item, raw, at, generators, generate)  # type: ignore[attr-defined]
    for key, text in (("prompt", item.prompt), ("stem", kind.context(item))):
        if "$" in text or "\\frac" in text or "\\times" in text:
            problems.append((f"{key}: write math in Unicode, not LaTeX", at(key)))
    return problems
