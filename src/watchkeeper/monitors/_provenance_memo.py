"""What the provenance monitor learns from a text, worked out once per distinct text.

Tasks, tool outputs and arguments repeat a great deal across sessions (the same file read,
the same search results, the same task given to many runs), and the analysis of a text
depends on nothing but the text. `TextMemo` keeps the analyses of recent texts so a repeat
costs one dictionary lookup; it is bounded by the total length of the texts it holds and
starts afresh when full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from watchkeeper.monitors._provenance_decode import with_decoded
from watchkeeper.monitors._provenance_delegated import Delegation, delegation_of
from watchkeeper.monitors._provenance_injection import Injection, find_injections
from watchkeeper.monitors._provenance_values import extract_values, flatten_output

__all__ = ["MAX_INJECTIONS", "Analysis", "TextMemo"]

#: How many of an output's strongest instruction-like segments are kept.
MAX_INJECTIONS = 4


@dataclass(slots=True)
class Analysis:
    """One text with its side-effect values; its lower-case form, its injections and, for a
    task, the source it points to are worked out on first use (most outputs are never
    searched for injections, and only tasks are read for a source)."""

    text: str
    values: frozenset[str]
    _lower: str | None = None
    _injections: tuple[Injection, ...] | None = None
    _delegation: Delegation | None = None
    _delegation_read: bool = False

    @property
    def lower(self) -> str:
        """The text in lower case."""
        found = self._lower
        if found is None:
            found = self._lower = self.text.lower()
        return found

    @property
    def injections(self) -> tuple[Injection, ...]:
        """The strongest instruction-like segments of the text (at most `MAX_INJECTIONS`)."""
        found = self._injections
        if found is None:
            found = self._injections = tuple(find_injections(self.text)[:MAX_INJECTIONS])
        return found

    @property
    def clean(self) -> bool:
        """Whether the text is known to hold no instruction-like segment: its injections were
        worked out, and there are none (False until they are)."""
        return self._injections is not None and not self._injections

    @property
    def delegation(self) -> Delegation | None:
        """The source this text, read as a task, points to (see `delegation_of`)."""
        if not self._delegation_read:
            self._delegation = delegation_of(self.text)
            self._delegation_read = True
        return self._delegation


class TextMemo:
    """Analyses of recently seen texts, at most `max_chars` characters of text in all (and
    as many of the tool outputs they were read from, see `output`).

    Texts longer than `max_text` are analysed every time and not kept. Shared by every
    session of one monitor: an analysis depends only on its text, so sharing changes no
    result. Safe under threads: a race at worst analyses a text twice.
    """

    __slots__ = ("_chars", "_entries", "_max_chars", "_max_text", "_output_chars", "_outputs")

    def __init__(self, *, max_chars: int = 4_000_000, max_text: int = 65_536) -> None:
        self._entries: dict[str, Analysis] = {}
        self._chars = 0
        #: Tool outputs given as text, by whether they are untrusted, with the analyses their
        #: texts have in `_entries`: reading an output (parsing JSON, looking for encodings)
        #: costs far more than finding it here. Bounded by `max_chars` of its own.
        self._outputs: dict[tuple[str, bool], Analysis | None] = {}
        self._output_chars = 0
        self._max_chars = max_chars
        self._max_text = max_text

    def analyse(self, text: str) -> Analysis:
        """Return the analysis of `text`."""
        found = self._entries.get(text)
        if found is not None:
            return found
        found = Analysis(text, frozenset(extract_values(text)))
        if len(text) <= self._max_text:
            if self._chars + len(text) > self._max_chars:
                self._entries.clear()
                # An output's analysis is its text's: forgotten with it.
                self._outputs.clear()
                self._output_chars = 0
                self._chars = 0
            self._entries[text] = found
            self._chars += len(text)
        return found

    def output(self, output: Any, *, untrusted: bool) -> Analysis | None:
        """Return the analysis of a tool output as `flatten_output` reads it, with what its
        encodings hide written out (`with_decoded`) when it is `untrusted`; None when it has
        no text."""
        if type(output) is not str:
            return self._read(output, untrusted=untrusted)
        key = (output, untrusted)
        if key in self._outputs:
            return self._outputs[key]
        found = self._read(output, untrusted=untrusted)
        # Kept only while its text's analysis is kept, so an output gives the very analysis
        # its text gives (a text too long to keep is analysed afresh each time).
        if len(output) <= self._max_text and (
            found is None or self._entries.get(found.text) is found
        ):
            if self._output_chars + len(output) > self._max_chars:
                self._outputs.clear()
                self._output_chars = 0
            self._outputs[key] = found
            self._output_chars += len(output)
        return found

    def _read(self, output: Any, *, untrusted: bool) -> Analysis | None:
        text = flatten_output(output)
        if not text:
            return None
        return self.analyse(with_decoded(text) if untrusted else text)

    def values(self, text: str) -> frozenset[str]:
        """Return the side-effect values of `text`."""
        return self.analyse(text).values
