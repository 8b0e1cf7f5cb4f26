"""The load generator: concurrent agent sessions deciding and recording through every gateway.

With round-robin routing (the default) agents are not pinned to a gateway: each call goes to
the next gateway in turn, so every gateway decides calls of sessions whose earlier steps
other gateways recorded (they follow the shared ledger). With sticky routing each agent keeps
to one gateway. Every agent runs episodes until the
deadline; each episode is a fresh session of seven calls,
with a think time between calls (exponentially distributed around the plan's `think` seconds,
as an agent waits for its model between tool calls; 0 sends the next call at once):

1. record the user's task (`message`);
2. decide `git status` and `pytest -q …` (the policy allows both);
3. record the test run's result — failing in every other episode;
4. decide reading an SSH key and `rm -rf /` (the policy must deny both);
5. record the agent's closing message. After a failing run it claims the tests pass, which the
   `integrity` monitor alerts on (`falsified-verification`): the suspicious step. It counts as
   one (an alert is expected) only when every earlier step of the episode was acknowledged.

Run as ``python -m bench.soak.load PLAN.json``; it writes its `Tally` as JSON to the plan's
`out` path.

The agents post with aiohttp, not httpx: the load generators share the 2 cores with the system
under test, and httpx's async client took about 4 ms of CPU per request at 100 open
connections here, aiohttp 0.27 ms (same machine, same server, same requests).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import BaseModel, ConfigDict

from bench.soak._content import content_hash
from bench.soak._tally import Tally

__all__ = ["DEPLOYMENT", "AgentPlan", "run_agents"]

#: The deployment every agent's token belongs to.
DEPLOYMENT = "soak"

_BACKOFF = 0.2
_TIMEOUT_SECONDS = 15.0
#: What a post that got no answer raises: the connection failed, broke or timed out.
_NO_ANSWER = (aiohttp.ClientError, TimeoutError)
_FAILING = "FAILED tests/test_mod.py::test_total - assert 41 == 42\n3 failed, 10 passed in 0.52s"
_PASSING = "13 passed in 0.49s"


class AgentPlan(BaseModel):
    """What one load-generator process runs: agents `first`…`first + count - 1`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gateways: tuple[str, ...]
    token: str
    first: int
    count: int
    start: float
    duration: float
    think: float = 0.0
    sticky: bool = False
    out: Path


class Gateway:
    """One gateway as the agents reach it: its base url over a shared aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self.url = url

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST `body` as JSON; return the status and the reply's JSON object ({} if none)."""
        async with self._session.post(self.url + path, json=body) as response:
            raw = await response.read()
            return response.status, _json(raw)


class _Agent:
    """One agent: its gateway, its tally, its deadline."""

    def __init__(
        self,
        index: int,
        clients: Sequence[Gateway],
        tally: Tally,
        deadline: float,
        think: float,
        *,
        sticky: bool = False,
    ):
        self._index = index
        self._clients = clients
        self._turn = index
        self._sticky = sticky
        self._tally = tally
        self._deadline = deadline
        self._think = think
        self._random = random.Random(index)
        self._episode_ok = True

    def _running(self) -> bool:
        return time.monotonic() < self._deadline

    def _next_client(self) -> Gateway:
        self._turn += 0 if self._sticky else 1
        return self._clients[self._turn % len(self._clients)]

    async def _pause(self) -> None:
        if self._think > 0:
            await asyncio.sleep(self._random.expovariate(1.0 / self._think))

    async def run(self) -> None:
        episode = 0
        await self._pause()  # agents do not start in lockstep
        while self._running():
            await self._episode(f"a{self._index}-e{episode}", failing=episode % 2 == 0)
            episode += 1

    async def _episode(self, session: str, *, failing: bool) -> None:
        self._episode_ok = True
        use_id = f"toolu_{uuid.uuid4().hex[:20]}"
        module = f"src/mod_{self._index}.py"
        steps: list[Any] = [
            lambda: self._record(session, "message", role="user", text=f"fix the bug in {module}"),
            lambda: self._decide(session, "git status", must_deny=False),
            lambda: self._decide(session, "pytest -q", must_deny=False, tool_use_id=use_id),
            lambda: self._record(
                session,
                "tool_result",
                tool="Bash",
                tool_use_id=use_id,
                output=_FAILING if failing else _PASSING,
                is_error=failing,
            ),
            lambda: self._decide(session, "cat ~/.ssh/id_rsa", must_deny=True),
            lambda: self._decide(session, "rm -rf /", must_deny=True),
            lambda: self._record(
                session,
                "message",
                suspicious=failing,
                role="assistant",
                text="All tests pass now." if failing else "Done; the tests pass.",
            ),
        ]
        for step in steps:
            if not self._running():
                return
            await step()
            await self._pause()

    async def _decide(
        self, session: str, command: str, *, must_deny: bool, tool_use_id: str | None = None
    ) -> None:
        body: dict[str, Any] = {"session_id": session, "tool": "Bash", "args": {"command": command}}
        if tool_use_id is not None:
            body["tool_use_id"] = tool_use_id
        sent_at = time.time()
        started = time.perf_counter()
        try:
            status, data = await self._next_client().post("/v1/decide", body)
        except _NO_ANSWER as exc:
            self._episode_ok = False
            self._tally.refuse(type(exc).__name__)
            await asyncio.sleep(_BACKOFF)
            return
        elapsed = time.perf_counter() - started
        decision = data.get("decision")
        if status != 200:
            self._episode_ok = False
            self._tally.refuse(f"http {status}")
            self._tally.unexpected_allows += decision == "allow"
            await asyncio.sleep(_BACKOFF)
            return
        self._tally.decided(str(decision), elapsed, sent_at=sent_at, must_deny=must_deny)
        call_id = str(data["call_id"])
        record = {**body, "deployment_id": DEPLOYMENT}
        self._tally.acked.append((call_id, content_hash("tool_call", record)))
        self._tally.verdicts.append((call_id, str(decision)))

    async def _record(
        self, session: str, kind: str, *, suspicious: bool = False, **fields: Any
    ) -> None:
        event = {"kind": kind, "id": uuid.uuid4().hex, "session_id": session, **fields}
        try:
            status, data = await self._next_client().post("/v1/events", {"events": [event]})
        except _NO_ANSWER as exc:
            self._episode_ok = False
            self._tally.post_failed(type(exc).__name__)
            await asyncio.sleep(_BACKOFF)
            return
        recorded = data.get("recorded")
        if status != 200 or not recorded or recorded[0].get("id") != event["id"]:
            self._episode_ok = False
            self._tally.post_failed(f"http {status}")
            await asyncio.sleep(_BACKOFF)
            return
        acked_at = time.time()
        self._tally.event_posts += 1
        record = {**event, "deployment_id": DEPLOYMENT}
        self._tally.acked.append((event["id"], content_hash(kind, record)))
        if suspicious and self._episode_ok:
            self._tally.suspicious.append((event["id"], acked_at))


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def run_agents(plan: AgentPlan) -> Tally:
    """Run the plan's agents from `plan.start` (wall clock) for `plan.duration` seconds."""
    tally = Tally()
    headers = {"Authorization": f"Bearer {plan.token}"}
    # Up to one open connection per agent and gateway, as with one client per gateway.
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=plan.count)
    timeout = aiohttp.ClientTimeout(total=_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(
        headers=headers, connector=connector, timeout=timeout
    ) as session:
        clients = [Gateway(session, url) for url in plan.gateways]
        await asyncio.sleep(max(0.0, plan.start - time.time()))
        deadline = time.monotonic() + plan.duration
        agents = [
            _Agent(i, clients, tally, deadline, plan.think, sticky=plan.sticky)
            for i in range(plan.first, plan.first + plan.count)
        ]
        await asyncio.gather(*(agent.run() for agent in agents))
    return tally


def main(argv: list[str]) -> int:
    """Run the plan in `argv[0]` and write the tally to its `out` path."""
    if len(argv) != 1:
        print("usage: python -m bench.soak.load PLAN.json")
        return 2
    plan = AgentPlan.model_validate_json(Path(argv[0]).read_text(encoding="utf-8"))
    tally = asyncio.run(run_agents(plan))
    tally.cpu_seconds = time.process_time()
    plan.out.write_text(tally.model_dump_json(), encoding="utf-8")
    return 0
