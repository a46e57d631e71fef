"""One bank YAML file, read safely: bounded, with line numbers, bad values marked, parse cache.

A bank is data from anyone, so reading one must end quickly with a message, whatever it holds:

* a file that is not UTF-8, or holds a character YAML refuses, is an error at its line;
* a document nesting deeper than :data:`MAX_DEPTH`, or expanding (through aliases: the "billion
  laughs") to more than :data:`MAX_NODES` values, is refused before anything is built from it;
* a value YAML cannot build (``2024-02-30``, ``!!int abc``, a 5000-digit number, an unknown tag)
  or a key given twice in one mapping becomes a :class:`BadValue` carrying its line, which the
  loader reports against the item it sits in; the other items of the file still load.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quizapp.bankdata import CACHE_FORMAT
from quizapp.bankfiles import read_bank_file
from quizapp.files import write_cache_entry
from quizapp.safetext import visible

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]

MAX_NODES = 200_000
"""Values (scalars, lists, mappings, each alias counted as a copy) one file may expand to: the
largest shipped file has about a thousand."""
MAX_DEPTH = 64
"""Nesting depth one file may reach: an item is about six levels deep."""

_YAML_TAG = "tag:yaml.org,2002:"
_KINDS = {
    _YAML_TAG + "timestamp": "date",
    _YAML_TAG + "int": "integer",
    _YAML_TAG + "float": "number",
}
_NOT_YAML_TEXT = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""What the YAML reader refuses (PyYAML's ``Reader.NON_PRINTABLE``)."""


class LineDict(dict):
    """A mapping from YAML that remembers its own line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")


@dataclass(frozen=True, eq=False)
class BadValue:
    """Stands where YAML held a value that cannot be built; the loader reports it."""

    line: int
    message: str


class BankYAMLError(yaml.MarkedYAMLError):
    """A file refused as a whole because it is not UTF-8 or holds a character YAML refuses."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        mark = yaml.Mark(str(path), 0, line - 1, 0, None, None)
        super().__init__(problem=problem, problem_mark=mark)


def bad_values(data: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[str, BadValue]]:
    """Every :class:`BadValue` in a parsed tree (keys included) with its dotted location."""
    if isinstance(data, BadValue):
        yield ".".join(map(str, where)), data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, BadValue):
                yield ".".join(map(str, where)), key
            else:
                yield from bad_values(value, (*where, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from bad_values(value, (*where, n))


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_bounds(node)
        # deep: every value is built inside construct_object, where a failure becomes a BadValue
        data = self.construct_object(node, deep=True)
        self.constructed_objects = {}
        self.recursive_objects = {}
        return data

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            return self.constructed_objects[node]
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, ValueError, TypeError, LookupError, AttributeError) as exc:
            self.recursive_objects.pop(node, None)
            bad = BadValue(node.start_mark.line + 1, self._why(node, exc))
            self.constructed_objects[node] = bad
            return bad

    def _why(self, node: yaml.Node, exc: Exception) -> str:
        """What is wrong with a value YAML could not build, in the words of a bank author."""
        tag = node.tag or ""
        kind = _KINDS.get(tag, tag.removeprefix(_YAML_TAG))
        problem = str(getattr(exc, "problem", None) or exc)
        if "could not determine a constructor" in problem:
            return f"unsafe or unknown YAML tag refused: {visible(tag, newlines=False)}"
        if not isinstance(node, yaml.ScalarNode):
            return f"not a valid {kind}: {visible(problem, newlines=False)}"
        text = node.value if len(node.value) <= 40 else node.value[:40] + "…"
        shown = visible(repr(text), newlines=False)
        if "digits" in problem:
            return f"{shown} has too many digits"
        reason = f" ({problem})" if isinstance(exc, ValueError) and kind == "date" else ""
        plain = not node.style  # None from PyYAML's parser, "" from libyaml's
        implicit = plain and self.resolve(yaml.ScalarNode, node.value, (True, False)) == tag
        hint = "; quote it to keep it as text" if implicit else ""
        return f"{shown} is not a valid {kind}{reason}{hint}"


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    own = {id(key) for key, _ in node.value}
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    first_own: dict[Any, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = loader.construct_object(key_node, deep=True)
        value = loader.construct_object(value_node, deep=True)
        try:
            hash(key)
        except TypeError:
            kind = "mapping" if isinstance(key, dict) else type(key).__name__
            key = BadValue(line, f"a key must be a plain value, not a {kind}")
        if id(key_node) in own and not isinstance(key, BadValue):
            if key in first_own:
                shown = visible(repr(key)[:60], newlines=False)
                value = BadValue(line, f"duplicate key {shown} (first at line {first_own[key]})")
            else:
                first_own[key] = line
        result[key] = value
        result.key_lines[key] = line
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_bounds(root: yaml.Node) -> None:
    """Refuse a document that nests too deep, expands to too many values or contains itself.

    An alias is the node it names, so a node's expanded size is computed once and reused: the
    walk costs the document's size, not its expansion's.
    """
    done: dict[int, tuple[int, int]] = {}  # id(node) → (expanded values, depth)
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = [done[id(kid)] for kid in _children(node)]
            size = 1 + sum(s for s, _ in kids)
            depth = 1 + max((d for _, d in kids), default=0)
            if size > MAX_NODES:
                raise _limit(node, f"expands to more than {MAX_NODES:,} values (aliases?)")
            if depth > MAX_DEPTH:
                raise _limit(node, f"nested more than {MAX_DEPTH} levels deep")
            active.discard(key)
            done[key] = (size, depth)
        elif key in active:
            raise _limit(node, "an alias refers to a mapping or list that contains it")
        elif key not in done:
            active.add(key)
            stack.append((node, True))
            stack.extend((kid, False) for kid in _children(node) if id(kid) not in done)


def _limit(node: yaml.Node, problem: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=f"refused: {problem}", problem_mark=node.start_mark)


def _parse(path: Path, raw: bytes) -> Any:
    """The parsed tree of ``raw``. Raises yaml.YAMLError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BankYAMLError(
            path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded)"
        ) from None
    refused = _NOT_YAML_TEXT.search(text)
    if refused is not None:
        line = text.count("\n", 0, refused.start()) + 1
        char = visible(refused.group(), newlines=False)
        raise BankYAMLError(
            path, line, f"character {char} is not allowed (write it as an escape in double quotes)"
        )
    return yaml.load(raw, Loader=_LineLoader)


def read_yaml(path: Path, cache_dir: Path | None = None) -> Any:
    """Parse one YAML file safely, keeping line numbers.

    Raises:
        OSError: the file cannot be read.
        quizapp.bankfiles.TooLarge: the file is over :data:`quizapp.bankfiles.MAX_FILE_BYTES`.
        yaml.YAMLError: the file is not YAML, or is refused (see the module's docstring).

    With ``cache_dir``, the parsed tree is also kept there as JSON keyed by the file's bytes:
    parsing the shipped bank's YAML is most of the app's start-up, reading the JSON a tenth of
    it. A missing, stale or damaged entry is simply parsed again."""
    raw = read_bank_file(path)
    if cache_dir is None:
        return _parse(path, raw)
    entry = _cache_entry(cache_dir, path, raw)
    try:
        return _decode(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    data = _parse(path, raw)
    try:
        text = json.dumps(_encode(data), ensure_ascii=False)
    except TypeError:  # dates, sets, binary, bad values: valid YAML or not, not worth caching
        return data
    write_cache_entry(entry, text)
    return data


def yaml_error_line(exc: yaml.YAMLError) -> tuple[int, str]:
    """The line (1-based; 1 when unknown) and the problem a YAML error names."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    problem = getattr(exc, "problem", None) or str(exc)
    if "python/" in str(problem) or "could not determine a constructor" in str(problem):
        problem = f"unsafe or unknown YAML tag refused: {problem}"
    return line, visible(str(problem), newlines=False)


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
