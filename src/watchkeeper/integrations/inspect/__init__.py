"""Inspect integration: the `watchkeeper/gateway` approver (registered via entry point)."""

from watchkeeper.integrations.inspect._approver import gateway

__all__ = ["gateway"]
