"""Assembling a `Pipeline` from a watchkeeper home directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from watchkeeper.gateway._pipeline import AskOverride, Pipeline

if TYPE_CHECKING:
    from collections.abc import Sequence

    from watchkeeper.gateway._observer import PipelineObserver
    from watchkeeper.monitors import Monitor, MonitorsConfig

__all__ = ["DEFAULT_POLICY", "build_pipeline", "ensure_policy_file"]

#: The policy written to `<home>/policy.yaml` on first use.
DEFAULT_POLICY = """\
# watchkeeper policy: see docs/policy.md. Rules here are combined with the pack's:
# any deny wins, then any ask; a call is allowed only when allow rules cover all of it.
version: 1
default: deny            # deny | ask, never allow
include: [coding-agent]  # the built-in pack for coding agents
rules: []
"""


def ensure_policy_file(home: Path) -> Path:
    """Return `<home>/policy.yaml`, writing `DEFAULT_POLICY` there if it does not exist."""
    path = home / "policy.yaml"
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(DEFAULT_POLICY)
    except FileExistsError:
        pass
    return path


#: The monitors configuration file in a home (`watchkeeper.monitors.MONITORS_FILE`; named
#: here too so that a pipeline without monitors never imports the monitors package).
MONITORS_FILE = "monitors.yaml"


def build_pipeline(
    home: Path,
    *,
    policy_path: Path | None = None,
    monitors_path: Path | None = None,
    default_monitors: bool = True,
    observers: Sequence[PipelineObserver] = (),
    grants: AskOverride | None = None,
    alert_recorded: bool = True,
) -> Pipeline:
    """Return a pipeline over `home`: its policy, its ledger and the key in `<home>/keys`.

    The ledger is `open_ledger(home)`: `$WATCHKEEPER_DB` (PostgreSQL) or `<home>/ledger.db`.

    Without `policy_path` the policy is `<home>/policy.yaml`, created from `DEFAULT_POLICY`
    on first use. An invalid policy raises `PolicyError` here, before anything is served.
    Calls of a deployment registered in `<home>` with its own policy file or allowed hosts
    are decided by those (`watchkeeper.deployments.DeploymentPolicies`).
    Monitors come from `monitors_path` (default `<home>/monitors.yaml`; when absent, every
    registered monitor that loads, or none with `default_monitors=False`), alerts go to
    `<home>/alerts.db` and, when configured, to the webhook. An invalid config raises
    `MonitorConfigError`, and a configured monitor that cannot load raises
    `MonitorLoadError`, here too. `observers` are handed to the `Pipeline`.
    With `grants` (a `watchkeeper.review.GrantStore`), an `ask` covered by an active grant
    is allowed. With `alert_recorded` False, recorded events still feed the monitors' session
    state but raise no alerts (monitor workers behind NATS raise them instead).
    On a PostgreSQL ledger the pipeline follows the ledger (`Pipeline(follow_ledger=True)`):
    before each call it takes in what other gateways recorded in the session.
    """
    from watchkeeper.deployments import DeploymentPolicies, open_registry
    from watchkeeper.ledger import ledger_location, open_ledger
    from watchkeeper.normalize import Normalizer
    from watchkeeper.policy import load_policy
    from watchkeeper.statefile import file_stamp

    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    base_file = policy_path if policy_path is not None else ensure_policy_file(home)
    stamp = file_stamp(base_file)  # taken first: an edit while loading is seen as a change
    policy = load_policy(base_file)
    policy_for = DeploymentPolicies(
        open_registry(home).get, policy, base_file=base_file, base_stamp=stamp
    )
    config_path = monitors_path or home / MONITORS_FILE
    config: MonitorsConfig | None = None
    monitors: list[Monitor] = []
    if default_monitors or config_path.exists():
        from watchkeeper.monitors import (
            build_monitors,
            default_monitors_config,
            load_monitors_config,
        )

        config = load_monitors_config(config_path)
        if config is None:
            config = default_monitors_config()
        monitors = build_monitors(config)
    store = open_ledger(home)
    # A PostgreSQL ledger may be shared by several gateways answering the same sessions.
    shared = isinstance(ledger_location(home), str)
    if config is None or not monitors:
        return Pipeline(
            Normalizer(),
            policy,
            store,
            policy_for=policy_for,
            observers=observers,
            grants=grants,
            follow_ledger=shared,
        )
    from watchkeeper.alerts import AlertStore, WebhookNotifier

    notifier = None
    if config.webhook_url:
        notifier = WebhookNotifier(config.webhook_url, min_severity=config.webhook_min_severity)
    return Pipeline(
        Normalizer(),
        policy,
        store,
        monitors=monitors,
        monitor_config=config,
        alerts=AlertStore(home / "alerts.db"),
        notifier=notifier,
        policy_for=policy_for,
        observers=observers,
        grants=grants,
        alert_recorded=alert_recorded,
        follow_ledger=shared,
    )
