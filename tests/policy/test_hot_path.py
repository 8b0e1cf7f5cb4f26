"""The shortcuts on the decision hot path give the answers of the plain definitions."""

from __future__ import annotations

import dataclasses
import posixpath
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, CodeExec, Command
from watchkeeper.policy import Verdict, combine, parse_policy
from watchkeeper.policy._argv import ArgvShape, shape_of
from watchkeeper.policy._combine import Hit, fired
from watchkeeper.policy._globs import glob_regex
from watchkeeper.policy._matchers import HostsMatcher, Shapes
from watchkeeper.policy._paths import PathSet
from watchkeeper.policy._units import units_of
from watchkeeper.policy._verdict import build_verdict

HOME = "/home/dev"
WS = "/work/proj"
_VALUE_OPTIONS = {"-C", "-c", "-n", "-f", "-p", "--namespace", "--file", "--git-dir"}

_OPTION_WORDS = ["-", "--", "-r", "-rf", "-n", "-C", "--namespace", "--namespace=x", "--x=y"]
_OTHER_WORDS = ["apply", "push", "a b", "", "x\0y", "-\n", "dir", "-f", "--file", "-delete"]
_words = st.sampled_from([*_OPTION_WORDS, *_OTHER_WORDS, "--git-dir", "-p"])


def _reference_shape(argv: tuple[str, ...]) -> tuple[set[str], list[str], list[str]]:
    """The documented split, written plainly: flags (clusters expanded), positional, lead."""
    flags: set[str] = set()
    positional: list[str] = []
    lead: list[str] = []
    skip = done = False
    for word in argv[1:]:
        if done or word == "-" or not word.startswith("-"):
            positional.append(word)
            if not skip:
                lead.append(word)
            skip = False
        elif word == "--":
            done, skip = True, False
        elif word.startswith("--"):
            name = word.split("=", 1)[0]
            flags.add(name)
            skip = "=" not in word and name in _VALUE_OPTIONS
        else:
            flags |= {word} | {"-" + ch for ch in word[1:]}
            skip = word in _VALUE_OPTIONS
    return flags, positional, lead


@given(st.lists(_words, max_size=7).map(tuple))
def test_shape_of_splits_like_the_plain_definition(words: tuple[str, ...]) -> None:
    """With or without options in the argv, the split is the documented one."""
    argv = ("cmd", *words)
    shape = shape_of(argv)
    flags, positional, lead = _reference_shape(argv)
    assert (set(shape.flags), list(shape.positional), list(shape.lead)) == (
        flags,
        positional,
        lead,
    )
    assert shape.lead_text == "".join(w + "\0" for w in lead)


def test_shapes_gives_each_argv_its_own_split() -> None:
    """One decision's memo returns the right split for every argv, however they alternate."""
    shapes = Shapes()
    first, second = ("git", "push", "origin"), ("kubectl", "-n", "x", "apply")
    for argv in (first, second, first, second, ("git", "push", "origin")):
        assert shapes.get(argv) == shape_of(argv)
    assert isinstance(shapes.get(first), ArgvShape)


def test_decide_splits_argv_again_on_every_call() -> None:
    """No split outlives a `decide` call: the policy keeps no per-argv memo between calls."""
    policy = parse_policy("version: 1\ndefault: ask\ninclude: [coding-agent]\n", home=HOME)
    action = Action(tool="Bash", cwd=WS, commands=(Command(argv=("git", "push", "o"), name="git"),))
    policy.decide(action)
    held = [slot for slot in type(policy).__slots__ if isinstance(getattr(policy, slot), Shapes)]
    assert held == []


def test_build_verdict_equals_the_constructor() -> None:
    """The hot-path builder gives an equal, equally frozen verdict."""
    built = build_verdict(Decision.ASK, ("r",), "why", "told", ("e",))
    assert built == Verdict(Decision.ASK, ("r",), "why", "told", ("e",))
    assert hash(built) == hash(Verdict(Decision.ASK, ("r",), "why", "told", ("e",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.decision = Decision.ALLOW  # type: ignore[misc] # the point: it must refuse


_LISTED = ["github.com", "GitHub.COM", "a.github.com", ".github.com", "::1", "127.0.0.1"]
_hosts = st.sampled_from(
    [*_LISTED, "x\n.github.com", "evil.com", "github.com.evil", "127x0.0.1", "aXb.com", "xyz", ""]
)


@given(_hosts)
def test_host_sets_decide_like_the_glob_regex(host: str) -> None:
    """Literal hosts and `*.suffix` globs as string tests match what one regex would."""
    globs = ["github.com", "*.github.com", "::1", "127.0.0.1", "a?b.com", "x*", "*.GitHub.com"]
    matcher = HostsMatcher(globs)
    regex = re.compile("(?:" + "|".join(glob_regex(g.lower(), path=False) for g in globs) + r")\Z")
    assert matcher.contains(host) is (regex.match(host.lower()) is not None)


def test_a_lone_star_host_glob_does_not_cross_a_line_break() -> None:
    """`*` covers every host but one holding a line break, as the regex form does."""
    matcher = HostsMatcher(["*"])
    assert matcher.contains("anything.example")
    assert not matcher.contains("a\nb")


@pytest.mark.parametrize("cwd", [WS, None, "/"])
def test_path_tester_agrees_with_match(cwd: str | None) -> None:
    """The per-working-directory test decides every path as `match` does."""
    paths = PathSet(["${workspace}/**", "/tmp/**", "*token*", "!*.py", "~/.ssh/**"], home=HOME)
    test = paths.tester(cwd)
    assert paths.fixed is None
    for path in [f"{WS}/a", f"{WS}/token.txt", f"{WS}/token.py", "/tmp/x", f"{HOME}/.ssh/k"]:
        assert test(path) is paths.match(path, cwd)


def test_fixed_tester_exists_only_without_workspace_patterns() -> None:
    """A set with no `${workspace}` pattern decides paths whatever the working directory."""
    paths = PathSet(["/etc/**", "*.pem", "!/etc/ok"], home=HOME)
    assert paths.fixed is not None
    assert paths.fixed("/etc/passwd")
    assert not paths.fixed("/etc/ok")
    assert paths.fixed("/a/b.pem") is paths.match("/a/b.pem", WS)


def test_one_fired_deny_reads_like_the_general_form() -> None:
    """The one-hit shortcut words the verdict exactly as the general combining does."""
    rules = parse_policy(
        "version: 1\ndefault: deny\nrules:\n"
        "  - {id: d, decision: deny, description: 'no', match: {tool: X}}\n"
        "  - {id: e, decision: deny, match: {tool: X}}\n",
        home=HOME,
    ).rules
    one = fired((Hit(rules[0], "tool `X`"),), (), ("bad arg",))
    assert one == Verdict(
        Decision.DENY,
        ("d",),
        "denied: rule `d` matched tool `X`",
        "watchkeeper blocked this tool call: rule `d` (no).",
        ("bad arg",),
    )
    two = combine(
        Decision.ASK,
        denies=[Hit(rules[0], "tool `X`"), Hit(rules[1], "tool `X`")],
        asks=[],
        allows=None,
    )
    assert two.explanation == "denied: rule `d` matched tool `X`; rule `e` matched tool `X`"
    assert two.agent_message == "watchkeeper blocked this tool call: rule `d` (no), rule `e`."


def test_an_effect_outside_every_command_is_its_own_unit() -> None:
    """Code the line runs outside any command (a pipe into a shell) is a unit to cover."""
    curl = Command(argv=("curl", "x"), name="curl", hosts=("x",))
    sh = Command(argv=("sh",), name="sh")
    piped = CodeExec("download-exec", "curl x | sh")
    action = Action(tool="Bash", cwd=WS, commands=(curl, sh), hosts=("x",), code=(piped,))
    units = units_of(action)
    assert units[:2] == (curl, sh)
    assert len(units) == 3
    assert isinstance(units[2], Action)
    assert units[2].code == (piped,)
    assert units[2].hosts == ()


_PATH_GLOBS = [
    "/etc/**",
    "/etc/shadow",
    "/lib*/**",
    "/proc/*/environ",
    "/e?c/x",
    "/{a,b}/c",
    "/**/deep",
    "/",
    "~/.ssh/**",
    "~",
    "${workspace}",
    "${workspace}/**",
    "${workspace}/.git/*",
    "*.pem",
    "id_rsa*",
    "*token*",
    ".env",
    "**/x",
    ".claude/settings*.json",
    ".git/hooks/**",
    "[ab]c",
]
_SEGMENTS = ["etc", "lib64", "lib", "proc", "1", "environ", "home", "dev", "Users", "root"]
_SEGMENTS += ["work", "proj", ".ssh", ".git", "hooks", "x.pem", "id_rsa_1", "token", ".env"]
_SEGMENTS += ["shadow", "x", "a", "c", "deep", ".claude", "settings1.json", "ac", "", "a\nb"]
_PATHS = ["/", "/etc", "/etc/shadow", "/etc/x/y", "/etc2", "/lib", "/lib64/x", "/proc/1/environ"]
_PATHS += ["/Users/x/.ssh/k", "/Users/x", "/root/.ssh", "/home/dev", "/home/o/.ssh/id", "/ec/x"]
_PATHS += [WS, f"{WS}/.git/x", f"{WS}/a/x.pem", "/x.pem", "/a/token", "/a/.claude/settings1.json"]
_PATHS += ["/b/c", "/a/b/deep", "/deep", "/a/.env", "/a/id_rsa_1", "/ac", "/a/b/x", "/work/x"]
_PATHS += ["/a/.git/hooks", "/a/.git/hooks/x", "/x", "/a/.claude/settings.json"]


def _reference(pattern: str, cwd: str | None) -> str:
    """The regex of one path pattern, written plainly from the `_paths` module docstring."""
    if pattern.startswith("${workspace}"):
        root = re.escape(posixpath.normpath(cwd)) if cwd is not None else "(?!)"
        return root + glob_regex(pattern[len("${workspace}") :], path=True)
    if pattern == "~" or pattern.startswith("~/"):
        homes = f"(?:{re.escape(HOME)}|/home/[^/]+|/Users/[^/]+|/root)"
        return homes + glob_regex(pattern[1:], path=True)
    if pattern.startswith("/"):
        return glob_regex(pattern, path=True)
    return "(?:.*/)?" + glob_regex(pattern, path=True)


@given(
    st.lists(st.sampled_from(_PATH_GLOBS), min_size=1, max_size=6),
    st.lists(st.sampled_from(_PATH_GLOBS), max_size=2),
    st.lists(st.lists(st.sampled_from(_SEGMENTS), max_size=4), min_size=1, max_size=8),
    st.sampled_from([WS, None, "/"]),
)
def test_path_sets_decide_like_one_regex_per_pattern(
    included: list[str], excluded: list[str], paths: list[list[str]], cwd: str | None
) -> None:
    """A set's test, its screen and segment shortcuts included, decides as its patterns do."""
    patterns = [*included, *(f"!{p}" for p in excluded)]
    test = PathSet(patterns, home=HOME).tester(cwd)
    for path in [*_PATHS, *("/" + "/".join(parts) for parts in paths)]:

        def matches(globs: list[str], path: str = path) -> bool:
            return any(re.fullmatch(_reference(g, cwd), path, re.DOTALL) for g in globs)

        assert test(path) is (matches(included) and not matches(excluded)), path


def test_rules_gated_on_workspace_paths_decide_as_alone() -> None:
    """Deny rules sharing a gate over `${workspace}` patterns fire as each would alone."""
    policy = parse_policy(
        "version: 1\ndefault: ask\nrules:\n"
        "  - {id: a, decision: deny, match: {reads: ['${workspace}/secret/**']}}\n"
        "  - {id: b, decision: deny, match: {reads: ['${workspace}/keys/*', '*.pem']}}\n",
        source="t",
        home=HOME,
    )
    for path, fired_ids in [
        (f"{WS}/secret/x", ("a",)),
        (f"{WS}/keys/x.pem", ("b",)),
        (f"{WS}/src/x", ()),
        ("/elsewhere/secret/x", ()),
    ]:
        verdict = policy.decide(Action(tool="Read", cwd=WS, reads=(path,)))
        assert verdict.rule_ids == fired_ids, path
