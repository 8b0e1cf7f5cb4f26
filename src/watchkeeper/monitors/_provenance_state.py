"""What the provenance monitor keeps of one session, and what it asks of it.

The user's task and its values, the origin of every value seen (the task, trusted output,
untrusted output), the recent untrusted outputs with their instruction-like segments, and
the outputs of lookups an injection directed: a call is judged against all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from watchkeeper.monitors._provenance_asked import argument_words, asked_verb
from watchkeeper.monitors._provenance_delegated import Delegation
from watchkeeper.monitors._provenance_injection import Injection
from watchkeeper.monitors._provenance_match import (
    amounts_of,
    host_words,
    is_amount,
    lines_of,
    mostly_in,
    only_whole,
    outermost,
    whole_count,
    written_apart,
)
from watchkeeper.monitors._provenance_memo import Analysis

__all__ = ["TRUSTED", "UNTRUSTED", "State"]

UNTRUSTED = "untrusted"
TRUSTED = "trusted"
#: How long a segment of an instruction must be to be recognised when another output
#: repeats it.
_MIN_ECHO = 24
#: How many outputs of directed lookups are kept.
_MAX_DERIVED = 8
_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def _as_is(text: str) -> str:
    return text


@dataclass(slots=True)
class State:
    """What the monitor keeps of one session: the task, where each value came from, the
    untrusted outputs seen, the outputs of lookups an injection directed, and the text the
    task points to for what to do."""

    task_text: str
    task_values: set[str]
    origins: dict[str, str]
    outputs: list[tuple[str, Analysis]]
    last_tool: str | None = None
    #: Trusted outputs seen before any untrusted one, in order, not yet analysed: until an
    #: untrusted output arrives no call can be flagged (see `__call__`), so most coding
    #: sessions never need their values.
    waiting: list[Any] = field(default_factory=list)
    #: `seen_outside_injections` answers by value, with the number of outputs they hold for.
    outside: dict[str, tuple[int, bool]] = field(default_factory=dict)
    #: The id of the output whose strong injection directed the call awaiting its result.
    directed: str | None = None
    #: Outputs of lookups a strong injection directed, with the id of the output that held
    #: it, most recent last.
    derived: list[tuple[str, Analysis]] = field(default_factory=list)
    #: The text the task points to for what to do (`_provenance_delegated`), the ids of the
    #: outputs that are that text, and the arguments of the last call, which say what its
    #: output is (the ticket's number).
    delegation: Delegation | None = None
    pointed: set[str] = field(default_factory=set)
    last_call: str = ""
    #: Whether the task asks for information only, and the task text that was worked out
    #: for (the task grows when the user writes again).
    read_only: bool = False
    read_only_of: str | None = None
    #: The arguments of the call being judged, with their words (`argument_words`) and the
    #: sensitive actions the task does not ask for (`asked_verb`), each worked out once.
    call_args: Any = None
    call_words: list[str] = field(default_factory=list)
    call_unasked: tuple[str, tuple[str, ...]] | None = None

    def arguments(self, args: Any) -> list[str]:
        """`argument_words(args)` of the call being judged (see `start_call`)."""
        if self.call_args is not args:
            self.call_args = args
            self.call_words = argument_words(args)
            self.call_unasked = None
        return self.call_words

    def unasked(self, tool: str, args: Any) -> tuple[str, ...]:
        """`asked_verb` of a call of `tool` with `args` against the task: the sensitive
        actions of the call being judged that the task does not ask for."""
        arguments = self.arguments(args)
        found = self.call_unasked
        if found is None or found[0] != tool:
            found = self.call_unasked = (tool, asked_verb(tool, self.task_text, arguments))
        return found[1]

    def start_call(self) -> None:
        """Forget what was worked out for the call judged before."""
        self.call_args = None
        self.call_words = []
        self.call_unasked = None

    def derive(self, source_id: str, output: Analysis) -> None:
        """Remember that `output` answers a lookup directed by the injection in `source_id`."""
        self.derived.append((source_id, output))
        if len(self.derived) > _MAX_DERIVED:
            del self.derived[:-_MAX_DERIVED]

    def seen_outside_injections(self, value: str) -> bool:
        """Whether an untrusted output holds `value` outside its instruction-like segments and
        its requests, or a trusted output gave it first: a value a request asks to be sent to
        is not data listed beside it. Kept per value until another untrusted output arrives."""
        known = self.outside.get(value)
        if known is not None and known[0] == len(self.outputs):
            return known[1]
        # A host counts inside the addresses and links that hold it: the domain of an
        # attendee's address listed outside the injection is the task's too.
        count = host_words if _HOST.fullmatch(value) else whole_count
        # An amount counts however the output writes it (`27450.00` for a call's `27450`).
        written = amounts_of if is_amount(value) else _as_is
        found = self.origins.get(value) == TRUSTED or any(
            count(value, written(output.lower))
            > sum(
                count(value, written(segment)) for segment in self._instructions_in(output, value)
            )
            for _, output in self.outputs
            if value in output.lower or (written is amounts_of and value in written(output.lower))
        )
        self.outside[value] = (len(self.outputs), found)
        return found

    def _instructions_in(self, output: Analysis, value: str) -> set[str]:
        """The instruction-like segments and requests of `output`, and those of other outputs
        it repeats word for word (a decoder's or translator's output, the same email read
        twice): a value in them is still the instruction's."""
        segments = lines_of(output.injections)
        for _, other in self.outputs:
            if other is not output:
                echoed = (line.strip() for line in lines_of(other.injections))
                segments |= {
                    segment
                    for segment in echoed
                    if len(segment) >= _MIN_ECHO and value in segment and segment in output.lower
                }
        return outermost(segments)

    def injections(self, needles: set[str] | None) -> Iterator[tuple[str, Injection]]:
        """Yield the injections of untrusted outputs containing any of `needles` (None: all).

        Outputs are analysed lazily, only once a later call uses something they contain.
        """
        # The needles that may be in an output other than as written, worked out once: the
        # others are looked for by a plain substring test only.
        spread = () if needles is None else [n for n in needles if not only_whole(n)]
        for event_id, output in self.outputs:
            if output.clean:
                # Nothing to yield, whatever it contains.
                continue
            if needles is not None:
                lower = output.lower
                if not any(n in lower for n in needles) and not any(
                    written_apart(n, lower) or mostly_in(n, lower) for n in spread
                ):
                    continue
            for injection in output.injections:
                yield event_id, injection
