"""Where events fan out to: the NATS server, the JetStream stream, its subjects and consumer."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = ["NATS_ENV", "FanoutConfig", "FanoutConfigError"]

#: The environment variable `serve` and `worker` read the NATS URL from.
NATS_ENV = "WATCHKEEPER_NATS"

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PREFIX = re.compile(r"[a-z][a-z0-9_-]{0,31}")


class FanoutConfigError(ValueError):
    """A fan-out setting cannot name a NATS subject or stream."""


class FanoutConfig(BaseModel):
    """One fan-out: events go to stream `stream` as `<prefix>.events.<deployment>`.

    `prefix` names everything (stream `PREFIX`, subjects `prefix.events.>`, consumer
    `prefix-monitors`), so several installations or tests share one NATS server apart.
    JetStream redelivers a message `ack_wait` seconds after it last heard of it from the worker
    holding it; a live worker sends an in-progress ack for each message it holds every
    `progress_interval` seconds, so only a dead worker's messages come back (to any worker).
    At most `max_ack_pending` messages are out with workers at once (a worker also holds at
    most one fetch batch). A message is given up after `max_deliveries` failed attempts.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(min_length=1)
    prefix: str = "wk"
    ack_wait: float = Field(default=1.0, ge=0.2)
    max_ack_pending: int = Field(default=512, ge=1)
    max_deliveries: int = Field(default=5, ge=1)
    duplicate_window: float = Field(default=600.0, gt=0.0)

    @field_validator("prefix")
    @classmethod
    def _valid_prefix(cls, prefix: str) -> str:
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(
                f"fan-out prefix `{prefix}` is not a lowercase letter followed by up to "
                "31 letters, digits, `-` or `_`; choose another"
            )
        return prefix

    @classmethod
    def of(cls, url: str, **settings: Any) -> FanoutConfig:
        """Return the config for `url`; raise `FanoutConfigError` (one sentence) when invalid."""
        try:
            return cls(url=url, **settings)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            raise FanoutConfigError(f"fan-out setting `{where}`: {message}") from exc

    @property
    def progress_interval(self) -> float:
        """Seconds between a worker's in-progress acks: a quarter of `ack_wait`, so a live
        worker whose loop stalls for up to three of them still keeps its messages."""
        return self.ack_wait / 4.0

    @property
    def stream(self) -> str:
        """The JetStream stream name."""
        return self.prefix.upper().replace("-", "_")

    @property
    def subjects(self) -> str:
        """The wildcard subject the stream holds and the worker consumer filters on."""
        return f"{self.prefix}.events.>"

    @property
    def durable(self) -> str:
        """The name of the durable consumer every worker shares (a work queue)."""
        return f"{self.prefix}-monitors"

    def subject(self, deployment_id: str) -> str:
        """Return the subject of `deployment_id`'s events (ids unfit for a subject are hashed)."""
        if _TOKEN.fullmatch(deployment_id):
            return f"{self.prefix}.events.{deployment_id}"
        digest = hashlib.sha256(deployment_id.encode("utf-8")).hexdigest()[:16]
        return f"{self.prefix}.events.h-{digest}"
