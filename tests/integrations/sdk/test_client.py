"""`GatewayClient` against a real gateway served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.events import Decision, ToolResult
from watchkeeper.gateway import Pipeline, TokenStore, build_pipeline, create_app
from watchkeeper.integrations.sdk import GatewayClient, ToolCallBlockedError, guarded
from watchkeeper.testing import serve_in_thread

POLICY = """\
version: 1
default: deny
rules:
  - id: allow-lookup
    decision: allow
    description: read-only lookups are fine
    match: {tool: lookup}
"""


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[Pipeline]:
    """A real pipeline with a one-rule policy."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    with build_pipeline(tmp_path / "home", policy_path=policy) as built:
        yield built


@pytest.fixture
def client(tmp_path: Path, pipeline: Pipeline) -> Iterator[GatewayClient]:
    """A client holding a token for deployment `sdk-test`, talking to a live server."""
    tokens = TokenStore(tmp_path / "home" / "tokens.json")
    token = tokens.issue("sdk-test")
    with (
        serve_in_thread(create_app(pipeline, tokens)) as url,
        GatewayClient(url, token) as gateway,
    ):
        yield gateway


def test_remote_allow_runs_and_records(client: GatewayClient, pipeline: Pipeline) -> None:
    """An allowed remote call runs; its result is recorded under the token's deployment."""

    @guarded(client, session_id="remote-1")
    def lookup(key: str) -> str:
        return key.upper()

    assert lookup("abc") == "ABC"
    results = [e for _, e in pipeline.store.events() if isinstance(e, ToolResult)]
    assert results[-1].output == "ABC"
    assert results[-1].deployment_id == "sdk-test"


def test_remote_deny_blocks(client: GatewayClient) -> None:
    """A remote deny raises before the function runs and carries the gateway's verdict."""

    @guarded(client, session_id="remote-2")
    def transfer(amount: int) -> None:
        raise AssertionError("must not run")

    with pytest.raises(ToolCallBlockedError) as info:
        transfer(100)
    assert info.value.verdict.decision is Decision.DENY
