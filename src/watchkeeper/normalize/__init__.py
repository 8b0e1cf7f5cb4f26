"""Raw hook / MCP / SDK payloads → one action model (shell parsed, paths resolved, hosts)."""

from watchkeeper.normalize._action import Action, CodeExec, Command

__all__ = ["Action", "CodeExec", "Command"]
