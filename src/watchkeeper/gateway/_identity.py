"""Who a bearer token acts for: the token store first, then the deployment registry.

With a registry, a token acts only for a registered deployment that is active now: a token
of an unregistered, suspended, revoked or expired deployment is refused like an unknown one.
The gateway's admin tokens are not deployments and pass on the token store alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from watchkeeper.clock import utcnow
from watchkeeper.gateway._tokens import (
    TOKEN_PREFIX,
    Principal,
    TokenStore,
    token_fingerprint,
)

if TYPE_CHECKING:
    from watchkeeper.deployments import Registry

__all__ = ["Identity", "Refusal"]

_SHOWN = len(TOKEN_PREFIX) + 4


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is refused: the HTTP status, the one-line reply, and what to alert on.

    `problem` is a short phrase (``unknown token``, ``suspended deployment``…); `claimed` the
    deployment the token (or, without a usable token, the request header) named, if any;
    `fingerprint` a short hash of the presented token — never the token itself — and
    `token_known` whether the token store holds it (issued once, whatever its state now).
    """

    status: int
    message: str
    problem: str
    claimed: str | None = None
    fingerprint: str | None = None
    token_known: bool = False


class Identity:
    """Resolves bearer tokens with `tokens`, and with `registry` when one is given.

    Without a registry any active token acts for its deployment (an embedded gateway);
    `watchkeeper serve` always passes the registry of its home.
    """

    def __init__(self, tokens: TokenStore, registry: Registry | None = None) -> None:
        self._tokens = tokens
        self._registry = registry

    @property
    def tokens(self) -> TokenStore:
        """The token store."""
        return self._tokens

    def check(self, token: str | None, *, claimed: str | None = None) -> Principal | Refusal:
        """Return who `token` acts for, or why it is refused; `claimed` is the request's
        deployment header, used to describe a refusal when the token names none.

        Raises `TokenStoreError` or `DeploymentError` when a store cannot be read.
        """
        if not token:
            return Refusal(
                401,
                "missing bearer token; send `Authorization: Bearer <token>`",
                "no token",
                claimed,
            )
        now = utcnow()
        fingerprint = token_fingerprint(token)
        record = self._tokens.lookup(token)
        if record is None or not record.active(now):
            if record is None:
                problem = "unknown token"
            else:
                problem = "revoked token" if record.revoked else "expired token"
            return Refusal(
                401,
                f"token `{token[:_SHOWN]}…` is unknown, expired or revoked; use a current token",
                problem,
                claimed if record is None else record.deployment_id,
                fingerprint,
                token_known=record is not None,
            )
        principal = Principal(deployment_id=record.deployment_id, admin=record.admin)
        if record.admin:
            return principal
        refusal = self.deployment_refusal(record.deployment_id, required=True)
        if refusal is not None:
            return replace(refusal, fingerprint=fingerprint, token_known=True)
        return principal

    def deployment_refusal(self, deployment_id: str, *, required: bool) -> Refusal | None:
        """Return why calls of `deployment_id` are refused now, or None when they may run.

        With `required`, an unregistered deployment is refused too.
        """
        if self._registry is None:
            return None
        deployment = self._registry.get(deployment_id)
        if deployment is None:
            if not required:
                return None
            return Refusal(
                403,
                f"deployment `{deployment_id}` is not registered; its calls are denied",
                "unregistered deployment",
                deployment_id,
            )
        state = deployment.state(utcnow())
        if state == "active":
            return None
        return Refusal(
            403,
            f"deployment `{deployment_id}` is {state}; its calls are denied",
            f"{state} deployment",
            deployment_id,
        )
