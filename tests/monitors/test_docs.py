"""docs/monitors.md and docs/alerts.md stay in step with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.monitors import MonitorsConfig, MonitorSettings, available_monitors

DOCS = Path(__file__).parents[2] / "docs"


@pytest.mark.parametrize("name", sorted(MonitorsConfig.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    """Each `monitors.yaml` setting appears in the configuration section of the docs."""
    assert f"\n{name}:" in (DOCS / "monitors.md").read_text()


@pytest.mark.parametrize("name", sorted(MonitorSettings.model_fields))
def test_every_monitor_setting_is_documented(name: str) -> None:
    """Each per-monitor setting appears in the docs."""
    assert f"{name}:" in (DOCS / "monitors.md").read_text()


def test_every_built_in_monitor_has_a_section() -> None:
    """Each built-in entry point has its own subsection under "Built-in monitors"."""
    text = (DOCS / "monitors.md").read_text()
    built_in = {n for n, ep in available_monitors().items() if ep.value.startswith("watchkeeper.")}
    assert built_in
    for name in built_in:
        assert f"### `{name}`" in text.split("## Built-in monitors", 1)[1]


@pytest.mark.parametrize("command", ["list", "show", "ack", "confirm", "dismiss"])
def test_every_alerts_command_is_documented(command: str) -> None:
    """Each `watchkeeper alerts` subcommand is shown in docs/alerts.md."""
    assert f"watchkeeper alerts {command}" in (DOCS / "alerts.md").read_text()
