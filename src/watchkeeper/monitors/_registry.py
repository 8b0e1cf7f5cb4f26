"""Finding monitors by name: the `watchkeeper.monitors` entry-point group.

Built-in monitors register there exactly as third-party plugins do, so the registry has no
list of its own: a distribution that declares
``[project.entry-points."watchkeeper.monitors"] my-monitor = "pkg.mod:factory"`` is found.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from typing import Any, TypeVar

from watchkeeper.monitors._config import MonitorsConfig, MonitorSettings
from watchkeeper.monitors._protocol import Monitor

__all__ = [
    "ENTRY_POINT_GROUP",
    "MonitorLoadError",
    "available_monitors",
    "build_monitor",
    "build_monitors",
    "default_monitors_config",
    "opt_in",
]

#: The entry-point group monitors register in.
ENTRY_POINT_GROUP = "watchkeeper.monitors"
_OPT_IN = "watchkeeper_opt_in"
_F = TypeVar("_F", bound=Callable[..., Any])


def opt_in(factory: _F) -> _F:
    """Mark a monitor factory as opt-in: it runs only where `monitors.yaml` names it.

    For monitors that repeat another's work or need tuning to a site before they alert
    (the learned scorers re-run the rule monitors they weigh). Plugins may use it too.
    """
    setattr(factory, _OPT_IN, True)
    return factory


class MonitorLoadError(Exception):
    """A configured monitor cannot be found, imported or built; fix its name or settings."""


def available_monitors() -> dict[str, EntryPoint]:
    """Return every registered monitor factory by name (not imported yet)."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def build_monitor(name: str, **config: Any) -> Monitor:
    """Import the factory registered as `name`, call it with `config` and return the monitor.

    Raises `MonitorLoadError` (one line) when the name is unknown, the import fails, the
    factory rejects its settings or returns something that is not a `Monitor`.
    """
    return _build(name, config, available_monitors())


def _build(name: str, config: dict[str, Any], registered: dict[str, EntryPoint]) -> Monitor:
    entry = registered.get(name)
    if entry is None:
        known = ", ".join(sorted(registered)) or "none"
        raise MonitorLoadError(
            f"monitor `{name}` is not registered (known: {known}); check its name or install it"
        )
    try:
        factory = entry.load()
    except Exception as exc:
        raise MonitorLoadError(
            f"monitor `{name}` ({entry.value}) failed to import: {type(exc).__name__}: {exc}; "
            "fix or remove it"
        ) from exc
    try:
        monitor = factory(**config)
    except Exception as exc:
        raise MonitorLoadError(
            f"monitor `{name}` rejected its settings {sorted(config)}: "
            f"{type(exc).__name__}: {exc}; fix its `config` in monitors.yaml"
        ) from exc
    if not isinstance(monitor, Monitor):
        raise MonitorLoadError(
            f"monitor `{name}` factory returned `{type(monitor).__name__}`, not a monitor; "
            "it must return a callable with a `name`"
        )
    return monitor


def build_monitors(config: MonitorsConfig) -> list[Monitor]:
    """Build every enabled monitor of `config`, in order; the first failure raises."""
    enabled = config.enabled()
    if not enabled:
        return []
    registered = available_monitors()
    return [_build(name, s.config, registered) for name, s in enabled.items()]


def default_monitors_config() -> MonitorsConfig:
    """Return the default configuration: every registered monitor that builds with defaults.

    A registered monitor whose module is missing or broken is left out of the default (it
    is not configured, so it is not an error); naming it in `monitors.yaml` is. So is one
    whose factory is marked `opt_in`.
    """
    settings: dict[str, MonitorSettings] = {}
    registered = available_monitors()
    for name in sorted(registered):
        try:
            if getattr(registered[name].load(), _OPT_IN, False):
                continue
            _build(name, {}, registered)
        except Exception:  # noqa: BLE001, S112 - a broken plugin is left out of the default, as documented; naming it in monitors.yaml reports why
            continue
        settings[name] = MonitorSettings()
    return MonitorsConfig(monitors=settings)
