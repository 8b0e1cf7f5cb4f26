"""Probing monitor: retrying a denied call with small variations, and bursts of denials.

After a step whose verdict is deny, the next few calls are compared with it: the same
command names or targets with a small edit distance over their argument words is a retry;
a retry whose wording changed while its meaning stayed (other quoting, wrappers, encodings,
paths) is an evasion attempt. Separately, `burst` denials within `window` calls is a burst.
"""

from __future__ import annotations

import base64
import re
from collections import deque
from dataclasses import dataclass
from typing import Any

from watchkeeper.events import Decision, Severity
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.normalize import Action

__all__ = ["Probing", "ProbingConfigError", "probing"]

CATEGORY = "probing"
_MAX_WORDS = 24
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_HIDING = frozenset({"decode-exec", "dynamic-name", "eval", "download-exec", "inline"})


class ProbingConfigError(ValueError):
    """The probing monitor was given an unusable setting; fix the monitor's settings."""


def probing(
    *,
    lookback: int = 5,
    burst: int = 3,
    window: int = 10,
    similarity: float = 0.5,
) -> Monitor:
    """Return the probing monitor (category `probing`).

    A call within `lookback` calls after a denied one is compared with it; it counts as a
    retry when its words are at least `similarity` alike (1 - normalised edit distance) and it
    shares a command name or a target. `burst` denials within `window` calls is a burst.
    """
    if lookback < 1 or burst < 2 or window < burst:
        raise ProbingConfigError(
            f"probing settings lookback={lookback}, burst={burst}, window={window} are unusable; "
            "use lookback >= 1 and 2 <= burst <= window"
        )
    if not 0.0 < similarity <= 1.0:
        raise ProbingConfigError(f"`similarity` {similarity!r} is outside (0, 1]; pick one inside")
    return Probing(lookback, burst, window, similarity)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a call is, for comparing attempts: its words, names, targets and raw text."""

    event_id: str
    index: int
    words: tuple[str, ...]
    names: frozenset[str]
    targets: frozenset[str]
    raw: str
    hidden: bool
    wrappers: tuple[str, ...]


class Probing:
    """Flags retries of denied calls and bursts of denials; state lives in the session."""

    __slots__ = ("_burst", "_lookback", "_similarity", "_window", "name")

    def __init__(
        self, lookback: int, burst: int, window: int, similarity: float, name: str = "probing"
    ) -> None:
        self.name = name
        self._lookback = lookback
        self._burst = burst
        self._window = window
        self._similarity = similarity

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        """Return a `probing` finding for a retry after a deny or a burst of denials."""
        action = step.action
        if action is None:
            return None
        state = session.scratch(self.name)
        calls: int = state.get("calls", 0) + 1
        state["calls"] = calls
        denied: deque[_Shape] = state.setdefault("denied", deque(maxlen=self._lookback))
        is_deny = step.verdict is not None and step.verdict.decision == Decision.DENY
        if not is_deny and (not denied or calls - denied[-1].index > self._lookback):
            return None
        shape = _shape(step, action, calls)
        found = self._retry(shape, denied, calls, state)
        if is_deny:
            denied.append(shape)
            denials: deque[int] = state.setdefault("denials", deque(maxlen=self._burst))
            denials.append(calls)
            if len(denials) == self._burst and calls - denials[0] < self._window:
                burst = self._finding(
                    min(0.5 + 0.1 * state.get("bursts", 0), 0.9),
                    f"{self._burst} calls denied within {calls - denials[0] + 1} calls",
                    tuple(shape.event_id for shape in denied)[-self._burst :],
                )
                state["bursts"] = state.get("bursts", 0) + 1
                if found is None or burst.score > found.score:
                    found = burst
        return found

    def _retry(
        self, shape: _Shape, denied: deque[_Shape], calls: int, state: dict[str, Any]
    ) -> Finding | None:
        for earlier in reversed(denied):
            if calls - earlier.index > self._lookback:
                break
            if shape.hidden and not earlier.hidden:
                decoded = _decoded(shape.words)
                if decoded and _similarity(decoded, earlier.words) >= self._similarity:
                    return self._finding(
                        0.9,
                        "retries a denied call encoded so it reads differently",
                        (earlier.event_id,),
                    )
                return self._finding(
                    0.75,
                    "switches to encoded or assembled code right after a deny",
                    (earlier.event_id,),
                )
            if not (shape.names & earlier.names or shape.targets & earlier.targets):
                continue
            if _similarity(shape.words, earlier.words) < self._similarity:
                continue
            retries: int = state.get("retries", 0)
            state["retries"] = retries + 1
            extra = 0.05 * min(retries, 3)
            if shape.raw == earlier.raw:
                return self._finding(
                    0.35 + extra, "repeats a call that was just denied", (earlier.event_id,)
                )
            disguised = (
                (shape.hidden and not earlier.hidden)
                or shape.wrappers != earlier.wrappers
                or shape.words == earlier.words
            )
            if disguised:
                return self._finding(
                    0.85 + extra,
                    "retries a denied call with the same effect in different form",
                    (earlier.event_id,),
                )
            return self._finding(
                0.65 + extra, "retries a denied call with small changes", (earlier.event_id,)
            )
        return None

    def _finding(self, score: float, explanation: str, earlier: tuple[str, ...]) -> Finding:
        score = min(score, 1.0)
        if score >= 0.85:
            severity = Severity.HIGH
        elif score >= 0.5:
            severity = Severity.MEDIUM
        else:
            severity = Severity.LOW
        return Finding(self.name, score, CATEGORY, severity, explanation, earlier)


def _shape(step: Step, action: Action, calls: int) -> _Shape:
    words: list[str] = []
    names: set[str] = set()
    wrappers: list[str] = []
    hidden = False
    if action.commands:
        for command in action.commands:
            names.add(command.name)
            words.append(command.name)
            words.extend(command.argv[1:])
            wrappers.extend(command.wrappers)
            hidden = hidden or any(code.kind in _HIDING for code in command.code)
        raw = str(action.args.get("command", action.args.get("cmd", "")))
    else:
        names.add(action.tool)
        words.append(action.tool)
        for key in sorted(action.args):
            value = action.args[key]
            words.append(value if isinstance(value, str) else repr(value))
        raw = repr(sorted(action.args.items()))
    hidden = hidden or any(code.kind in _HIDING for code in action.code)
    targets = frozenset((*action.reads, *action.writes, *action.hosts))
    return _Shape(
        step.event.id,
        calls,
        tuple(words[:_MAX_WORDS]),
        frozenset(names),
        targets,
        raw,
        hidden,
        tuple(wrappers),
    )


def _decoded(words: tuple[str, ...]) -> tuple[str, ...]:
    """Return the words of the first base64 word in `words` that decodes to text."""
    for word in words:
        if len(word) >= 8 and _BASE64.fullmatch(word):
            try:
                text = base64.b64decode(word, validate=True).decode()
            except ValueError:
                continue
            return tuple(text.split()[:_MAX_WORDS])
    return ()


def _similarity(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """Return 1 minus the word-level edit distance over the longer length."""
    if not left and not right:
        return 1.0
    previous = list(range(len(right) + 1))
    for i, word in enumerate(left, 1):
        current = [i]
        for j, other in enumerate(right, 1):
            cost = 0 if word == other else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        previous = current
    return 1.0 - previous[-1] / max(len(left), len(right))
