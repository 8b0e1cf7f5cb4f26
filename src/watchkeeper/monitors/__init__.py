"""Monitors: callables that score each step of a session, and the loop that runs them."""

from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.monitors._runner import run_monitors

__all__ = ["Finding", "Monitor", "SessionView", "Step", "run_monitors"]
