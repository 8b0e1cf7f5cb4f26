"""What every route shares: the pipeline, token auth, the thread pool and the body limit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio
from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from watchkeeper.gateway._body import BodyTooLargeError, read_limited_body
from watchkeeper.gateway._errors import ApiError, rejected_input_event
from watchkeeper.gateway._hooks import HookHandler
from watchkeeper.gateway._pipeline import Pipeline, RecordError
from watchkeeper.gateway._tokens import (
    TOKEN_PREFIX,
    Principal,
    TokenStore,
    TokenStoreError,
    valid_deployment_id,
)

__all__ = ["ACT_FOR_HEADER", "GatewayContext", "bearer_scheme"]

_log = logging.getLogger(__name__)
_R = TypeVar("_R")

#: Header an admin token may send to act for another deployment.
ACT_FOR_HEADER = "X-Watchkeeper-Deployment"
# Threads for blocking pipeline work: many, so that concurrent requests wait on the ledger
# together and the writer commits them in one group.
_THREADS = 256

bearer_scheme = HTTPBearer(auto_error=False, description="a `wk_…` token from `watchkeeper token`")


@dataclass(slots=True)
class GatewayContext:
    """The state the routes of one app share."""

    pipeline: Pipeline
    tokens: TokenStore
    hooks: HookHandler
    max_body: int
    limiter: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(_THREADS))

    async def in_thread(self, func: Callable[..., _R], *args: Any, **kwargs: Any) -> _R:
        """Run blocking `func` in the worker pool, keeping the event loop free."""
        return await anyio.to_thread.run_sync(partial(func, *args, **kwargs), limiter=self.limiter)

    def authenticate(
        self, request: Request, credentials: HTTPAuthorizationCredentials | None
    ) -> Principal:
        """Return who the request acts for, or raise a 401/403/503 `ApiError`."""
        if credentials is None:
            raise ApiError(401, "missing bearer token; send `Authorization: Bearer <token>`")
        try:
            principal = self.tokens.resolve(credentials.credentials)
        except TokenStoreError as exc:
            raise ApiError(503, str(exc)) from exc
        if principal is None:
            shown = credentials.credentials[: len(TOKEN_PREFIX) + 4]
            raise ApiError(
                401, f"token `{shown}…` is unknown, expired or revoked; use a current token"
            )
        acting = request.headers.get(ACT_FOR_HEADER)
        if acting and acting != principal.deployment_id:
            if not principal.admin:
                raise ApiError(
                    403, f"token cannot act for deployment `{acting}`; only admin tokens can"
                )
            if not valid_deployment_id(acting):
                raise ApiError(
                    400,
                    f"deployment id `{acting[:200]}` in {ACT_FOR_HEADER} is not valid; "
                    "use 1-200 characters from A-Z a-z 0-9 . _ : -",
                )
            return Principal(deployment_id=acting, admin=True)
        return principal

    async def record_rejected(
        self, principal: Principal, where: str, message: str, raw: bytes
    ) -> None:
        """Keep a rejected request in the ledger as an `ErrorEvent` (best effort)."""
        event = rejected_input_event(principal.deployment_id, where, message, raw)
        try:
            await self.in_thread(self.pipeline.record, [event])
        except RecordError:
            _log.exception("recording rejected input for %s failed", where)

    async def body(self, request: Request, principal: Principal, where: str) -> bytes:
        """Read the request body within the limit; over it, record and raise a 413."""
        try:
            return await read_limited_body(request, self.max_body)
        except BodyTooLargeError as exc:
            await self.record_rejected(principal, where, str(exc), exc.prefix)
            raise ApiError(413, str(exc)) from exc
