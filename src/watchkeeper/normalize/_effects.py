"""What a known command reads, writes and contacts, inferred from its argv.

Paths come back as written (the caller resolves them); hosts come back lower-case. Unknown
commands touch nothing here: their URLs are still found by the caller, which scans every word.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchkeeper.normalize._build_files import BUILD_HANDLERS
from watchkeeper.normalize._effect_base import Effects, Handler, files, operands
from watchkeeper.normalize._file_effects import FILE_HANDLERS, READERS, WRITERS
from watchkeeper.normalize._net_effects import NET_HANDLERS
from watchkeeper.normalize._options import parse_options

__all__ = ["Effects", "command_effects"]

_HANDLERS: dict[str, Handler] = {**FILE_HANDLERS, **NET_HANDLERS, **BUILD_HANDLERS}


def command_effects(name: str, argv: Sequence[str]) -> Effects:
    """Return what the command `name` (argv[0]'s basename) reads, writes and contacts."""
    fx = Effects()
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(argv, fx)
        return fx
    reader = READERS.get(name)
    if reader is not None:
        if name != "tr":
            p = parse_options(argv, 1, reader)
            fx.reads.extend(files(operands(p)))
            fx.writes.extend(files(p.values("-o", "--output")))
        return fx
    writer = WRITERS.get(name)
    if writer is not None:
        fx.writes.extend(files(operands(parse_options(argv, 1, writer))))
    return fx
