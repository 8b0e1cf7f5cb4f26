"""Tool outputs are kept as the Claude Code hook keeps them: whole up to a cap, else summarised."""

from __future__ import annotations

import json
from typing import Any

from watchkeeper.integrations.claude_code import cap_output

__all__ = ["capped_output"]


def capped_output(value: Any) -> Any:
    """Return `value`, or the size-and-digest summary `cap_output` makes when it is too large."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return cap_output(value, text)
