"""Tool pinning: the first definition of each MCP tool is remembered by hash.

A server that later serves a different description or schema for the same tool name (a
"rug pull": harmless when approved, hostile after) is caught when its `tools/list` answer
is compared with the pins. The hash covers what the model reads and what the tool accepts:
name, title, description, input and output schema, and annotations; `_meta` and icons are
left out because servers change them freely.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from watchkeeper.clock import utcnow
from watchkeeper.events import canonical_json
from watchkeeper.statefile import StateFile

__all__ = ["PIN_FIELDS", "PinChange", "PinStore", "definition_hash"]

PIN_FIELDS = ("name", "title", "description", "inputSchema", "outputSchema", "annotations")


def definition_hash(tool: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of the pinned fields of one tool definition."""
    pinned = {k: tool[k] for k in PIN_FIELDS if k in tool}
    return hashlib.sha256(canonical_json(pinned)).hexdigest()


@dataclass(frozen=True, slots=True)
class PinChange:
    """How one listed tool compares with its pin."""

    tool: str
    status: Literal["new", "same", "changed"]
    sha256: str
    pinned_sha256: str | None


class PinStore:
    """Pins per server in `<home>/mcp-pins.json`, shared by every proxy on the host."""

    def __init__(self, path: Path) -> None:
        self._file = StateFile(path)

    def check(self, server: str, tools: list[dict[str, Any]]) -> list[PinChange]:
        """Compare `tools` with the pins, pinning new tools.

        A changed tool keeps its old pin; the definition now served is kept beside it as
        `pending`, for a person to review and `accept`.
        """
        changes: list[PinChange] = []
        with self._file.update() as data:
            pins = data.setdefault(server, {})
            for tool in tools:
                name = tool.get("name")
                if not isinstance(name, str) or not name:
                    continue
                digest = definition_hash(tool)
                pin = pins.get(name)
                if pin is None:
                    pins[name] = _pin(tool, digest)
                    changes.append(PinChange(name, "new", digest, None))
                elif pin["sha256"] == digest:
                    pin.pop("pending", None)
                    changes.append(PinChange(name, "same", digest, digest))
                else:
                    pin["pending"] = _pin(tool, digest)
                    changes.append(PinChange(name, "changed", digest, pin["sha256"]))
        return changes

    def accept(self, server: str, tool: str) -> str:
        """Re-pin `tool` to its pending definition (after a person reviewed it); return its hash.

        Raises `LookupError` when the tool has no pending change.
        """
        with self._file.update() as data:
            pin = data.get(server, {}).get(tool)
            if pin is None or "pending" not in pin:
                raise LookupError(f"tool `{tool}` of MCP server `{server}` has no pending change")
            data[server][tool] = pin["pending"]
            return str(pin["pending"]["sha256"])

    def pins(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Return every pin: server → tool → {sha256, pinned_at, definition[, pending]}."""
        return self._file.read()


def _pin(tool: dict[str, Any], digest: str) -> dict[str, Any]:
    definition = {k: tool[k] for k in PIN_FIELDS if k in tool}
    return {"sha256": digest, "pinned_at": utcnow().isoformat(), "definition": definition}
