"""Behaviour baseline monitor: how new is what this deployment is doing now?

Each deployment has a profile: how often it has used each tool, command name, network host
and path prefix (two directory levels, relative to the working directory or the home when
under them). A call using something the profile has never (or only once) seen scores by how
established the profile is, so a young deployment's first steps are not alarming while a
long-running one doing something new is.

The profiles are the one piece of cross-session state a built-in monitor keeps: they live in
the monitor object (not in `SessionView.state`), are bounded (`max_deployments`, least
recently used dropped first; `max_items` per kind per deployment, after which new items are
still scored as new but not remembered), and can be learned from benign replays (`learn`),
saved and loaded as JSON.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from watchkeeper.events import Severity
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.normalize import Action

__all__ = [
    "BaselineConfigError",
    "BaselineProfileError",
    "BehaviourBaseline",
    "behaviour_baseline",
]

CATEGORY = "novel-behaviour"
_VERSION = 1
#: How much a never-seen item of each kind adds to the novelty of a call.
_WEIGHTS = {"tool": 0.7, "command": 0.5, "host": 0.6, "path": 0.35}
_KINDS = tuple(_WEIGHTS)
_HOME_ROOTS = ("/home/", "/Users/")


class BaselineConfigError(ValueError):
    """The baseline monitor was given an unusable setting; fix the monitor's settings."""


class BaselineProfileError(Exception):
    """A saved baseline profile cannot be read; fix or delete the file."""


def behaviour_baseline(
    *,
    profile_path: Path | str | None = None,
    ramp: int = 200,
    max_deployments: int = 64,
    max_items: int = 4096,
    learn_online: bool = True,
    ceiling: float = 0.5,
) -> Monitor:
    """Return the behaviour-baseline monitor (category `novel-behaviour`).

    `profile_path` is a JSON profile saved by `BehaviourBaseline.save` to start from (missing
    file: start empty). A profile with `ramp` calls counts as half established. With
    `learn_online` every call scored is then added to its deployment's profile. `ceiling` is
    the score of the newest call in a fully established profile: novelty alone is weak
    evidence of intent (a deployment's first PDF tool, its first new host), so by default it
    scores at most 0.5 and raises a session's score only beside other monitors' findings.
    """
    monitor = BehaviourBaseline(
        ramp=ramp,
        max_deployments=max_deployments,
        max_items=max_items,
        learn_online=learn_online,
        ceiling=ceiling,
    )
    if profile_path is not None and Path(profile_path).exists():
        monitor.load(Path(profile_path))
    return monitor


class BehaviourBaseline:
    """Scores calls by how new they are for their deployment; holds the profiles."""

    __slots__ = (
        "_ceiling",
        "_learn_online",
        "_max_deployments",
        "_max_items",
        "_profiles",
        "_ramp",
        "name",
    )

    def __init__(
        self,
        *,
        ramp: int = 200,
        max_deployments: int = 64,
        max_items: int = 4096,
        learn_online: bool = True,
        ceiling: float = 0.5,
        name: str = "baseline",
    ) -> None:
        if ramp < 1 or max_deployments < 1 or max_items < 1:
            raise BaselineConfigError(
                f"baseline settings `ramp={ramp}`, `max_deployments={max_deployments}`, "
                f"`max_items={max_items}` must all be at least 1; raise them"
            )
        if not 0.0 < ceiling <= 1.0:
            raise BaselineConfigError(
                f"baseline setting `ceiling={ceiling}` must be above 0 and at most 1"
            )
        self.name = name
        self._ceiling = ceiling
        self._ramp = ramp
        self._max_deployments = max_deployments
        self._max_items = max_items
        self._learn_online = learn_online
        self._profiles: dict[str, dict[str, Any]] = {}

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        """Return a `novel-behaviour` finding when the call uses something new."""
        action = step.action
        if action is None:
            return None
        profile = self._profile(session.deployment_id)
        features = _features(action)
        established = profile["steps"] / (profile["steps"] + self._ramp)
        calm = 1.0
        new: list[str] = []
        for kind, item in features:
            count = profile[kind].get(item, 0)
            if count <= 1:
                calm *= 1.0 - _WEIGHTS[kind] / (1 + count)
                if count == 0:
                    new.append(f"{kind} `{item}`")
        if self._learn_online:
            self._add(profile, features)
        novelty = established * (1.0 - calm)
        score = round(self._ceiling * novelty, 4)
        if not new or score <= 0.0:
            return None
        shown = ", ".join(new[:3]) + (f" and {len(new) - 3} more" if len(new) > 3 else "")
        severity = (
            Severity.MEDIUM if novelty >= 0.5 else Severity.LOW if novelty >= 0.3 else Severity.INFO
        )
        return Finding(
            self.name,
            score,
            CATEGORY,
            severity,
            f"first use in this deployment of {shown}",
            (step.event.id,),
        )

    def learn(self, steps: Iterable[Step], *, deployment_id: str = "default") -> int:
        """Add the calls among `steps` to `deployment_id`'s profile; return how many."""
        profile = self._profile(deployment_id)
        learned = 0
        for step in steps:
            if step.action is not None:
                self._add(profile, _features(step.action))
                learned += 1
        return learned

    def profile(self, deployment_id: str) -> dict[str, Any]:
        """Return a copy of `deployment_id`'s profile: call count and counts per kind."""
        found = self._profiles.get(deployment_id)
        if found is None:
            return {"steps": 0, **{kind: {} for kind in _KINDS}}
        return {"steps": found["steps"], **{kind: dict(found[kind]) for kind in _KINDS}}

    def save(self, path: Path) -> None:
        """Write every profile to `path` as JSON (written whole, then renamed into place)."""
        data = {"version": _VERSION, "deployments": self._profiles}
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(data, sort_keys=True, indent=1))
        temporary.replace(path)

    def load(self, path: Path) -> None:
        """Replace the profiles with those saved at `path`."""
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise BaselineProfileError(
                f"baseline profile `{path}` cannot be read ({exc}); fix or delete it"
            ) from exc
        deployments = data.get("deployments") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("version") != _VERSION
            or not isinstance(deployments, dict)
        ):
            raise BaselineProfileError(
                f"baseline profile `{path}` is not a version {_VERSION} profile; delete it"
            )
        profiles: dict[str, dict[str, Any]] = {}
        for deployment, raw in deployments.items():
            profiles[str(deployment)] = _checked(path, raw)
        self._profiles = profiles

    def _profile(self, deployment_id: str) -> dict[str, Any]:
        profiles = self._profiles
        if profiles and next(reversed(profiles)) == deployment_id:
            # Already the most recently used: replays and busy deployments ask in a row.
            return profiles[deployment_id]
        found = profiles.pop(deployment_id, None)
        if found is None:
            found = {"steps": 0, **{kind: {} for kind in _KINDS}}
            if len(profiles) >= self._max_deployments:
                del profiles[next(iter(profiles))]
        profiles[deployment_id] = found
        return found

    def _add(self, profile: dict[str, Any], features: list[tuple[str, str]]) -> None:
        profile["steps"] += 1
        for kind, item in features:
            counts: dict[str, int] = profile[kind]
            count = counts.get(item)
            if count is not None:
                counts[item] = count + 1
            elif len(counts) < self._max_items:
                counts[item] = 1


def _checked(path: Path, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), int):
        raise BaselineProfileError(f"baseline profile `{path}` has a malformed deployment")
    profile: dict[str, Any] = {"steps": raw["steps"]}
    for kind in _KINDS:
        counts = raw.get(kind, {})
        if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
            raise BaselineProfileError(f"baseline profile `{path}` has malformed `{kind}` counts")
        profile[kind] = {str(item): count for item, count in counts.items()}
    return profile


def _features(action: Action) -> list[tuple[str, str]]:
    features = [("tool", action.tool)]
    commands = action.commands
    if commands:
        seen: set[str] = set()
        for command in commands:
            if command.name not in seen:
                seen.add(command.name)
                features.append(("command", command.name))
    for host in action.hosts:
        features.append(("host", host))
    if action.reads or action.writes:
        prefixes: set[str] = set()
        for path in (*action.reads, *action.writes):
            prefix = _prefix(path, action.cwd)
            if prefix not in prefixes:
                prefixes.add(prefix)
                features.append(("path", prefix))
    return features


def _prefix(path: str, cwd: str | None) -> str:
    """Return two directory levels of `path`, relative to `cwd` or the home when under them."""
    if cwd and (path == cwd or path.startswith(cwd.rstrip("/") + "/")):
        return "./" + "/".join(posixpath.relpath(path, cwd).split("/")[:2])
    parts = path.split("/")
    if path.startswith(_HOME_ROOTS) and len(parts) > 3:
        return "~/" + "/".join(parts[3:5])
    if path.startswith("/root/"):
        return "~/" + "/".join(parts[2:4])
    if path.startswith("/"):
        return "/".join(parts[:3])
    return "/".join(parts[:2])
