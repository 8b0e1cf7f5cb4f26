"""Fakes and helpers for tests — ours and our users'.

Everything here runs real components on real sockets: an in-process gateway
(`serve_in_thread`) and a fake LLM endpoint that speaks the OpenAI-compatible chat
completions protocol over real HTTP (`FakeOpenAI`). Only the model behind the endpoint is
fake.
"""

from watchkeeper.testing._fake_openai import FakeOpenAI, FakeReply, ReceivedRequest
from watchkeeper.testing._gateway import GatewayStartError, serve_in_thread

__all__ = ["FakeOpenAI", "FakeReply", "GatewayStartError", "ReceivedRequest", "serve_in_thread"]
