"""Claude Code integration: the hook process, the adapter, the transcript reader, the installer.

Attributes are imported on first use, not here: the hook process imports this package on
every Claude Code event and must not pay for pydantic or the gateway when it only forwards.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` costs ~20 ms of start-up; annotations are strings
if TYPE_CHECKING:
    from watchkeeper.integrations.claude_code._adapter import (
        ClaudeCodeAdapter,
        DecidingPipeline,
        HookReply,
    )
    from watchkeeper.integrations.claude_code._output_cap import OUTPUT_CAP_BYTES, cap_output
    from watchkeeper.integrations.claude_code._settings import (
        HOOK_EVENTS,
        SettingsChange,
        SettingsError,
        hook_command,
        install_hooks,
        uninstall_hooks,
    )
    from watchkeeper.integrations.claude_code._transcript import TranscriptReader
    from watchkeeper.integrations.claude_code.hook_entry import run_hook

__all__ = [
    "HOOK_EVENTS",
    "OUTPUT_CAP_BYTES",
    "ClaudeCodeAdapter",
    "DecidingPipeline",
    "HookReply",
    "SettingsChange",
    "SettingsError",
    "TranscriptReader",
    "cap_output",
    "hook_command",
    "install_hooks",
    "run_hook",
    "uninstall_hooks",
]

_WHERE = {
    "ClaudeCodeAdapter": "_adapter",
    "DecidingPipeline": "_adapter",
    "HookReply": "_adapter",
    "OUTPUT_CAP_BYTES": "_output_cap",
    "cap_output": "_output_cap",
    "HOOK_EVENTS": "_settings",
    "SettingsChange": "_settings",
    "SettingsError": "_settings",
    "hook_command": "_settings",
    "install_hooks": "_settings",
    "uninstall_hooks": "_settings",
    "TranscriptReader": "_transcript",
    "run_hook": "hook_entry",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
