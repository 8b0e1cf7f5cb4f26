"""`Policy.decide` on hand-built actions: unit coverage, combining, explanations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, CodeExec, Command
from watchkeeper.policy import Policy, SessionContext, parse_policy
from watchkeeper.policy._context import SessionContext as Ctx
from watchkeeper.policy._matchers import Shapes, Unit

HOME = "/home/dev"
WS = "/work/proj"
POLICY = """
version: 1
default: deny
rules:
  - id: deny-ssh-keys
    decision: deny
    description: ssh keys are private
    match: {reads: ["~/.ssh/**"]}
  - id: ask-kubectl-apply
    decision: ask
    description: cluster changes need a person
    match: {command: ["kubectl apply *", "kubectl scale *"]}
  - id: allow-ls-cat
    decision: allow
    description: read workspace files
    match:
      command: [{name: [ls, cat]}]
      reads: ["${workspace}/**"]
  - id: allow-demo-echo
    decision: allow
    match: {tool: mcp__demo__echo}
  - id: allow-bash-tool
    decision: allow
    match: {tool: Bash, command: ["true"]}
"""


def _policy(text: str = POLICY) -> Policy:
    return parse_policy(text, source="test.yaml", home=HOME)


def _shell(*commands: Command, detached: tuple[str, ...] = ()) -> Action:
    return Action(
        tool="Bash",
        args={"command": "…"},
        cwd=WS,
        commands=commands,
        reads=tuple(p for c in commands for p in c.reads),
        writes=tuple(p for c in commands for p in c.writes),
        hosts=tuple(h for c in commands for h in c.hosts),
        code=tuple(x for c in commands for x in c.code),
        detached=detached,
    )


def _cmd(*argv: str, **effects: Any) -> Command:
    return Command(argv=argv, name=argv[0].rsplit("/", 1)[-1], text=" ".join(argv), **effects)


def test_allow_needs_every_command_covered() -> None:
    """`ls; weird-binary` is not allowed by an `ls` allow rule: the default decides."""
    verdict = _policy().decide(_shell(_cmd("ls", reads=(WS,)), _cmd("weird-binary")))
    assert verdict.decision is Decision.DENY
    assert verdict.rule_ids == ()
    assert "weird-binary" in verdict.explanation


def test_allow_needs_every_path_covered() -> None:
    """`cat README.md /etc/shadow` is not allowed by a workspace-read rule."""
    cmd = _cmd("cat", "README.md", "/etc/shadow", reads=(f"{WS}/README.md", "/etc/shadow"))
    verdict = _policy().decide(_shell(cmd))
    assert (verdict.decision, verdict.rule_ids) == (Decision.DENY, ())


def test_allow_covers_when_every_unit_is_covered() -> None:
    """Two covered commands are allowed, naming the covering rule once."""
    verdict = _policy().decide(
        _shell(_cmd("ls", reads=(WS,)), _cmd("cat", "a", reads=(f"{WS}/a",)))
    )
    assert (verdict.decision, verdict.rule_ids) == (Decision.ALLOW, ("allow-ls-cat",))


def test_deny_wins_over_allow_and_explains_what_matched() -> None:
    """A deny rule matching one path beats an allow, and the explanation names the path."""
    cmd = _cmd("cat", "/home/u/.ssh/id_rsa", reads=("/home/u/.ssh/id_rsa",))
    verdict = _policy().decide(_shell(cmd))
    assert verdict.decision is Decision.DENY
    assert verdict.rule_ids == ("deny-ssh-keys",)
    assert verdict.explanation == (
        "denied: rule `deny-ssh-keys` matched read of `/home/u/.ssh/id_rsa`"
    )


def test_agent_message_names_rule_but_not_its_pattern() -> None:
    """The agent is told the rule id and description, never the pattern that matched."""
    action = Action(tool="Read", cwd=WS, reads=("/home/dev/.ssh/id_rsa",))
    message = _policy().decide(action).agent_message
    assert "deny-ssh-keys" in message
    assert "ssh keys are private" in message
    assert ".ssh/**" not in message
    assert "id_rsa" not in message


def test_ask_beats_allow() -> None:
    """An ask rule firing on one unit makes the whole call ask."""
    verdict = _policy().decide(
        _shell(_cmd("ls", reads=(WS,)), _cmd("kubectl", "apply", "-f", "x.yaml"))
    )
    assert (verdict.decision, verdict.rule_ids) == (Decision.ASK, ("ask-kubectl-apply",))


def test_tool_names_match_exactly() -> None:
    """A rule for `mcp__demo__echo` does not cover `mcp__demo__echo2`."""
    policy = _policy()
    assert policy.decide(Action(tool="mcp__demo__echo")).decision is Decision.ALLOW
    assert policy.decide(Action(tool="mcp__demo__echo2")).decision is Decision.DENY


def test_bash_rule_does_not_cover_bash_output() -> None:
    """A `tool: Bash` rule never covers `BashOutput`."""
    policy = _policy()
    assert policy.decide(_shell(_cmd("true"))).rule_ids == ("allow-bash-tool",)
    bash_output = Action(tool="BashOutput", commands=(_cmd("true"),))
    assert policy.decide(bash_output).decision is Decision.DENY


def test_opaque_code_is_only_covered_by_an_explicit_code_matcher() -> None:
    """A command running inline code is not covered by a rule that does not mention code."""
    cmd = _cmd("cat", code=(CodeExec("inline", "x"),))
    assert _policy().decide(_shell(cmd)).decision is Decision.DENY


def test_detached_unit_is_only_covered_by_an_explicit_detached_matcher() -> None:
    """A detached command is not covered by a rule that does not say `detached`."""
    cmd = _cmd("ls", detached=True)
    assert _policy().decide(_shell(cmd, detached=("ls &",))).decision is Decision.DENY


def test_writes_are_only_covered_by_a_rule_that_speaks_about_writes() -> None:
    """`cat x > /etc/passwd` is not covered by a reads-only allow rule."""
    cmd = _cmd("cat", "x", reads=(f"{WS}/x",), writes=("/etc/passwd",))
    assert _policy().decide(_shell(cmd)).decision is Decision.DENY


def test_effects_not_attributed_to_a_command_form_their_own_unit() -> None:
    """Code the normaliser attached only to the whole line must be covered too."""
    action = replace(
        _shell(_cmd("ls", reads=(WS,))), code=(CodeExec("download-exec", "curl | sh"),)
    )
    verdict = _policy().decide(action)
    assert (verdict.decision, verdict.rule_ids) == (Decision.DENY, ())


def test_normaliser_errors_never_end_in_allow() -> None:
    """An otherwise covered action with normaliser errors gets the default, errors kept."""
    action = replace(_shell(_cmd("ls", reads=(WS,))), errors=("could not resolve `x`",))
    verdict = _policy().decide(action)
    assert verdict.decision is Decision.DENY
    assert verdict.errors == ("could not resolve `x`",)


def test_default_ask_is_used_when_nothing_covers() -> None:
    """With `default: ask`, an uncovered call asks with no rule ids."""
    policy = _policy(POLICY.replace("default: deny", "default: ask"))
    verdict = policy.decide(Action(tool="Unknown"))
    assert (verdict.decision, verdict.rule_ids) == (Decision.ASK, ())


def test_all_firing_deny_rules_are_listed() -> None:
    """Every deny rule that fired is named in the verdict."""
    policy = _policy(POLICY + "  - {id: deny-env, decision: deny, match: {reads: ['.env']}}\n")
    action = Action(tool="Read", cwd=WS, reads=("/home/dev/.ssh/k", f"{WS}/.env"))
    assert policy.decide(action).rule_ids == ("deny-ssh-keys", "deny-env")


def test_session_matcher_uses_the_context() -> None:
    """A `session: {untrusted_seen: true}` rule fires only when the context says so."""
    policy = _policy(
        POLICY + "  - {id: deny-web-late, decision: deny, match: "
        "{tool: WebFetch, session: {untrusted_seen: true}}}\n"
    )
    action = Action(tool="WebFetch", hosts=("example.com",))
    assert policy.decide(action).rule_ids == ()
    verdict = policy.decide(action, SessionContext(untrusted_seen=True))
    assert verdict.rule_ids == ("deny-web-late",)


def test_args_matcher_reads_dotted_paths() -> None:
    """`args` matches nested argument fields by dotted path."""
    policy = _policy(
        POLICY + "  - {id: deny-prod, decision: deny, match: {args: {'target.env': 'prod*'}}}\n"
    )
    assert policy.decide(Action(tool="X", args={"target": {"env": "prod-eu"}})).rule_ids == (
        "deny-prod",
    )
    assert policy.decide(Action(tool="X", args={"target": {"env": "dev"}})).rule_ids == ()


def test_mcp_server_matcher() -> None:
    """`mcp_server` matches the server an MCP tool belongs to."""
    policy = _policy(POLICY + "  - {id: ask-fs, decision: ask, match: {mcp_server: filesystem}}\n")
    action = Action(tool="mcp__filesystem__read", mcp_server="filesystem", mcp_tool="read")
    assert policy.decide(action).rule_ids == ("ask-fs",)


class _Exploding:
    """A matcher that always raises, standing in for a buggy third-party matcher."""

    key = "exploding"

    def fire(self, action: Action, unit: Unit, ctx: Ctx, shapes: Shapes) -> str | None:
        raise RuntimeError("boom")

    def covers(self, action: Action, unit: Unit, ctx: Ctx, shapes: Shapes) -> bool:
        raise RuntimeError("boom")


def _with_exploding(policy: Policy, rule_id: str) -> Policy:
    rules = [
        replace(r, checks=(*r.checks, _Exploding())) if r.id == rule_id else r for r in policy.rules
    ]
    return Policy(default=policy.default, rules=rules, home=HOME)


def test_a_raising_ask_rule_counts_as_deny_with_the_error_kept() -> None:
    """A rule whose evaluation raises is a deny, and the error is in `Verdict.errors`."""
    policy = _with_exploding(_policy(), "ask-kubectl-apply")
    verdict = policy.decide(_shell(_cmd("kubectl", "apply", "-f", "x")))
    assert verdict.decision is Decision.DENY
    assert verdict.rule_ids == ("ask-kubectl-apply",)
    assert verdict.errors == ("rule `ask-kubectl-apply`: RuntimeError: boom",)


def test_a_raising_allow_rule_counts_as_deny() -> None:
    """An allow rule that raises does not allow: the call is denied with the error."""
    policy = _with_exploding(_policy(), "allow-ls-cat")
    verdict = policy.decide(_shell(_cmd("ls", reads=(WS,))))
    assert verdict.decision is Decision.DENY
    assert "boom" in verdict.errors[0]


def test_malformed_action_is_denied_not_raised() -> None:
    """An action whose fields are the wrong type is denied with the error kept."""
    broken: Mapping[str, Any] = {"reads": 5}
    action = Action(tool="Read", cwd=WS, reads=broken["reads"])
    verdict = _policy().decide(action)
    assert verdict.decision is Decision.DENY
    assert verdict.errors
