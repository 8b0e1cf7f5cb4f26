"""The fake LLM endpoint speaks the OpenAI chat completions protocol over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from watchkeeper.testing import FakeOpenAI, FakeReply


def test_scripted_replies_come_back_as_chat_completions() -> None:
    """Each POST to /v1/chat/completions returns the next scripted reply in OpenAI's shape."""
    with FakeOpenAI([FakeReply("first", prompt_tokens=7), FakeReply("second")]) as fake:
        url = f"{fake.base_url}/chat/completions"
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        first = httpx.post(url, json=body).json()
        second = httpx.post(url, json=body).json()
    assert first["object"] == "chat.completion"
    assert first["choices"][0]["message"] == {"role": "assistant", "content": "first"}
    assert first["usage"]["prompt_tokens"] == 7
    assert second["choices"][0]["message"]["content"] == "second"


def test_requests_are_kept_for_assertions() -> None:
    """The fake keeps each request's path, headers and body."""
    with FakeOpenAI() as fake:
        httpx.post(
            f"{fake.base_url}/chat/completions",
            json={"model": "m", "messages": []},
            headers={"authorization": "Bearer k"},
        )
    assert fake.requests[0].path == "/v1/chat/completions"
    assert fake.requests[0].headers["authorization"] == "Bearer k"
    assert fake.requests[0].body["model"] == "m"


def test_error_replies_use_openais_error_body() -> None:
    """A scripted error status comes with `{"error": {"message": …}}`."""
    with FakeOpenAI([FakeReply(status=429, error_message="rate limited")]) as fake:
        reply = httpx.post(f"{fake.base_url}/chat/completions", json={"messages": []})
    assert (reply.status_code, reply.json()["error"]["message"]) == (429, "rate limited")


def test_slow_reply_times_out_a_client() -> None:
    """A reply with a delay outlasts a client's shorter timeout."""
    with FakeOpenAI([FakeReply("late", delay=1.0)]) as fake, pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{fake.base_url}/chat/completions", json={"messages": []}, timeout=0.2)


def test_api_key_is_enforced_when_set() -> None:
    """With `api_key`, a request without the right bearer token gets 401."""
    with FakeOpenAI(api_key="sk-test") as fake:
        denied = httpx.post(f"{fake.base_url}/chat/completions", json={"messages": []})
        models = httpx.get(f"{fake.base_url}/models", headers={"authorization": "Bearer sk-test"})
    assert denied.status_code == 401
    assert models.json()["data"][0]["id"] == "fake-judge"


def test_malformed_json_is_a_400() -> None:
    """A body that is not JSON gets a 400 in OpenAI's error format."""
    with FakeOpenAI() as fake:
        reply = httpx.post(f"{fake.base_url}/chat/completions", content=b"{nope")
    assert reply.status_code == 400
    assert "not valid JSON" in reply.json()["error"]["message"]
