"""A command under construction while a shell line is walked, and small set helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from watchkeeper.normalize._action import CodeExec, Command

if TYPE_CHECKING:
    from watchkeeper.normalize._xargs import XargsUse

__all__ = ["Cmd", "base_name", "dedup", "merge", "short", "source_kind"]

_DETAIL_LIMIT = 200

_T = TypeVar("_T")


@dataclass(slots=True)
class Cmd:
    """A command under construction; `freeze` makes the public `Command`.

    `stdin` says whether it reads a program from standard input (``"shell"`` or
    ``"interpreter"``); `downloads`/`decodes` mark network fetchers and decoders, `literal`
    the text an ``echo``/``printf``/``cat <<EOF`` would print, `nested` the commands a
    carrier shell stands for, `xargs` how an ``xargs`` it runs under feeds it (its `stdin`
    is then ``"xargs"``).
    """

    argv: list[str]
    name: str
    text: str
    wrappers: tuple[str, ...] = ()
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    code: list[CodeExec] = field(default_factory=list)
    detached: bool = False
    stdin: str | None = None
    downloads: bool = False
    decodes: bool = False
    literal: str | None = None
    cat_files: list[str] = field(default_factory=list)
    nested: list[Cmd] | None = None
    xargs: XargsUse | None = None

    def freeze(self) -> Command:
        return Command(
            argv=tuple(self.argv),
            name=self.name,
            text=self.text,
            wrappers=self.wrappers,
            reads=dedup(self.reads),
            writes=dedup(self.writes),
            hosts=dedup(self.hosts),
            code=dedup(self.code),
            detached=self.detached,
        )


def dedup(items: list[_T]) -> tuple[_T, ...]:
    """`items` without repeats, first occurrence first."""
    if len(items) < 2:
        return tuple(items)
    return tuple(dict.fromkeys(items))


def merge(groups: list[tuple[_T, ...]]) -> tuple[_T, ...]:
    """The deduplicated concatenation of `groups`."""
    present = [g for g in groups if g]
    if not present:
        return ()
    if len(present) == 1:
        return present[0]
    return tuple(dict.fromkeys(x for g in present for x in g))


def source_kind(cmds: list[Cmd]) -> str | None:
    """The code kind of data produced by `cmds`: downloaded, decoded, or None."""
    if any(c.downloads for c in cmds):
        return "download-exec"
    if any(c.decodes for c in cmds):
        return "decode-exec"
    return None


def short(text: str) -> str:
    """`text` cut to the length a `CodeExec.detail` keeps."""
    return text if len(text) <= _DETAIL_LIMIT else text[:_DETAIL_LIMIT] + "…"


def base_name(word: str) -> str:
    """A command word's name: its last path segment (`/bin/rm` and `./rm` are `rm`)."""
    return word.rsplit("/", 1)[-1] if "/" in word.rstrip("/") else word
