"""A tool's output as the integrity checks read it: text, and an exit code when it has one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["output_text"]


def output_text(output: Any) -> tuple[str, int | None]:
    """A tool's output as text, and the exit code it reports, if any.

    Strings are kept; mappings give their text fields (`stdout`, `stderr`, `output`,
    `content`, `error`) and an integer exit code (`exit_code`, `exitCode`, `returncode`,
    `code`); lists are joined item by item.
    """
    if isinstance(output, str):
        return output, None
    if isinstance(output, Mapping):
        parts = [
            str(output[key])
            for key in ("stdout", "stderr", "output", "content", "error")
            if isinstance(output.get(key), str)
        ]
        code = next(
            (
                output[key]
                for key in ("exit_code", "exitCode", "returncode", "code")
                if isinstance(output.get(key), int) and not isinstance(output.get(key), bool)
            ),
            None,
        )
        return "\n".join(parts), code
    if isinstance(output, list):
        return "\n".join(output_text(item)[0] for item in output), None
    return "" if output is None else str(output), None
