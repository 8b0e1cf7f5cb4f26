"""A running gateway follows its policy file: edits apply on the next call, breakage denies."""

from __future__ import annotations

import os
from pathlib import Path

from tests.gateway.conftest import TEST_POLICY
from watchkeeper.events import Decision, ErrorEvent, ToolCall
from watchkeeper.gateway import Pipeline
from watchkeeper.ledger import ledger_source


def _bash(command: str) -> ToolCall:
    return ToolCall(session_id="s1", tool="Bash", args={"command": command})


def _rewrite(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_an_edited_policy_decides_the_next_call(pipeline: Pipeline, policy_file: Path) -> None:
    assert pipeline.decide(_bash("rm -f notes.txt")).decision is Decision.DENY
    edited = TEST_POLICY.replace(
        "  - id: deny-rm\n    decision: deny",
        "  - id: deny-rm\n    decision: ask",
    )
    _rewrite(policy_file, edited)
    verdict = pipeline.decide(_bash("rm -f notes.txt"))
    assert (verdict.decision, verdict.rule_ids) == (Decision.ASK, ("deny-rm",))


def test_a_broken_edit_denies_every_call_and_records_why(
    pipeline: Pipeline, policy_file: Path, home: Path
) -> None:
    _rewrite(policy_file, TEST_POLICY + "  - id: [unclosed\n")
    verdict = pipeline.decide(_bash("echo hi"))
    assert verdict.decision is Decision.DENY
    errors = [e for _seq, e in ledger_source(home).events() if isinstance(e, ErrorEvent)]
    assert any("test-policy.yaml" in e.message for e in errors)


def test_fixing_the_file_restores_decisions(pipeline: Pipeline, policy_file: Path) -> None:
    _rewrite(policy_file, "version: 1\n")
    assert pipeline.decide(_bash("echo hi")).decision is Decision.DENY
    _rewrite(policy_file, TEST_POLICY)
    assert pipeline.decide(_bash("echo hi")).decision is Decision.ALLOW


def test_a_deleted_policy_file_denies(pipeline: Pipeline, policy_file: Path) -> None:
    policy_file.unlink()
    assert pipeline.decide(_bash("echo hi")).decision is Decision.DENY
