"""Fan-out over NATS JetStream: gateways publish recorded events, monitor workers alert on them."""

from watchkeeper.fanout._alerting import (
    HistoryMismatchError,
    StepAlerter,
    StepOutcome,
    alert_event_id,
)
from watchkeeper.fanout._config import NATS_ENV, FanoutConfig, FanoutConfigError
from watchkeeper.fanout._cursor import Cursor, CursorError, cursor_path
from watchkeeper.fanout._home import open_worker
from watchkeeper.fanout._lease import (
    FileLease,
    LeaseLostError,
    PostgresLease,
    PublisherLease,
    publisher_lease,
)
from watchkeeper.fanout._message import MessageError, Published, decode, encode
from watchkeeper.fanout._publisher import EventSource, LedgerPublisher
from watchkeeper.fanout._worker import ConsumerStatus, MonitorWorker, WorkerStats, consumer_status

__all__ = [
    "NATS_ENV",
    "ConsumerStatus",
    "Cursor",
    "CursorError",
    "EventSource",
    "FanoutConfig",
    "FanoutConfigError",
    "FileLease",
    "HistoryMismatchError",
    "LeaseLostError",
    "LedgerPublisher",
    "MessageError",
    "MonitorWorker",
    "PostgresLease",
    "Published",
    "PublisherLease",
    "StepAlerter",
    "StepOutcome",
    "WorkerStats",
    "alert_event_id",
    "consumer_status",
    "cursor_path",
    "decode",
    "encode",
    "open_worker",
    "publisher_lease",
]
