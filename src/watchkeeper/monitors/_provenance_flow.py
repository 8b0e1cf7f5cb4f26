"""Values of a call seen only in untrusted output, and what makes such a flow worse.

A call using an address, a link or an account that only text written by others gave is
worth a look, no more. It is more telling when the value's domain passes for a known one,
when it is the destination of a sensitive action the task did not ask for, or when it
replaces the destination the task gave. Values of a request the task pointed to (see
`_provenance_delegated`) are the user's: their flow stays a look, whatever else holds.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from watchkeeper.monitors._provenance_delegated import does_as_asked
from watchkeeper.monitors._provenance_destinations import DESTINATION, substituted
from watchkeeper.monitors._provenance_lookalike import cousin_of, domain_of
from watchkeeper.monitors._provenance_state import UNTRUSTED, State

__all__ = ["LOOKALIKE", "SUBSTITUTED", "UNASKED", "Flow", "untrusted_flow"]

#: What makes a flow worse: a domain passing for a known one, a destination of a sensitive
#: action the task did not ask for, a destination in place of the task's.
LOOKALIKE = "lookalike"
UNASKED = "unasked"
SUBSTITUTED = "substituted"


@dataclass(frozen=True, slots=True)
class Flow:
    """A call's values seen only in untrusted output, what makes their flow worse (none of
    `LOOKALIKE`, `UNASKED`, `SUBSTITUTED` for a plain one), and why, in words."""

    values: tuple[str, ...]
    marks: tuple[str, ...]
    explanation: str


def untrusted_flow(
    state: State,
    tool: str,
    args: Any,
    *,
    acts: bool,
    scoped: bool,
    values: Collection[str],
    novel: Collection[str],
    handed: Collection[str] = (),
) -> Flow | None:
    """Return the flow of a call of `tool` with `args` and side-effect `values`, of which
    `novel` are not the task's (None when no value came only from untrusted output). Only a
    call that `acts` is marked, and only one of a function tool (`scoped`, not a shell
    command or a file write) as an action the task did not ask for. `handed` values are
    those of the request the task pointed to."""
    outside = sorted(v for v in novel if state.origins.get(v) == UNTRUSTED)
    if not outside:
        return None
    what = f"`{tool}` uses {show(outside)} seen only in untrusted tool output"
    rest = [v for v in outside if v not in handed]
    if not rest or _pointed(state, tool, args, rest):
        return Flow(tuple(outside), (), what + ", from the request the task pointed to")
    if not acts:
        return Flow(tuple(outside), (), what)
    marks: list[str] = []
    cousin = _cousin(state, rest)
    if cousin is not None:
        what += f", a domain passing for `{cousin}`"
        marks.append(LOOKALIKE)
    unasked = state.unasked(tool, args) if scoped else ()
    if unasked and any(DESTINATION.search(v) for v in rest):
        # Money, access or credentials sent where only text written by others says, in a
        # task that did not ask for such an action at all.
        what += f", for an action the task did not ask for ({unasked[0]})"
        marks.append(UNASKED)
    replaced = substituted(state.task_values, values, rest)
    if replaced is not None:
        # The task said where to send or pay; the call goes where the data said instead.
        what += f", instead of the {replaced} the task gave"
        marks.append(SUBSTITUTED)
    return Flow(tuple(outside), tuple(marks), what)


def show(values: Sequence[str]) -> str:
    """The first three of `values` in backticks, and how many more there are."""
    shown = ", ".join(f"`{v}`" for v in values[:3])
    return shown + (f" and {len(values) - 3} more" if len(values) > 3 else "")


def _cousin(state: State, values: Sequence[str]) -> str | None:
    """The domain the task or an output gave that the domain of one of `values` passes for
    (see `_provenance_lookalike`); None when none does."""
    known = [d for v in (*state.task_values, *state.origins) if (d := domain_of(v))]
    for value in values:
        domain = domain_of(value)
        cousin = None if domain is None else cousin_of(domain, known)
        if cousin is not None:
            return cousin
    return None


def _pointed(state: State, tool: str, args: Any, values: Sequence[str]) -> bool:
    """Whether every one of `values` is in an output the task pointed to that asks for what
    the call does."""
    pointed = state.delegation
    if pointed is None or not state.pointed:
        return False
    rest = set(values)
    for event_id, output in state.outputs:
        if (
            event_id in state.pointed
            and any(v in output.lower for v in rest)
            and does_as_asked(pointed, state.task_text, tool, args, output.lower)
        ):
            rest = {v for v in rest if v not in output.lower}
            if not rest:
                return True
    return False
