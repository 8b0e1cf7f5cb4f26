"""Decision plans and written path tests decide exactly as the general walk and plain tests do."""

from __future__ import annotations

import posixpath
import random
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command, Normalizer
from watchkeeper.policy import Policy, SessionContext, _paths, parse_policy
from watchkeeper.policy._context import SessionContext as Ctx
from watchkeeper.policy._matchers import Shapes, Unit
from watchkeeper.policy._paths import PathSet, PathTest, _reference_test, _segments, _Side

HOME = "/home/dev"
WS = "/work/proj"
PACK = "version: 1\ndefault: ask\ninclude: [coding-agent]\n"
CONTEXTS = [
    SessionContext(),
    SessionContext(untrusted_seen=True, untrusted_sources=frozenset({"WebFetch"})),
]

_WORDS = [
    "ls", "cat", "rm", "-rf", "-r", "git", "push", "diff", "add", "commit", "-m", "x",
    "kubectl", "-n", "team", "apply", "-f", "deploy.yaml", "pip", "install", "requests",
    "curl", "-s", "https://evil.example.com/x", "https://github.com/o/r", "wget", "python",
    "scripts/gen.py", "-c", "'print(1)'", "~/.ssh/id_rsa", "/etc/shadow", ".env", "src/a.py",
    "build/", "/", "~", "$TOKEN", "$(whoami)", "token.txt", ".claude/settings.json",
    ".git/hooks/pre-commit", "find", ".", "-delete", "-name", "'*.py'", "nohup", "sh",
    "echo", "NOTES.md", "docker", "run", "--", "sudo", "env", "xargs", "mkdir", "-p", "cp",
]  # fmt: skip
_JOINERS = [" ", " ", " ", " && ", " | ", "; ", " > ", " >> ", " &"]


def _line(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 7))]
    out = words[0]
    for word in words[1:]:
        out += rng.choice(_JOINERS) + word
    return out


def _calls(count: int) -> list[tuple[str, dict[str, object]]]:
    rng = random.Random(7)
    calls: list[tuple[str, dict[str, object]]] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.7:
            calls.append(("Bash", {"command": _line(rng)}))
        elif kind < 0.8:
            path = rng.choice(["src/a.py", "~/.aws/credentials", ".env", ".claude/settings.json"])
            calls.append((rng.choice(["Read", "Edit", "Write"]), {"file_path": path}))
        elif kind < 0.9:
            host = rng.choice(["docs.python.org", "evil.example.com", "169.254.169.254"])
            calls.append(("WebFetch", {"url": f"https://{host}/p", "prompt": "x"}))
        else:
            calls.append((rng.choice(["TodoWrite", "Glob", "Grep"]), {"pattern": "x"}))
    return calls


def test_plans_decide_as_the_walk_does() -> None:
    """Every call decided by its key's plan (or parts) gets the walk's exact verdict."""
    policy = parse_policy(PACK, home=HOME)
    normalizer = Normalizer(home=HOME)
    actions = [normalizer.action(tool, args, cwd=WS) for tool, args in _calls(1500)]
    for context in CONTEXTS:
        for action in actions:
            policy.decide(action, context)  # the first call of a key is walked; this builds plans
        for action in actions:
            assert policy.decide(action, context) == policy._walk(action, context)
    assert policy._plans
    assert policy._parts


def test_a_key_met_once_compiles_no_plan() -> None:
    """A process deciding one call (a local hook) never pays for compiling a plan."""
    policy = parse_policy(PACK, home=HOME)
    action = Normalizer(home=HOME).action("Bash", {"command": "git status"}, cwd=WS)
    first = policy.decide(action)
    assert not policy._plans
    assert policy.decide(action) == first
    assert len(policy._plans) == 1


class _Exploding:
    key = "exploding"

    def fire(self, action: Action, unit: Unit, ctx: Ctx, shapes: Shapes) -> str | None:
        raise RuntimeError("boom")

    def covers(self, action: Action, unit: Unit, ctx: Ctx, shapes: Shapes) -> bool:
        raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("rule_id", "command"),
    [
        ("ask-git-push", ("git", "push", "origin")),
        ("allow-git-local", ("git", "status")),
        ("deny-credential-commands", ("git", "credential", "fill")),
    ],
)
def test_a_rule_raising_under_a_plan_is_a_deny_as_in_the_walk(
    rule_id: str, command: tuple[str, ...]
) -> None:
    """A plan that meets a raising matcher leaves the call to the walk: a deny, error kept."""
    pack = parse_policy(PACK, home=HOME)
    rules = [
        replace(r, checks=(*r.checks, _Exploding())) if r.id == rule_id else r for r in pack.rules
    ]
    policy = Policy(default=pack.default, rules=rules, home=HOME)
    unit = Command(argv=command, name=command[0], text=" ".join(command))
    action = Action(tool="Bash", cwd=WS, commands=(unit,))
    verdicts = [policy.decide(action) for _ in range(3)]
    assert policy._plans
    assert verdicts[0] == verdicts[1] == verdicts[2] == policy._walk(action)
    assert verdicts[0].decision is Decision.DENY
    assert any("boom" in error for error in verdicts[0].errors)


_PATTERNS = [
    "~/.ssh/**", "/etc/shadow", "/proc/*/environ", ".env", ".env.*", "*.pem", "id_rsa*",
    "*token*", "!*.py", ".claude/settings*.json", ".claude/hooks/**", "**/site-packages/*.pth",
    ".git/hooks/**", ".git/modules/**/config", "${workspace}/**", "/tmp/**", "/dev/null",
    "/lib*/**", "crontab:*", "[Aa]bc/**", "{x,y}.txt", "!/dev/fd/**", "**/weights/**",
    ".git/worktrees/*/config.worktree", ".circleci/**", ".github/workflows/**", "a/b/c",
]  # fmt: skip
_PATHS = [
    f"{WS}/src/a.py", f"{WS}/.env", f"{WS}/.env.local", f"{HOME}/.ssh/id_rsa", "/etc/shadow",
    "/proc/1/environ", f"{WS}/.claude/settings.local.json", f"{WS}/.claude/hooks/x",
    "/usr/lib/python3/site-packages/x.pth", f"{WS}/.git/hooks/pre-commit", f"{WS}/.GIT/HOOKS/x",
    f"{WS}/.git/modules/m/config", "/tmp/x", "/dev/null", "/lib64/ld.so", "crontab:root",
    f"{WS}/Abc/d", f"{WS}/x.txt", "/dev/fd/3", f"{WS}/m/weights/w.bin", f"{WS}/token.py",
    f"{WS}/my_token.txt", f"{WS}/.git/worktrees/w/config.worktree", "/work/.circleci/c.yml",
    f"{WS}/.github/workflows/ci.yml", f"{WS}/a/b/c", f"{WS}/x/a/b/c", "relative/a/b/c", "/",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=8),
    st.booleans(),
    st.sampled_from([WS, None, "/"]),
)
def test_written_path_tests_agree_with_the_plain_definition(
    patterns: list[str], fold: bool, cwd: str | None
) -> None:
    """The test `_tester` writes for a side decides every path as plain code would."""
    paths = PathSet(patterns, home=HOME, fold_case=fold)
    test = paths.tester(cwd)
    for side in (paths._pos, paths._neg):
        if side is None:
            continue
        written = side.tester(cwd)
        plain = _plain_side_test(side, cwd)
        for path in _PATHS:
            assert written(path) is plain(path), (patterns, path)
    for path in _PATHS:
        assert test(path) is paths.match(path, cwd)


def _plain_side_test(side: _Side, cwd: str | None) -> PathTest:
    """Build `_reference_test` for `side` the way `_Side.tester` builds the written one."""
    parts_of = _paths._parts
    if not side._has_ws or cwd is None:
        return _reference_test(
            parts_of(side._literal_rooted, side._rooted, side._heads, side._anywhere),
            side._segment,
            fold=side.fold,
        )
    root = posixpath.normpath(cwd.lower() if side.fold else cwd)
    rooted, heads = side._rooted, side._heads
    if side._ws_sources:
        rooted = [*rooted, re.escape(root) + "(?:" + "|".join(side._ws_sources) + ")"]
        heads = [*heads, root]
    literal = side._literal_rooted + [(root + base, tree) for base, tree in side._literal_ws]
    return _reference_test(
        parts_of(literal, rooted, heads, side._anywhere), side._segment, fold=side.fold
    )


def test_segments_are_whole_segments_of_every_match() -> None:
    """A glob's chosen segment is a whole path segment of anything it matches, or none is."""
    assert _segments([".claude/settings*.json", "**/site-packages/*.pth"]) == frozenset(
        {".claude", "site-packages"}
    )
    assert _segments([".git/hooks/**"]) == frozenset({"hooks"})
    assert _segments(["[ab]/x"]) is None  # a class could hold anything
    assert _segments(["*/*"]) is None  # no literal segment
