"""The gateway's shared request plumbing: the one-pass header read and the worker pool."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

from fastapi.security import HTTPBearer
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from watchkeeper.gateway import Pipeline, TokenStore
from watchkeeper.gateway._context import ACT_FOR_HEADER, GatewayContext, bearer_and_acting
from watchkeeper.gateway._identity import Identity
from watchkeeper.gateway._unknown_agents import UnknownAgentAlarm
from watchkeeper.integrations.claude_code import ClaudeCodeAdapter

_NAMES = st.sampled_from([b"authorization", b"x-watchkeeper-deployment", b"host", b"x-other"])
_VALUES = st.one_of(
    st.sampled_from(["Bearer wk_abc", "bearer  wk_x ", "Basic dXNlcg==", "Bearer", "Bearer ", ""]),
    st.text(alphabet="abcBEARr _-:.wk0123 ", max_size=20),
)
_HEADERS = st.lists(st.tuples(_NAMES, _VALUES.map(lambda v: v.encode("latin-1"))), max_size=6)


def _request(headers: list[tuple[bytes, bytes]]) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/v1/decide", "headers": headers})


@given(_HEADERS)
def test_one_pass_read_agrees_with_fastapi_bearer_and_starlette_headers(
    headers: list[tuple[bytes, bytes]],
) -> None:
    request = _request(headers)
    credentials = asyncio.run(HTTPBearer(auto_error=False)(request))
    expected_token = credentials.credentials if credentials is not None else None
    expected = (expected_token, request.headers.get(ACT_FOR_HEADER))
    assert bearer_and_acting(headers) == expected


def test_a_bearer_token_and_the_act_for_header_are_both_found() -> None:
    headers = [(b"x-watchkeeper-deployment", b"ci-bot"), (b"authorization", b"Bearer wk_t0k")]
    assert bearer_and_acting(headers) == ("wk_t0k", "ci-bot")


def test_another_scheme_gives_no_token() -> None:
    assert bearer_and_acting([(b"authorization", b"Basic dXNlcjpwdw==")]) == (None, None)


_CALLER = contextvars.ContextVar("caller", default="unset")


def _context(pipeline: Pipeline, tokens: TokenStore) -> GatewayContext:
    return GatewayContext(
        pipeline=pipeline,
        identity=Identity(tokens),
        alarm=UnknownAgentAlarm(pipeline.record, None),
        hooks=ClaudeCodeAdapter(pipeline),
        max_body=1 << 20,
    )


def test_pipeline_calls_run_in_the_pool_with_the_callers_context_variables(
    pipeline: Pipeline, tokens: TokenStore
) -> None:
    context = _context(pipeline, tokens)

    def where() -> tuple[str, str]:
        return threading.current_thread().name, _CALLER.get()

    async def call() -> tuple[str, str]:
        _CALLER.set("decide-route")
        return await context.in_thread(where)

    try:
        thread, seen = asyncio.run(call())
    finally:
        context.close()
    assert thread.startswith("wk-gateway")
    assert seen == "decide-route"


def test_closing_waits_for_a_running_pipeline_call(pipeline: Pipeline, tokens: TokenStore) -> None:
    context = _context(pipeline, tokens)
    started, finished = threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        time.sleep(0.2)
        finished.set()

    context.threads.submit(slow)
    assert started.wait(5)
    context.close()
    assert finished.is_set()
