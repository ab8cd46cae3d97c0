"""YAML for files a trainer writes (or a stranger sends): bounded, plain and line-aware.

PyYAML's safe loader runs no code, but it still trusts a file's shape: nested aliases
("billion laughs") expand a 500-byte file into gigabytes as soon as anything walks
the values, deep nesting ends in a RecursionError, and YAML 1.1 reads ``no`` as False,
``010`` as 8 and ``2025-02-30`` as a date that crashes. :func:`compose` reads with

* limits: nesting depth, number of aliases, and nodes after expanding every alias
  (counted before any value is built), each refused as one line with file and line;
* plain values: only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``
  stay the words typed), whole numbers are decimal, dates stay text for the loader to
  check, and explicit tags (``!!python/...``, ``!!timestamp``) are refused;
* keys that are names: a key such as ``~``, ``1`` or ``[a, b]`` is refused where typed;

and returns, beside the values, each key path's line and each scalar's typed text, so
that a message can quote what the trainer wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kit.workshop.errors import WorkshopError

KeyPath = tuple[str | int, ...]

MAX_DEPTH = 12
"""Deepest nesting of lists and mappings (a workshop file needs 4: notebooks, story,
results, a month)."""
MAX_ALIASES = 50
"""Most ``*alias`` references in one file."""
MAX_NODES = 10_000
"""Most values (keys, items, texts and numbers) once every alias is expanded; the
default workshop has about 40."""

LONGEST_NUMBER = 30
"""Digits beyond which a whole number stays text (int() would refuse 4,300 digits)."""

YAML_TAG = "tag:yaml.org,2002:"
STR = f"{YAML_TAG}str"


class _RefusedError(Exception):
    """A limit or rule broken while composing: where, and why."""

    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class PlainLoader(yaml.SafeLoader):
    """A safe loader with YAML 1.2's plain values and limits on depth and aliases."""

    yaml_implicit_resolvers: dict = {}  # replaced below: only the plain resolvers

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = 0
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:  # noqa: D102
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _RefusedError(
                    event.start_mark,
                    f"more than {MAX_ALIASES} aliases (*name); write the values out",
                )
        elif event.tag not in (None, "!"):
            raise _RefusedError(
                event.start_mark,
                f"the YAML tag '{event.tag.replace(YAML_TAG, '!!')}' is not allowed; "
                "write the value plainly",
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _RefusedError(event.start_mark, f"more than {MAX_NODES:,} values in one file")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _RefusedError(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:  # noqa: D102
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as error:
            if isinstance(error, WorkshopError):
                raise
            typed = node.value if isinstance(node, yaml.ScalarNode) else ""
            raise _RefusedError(
                node.start_mark, f"the value '{_shorten(typed)}' cannot be read: {error}"
            ) from None


def _decimal(loader: PlainLoader, node: yaml.ScalarNode) -> int | str:
    typed = loader.construct_scalar(node)
    if len(typed) > LONGEST_NUMBER:
        return typed  # no count has 30 digits: the schema refuses the text as typed
    return int(typed)  # "010" is ten, as typed, not YAML 1.1's octal eight


def _float(loader: PlainLoader, node: yaml.ScalarNode) -> float:
    return float(loader.construct_scalar(node))


for _tag, _pattern, _first in (
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|[-+]?[0-9]+[eE][-+]?[0-9]+$",
        "-+.0123456789",
    ),
    ("null", r"(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    PlainLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )
PlainLoader.add_constructor("tag:yaml.org,2002:int", _decimal)
PlainLoader.add_constructor("tag:yaml.org,2002:float", _float)


@dataclass
class Composed:
    """A parsed file: its values, and where and how each was typed.

    Parameters
    ----------
    data : object
        The values (None for an empty file).
    lines : dict
        Key path (``("notebooks", "nocure", "results", 2)``) -> 1-based line.
    typed : dict
        Key path -> the scalar's text as typed (``"no"``, ``"2.50"``, ``""``).
    """

    data: Any = None
    lines: dict[KeyPath, int] = field(default_factory=dict)
    typed: dict[KeyPath, str] = field(default_factory=dict)


def compose(path: Path, text: str) -> Composed:
    """Parse ``text`` (the contents of ``path``) within the limits above.

    Raises
    ------
    WorkshopError
        One line naming ``path``, the line (and column) and the problem: a syntax
        error, a limit, a tag, a key that is not a name, a key given twice, or a
        value that cannot be read.
    """
    loader = None
    try:
        loader = PlainLoader(text)  # the reader refuses control characters right here
        node = loader.get_single_node()
        if node is None:
            return Composed()
        _check_expansion(node)
        composed = Composed()
        _map(path, node, (), composed)
        composed.data = loader.construct_document(node)
        return composed
    except _RefusedError as refused:
        raise _at(path, refused.mark, refused.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(str(p) for p in (error.context, error.problem) if p)
        raise _at(path, mark, f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise WorkshopError(
            path, line, f"the character U+{error.character:04X} is not allowed in a YAML file"
        ) from None
    except yaml.YAMLError as error:
        raise WorkshopError(path, None, f"YAML syntax error: {error}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _at(path: Path, mark: yaml.Mark | None, message: str) -> WorkshopError:
    if mark is None:
        return WorkshopError(path, None, message)
    return WorkshopError(path, mark.line + 1, message, column=mark.column + 1)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a graph that, with every alias followed, is too big, too deep or endless.

    The walk goes down at most ``MAX_DEPTH`` levels (it refuses on the way down), and
    each node is expanded once: the sizes of shared nodes are remembered.
    """
    seen: dict[int, tuple[int, int]] = {}  # id(node) -> (values, height) once expanded
    open_: set[int] = set()

    def expand(node: yaml.Node, level: int) -> tuple[int, int]:
        key = id(node)
        if key in open_:
            raise _RefusedError(node.start_mark, "an alias refers to the value that contains it")
        if key not in seen:
            if level > MAX_DEPTH:
                raise _RefusedError(node.start_mark, f"aliases nest deeper than {MAX_DEPTH} levels")
            open_.add(key)
            sizes = [expand(child, level + 1) for child in _children(node)]
            open_.discard(key)
            seen[key] = (
                1 + sum(size for size, _ in sizes),
                1 + max((height for _, height in sizes), default=0),
            )
        values, height = seen[key]
        if level + height - 1 > MAX_DEPTH:
            raise _RefusedError(node.start_mark, f"aliases nest deeper than {MAX_DEPTH} levels")
        if values > MAX_NODES:
            raise _RefusedError(
                node.start_mark,
                f"aliases expand to more than {MAX_NODES:,} values; write the values out",
            )
        return values, height

    expand(root, 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _map(path: Path, node: yaml.Node, key_path: KeyPath, composed: Composed) -> None:
    """Record lines and typed texts; refuse keys that are not names or are repeated."""
    if isinstance(node, yaml.ScalarNode):
        composed.typed[key_path] = node.value
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = _key_name(path, key_node, key_path)
            if key in seen:
                raise WorkshopError(
                    path, line, f"key '{key}' is given twice (also on line {seen[key]})"
                )
            seen[key] = line
            composed.lines[(*key_path, key)] = line
            _map(path, value_node, (*key_path, key), composed)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            composed.lines[(*key_path, index)] = item.start_mark.line + 1
            _map(path, item, (*key_path, index), composed)


def _key_name(path: Path, key_node: yaml.Node, key_path: KeyPath) -> str:
    if isinstance(key_node, yaml.ScalarNode) and key_node.tag == STR and key_node.value:
        return key_node.value
    section = ".".join(str(part) for part in key_path) or "the file"
    if not isinstance(key_node, yaml.ScalarNode):
        shown = "a list or mapping"
    else:
        shown = f"'{_shorten(key_node.value)}'" if key_node.value else "an empty key"
    raise _at(
        path,
        key_node.start_mark,
        f"{shown} is not a key name in {section}; keys are words such as title or target",
    )


def _shorten(text: str, longest: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= longest else text[: longest - 3] + "..."
