"""Alerts: monitor findings for people — stored, deduplicated, reviewed and announced."""

from watchkeeper.alerts._model import ACTIVE_STATUSES, Alert, AlertStatus, dedupe_key
from watchkeeper.alerts._notify import WebhookNotifier, slack_payload
from watchkeeper.alerts._store import AlertNotFoundError, AlertStore, AlertStoreError, Raised

__all__ = [
    "ACTIVE_STATUSES",
    "Alert",
    "AlertNotFoundError",
    "AlertStatus",
    "AlertStore",
    "AlertStoreError",
    "Raised",
    "WebhookNotifier",
    "dedupe_key",
    "slack_payload",
]
