"""The monitor registry: entry points, third-party plugins, and load errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.monitors._plugin import installed_plugin
from watchkeeper.events import ToolCall
from watchkeeper.monitors import (
    Monitor,
    MonitorLoadError,
    MonitorsConfig,
    MonitorSettings,
    SessionView,
    Step,
    available_monitors,
    build_monitor,
    build_monitors,
    default_monitors_config,
)


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[Path]:
    """A third-party distribution with monitor entry points, importable for this test."""
    with installed_plugin(tmp_path / "site") as root:
        yield root


def test_builtins_are_registered_as_entry_points() -> None:
    """The four built-in monitors are found through the same entry-point group as plugins."""
    assert {"rogue-precursors", "probing", "baseline", "provenance"} <= set(available_monitors())


@pytest.mark.usefixtures("plugin")
def test_third_party_plugin_is_built_with_its_config() -> None:
    """A plugin's factory is imported by name and called with the configured keywords."""
    monitor = build_monitor("keyword", word="scp", score=0.7)
    call = ToolCall(session_id="s", tool="Bash", args={"command": "scp a b:"})
    finding = monitor(SessionView("d", "s"), Step(0, call))
    assert isinstance(monitor, Monitor)
    assert finding is not None
    assert (finding.score, finding.explanation) == (0.7, "the command mentions scp")


def test_unknown_name_raises_one_line_error() -> None:
    """An unregistered name is a `MonitorLoadError` naming it on one line."""
    with pytest.raises(MonitorLoadError, match="`no-such-monitor` is not registered") as info:
        build_monitor("no-such-monitor")
    assert "\n" not in str(info.value)


@pytest.mark.usefixtures("plugin")
def test_missing_module_raises_load_error() -> None:
    """A plugin whose module cannot be imported is a `MonitorLoadError`, not an ImportError."""
    with pytest.raises(MonitorLoadError, match=r"`missing-module`.*failed to import"):
        build_monitor("missing-module")


@pytest.mark.usefixtures("plugin")
def test_rejected_settings_raise_load_error() -> None:
    """A factory that rejects its settings is a `MonitorLoadError` naming the monitor."""
    with pytest.raises(MonitorLoadError, match="`strict` rejected its settings"):
        build_monitor("strict", level=9)


@pytest.mark.usefixtures("plugin")
def test_factory_returning_non_monitor_raises_load_error() -> None:
    """A factory must return a `Monitor`; anything else is refused at load time."""
    with pytest.raises(MonitorLoadError, match="returned `int`, not a monitor"):
        build_monitor("not-a-monitor")


@pytest.mark.usefixtures("plugin")
def test_build_monitors_keeps_order_and_skips_disabled() -> None:
    """Enabled monitors are built in configured order; disabled ones are left out."""
    config = MonitorsConfig(
        monitors={
            "strict": MonitorSettings(),
            "not-a-monitor": MonitorSettings(enabled=False),
            "keyword": MonitorSettings(config={"word": "nc"}),
        }
    )
    assert [m.name for m in build_monitors(config)] == ["keyword", "keyword"]


@pytest.mark.usefixtures("plugin")
def test_configured_monitor_that_cannot_load_is_an_error() -> None:
    """Naming a broken monitor in the config fails at build time, not silently."""
    config = MonitorsConfig(monitors={"missing-module": MonitorSettings()})
    with pytest.raises(MonitorLoadError):
        build_monitors(config)


@pytest.mark.usefixtures("plugin")
def test_default_config_lists_only_monitors_that_load() -> None:
    """The default config enables every registered monitor that builds, and no broken one."""
    names = set(default_monitors_config().monitors)
    assert {"keyword", "strict"} <= names
    assert not {"missing-module", "not-a-monitor"} & names


def test_opt_in_monitors_are_registered_but_not_run_by_default() -> None:
    """The learned scorers are found by name yet left out of the default configuration."""
    from watchkeeper.monitors import build_monitor, default_monitors_config

    defaults = default_monitors_config().enabled()
    for name in ("rogue-learned", "integrity-learned"):
        assert name not in defaults
        assert build_monitor(name).name == name
    assert {"rogue-precursors", "integrity"} <= set(defaults)
