"""Split an action into the units an allow rule must cover."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from operator import attrgetter
from typing import TypeVar

from watchkeeper.normalize import Action, Command

__all__ = ["units_of"]

_T = TypeVar("_T", bound=Hashable)


def units_of(action: Action) -> tuple[Command | Action, ...]:
    """Return the units of `action`.

    A shell action's units are its simple commands, plus one whole-call unit holding any
    effect the normaliser attributed to the line but to no single command (a pipe into a
    shell, say). Any other action is one unit.
    """
    commands = action.commands
    if not commands:
        return (action,)
    if len(commands) == 1:
        only = commands[0]
        if (  # the normaliser shares its tuples, so `is` settles most of these
            (only.reads is action.reads or only.reads == action.reads)
            and (only.writes is action.writes or only.writes == action.writes)
            and (only.hosts is action.hosts or only.hosts == action.hosts)
            and (only.code is action.code or only.code == action.code)
            and (not only.detached) is (not action.detached)
        ):
            return commands
    rest_reads = _leftover(action.reads, commands, _READS)
    rest_writes = _leftover(action.writes, commands, _WRITES)
    rest_hosts = _leftover(action.hosts, commands, _HOSTS)
    rest_code = (
        tuple(x for x in action.code if not any(x in c.code for c in commands))
        if action.code
        else ()
    )
    rest_detached = action.detached
    for command in commands:
        if command.detached:
            rest_detached = ()
            break
    if not (rest_reads or rest_writes or rest_hosts or rest_code or rest_detached):
        return commands
    rest = replace(
        action,
        commands=(),
        reads=rest_reads,
        writes=rest_writes,
        hosts=rest_hosts,
        code=rest_code,
        detached=rest_detached,
    )
    return (*commands, rest)


_READS = attrgetter("reads")
_WRITES = attrgetter("writes")
_HOSTS = attrgetter("hosts")


def _leftover(
    aggregate: tuple[_T, ...],
    commands: tuple[Command, ...],
    field: Callable[[Command], tuple[_T, ...]],
) -> tuple[_T, ...]:
    """Return the items of an action-level field that no command carries."""
    if not aggregate:
        return ()
    seen: set[_T] = set().union(*map(field, commands))  # one call, the loop in C
    if seen.issuperset(aggregate):  # the usual case: every item came from some command
        return ()
    return tuple(item for item in aggregate if item not in seen)
