"""The service: the decide → record pipeline, the HTTP API, bearer tokens and `serve`."""

from watchkeeper.gateway._app import DEFAULT_MAX_BODY, create_app
from watchkeeper.gateway._body import BodyTooLargeError
from watchkeeper.gateway._build import DEFAULT_POLICY, build_pipeline, ensure_policy_file
from watchkeeper.gateway._context import ACT_FOR_HEADER
from watchkeeper.gateway._hooks import HookHandler, HookReplyLike
from watchkeeper.gateway._pipeline import (
    ActionNormalizer,
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
from watchkeeper.gateway._sessions import SessionTracker
from watchkeeper.gateway._tokens import (
    TOKEN_PREFIX,
    DeploymentIdError,
    Principal,
    TokenNotFoundError,
    TokenRecord,
    TokenStore,
    TokenStoreError,
    ensure_admin_token,
    valid_deployment_id,
)
from watchkeeper.gateway._trust import UNTRUSTED_TOOLS, is_untrusted_source

__all__ = [
    "ACT_FOR_HEADER",
    "DEFAULT_MAX_BODY",
    "DEFAULT_POLICY",
    "TOKEN_PREFIX",
    "UNTRUSTED_TOOLS",
    "ActionNormalizer",
    "BodyTooLargeError",
    "DecisionPolicy",
    "DeploymentIdError",
    "GatewaySocketError",
    "GatewayStore",
    "HookHandler",
    "HookReplyLike",
    "Pipeline",
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
    "valid_deployment_id",
]
