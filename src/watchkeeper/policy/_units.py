"""Split an action into the units an allow rule must cover."""

from __future__ import annotations

from dataclasses import replace

from watchkeeper.normalize import Action, Command

__all__ = ["units_of"]


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
        if (
            only.reads == action.reads
            and only.writes == action.writes
            and only.hosts == action.hosts
            and only.code == action.code
            and bool(only.detached) == bool(action.detached)
        ):
            return commands
    rest_reads = _leftover(action.reads, commands, "reads")
    rest_writes = _leftover(action.writes, commands, "writes")
    rest_hosts = _leftover(action.hosts, commands, "hosts")
    rest_code = tuple(x for x in action.code if not any(x in c.code for c in commands))
    rest_detached = () if any(c.detached for c in commands) else action.detached
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


def _leftover(
    aggregate: tuple[str, ...], commands: tuple[Command, ...], field: str
) -> tuple[str, ...]:
    """Return the items of an action-level field that no command carries."""
    if not aggregate:
        return ()
    seen = {item for c in commands for item in getattr(c, field)}
    return tuple(item for item in aggregate if item not in seen)
