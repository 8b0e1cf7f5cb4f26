"""The service: the decide → record pipeline, the HTTP API, bearer tokens and `serve`.

Names are imported on first use, so that importing one piece (the pipeline, for the hook's
local mode) does not pay for FastAPI and uvicorn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from watchkeeper.gateway._app import (
        DEFAULT_MAX_BODY,
        create_app,
    )
    from watchkeeper.gateway._body import (
        BodyTooLargeError,
    )
    from watchkeeper.gateway._build import (
        DEFAULT_POLICY,
        build_pipeline,
        ensure_policy_file,
    )
    from watchkeeper.gateway._context import (
        ACT_FOR_HEADER,
    )
    from watchkeeper.gateway._hooks import (
        HookHandler,
        HookReplyLike,
    )
    from watchkeeper.gateway._observer import (
        PipelineObserver,
    )
    from watchkeeper.gateway._pipeline import (
        ActionNormalizer,
        AskOverride,
        DecisionPolicy,
        GatewayStore,
        Pipeline,
        RecordError,
    )
    from watchkeeper.gateway._serve import (
        GatewaySocketError,
        bind_tcp,
        bind_unix,
        run_server,
    )
    from watchkeeper.gateway._sessions import (
        SessionTracker,
    )
    from watchkeeper.gateway._tokens import (
        TOKEN_PREFIX,
        DeploymentIdError,
        Principal,
        TokenNotFoundError,
        TokenRecord,
        TokenStore,
        TokenStoreError,
        ensure_admin_token,
        token_fingerprint,
        valid_deployment_id,
        write_private,
    )
    from watchkeeper.gateway._trust import (
        UNTRUSTED_TOOLS,
        is_untrusted_source,
    )

_WHERE = {
    "ACT_FOR_HEADER": "_context",
    "ActionNormalizer": "_pipeline",
    "AskOverride": "_pipeline",
    "BodyTooLargeError": "_body",
    "DEFAULT_MAX_BODY": "_app",
    "DEFAULT_POLICY": "_build",
    "DecisionPolicy": "_pipeline",
    "DeploymentIdError": "_tokens",
    "GatewaySocketError": "_serve",
    "GatewayStore": "_pipeline",
    "HookHandler": "_hooks",
    "HookReplyLike": "_hooks",
    "Pipeline": "_pipeline",
    "PipelineObserver": "_observer",
    "Principal": "_tokens",
    "RecordError": "_pipeline",
    "SessionTracker": "_sessions",
    "TOKEN_PREFIX": "_tokens",
    "TokenNotFoundError": "_tokens",
    "TokenRecord": "_tokens",
    "TokenStore": "_tokens",
    "TokenStoreError": "_tokens",
    "UNTRUSTED_TOOLS": "_trust",
    "bind_tcp": "_serve",
    "bind_unix": "_serve",
    "build_pipeline": "_build",
    "create_app": "_app",
    "ensure_admin_token": "_tokens",
    "ensure_policy_file": "_build",
    "is_untrusted_source": "_trust",
    "run_server": "_serve",
    "token_fingerprint": "_tokens",
    "valid_deployment_id": "_tokens",
    "write_private": "_tokens",
}

__all__ = [
    "ACT_FOR_HEADER",
    "DEFAULT_MAX_BODY",
    "DEFAULT_POLICY",
    "TOKEN_PREFIX",
    "UNTRUSTED_TOOLS",
    "ActionNormalizer",
    "AskOverride",
    "BodyTooLargeError",
    "DecisionPolicy",
    "DeploymentIdError",
    "GatewaySocketError",
    "GatewayStore",
    "HookHandler",
    "HookReplyLike",
    "Pipeline",
    "PipelineObserver",
    "Principal",
    "RecordError",
    "SessionTracker",
    "TokenNotFoundError",
    "TokenRecord",
    "TokenStore",
    "TokenStoreError",
    "bind_tcp",
    "bind_unix",
    "build_pipeline",
    "create_app",
    "ensure_admin_token",
    "ensure_policy_file",
    "is_untrusted_source",
    "run_server",
    "token_fingerprint",
    "valid_deployment_id",
    "write_private",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
