"""What every route shares: the pipeline, identity checks, the thread pool and the body limit."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from watchkeeper.deployments import DeploymentError
from watchkeeper.gateway._body import BodyTooLargeError, read_limited_body
from watchkeeper.gateway._errors import ApiError, rejected_input_event
from watchkeeper.gateway._hooks import HookHandler
from watchkeeper.gateway._identity import Identity, Refusal
from watchkeeper.gateway._pipeline import Pipeline, RecordError
from watchkeeper.gateway._tokens import (
    Principal,
    TokenStoreError,
    token_fingerprint,
    valid_deployment_id,
)
from watchkeeper.gateway._unknown_agents import UnknownAgentAlarm

if TYPE_CHECKING:
    from watchkeeper.review import ApprovalQueue

__all__ = ["ACT_FOR_HEADER", "GatewayContext", "bearer_scheme"]

_log = logging.getLogger(__name__)
_R = TypeVar("_R")

#: Header an admin token may send to act for another deployment.
ACT_FOR_HEADER = "X-Watchkeeper-Deployment"
_ACT_FOR_NAME = ACT_FOR_HEADER.lower().encode("latin-1")
# Threads for blocking pipeline work: many, so that concurrent requests wait on the ledger
# together and the writer commits them in one group.
_THREADS = 256


def _pipeline_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="wk-gateway")


bearer_scheme = HTTPBearer(
    auto_error=False, description="a `wk_…` token from `watchkeeper deploy register`"
)


@dataclass(slots=True)
class GatewayContext:
    """The state the routes of one app share.

    With `approvals`, an `ask` is held in that queue for up to `approval_timeout` seconds.
    """

    pipeline: Pipeline
    identity: Identity
    alarm: UnknownAgentAlarm
    hooks: HookHandler
    max_body: int
    threads: ThreadPoolExecutor = field(default_factory=_pipeline_threads)
    approvals: ApprovalQueue | None = None
    approval_timeout: float = 120.0

    async def in_thread(self, func: Callable[..., _R], *args: Any, **kwargs: Any) -> _R:
        """Run blocking `func` in the worker pool (with the caller's context variables),
        keeping the event loop free.

        A plain executor, not `anyio.to_thread`: its capacity limiter and cancel scope were
        about half of the event loop's CPU for a decide. If the awaiting request is
        cancelled, `func` still runs to the end (a decide is still recorded).
        """
        call = partial(contextvars.copy_context().run, partial(func, *args, **kwargs))
        return await asyncio.get_running_loop().run_in_executor(self.threads, call)

    def close(self) -> None:
        """Let the running pipeline calls finish, then stop the worker threads."""
        self.threads.shutdown(wait=True)

    async def authenticate(
        self, request: Request, credentials: HTTPAuthorizationCredentials | None
    ) -> Principal:
        """Return who the request acts for, or raise a 401/403/503 `ApiError`.

        A refused identity also raises an `unknown-agent` alert (deduplicated).
        """
        token = credentials.credentials if credentials is not None else None
        return await self.identify(request, token, request.headers.get(ACT_FOR_HEADER))

    async def authenticate_fast(self, request: Request) -> Principal:
        """`authenticate` for the recording routes: both headers read in one pass over the
        raw list (starlette's `Headers.get` scans it once per lookup)."""
        token, acting = bearer_and_acting(request.scope["headers"])
        return await self.identify(request, token, acting)

    async def identify(self, request: Request, token: str | None, acting: str | None) -> Principal:
        """Who a request with bearer `token`, acting for `acting`, acts for (see
        `authenticate`)."""
        try:
            outcome = self.identity.check(token, claimed=acting)
            if isinstance(outcome, Principal) and outcome.admin and acting:
                refusal = self.identity.deployment_refusal(acting[:200], required=False)
                if refusal is not None and token is not None:
                    fingerprint = token_fingerprint(token)
                    refusal = replace(refusal, fingerprint=fingerprint, token_known=True)
                outcome = outcome if refusal is None else refusal
        except (TokenStoreError, DeploymentError) as exc:
            raise ApiError(503, str(exc)) from exc
        if isinstance(outcome, Refusal):
            await self._alarm(outcome, request)
            raise ApiError(outcome.status, outcome.message)
        principal = outcome
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

    async def _alarm(self, refusal: Refusal, request: Request) -> None:
        """Raise the unknown-agent alert for `refusal`; a failure is logged, the deny stands."""
        try:
            await self.in_thread(
                self.alarm.sound, refusal, source=_source(request), path=request.url.path
            )
        except Exception:  # noqa: BLE001 - alerting must never turn a deny into an error page
            _log.exception("raising the unknown-agent alert failed")

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


def bearer_and_acting(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """The bearer token and the act-for deployment of raw ASGI `headers` (lower-case names).

    As `HTTPBearer(auto_error=False)`: no token unless the `Authorization` value is
    ``<scheme> <credentials>`` with scheme ``bearer`` in any case and credentials present.
    """
    token: str | None = None
    acting: str | None = None
    for name, value in headers:
        if name == b"authorization" and token is None:
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            credentials = credentials.strip()
            token = credentials if scheme.lower() == "bearer" and credentials else ""
        elif name == _ACT_FOR_NAME and acting is None:
            acting = value.decode("latin-1")
    return token or None, acting


def _source(request: Request) -> str:
    """Where a request came from: ``host:port``, or the unix socket it arrived on."""
    client = request.client
    if client is not None and client.host:
        return f"{client.host}:{client.port}"
    server = request.scope.get("server")
    if isinstance(server, tuple) and server and isinstance(server[0], str) and server[0]:
        return f"unix socket {server[0]}"
    return "a unix socket"
