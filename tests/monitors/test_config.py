"""`monitors.yaml`: defaults, thresholds, round trips and invalid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.events import Decision
from watchkeeper.monitors import (
    MonitorConfigError,
    MonitorsConfig,
    MonitorSettings,
    load_monitors_config,
    save_monitors_config,
)


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    """No `monitors.yaml` loads as None, so the caller picks the defaults."""
    assert load_monitors_config(tmp_path / "monitors.yaml") is None


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    """A saved config loads back equal, thresholds and fail-closed choice included."""
    config = MonitorsConfig(
        monitors={"probing": MonitorSettings(config={"window": 5}, threshold=0.42)},
        error_decision=Decision.DENY,
        webhook_url="http://127.0.0.1:9/hook",
    )
    path = tmp_path / "monitors.yaml"
    save_monitors_config(config, path)
    assert load_monitors_config(path) == config


def test_threshold_falls_back_to_default() -> None:
    """A monitor without its own threshold uses `default_threshold`."""
    config = MonitorsConfig(
        monitors={"a": MonitorSettings(threshold=0.3), "b": MonitorSettings()},
        default_threshold=0.6,
    )
    assert (config.threshold("a"), config.threshold("b"), config.threshold("c")) == (0.3, 0.6, 0.6)


def test_allow_is_not_a_fail_closed_decision(tmp_path: Path) -> None:
    """A config that would let monitor errors through (`error_decision: allow`) is refused."""
    path = tmp_path / "monitors.yaml"
    path.write_text("error_decision: allow\n")
    with pytest.raises(MonitorConfigError, match=r"monitors\.yaml"):
        load_monitors_config(path)


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    """A misspelt setting is an error, not silently ignored."""
    path = tmp_path / "monitors.yaml"
    path.write_text("block_treshold: 0.5\n")
    with pytest.raises(MonitorConfigError):
        load_monitors_config(path)
