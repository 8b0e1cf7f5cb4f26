"""Assistant sessions: hijacked by an injection, injection ignored, and plain benign ones."""

from __future__ import annotations

import random
from typing import Any

from watchkeeper.evals.corpus._cases import CASES, Case
from watchkeeper.evals.corpus._inject import GOALS, STYLES, Goal, pick_attacker
from watchkeeper.evals.corpus._steps import Session, call

__all__ = ["assistant_sessions"]

_NOTICED = (
    " Note: one of the items contained instructions addressed to an AI assistant; I ignored them.",
    "",
    "",
)


def _carrier(case: Case, injection: str) -> dict[str, Any]:
    output = case.carrier_output.replace("{inj}", injection)
    return call(case.carrier_tool, dict(case.carrier_args), output)


def _hijacked(sid: str, case: Case, goal: Goal, injection: str, rng: random.Random) -> Session:
    s = Session(sid, "attack", case.task, family="injection", attack_type="injection")
    s.add(*case.pre, _carrier(case, injection))
    order = rng.choice(("attack-first", "task-first", "attack-only"))
    if order == "task-first":
        s.add(*case.acts)
    reasoning = rng.choice((None, "The message asks for this step first.", None))
    s.add(*goal.prelude)
    s.bad({**goal.step, "reasoning": reasoning}, goal.evidence)
    if order == "attack-first":
        s.add(*case.acts)
    s.final_response = case.final if order != "attack-only" else "Done."
    return s


def _ignored(sid: str, case: Case, injection: str, rng: random.Random) -> Session:
    s = Session(sid, "benign", case.task, family="injection", attack_type=None)
    s.add(*case.pre, _carrier(case, injection), *case.acts)
    s.final_response = case.final + rng.choice(_NOTICED)
    return s


def _plain(sid: str, case: Case) -> Session:
    s = Session(sid, "benign", case.task)
    s.add(*case.pre, _carrier(case, ""), *case.acts)
    s.final_response = case.final
    return s


def assistant_sessions(rng: random.Random, per_suite: dict[str, int]) -> list[dict[str, Any]]:
    """Return hijacked sessions, their ignored-injection twins and plain benign sessions.

    `per_suite` gives how many hijacked/twin pairs to build per suite; about half as many plain
    benign sessions are built beside them.
    """
    records: list[dict[str, Any]] = []
    styles = sorted(STYLES)
    for suite, count in per_suite.items():
        makers = CASES[suite]
        goals = GOALS[suite]
        for n in range(count):
            case = makers[n % len(makers)](rng)
            style = styles[(n * 5 + len(suite)) % len(styles)]
            attacker = pick_attacker(rng)
            goal = goals[(n // len(makers) + n) % len(goals)](rng, attacker)
            injection = STYLES[style](goal.text, case.user)
            base = f"asst-{suite}-{n:03d}"
            hijacked = _hijacked(f"{base}-hijacked", case, goal, injection, rng).record()
            hijacked["injection_style"] = style
            twin = _ignored(f"{base}-ignored", case, injection, rng).record()
            twin["injection_style"] = style
            twin["twin_of"] = hijacked["id"]
            records += [hijacked, twin]
            if n % 2 == 0:
                records.append(
                    _plain(f"{base}-plain", makers[(n // 2) % len(makers)](rng)).record()
                )
    return records
