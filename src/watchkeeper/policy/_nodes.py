"""Read YAML as nodes so every error can name the line it comes from."""

from __future__ import annotations

from typing import Any

import yaml

from watchkeeper.policy._errors import PolicyError

__all__ = ["Where", "compose", "mapping", "plain", "scalar_str", "sequence", "string_list"]


# libyaml's loader is about 10x faster and keeps line marks; the pure-Python one is the fallback.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Where:
    """The file a node comes from, used to build ``file:line: message`` errors."""

    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, node: yaml.Node, message: str) -> PolicyError:
        """Return a `PolicyError` pointing at `node`."""
        return PolicyError(f"{self.source}:{node.start_mark.line + 1}: {message}")


def compose(text: str, where: Where) -> yaml.Node:
    """Parse `text` into a node tree; YAML syntax errors become `PolicyError`."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or "invalid yaml"
        raise PolicyError(
            f"{where.source}:{line}: the file is not valid yaml ({problem}); fix the syntax"
        ) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(
            f"{where.source}:1: the file is not valid yaml ({exc}); fix the syntax"
        ) from exc
    if node is None:
        raise PolicyError(f"{where.source}:1: the file is empty; write a policy mapping")
    return node


def mapping(node: yaml.Node, where: Where, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Return `{key: (key_node, value_node)}` of a mapping node, rejecting duplicate keys."""
    if not isinstance(node, yaml.MappingNode):
        raise where.error(node, f"{what} must be a mapping; write `key: value` lines")
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise where.error(key_node, f"{what} has a non-text key; use plain text keys")
        key = str(key_node.value)
        if key in out:
            raise where.error(key_node, f"{what} repeats the key `{key}`; keep one")
        out[key] = (key_node, value_node)
    return out


def sequence(node: yaml.Node, where: Where, what: str) -> list[yaml.Node]:
    """Return the items of a sequence node; a lone scalar counts as a one-item list."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode):
        return [node]
    raise where.error(node, f"{what} must be a list or a single value")


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
#: Deeper than this, `plain` leaves the node to PyYAML (which also handles alias cycles).
_MAX_DEPTH = 64


class _TooDeepError(Exception):
    """A node nests deeper than `_MAX_DEPTH` (or loops through an alias): PyYAML builds it."""


def plain(node: yaml.Node) -> Any:
    """Return the Python value of `node` (safe types only), as `yaml.safe_load` would.

    Text, lists and mappings with text keys (nearly all of a policy) are read directly: a
    pack has about a hundred match blocks, and PyYAML's constructor costs some 20 µs each.
    Any other scalar is built by PyYAML's safe constructor, and so is any other mapping or
    sequence (merge keys, sets, non-text keys), or a tree nested deeper than `_MAX_DEPTH`.
    """
    constructor = yaml.constructor.SafeConstructor()
    try:
        return _value(node, constructor, 0)
    except _TooDeepError:
        return yaml.constructor.SafeConstructor().construct_document(node)


def _value(node: yaml.Node, constructor: yaml.constructor.SafeConstructor, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise _TooDeepError
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
    elif isinstance(node, yaml.SequenceNode):
        if node.tag == _SEQ:
            return [_value(item, constructor, depth + 1) for item in node.value]
    elif (
        isinstance(node, yaml.MappingNode)
        and node.tag == _MAP
        and all(isinstance(k, yaml.ScalarNode) and k.tag == _STR for k, _ in node.value)
    ):
        return {k.value: _value(v, constructor, depth + 1) for k, v in node.value}
    return constructor.construct_object(node, deep=True)


def scalar_str(node: yaml.Node, where: Where, what: str) -> str:
    """Return a scalar node's text; anything but a non-empty string is an error."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        raise where.error(node, f"{what} must be text; quote it if it looks like a number")
    value = str(node.value)
    if not value:
        raise where.error(node, f"{what} is empty; give it a value")
    return value


def string_list(node: yaml.Node, where: Where, what: str) -> list[tuple[yaml.Node, str]]:
    """Return `(node, text)` for every item of a list of strings (or a single string)."""
    items = sequence(node, where, what)
    if not items:
        raise where.error(node, f"{what} is an empty list; give at least one value")
    return [(item, scalar_str(item, where, what)) for item in items]
