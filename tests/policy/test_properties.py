"""Properties of deciding, over generated actions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, CodeExec, Command
from watchkeeper.policy import parse_policy

HOME = "/home/dev"
WS = "/work/proj"
PACK = "version: 1\ndefault: ask\ninclude: [coding-agent]\n"
ALLOW_ALL = """
rules:
  - id: allow-everything
    decision: allow
    match:
      command: ["* *"]
      reads: ["/**"]
      writes: ["/**"]
      hosts: ["*"]
      code: any
      detached: true
  - id: allow-everything-undetached
    decision: allow
    match:
      command: ["* *"]
      reads: ["/**"]
      writes: ["/**"]
      hosts: ["*"]
      code: any
"""

_paths = st.sampled_from(
    [f"{WS}/src/a.py", f"{WS}/.env", "/etc/passwd", f"{HOME}/.ssh/id_rsa", "/tmp/x", "/"]
)
_names = st.sampled_from(["ls", "cat", "rm", "curl", "git", "weird", "kubectl", "crontab"])
_args = st.lists(st.sampled_from(["-rf", "/", "~", "push", "apply", "x", "-l"]), max_size=4)
_code = st.lists(
    st.builds(CodeExec, st.sampled_from(["eval", "inline", "script", "unparsed"]), st.just("x")),
    max_size=1,
)


@st.composite
def _commands(draw: st.DrawFn) -> Command:
    name = draw(_names)
    return Command(
        argv=(name, *draw(_args)),
        name=name,
        reads=tuple(draw(st.lists(_paths, max_size=2))),
        writes=tuple(draw(st.lists(_paths, max_size=2))),
        hosts=tuple(draw(st.lists(st.sampled_from(["github.com", "evil.com"]), max_size=1))),
        code=tuple(draw(_code)),
        detached=draw(st.booleans()),
    )


@st.composite
def _actions(draw: st.DrawFn) -> Action:
    commands = tuple(draw(st.lists(_commands(), min_size=1, max_size=3)))
    return Action(
        tool="Bash",
        args={"command": "generated"},
        cwd=WS,
        commands=commands,
        reads=tuple(p for c in commands for p in c.reads),
        writes=tuple(p for c in commands for p in c.writes),
        hosts=tuple(h for c in commands for h in c.hosts),
        code=tuple(x for c in commands for x in c.code),
        detached=tuple(c.name for c in commands if c.detached),
    )


PACK_POLICY = parse_policy(PACK, home=HOME)
WIDE_POLICY = parse_policy(PACK + ALLOW_ALL, home=HOME)


@settings(max_examples=150, deadline=None)
@given(_actions())
def test_allow_rules_never_override_a_deny(action: Action) -> None:
    """Adding allow-everything rules leaves every deny (and its rule ids) as it was."""
    before = PACK_POLICY.decide(action)
    after = WIDE_POLICY.decide(action)
    assert before.errors == ()
    if before.decision is Decision.DENY:
        assert (after.decision, after.rule_ids) == (before.decision, before.rule_ids)
    if before.decision is Decision.ASK and before.rule_ids:
        assert (after.decision, after.rule_ids) == (before.decision, before.rule_ids)


@settings(max_examples=150, deadline=None)
@given(_actions())
def test_allow_means_every_command_was_covered(action: Action) -> None:
    """An allow verdict names only allow rules, and dropping any one command keeps it allowed."""
    verdict = PACK_POLICY.decide(action)
    if verdict.decision is not Decision.ALLOW:
        return
    allow_ids = {r.id for r in PACK_POLICY.rules if r.decision is Decision.ALLOW}
    assert set(verdict.rule_ids) <= allow_ids
    for command in action.commands:
        single = Action(
            tool="Bash",
            cwd=WS,
            commands=(command,),
            reads=command.reads,
            writes=command.writes,
            hosts=command.hosts,
            code=command.code,
            detached=(command.name,) if command.detached else (),
        )
        assert PACK_POLICY.decide(single).decision is Decision.ALLOW
