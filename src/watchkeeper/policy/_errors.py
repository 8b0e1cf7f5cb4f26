"""The one failure a policy author can act on: a policy file that does not load."""

from __future__ import annotations

__all__ = ["PolicyError"]


class PolicyError(ValueError):
    """A policy file (or a pack it includes) is invalid.

    The message starts with ``file:line:`` so an editor can jump to the offending line.
    """
