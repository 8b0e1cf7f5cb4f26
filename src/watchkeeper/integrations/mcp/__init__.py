"""The MCP gateway: decide every `tools/call`, record results, pin tool definitions."""

from watchkeeper.integrations._decider import Decider
from watchkeeper.integrations.mcp._guard import GuardSettings, McpGuard, mcp_tool_name
from watchkeeper.integrations.mcp._http import mcp_http_app
from watchkeeper.integrations.mcp._messages import Message, MessageError, parse_message
from watchkeeper.integrations.mcp._open import PINS_FILE, REVIEW_WAIT, GuardFactory, open_guards
from watchkeeper.integrations.mcp._pins import PinChange, PinStore, definition_hash
from watchkeeper.integrations.mcp._stdio import run_stdio_proxy, serve_stdio

__all__ = [
    "PINS_FILE",
    "REVIEW_WAIT",
    "Decider",
    "GuardFactory",
    "GuardSettings",
    "McpGuard",
    "Message",
    "MessageError",
    "PinChange",
    "PinStore",
    "definition_hash",
    "mcp_http_app",
    "mcp_tool_name",
    "open_guards",
    "parse_message",
    "run_stdio_proxy",
    "serve_stdio",
]
