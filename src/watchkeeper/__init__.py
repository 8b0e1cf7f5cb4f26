"""watchkeeper: what agents are allowed to do, what they actually do, and who checks the difference.

The package is laid out as the flow of one tool call:
``normalize`` → ``policy`` → ``ledger`` → (``monitors`` → ``review`` → ``supervise``),
served by ``gateway`` and reached through ``integrations``.

This module stays import-free on purpose: the Claude Code hook imports it on every tool call.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
