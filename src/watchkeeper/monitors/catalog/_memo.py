"""Results of the detectors' pure checks, kept for inputs seen again.

Many detector checks are pure functions of one command or one string (the regexes run over
a shell line, the verdict on a single command). Agents repeat themselves, and the
normaliser's parse cache hands out the very same `Command` objects for a repeated line, so
these results are looked up rather than recomputed. Only pure functions of immutable inputs
go through a `Memo`: a cached answer is always the answer the function would give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from watchkeeper.normalize import Command

__all__ = ["Memo"]

T = TypeVar("T")

_MISSING: Any = object()
#: Strings longer than this are not kept (a cache holding a few long scripts would be large).
_MAX_KEPT_CHARS = 8192
#: The characters of kept strings (or of kept commands' source text), over all entries, that
#: empty a cache.
_MAX_TOTAL_CHARS = 1 << 23


class Memo:
    """Bounded caches of pure results: strings keyed by value, commands by identity.

    A command is kept beside its result, so its `id` cannot be reused by another object
    while the entry lives. Each cache is emptied when it reaches `size` entries or when the
    strings it keeps (commands: their source text) reach 8M characters in all. Shared by
    every session of one monitor; safe under threads: a race at worst computes a result
    twice.
    """

    __slots__ = ("_chars", "_command_chars", "_commands", "_kept", "_size", "_texts")

    def __init__(self, size: int = 32768) -> None:
        self._size = size
        self._chars = 0
        self._kept = 0
        self._command_chars = 0
        # One map per function: a lookup hashes the (cached) string hash only, no key tuple
        # is built (this is called several times per step by every detector).
        self._texts: dict[Callable[[str], Any], dict[str, Any]] = {}
        self._commands: dict[tuple[Callable[[Command], Any], int], tuple[Command, Any]] = {}

    def text(self, fn: Callable[[str], T], text: str) -> T:
        """Return ``fn(text)``, computed once per distinct `text` while kept."""
        kept = self._texts.get(fn)
        if kept is not None:
            found = kept.get(text, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[no-any-return] # stored from fn, so a T
        value = fn(text)
        if len(text) <= _MAX_KEPT_CHARS:
            if self._kept >= self._size or self._chars >= _MAX_TOTAL_CHARS:
                self._texts.clear()
                self._kept = 0
                self._chars = 0
                kept = None
            if kept is None:
                kept = self._texts[fn] = {}
            kept[text] = value
            self._kept += 1
            self._chars += len(text)
        return value

    def command(self, fn: Callable[[Command], T], command: Command) -> T:
        """Return ``fn(command)``, computed once per `command` object while kept."""
        key = (fn, id(command))
        entry = self._commands.get(key)
        if entry is not None and entry[0] is command:
            return entry[1]  # type: ignore[no-any-return] # stored from fn, so a T
        value = fn(command)
        if len(self._commands) >= self._size or self._command_chars >= _MAX_TOTAL_CHARS:
            self._commands.clear()
            self._command_chars = 0
        self._commands[key] = (command, value)
        self._command_chars += len(command.text)
        return value
