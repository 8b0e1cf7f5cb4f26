"""A small client for any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, Ollama,
llama.cpp server, …): one POST to ``{base_url}/chat/completions``, JSON in, JSON out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["ChatClient", "ChatReply", "JudgeCallError"]


class JudgeCallError(Exception):
    """The judge endpoint did not give a usable answer (down, slow, error status, bad body)."""


@dataclass(frozen=True, slots=True)
class ChatReply:
    """The assistant's text and the tokens the endpoint says it used."""

    content: str
    prompt_tokens: int
    completion_tokens: int


class ChatClient:
    """Posts chat completions to `base_url` (which ends in ``/v1`` for most servers)."""

    def __init__(
        self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 30.0
    ) -> None:
        self._headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def complete(self, messages: Sequence[dict[str, str]], *, max_tokens: int) -> ChatReply:
        """Return the first choice's message; raise `JudgeCallError` (one line) otherwise."""
        body: dict[str, Any] = {
            "model": self._model,
            "messages": list(messages),
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        try:
            # A connection per call: judge calls are rare and slow, and nothing stays open
            # for an owner to forget to close.
            with httpx.Client(timeout=self._timeout, trust_env=False) as http:
                response = http.post(
                    f"{self._base_url}/chat/completions", json=body, headers=self._headers
                )
        except httpx.TimeoutException as exc:
            raise JudgeCallError(f"judge endpoint did not answer in time ({exc})") from exc
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"
            raise JudgeCallError(f"judge endpoint unreachable: {reason}") from exc
        if response.status_code != 200:
            raise JudgeCallError(
                f"judge endpoint answered {response.status_code}: {_error_text(response)}"
            )
        try:
            data = response.json()
            content = data["choices"][0]["message"]["content"]
            usage = data.get("usage") or {}
            return ChatReply(
                content=str(content or ""),
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise JudgeCallError(
                f"judge endpoint sent a body that is not a chat completion: {exc!r}"
            ) from exc


def _error_text(response: httpx.Response) -> str:
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text
    return " ".join(str(message).split())[:200]
