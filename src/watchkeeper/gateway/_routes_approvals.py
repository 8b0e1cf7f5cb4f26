"""Approval routes for agents: wait for the review of an `ask`, or withdraw a cancelled one.

No `from __future__ import annotations` here: FastAPI reads these handlers' annotations at
runtime, and they refer to the per-app `authenticate` dependency in the enclosing scope.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, Path

from watchkeeper.gateway._context import GatewayContext
from watchkeeper.gateway._errors import ApiError
from watchkeeper.gateway._models import (
    DecideResponse,
    ErrorResponse,
    WithdrawRequest,
    WithdrawResponse,
)
from watchkeeper.gateway._routes_write import AUTH_RESPONSES, authenticator
from watchkeeper.gateway._tokens import Principal

__all__ = ["add_approval_routes"]


def add_approval_routes(app: FastAPI, context: GatewayContext) -> None:
    """Register the approval routes agents use (reviewers use the review UI)."""
    authenticate = authenticator(context)

    @app.post(
        "/v1/approvals/{approval_id}/wait",
        response_model=DecideResponse,
        responses={**AUTH_RESPONSES, 404: {"model": ErrorResponse}},
    )
    async def wait_for_approval(
        approval_id: Annotated[str, Path(max_length=128)],
        principal: Annotated[Principal, Depends(authenticate)],
    ) -> DecideResponse:
        """Wait until a reviewer allows or denies a held call (deny at its deadline).

        Only the deployment that made the call may wait on it; an approval this gateway
        process does not know (e.g. after a restart) is 404.
        """
        from watchkeeper.review import ApprovalNotFoundError

        queue = context.approvals
        if queue is None or queue.deployment_of(approval_id) != principal.deployment_id:
            raise ApiError(
                404,
                f"approval `{approval_id}` is not known for deployment "
                f"`{principal.deployment_id}`; decide the call again",
            )
        try:
            resolution = await queue.wait(approval_id)
        except ApprovalNotFoundError as exc:
            raise ApiError(404, str(exc)) from exc
        final = resolution.verdict
        return DecideResponse(
            decision=final.decision,
            rule_ids=list(final.rule_ids),
            explanation=final.explanation,
            agent_message=final.agent_message,
            errors=list(final.errors),
            call_id=resolution.call_id,
            approval_id=approval_id,
        )

    @app.post("/v1/approvals/withdraw", response_model=WithdrawResponse, responses=AUTH_RESPONSES)
    async def withdraw_approval(
        body: WithdrawRequest,
        principal: Annotated[Principal, Depends(authenticate)],
    ) -> WithdrawResponse:
        """Withdraw the held approval of a call the agent's client cancelled.

        The approval ends as ``withdraw`` (recorded, a deny) and leaves the reviewers'
        pending list. Only the token's own deployment is searched; no held approval for
        that session and `tool_use_id` answers `withdrawn: false`.
        """
        queue = context.approvals
        if queue is None:
            return WithdrawResponse(withdrawn=False)
        resolution = await context.in_thread(
            queue.withdraw,
            principal.deployment_id,
            body.session_id,
            body.tool_use_id,
            reason=body.reason,
        )
        if resolution is None:
            return WithdrawResponse(withdrawn=False)
        return WithdrawResponse(withdrawn=True, approval_id=resolution.approval_id)
