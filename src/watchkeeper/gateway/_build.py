"""Assembling a `Pipeline` from a watchkeeper home directory."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.gateway._pipeline import Pipeline

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


def build_pipeline(
    home: Path, *, policy_path: Path | None = None, monitors_path: Path | None = None
) -> Pipeline:
    """Return a pipeline over `home`: its policy, `<home>/ledger.db` and the key in `<home>/keys`.

    Without `policy_path` the policy is `<home>/policy.yaml`, created from `DEFAULT_POLICY`
    on first use. An invalid policy raises `PolicyError` here, before anything is served.
    Monitors come from `monitors_path` (default `<home>/monitors.yaml`; when absent, every
    registered monitor that loads), alerts go to `<home>/alerts.db` and, when configured, to
    the webhook. An invalid config raises `MonitorConfigError`, and a configured monitor
    that cannot load raises `MonitorLoadError`, here too.
    """
    from watchkeeper.alerts import AlertStore, WebhookNotifier
    from watchkeeper.ledger import SqliteLedger, load_or_create_key
    from watchkeeper.monitors import (
        MONITORS_FILE,
        build_monitors,
        default_monitors_config,
        load_monitors_config,
    )
    from watchkeeper.normalize import Normalizer
    from watchkeeper.policy import load_policy

    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    policy = load_policy(policy_path if policy_path is not None else ensure_policy_file(home))
    config = load_monitors_config(monitors_path or home / MONITORS_FILE)
    if config is None:
        config = default_monitors_config()
    monitors = build_monitors(config)
    store = SqliteLedger(home / "ledger.db", signing_key=load_or_create_key(home / "keys"))
    if not monitors:
        return Pipeline(Normalizer(), policy, store)
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
    )
