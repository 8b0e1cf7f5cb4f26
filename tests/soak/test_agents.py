"""How soak agents pick a gateway for each call: in turn, or always the same one."""

from __future__ import annotations

from typing import cast

import aiohttp
from bench.soak._agents import Gateway, _Agent
from bench.soak._tally import Tally


def _clients() -> list[Gateway]:
    # Never used to post: picking a gateway does not touch the session.
    session = cast(aiohttp.ClientSession, None)
    return [Gateway(session, f"http://gateway-{n}") for n in range(3)]


def _picked(agent: _Agent, clients: list[Gateway], calls: int) -> list[int]:
    return [clients.index(agent._next_client()) for _ in range(calls)]


def test_round_robin_agents_visit_every_gateway_in_turn() -> None:
    """Without stickiness consecutive calls of one agent go to consecutive gateways."""
    clients = _clients()
    agent = _Agent(4, clients, Tally(), deadline=0.0, think=0.0)
    assert _picked(agent, clients, 4) == [2, 0, 1, 2]


def test_sticky_agents_keep_to_one_gateway() -> None:
    """With sticky routing every call of an agent goes to the same gateway (index mod n)."""
    clients = _clients()
    agent = _Agent(4, clients, Tally(), deadline=0.0, think=0.0, sticky=True)
    assert _picked(agent, clients, 4) == [1, 1, 1, 1]
