"""Assembling a worker from a watchkeeper home: its ledger, monitors, alert table, webhook."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from watchkeeper.alerts import Alert, AlertStore, WebhookNotifier
from watchkeeper.events import ErrorEvent
from watchkeeper.fanout._alerting import StepAlerter
from watchkeeper.fanout._config import FanoutConfig
from watchkeeper.fanout._worker import MonitorWorker
from watchkeeper.ledger import open_ledger
from watchkeeper.monitors import (
    MONITORS_FILE,
    build_monitors,
    default_monitors_config,
    load_monitors_config,
)
from watchkeeper.normalize import Normalizer

__all__ = ["open_worker"]


@contextlib.contextmanager
def open_worker(
    home: Path, config: FanoutConfig, *, monitors_path: Path | None = None, batch: int = 16
) -> Iterator[MonitorWorker]:
    """Yield a worker over `home`'s ledger and alert table; close them all on exit.

    Monitors come from `monitors_path` (default `<home>/monitors.yaml`, else every registered
    monitor), as for the gateway. Raises `MonitorConfigError`, `MonitorLoadError`,
    `LedgerError` or `AlertStoreError` when one of them cannot be opened.
    """
    monitors_config = load_monitors_config(monitors_path or home / MONITORS_FILE)
    if monitors_config is None:
        monitors_config = default_monitors_config()
    monitors = build_monitors(monitors_config)
    with contextlib.ExitStack() as stack:
        ledger = stack.enter_context(open_ledger(home))
        alerts = stack.enter_context(AlertStore(home / "alerts.db"))
        notifier = None
        if monitors_config.webhook_url:
            notifier = stack.enter_context(
                WebhookNotifier(
                    monitors_config.webhook_url, min_severity=monitors_config.webhook_min_severity
                )
            )

            def webhook_failed(alert: Alert, error: str) -> None:
                ledger.append(
                    [
                        ErrorEvent(
                            deployment_id=alert.deployment_id,
                            session_id=alert.session_id,
                            where="alerts.webhook",
                            message=f"posting alert `{alert.id}` to the webhook failed: {error}",
                        )
                    ]
                )

            notifier.on_failure = webhook_failed
        alerter = StepAlerter(
            monitors,
            monitors_config,
            normalize=Normalizer().tool_call,
            ledger=ledger,
            alerts=alerts,
            notifier=notifier,
        )
        yield MonitorWorker(config, alerter, ledger, batch=batch)
