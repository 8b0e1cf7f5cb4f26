"""`DeploymentPolicies`: a deployment's own policy file and allowed hosts decide its calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from watchkeeper.deployments import ALLOW_HOSTS_RULE, DeploymentPolicies, Registry
from watchkeeper.events import Decision, ToolCall
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import Policy, PolicyError, SessionContext, load_policy, parse_policy
from watchkeeper.statefile import file_stamp

Register = Callable[..., str]

BASE = """\
version: 1
default: deny
rules:
  - id: allow-echo
    decision: allow
    match: {command: ["echo *"]}
  - id: allow-curl
    decision: allow
    match: {command: ["curl *"], hosts: ["*"]}
"""
STRICT = """\
version: 1
default: deny
rules:
  - id: deny-echo
    decision: deny
    description: no echo for this deployment
    match: {command: ["echo *"]}
"""


def _decide(policies: DeploymentPolicies, deployment: str, command: str) -> tuple[str, ...]:
    call = ToolCall(
        deployment_id=deployment,
        session_id="s",
        tool="Bash",
        args={"command": command},
        cwd="/work",
    )
    verdict = policies(deployment).decide(Normalizer().tool_call(call), SessionContext())
    return (verdict.decision.value, *verdict.rule_ids)


@pytest.fixture
def base() -> Policy:
    """The gateway's policy: echo and curl anywhere are allowed."""
    return parse_policy(BASE, source="base.yaml")


def test_unregistered_deployment_uses_the_gateway_policy(registry: Registry, base: Policy) -> None:
    """A deployment the registry does not know is decided by the gateway's policy."""
    policies = DeploymentPolicies(registry.get, base)
    assert policies("nobody") is base


def test_own_policy_decides_that_deployment_only(
    home: Path, registry: Registry, register: Register, base: Policy
) -> None:
    """`--policy` replaces the gateway's policy for that deployment, and only for it."""
    strict = home / "strict.yaml"
    strict.write_text(STRICT)
    register("strict", policy=str(strict))
    register("easy")
    policies = DeploymentPolicies(registry.get, base)
    assert _decide(policies, "strict", "echo hi") == ("deny", "deny-echo")
    assert _decide(policies, "easy", "echo hi") == ("allow", "allow-echo")


def test_edited_policy_file_takes_effect(
    home: Path, registry: Registry, register: Register, base: Policy
) -> None:
    """Editing a deployment's policy file changes its next decision, without a restart."""
    own = home / "own.yaml"
    own.write_text(BASE)
    register("bot", policy=str(own))
    policies = DeploymentPolicies(registry.get, base)
    assert _decide(policies, "bot", "echo hi")[0] == "allow"
    own.write_text(STRICT)
    assert _decide(policies, "bot", "echo hi") == ("deny", "deny-echo")


def test_broken_policy_file_raises(
    home: Path, registry: Registry, register: Register, base: Policy
) -> None:
    """A policy file broken after registration raises (the pipeline turns that into a deny)."""
    own = home / "own.yaml"
    own.write_text(BASE)
    register("bot", policy=str(own))
    own.write_text("version: 1\nrules: [\n")
    with pytest.raises(PolicyError):
        DeploymentPolicies(registry.get, base)("bot")


def test_allowed_hosts_deny_every_other_host(
    registry: Registry, register: Register, base: Policy
) -> None:
    """With `--allow-host`, a call to an unlisted host is denied by `deployment-allow-hosts`."""
    register("bot", allow_hosts=("pypi.org", "*.github.com"))
    policies = DeploymentPolicies(registry.get, base)
    assert _decide(policies, "bot", "curl https://evil.example.com/x") == (
        "deny",
        ALLOW_HOSTS_RULE,
    )
    assert _decide(policies, "bot", "curl https://api.github.com/x")[0] == "allow"


def test_allowed_hosts_never_widen_the_policy(
    home: Path, registry: Registry, register: Register
) -> None:
    """A listed host is still decided by the policy: here its default denies it."""
    register("bot", allow_hosts=("pypi.org",))
    policies = DeploymentPolicies(registry.get, parse_policy(STRICT))
    verdict = _decide(policies, "bot", "curl https://pypi.org/simple")
    assert verdict == (Decision.DENY.value,)


def test_base_with_the_files_stamp_is_not_loaded_again(registry: Registry, home: Path) -> None:
    """Given the stamp its file had when `base` was loaded, an unchanged file is not re-read."""
    path = home / "policy.yaml"
    path.write_text(BASE)
    stamp = file_stamp(path)
    base = load_policy(path)
    policies = DeploymentPolicies(registry.get, base, base_file=path, base_stamp=stamp)
    assert policies("nobody") is base


def test_base_file_changed_after_its_stamp_is_loaded_again(registry: Registry, home: Path) -> None:
    """A base file edited after its stamp was taken decides by the edit, not by `base`."""
    path = home / "policy.yaml"
    path.write_text(BASE)
    stamp = file_stamp(path)
    base = load_policy(path)
    replacement = home / "policy.yaml.new"
    replacement.write_text(STRICT)
    replacement.replace(path)  # a new inode, as editors and `write_private` do
    policies = DeploymentPolicies(registry.get, base, base_file=path, base_stamp=stamp)
    assert _decide(policies, "nobody", "echo hi") == ("deny", "deny-echo")
