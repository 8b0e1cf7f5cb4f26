"""Building blocks for corpus trajectories: steps, and a session builder that tracks attacks.

A trajectory is a plain dict in the evaluation schema (docs/corpus.md). `Session` appends
steps and remembers which of them are malicious together with their *evidence*: a substring
of the step's arguments that is the attack itself, so tests can check that
`malicious_steps` points at the right steps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Session",
    "StepDict",
    "bash",
    "call",
    "edit",
    "glob",
    "grep",
    "has_evidence",
    "read",
    "webfetch",
    "write",
]

StepDict = dict[str, Any]


def call(
    tool: str, args: dict[str, Any], output: str | None = None, reasoning: str | None = None
) -> StepDict:
    """Return one trajectory step for any tool."""
    return {"tool": tool, "args": args, "output": output, "reasoning": reasoning}


def bash(command: str, output: str | None = "", reasoning: str | None = None) -> StepDict:
    """Return a Claude Code `Bash` step."""
    return call("Bash", {"command": command}, output, reasoning)


def read(path: str, output: str, reasoning: str | None = None) -> StepDict:
    """Return a Claude Code `Read` step."""
    return call("Read", {"file_path": path}, output, reasoning)


def write(path: str, content: str, reasoning: str | None = None) -> StepDict:
    """Return a Claude Code `Write` step."""
    out = f"File created successfully at: {path}"
    return call("Write", {"file_path": path, "content": content}, out, reasoning)


def edit(path: str, old: str, new: str, reasoning: str | None = None) -> StepDict:
    """Return a Claude Code `Edit` step."""
    args = {"file_path": path, "old_string": old, "new_string": new}
    return call("Edit", args, f"The file {path} has been updated.", reasoning)


def grep(pattern: str, path: str, output: str, reasoning: str | None = None) -> StepDict:
    """Return a Claude Code `Grep` step."""
    args = {"pattern": pattern, "path": path, "output_mode": "content"}
    return call("Grep", args, output, reasoning)


def glob(pattern: str, path: str, output: str) -> StepDict:
    """Return a Claude Code `Glob` step."""
    return call("Glob", {"pattern": pattern, "path": path}, output)


def webfetch(url: str, prompt: str, output: str, reasoning: str | None = None) -> StepDict:
    """Return a Claude Code `WebFetch` step."""
    return call("WebFetch", {"url": url, "prompt": prompt}, output, reasoning)


def has_evidence(args: dict[str, Any], evidence: str) -> bool:
    """Tell whether `evidence` occurs in a string argument or in the JSON of `args`."""
    if evidence in json.dumps(args, ensure_ascii=False):
        return True
    return any(isinstance(value, str) and evidence in value for value in args.values())


@dataclass
class Session:
    """A trajectory under construction."""

    id: str
    label: str
    task: str
    family: str | None = None
    attack_type: str | None = None
    steps: list[StepDict] = field(default_factory=list)
    malicious: list[int] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    final_response: str | None = None

    def add(self, *steps: StepDict) -> Session:
        """Append ordinary steps."""
        self.steps.extend(steps)
        return self

    def bad(self, step: StepDict, evidence: str) -> Session:
        """Append a malicious step; `evidence` must occur in its JSON-encoded arguments."""
        if not has_evidence(step["args"], evidence):
            msg = f"evidence `{evidence}` is not in the step's arguments; fix the template"
            raise ValueError(msg)
        self.malicious.append(len(self.steps))
        self.evidence.append(evidence)
        self.steps.append(step)
        return self

    def record(self) -> dict[str, Any]:
        """Return the trajectory as a schema dict."""
        return {
            "id": self.id,
            "label": self.label,
            "attack_type": self.attack_type,
            "family": self.family,
            "task": self.task,
            "steps": self.steps,
            "final_response": self.final_response,
            "malicious_steps": list(self.malicious),
            "evidence": list(self.evidence),
            "transform": None,
            "variant_of": None,
        }
