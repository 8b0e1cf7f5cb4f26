"""`watchkeeper policy check|show|test` and `watchkeeper decide`, run as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FORMATS = Path(__file__).resolve().parents[2] / ".." / "shared" / "formats"
WATCHKEEPER = str(Path(sys.executable).parent / "watchkeeper")
POLICY = "version: 1\ndefault: ask\ninclude: [coding-agent]\n"


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [WATCHKEEPER, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY)
    return path


def test_check_reports_rule_count(policy_file: Path) -> None:
    """`policy check` prints the rule count and exits 0 for a valid file."""
    result = _run("policy", "check", str(policy_file))
    assert result.returncode == 0
    assert "ok," in result.stdout
    assert "rules, default ask; packs: coding-agent" in result.stdout


def test_check_fails_with_a_line_precise_error(tmp_path: Path) -> None:
    """`policy check` exits 1 and prints `file:line: message` on stderr."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\ndefault: deny\nrules:\n  - id: x\n    decision: deny\n"
        "    match: {comand: rm}\n"
    )
    result = _run("policy", "check", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"{path}:6: rule `x` has an unknown matcher `comand`")


def test_show_prints_the_pack_rules() -> None:
    """`policy show coding-agent` lists rule ids with their decisions."""
    result = _run("policy", "show", "coding-agent")
    assert result.returncode == 0
    assert "deny-destructive-delete" in result.stdout
    assert "allow-workspace-shell" in result.stdout


def test_show_unknown_name_fails() -> None:
    """`policy show` of something that is neither a pack nor a file exits 1."""
    result = _run("policy", "show", "no-such-pack")
    assert result.returncode == 1
    assert "`no-such-pack` is neither a built-in pack" in result.stderr


def test_test_command_passes_and_fails_cases(policy_file: Path, tmp_path: Path) -> None:
    """`policy test` prints pass/fail per case and exits 1 when any case fails."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- name: rm root\n"
        "  event: {tool: Bash, args: {command: 'rm -rf /'}}\n"
        "  expect: {decision: deny, rules: [deny-destructive-delete]}\n"
        "- name: wrong on purpose\n"
        "  event: {tool: Bash, args: {command: 'ls'}}\n"
        "  expect: {decision: deny, rules: []}\n"
    )
    result = _run("policy", "test", str(policy_file), str(cases), "--cwd", "/work/proj")
    assert result.returncode == 1
    assert "pass  rm root" in result.stdout
    assert "FAIL  wrong on purpose: expected deny [-], got allow [allow-workspace-shell]" in (
        result.stdout
    )
    assert "1 passed, 1 failed" in result.stdout


def test_test_command_exits_0_when_all_pass(policy_file: Path, tmp_path: Path) -> None:
    """`policy test` exits 0 when every case passes."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- name: push asks\n"
        "  event: {tool: Bash, args: {command: 'git push'}, cwd: /work/proj}\n"
        "  expect: {decision: ask, rules: [ask-git-push]}\n"
    )
    result = _run("policy", "test", str(policy_file), str(cases))
    assert result.returncode == 0, result.stdout
    assert "1 passed, 0 failed" in result.stdout


def test_decide_generic_event(policy_file: Path) -> None:
    """`decide` reads `{tool, args, cwd}` and prints the verdict JSON, exit 0."""
    event = {"tool": "Read", "args": {"file_path": "/home/dev/.ssh/id_rsa"}, "cwd": "/work/proj"}
    result = _run(
        "decide", "--policy", str(policy_file), "--home", "/home/dev", stdin=json.dumps(event)
    )
    assert result.returncode == 0
    verdict = json.loads(result.stdout)
    assert verdict["decision"] == "deny"
    assert verdict["rule_ids"] == ["deny-credential-read"]
    assert set(verdict) == {"decision", "rule_ids", "explanation", "agent_message", "errors"}


def test_decide_real_claude_code_payload(policy_file: Path) -> None:
    """A real PreToolUse payload (tool_name/tool_input) from a captured session is decided."""
    payloads = json.loads(
        (FORMATS / "claude_code_hooks" / "quantstats" / "pre_tool_use.json").read_text()
    )
    payload = next(p for p in payloads if p["tool_name"] == "Read")
    result = _run("decide", "--policy", str(policy_file), stdin=json.dumps(payload))
    assert result.returncode == 0
    verdict = json.loads(result.stdout)
    assert verdict["decision"] == "allow"
    assert verdict["rule_ids"] == ["allow-workspace-read-tools"]


def test_decide_malformed_input_fails_closed(policy_file: Path) -> None:
    """Malformed stdin gives a one-line stderr error, a deny verdict on stdout, exit 1."""
    result = _run("decide", "--policy", str(policy_file), stdin="{not json")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    verdict = json.loads(result.stdout)
    assert verdict["decision"] == "deny"
    assert verdict["errors"]


def test_decide_with_a_broken_policy_fails_closed(tmp_path: Path) -> None:
    """A policy that does not load gives a deny verdict and exit 1."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndefault: allow\n")
    result = _run("decide", "--policy", str(bad), stdin='{"tool": "Read", "args": {}}')
    assert result.returncode == 1
    assert json.loads(result.stdout)["decision"] == "deny"
    assert "`default: allow` is not permitted" in result.stderr
