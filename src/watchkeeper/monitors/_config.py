"""`<home>/monitors.yaml`: which monitors run, their settings, and the alert thresholds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from watchkeeper.events import Decision, Severity

__all__ = [
    "MONITORS_FILE",
    "MonitorConfigError",
    "MonitorSettings",
    "MonitorsConfig",
    "load_monitors_config",
    "save_monitors_config",
]

#: The file name of the monitors configuration inside a watchkeeper home.
MONITORS_FILE = "monitors.yaml"


class MonitorConfigError(Exception):
    """`monitors.yaml` cannot be read or is invalid; fix the file or delete it for defaults."""


class MonitorSettings(BaseModel):
    """One enabled monitor: keyword arguments for its factory and its alert threshold.

    `threshold` is the step score at or above which this monitor's finding raises an alert;
    None means the config's `default_threshold`. `calibrate` writes it.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    config: dict[str, Any] = Field(default_factory=dict)
    threshold: float | None = Field(default=None, ge=0.0)


class MonitorsConfig(BaseModel):
    """Everything about monitoring one watchkeeper home.

    - `monitors`: entry-point name → settings, run in this order.
    - `overall_threshold`: a session's trajectory score (see `trajectory_score`) at or above
      which it alerts even when no single monitor crossed its own threshold.
    - `block_threshold`: a pre-execution step score at or above which the verdict escalates
      (allow → `block_decision`; ask → deny when `block_decision` is deny).
    - `error_decision`: the verdict a crashed or slow monitor forces on a tool call.
    - `webhook_url` / `webhook_min_severity`: where alerts at or above a severity are posted.
    - `monitor_timeout`: seconds after which a monitor counts as failed on that step.
    """

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    monitors: dict[str, MonitorSettings] = Field(default_factory=dict)
    default_threshold: float = Field(default=0.5, ge=0.0)
    overall_threshold: float = Field(default=0.8, ge=0.0)
    block_threshold: float = Field(default=0.9, ge=0.0)
    block_decision: Literal[Decision.ASK, Decision.DENY] = Decision.ASK
    error_decision: Literal[Decision.ASK, Decision.DENY] = Decision.ASK
    monitor_timeout: float | None = Field(default=2.0, gt=0.0)
    webhook_url: str | None = None
    webhook_min_severity: Severity = Severity.HIGH

    def threshold(self, monitor: str) -> float:
        """Return the alert threshold of `monitor` (its own, else `default_threshold`)."""
        settings = self.monitors.get(monitor)
        if settings is None or settings.threshold is None:
            return self.default_threshold
        return settings.threshold

    def enabled(self) -> dict[str, MonitorSettings]:
        """Return the enabled monitors, in configured order."""
        return {name: s for name, s in self.monitors.items() if s.enabled}


def load_monitors_config(path: Path) -> MonitorsConfig | None:
    """Read `path`; return None when it does not exist, raise `MonitorConfigError` if invalid."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise MonitorConfigError(f"cannot read `{path}`: {exc}; check its permissions") from exc
    try:
        data = yaml.safe_load(text)
        return MonitorsConfig.model_validate(data if data is not None else {})
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0:3]
        raise MonitorConfigError(
            f"monitors config `{path}` is invalid ({' '.join(first)}); fix it or delete it"
        ) from exc


def save_monitors_config(config: MonitorsConfig, path: Path) -> None:
    """Write `config` to `path` as YAML, atomically (write a sibling, then rename)."""
    data = config.model_dump(mode="json")
    text = "# watchkeeper monitors: see docs/monitors.md\n" + yaml.safe_dump(
        data, sort_keys=False, default_flow_style=False
    )
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
