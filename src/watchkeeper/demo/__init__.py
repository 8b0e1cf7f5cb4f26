"""`watchkeeper demo`: a bundled Claude Code session replayed through a real gateway."""

from watchkeeper.demo._gateway_process import GatewayProcess, GatewayStartError, watchkeeper_command
from watchkeeper.demo._replay import DemoStep, hook_argv, hook_env, load_session, replay
from watchkeeper.demo._run import DEFAULT_DEMO_PORT, run_demo

__all__ = [
    "DEFAULT_DEMO_PORT",
    "DemoStep",
    "GatewayProcess",
    "GatewayStartError",
    "hook_argv",
    "hook_env",
    "load_session",
    "replay",
    "run_demo",
    "watchkeeper_command",
]
