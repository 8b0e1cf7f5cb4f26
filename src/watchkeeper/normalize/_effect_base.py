"""Shared pieces of the per-command effect tables: the result type and option helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from watchkeeper.normalize._options import OptionSpec, Parsed

__all__ = ["Effects", "Handler", "files", "operands", "spec"]


@dataclass(slots=True)
class Effects:
    """Paths (as written) and hosts one command touches; `downloads` marks network fetchers."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    downloads: bool = False


Handler = Callable[[Sequence[str], Effects], None]


def spec(short: str = "", long: str = "") -> OptionSpec:
    """An option spec from the letters and space-separated long names that take a value."""
    return OptionSpec(short=short, long=frozenset(long.split()))


def operands(p: Parsed) -> list[str]:
    """The operand words of a parse, in order."""
    return [w for _, w in p.operands]


def files(words: list[str]) -> list[str]:
    """`words` without ``-`` (standard input or output)."""
    return [w for w in words if w != "-"]
