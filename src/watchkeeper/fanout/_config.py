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
    A worker waits `ack_wait` seconds for its own ack before JetStream redelivers a message,
    and gives up on a message after `max_deliveries` failed attempts.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(min_length=1)
    prefix: str = "wk"
    ack_wait: float = Field(default=30.0, gt=0.0)
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
