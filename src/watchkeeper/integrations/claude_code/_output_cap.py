"""The cap on how much of one tool output is kept in the ledger.

Claude Code's `tool_response` can be megabytes (a whole file for `Read`, `originalFile` for
`Edit`). Outputs whose compact JSON is larger than `OUTPUT_CAP_BYTES` are replaced by a
summary that keeps the original size and SHA-256, so the record stays verifiable against the
real output without storing it. Standard library only: the hook process uses it too.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` costs ~20 ms of start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any

__all__ = ["OUTPUT_CAP_BYTES", "cap_output", "is_capped"]

#: Largest tool output (compact JSON, UTF-8 bytes) recorded in full.
OUTPUT_CAP_BYTES = 64 * 1024

#: Characters of the output's JSON text kept as a preview when it is capped.
PREVIEW_CHARS = 4096

_MARK = "watchkeeper_truncated"


def is_capped(output: Any) -> bool:
    """Return whether `output` is already a summary made by `cap_output`."""
    return isinstance(output, dict) and output.get(_MARK) is True


def cap_output(output: Any, serialised: str, *, cap: int = OUTPUT_CAP_BYTES) -> Any:
    """Return `output` if `serialised` (its JSON text) fits in `cap` bytes, else a summary.

    The summary is ``{"watchkeeper_truncated": true, "original_bytes": n, "sha256": hex,
    "preview": first PREVIEW_CHARS characters of the JSON text}``.
    """
    data = serialised.encode("utf-8", "surrogatepass")
    if len(data) <= cap or is_capped(output):
        return output
    import hashlib

    return {
        _MARK: True,
        "original_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "preview": serialised[:PREVIEW_CHARS],
    }
