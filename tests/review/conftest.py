"""Review fixtures: a home with a policy that asks, its real pipeline, a queue and grants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.events import Decision, ToolCall
from watchkeeper.gateway import Pipeline, build_pipeline
from watchkeeper.policy import Verdict
from watchkeeper.review import GRANTS_FILE, ApprovalQueue, GrantStore

ASK_POLICY = """\
version: 1
default: deny
rules:
  - id: ask-pytest
    decision: ask
    description: running the tests needs a person
    match: {command: ["pytest *", "npm test *"]}
  - id: ask-edit
    decision: ask
    description: edits need a person
    match: {tool: Edit}
  - id: allow-echo
    decision: allow
    description: echo is harmless
    match: {command: ["echo *"]}
  - id: deny-curl
    decision: deny
    description: no network tools
    match: {command: ["curl *"]}
"""


def bash(command: str, *, deployment: str = "alpha", cwd: str = "/repo") -> ToolCall:
    """A Bash tool call of `deployment` running `command` in `cwd`."""
    return ToolCall(
        deployment_id=deployment,
        session_id="s1",
        tool="Bash",
        args={"command": command},
        cwd=cwd,
    )


def asked(*rule_ids: str) -> Verdict:
    """An `ask` verdict from `rule_ids`."""
    return Verdict(Decision.ASK, rule_ids, "the policy asked", "needs a person's approval")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A watchkeeper home holding the asking policy."""
    (tmp_path / "policy.yaml").write_text(ASK_POLICY)
    return tmp_path


@pytest.fixture
def grants(home: Path) -> GrantStore:
    """The home's grant store, read-only (as the pipeline holds it)."""
    return GrantStore(home / GRANTS_FILE)


@pytest.fixture
def pipeline(home: Path, grants: GrantStore) -> Iterator[Pipeline]:
    """The home's real pipeline (SQLite ledger, no monitors), consulting `grants` on asks."""
    with build_pipeline(
        home, policy_path=home / "policy.yaml", default_monitors=False, grants=grants
    ) as built:
        yield built


@pytest.fixture
def recording_grants(grants: GrantStore, pipeline: Pipeline) -> GrantStore:
    """The grant store recording its changes through the pipeline."""
    return grants.recording(pipeline.record)


@pytest.fixture
def queue(pipeline: Pipeline, recording_grants: GrantStore) -> Iterator[ApprovalQueue]:
    """An approval queue recording through the pipeline, closed after the test."""
    approvals = ApprovalQueue(pipeline.record, grants=recording_grants)
    yield approvals
    approvals.close()
