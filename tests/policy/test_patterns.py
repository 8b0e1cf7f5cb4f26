"""Path, host and argv pattern semantics."""

from __future__ import annotations

import pytest

from watchkeeper.normalize import Command
from watchkeeper.policy._argv import CommandPattern, shape_of
from watchkeeper.policy._paths import PathSet, resolve_arg

HOME = "/home/dev"
WS = "/work/proj"


def _paths(*patterns: str) -> PathSet:
    return PathSet(patterns, home=HOME)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        (".env", "/work/proj/.env", True),
        (".env", "/deep/down/.env", True),
        (".env", "/work/proj/.envrc", False),
        ("~/.ssh/**", "/home/dev/.ssh/id_rsa", True),
        ("~/.ssh/**", "/home/alice/.ssh/id_rsa", True),
        ("~/.ssh/**", "/Users/bob/.ssh/config", True),
        ("~/.ssh/**", "/root/.ssh/a/b", True),
        ("~/.ssh/**", "/home/dev/.ssh", True),
        ("~/.ssh/**", "/srv/home/dev/.ssh/id_rsa", False),
        ("/etc/*", "/etc/passwd", True),
        ("/etc/*", "/etc/ssl/certs", False),
        ("/lib*/**", "/lib64/ld.so", True),
        (".git/hooks/**", "/work/proj/.git/hooks/pre-commit", True),
        ("~/.{bashrc,zshrc}", "/home/dev/.zshrc", True),
        ("${workspace}/**", "/work/proj/src/a.py", True),
        ("${workspace}/**", "/work/proj", True),
        ("${workspace}/**", "/work/projx/a.py", False),
        ("${workspace}/**", "/work/a.py", False),
    ],
)
def test_path_pattern(pattern: str, path: str, expected: bool) -> None:
    """Each path pattern form matches what the reference says it matches."""
    assert _paths(pattern).match(path, WS) is expected


def test_excluding_pattern_wins() -> None:
    """A `!` pattern removes paths from the set."""
    paths = _paths(".env.*", "!.env.example")
    assert paths.match("/w/.env.local", WS)
    assert not paths.match("/w/.env.example", WS)


def test_workspace_pattern_without_cwd_matches_nothing() -> None:
    """Without a working directory, `${workspace}` patterns cannot match."""
    assert not _paths("${workspace}/**").match("/work/proj/a", None)


@pytest.mark.parametrize(
    ("arg", "resolved"),
    [("~", HOME), ("~/x/../y", f"{HOME}/y"), ("$HOME/a", f"{HOME}/a"), ("../..", "/"), ("/", "/")],
)
def test_resolve_arg(arg: str, resolved: str) -> None:
    """Raw arguments resolve against home and the working directory."""
    assert resolve_arg(arg, WS, HOME) == resolved


def test_short_flag_clusters_are_expanded() -> None:
    """`-rf`, `-fr` and `-r -f` all carry the `-r` flag."""
    for argv in (("rm", "-rf", "/"), ("rm", "-fr", "/"), ("rm", "-r", "-f", "/")):
        assert "-r" in shape_of(argv).flags


def test_long_flags_keep_their_name_only() -> None:
    """`--output=x` is recorded as the flag `--output`."""
    assert "--output" in shape_of(("curl", "--output=x", "u")).flags


def test_double_dash_ends_options() -> None:
    """Words after `--` are positional even when they start with a dash."""
    shape = shape_of(("rm", "--", "-rf"))
    assert shape.positional == ("-rf",)
    assert "-r" not in shape.flags


def test_subcommand_skips_values_of_global_options() -> None:
    """`git -C dir push` leads with `push`; `kubectl -n prod apply` with `apply`."""
    assert shape_of(("git", "-C", "dir", "push")).lead == ("push",)
    assert shape_of(("kubectl", "-n", "prod", "apply", "-f", "x")).lead[0] == "apply"


def _cmd(*argv: str, wrappers: tuple[str, ...] = ()) -> Command:
    return Command(argv=argv, name=argv[0], wrappers=wrappers)


def test_string_pattern_trailing_star_matches_any_rest() -> None:
    """`kubectl apply *` matches with or without more words, but not another subcommand."""
    pattern = CommandPattern(text="", names=["kubectl"], rest=["apply", "*"], home=HOME)
    assert pattern.matches(_cmd("kubectl", "apply"), WS, None)
    assert pattern.matches(_cmd("kubectl", "apply", "-f", "x.yaml"), WS, None)
    assert not pattern.matches(_cmd("kubectl", "get", "pods"), WS, None)


def test_string_pattern_without_star_is_exact_length() -> None:
    """`git status` does not match `git status --porcelain`."""
    pattern = CommandPattern(text="", names=["git"], rest=["status"], home=HOME)
    assert pattern.matches(_cmd("git", "status"), WS, None)
    assert not pattern.matches(_cmd("git", "status", "--porcelain"), WS, None)


def test_structured_pattern_resolves_path_arguments() -> None:
    """`args: ['~']` matches `rm -rf ~`, `$HOME` and `/home/dev` alike."""
    pattern = CommandPattern(text="", names=["rm"], flags=["-r"], args=["~"], home=HOME)
    for target in ("~", "$HOME", "/home/dev", "/home/dev/"):
        argv = ("rm", "-rf", target)
        assert pattern.matches(_cmd(*argv), WS, shape_of(argv))
    argv = ("rm", "-f", "/home/dev")
    assert not pattern.matches(_cmd(*argv), WS, shape_of(argv))


def test_wrappers_key_requires_the_wrapper() -> None:
    """`wrappers: [xargs]` matches only commands found under xargs."""
    pattern = CommandPattern(text="", names=["rm"], wrappers=["xargs"], home=HOME)
    assert pattern.matches(_cmd("rm", "-rf", wrappers=("xargs",)), WS, None)
    assert not pattern.matches(_cmd("rm", "-rf"), WS, None)


@pytest.mark.parametrize(
    ("arg", "cwd", "resolved"),
    [
        ("a", "/", "/a"),
        ("./x", "/", "/x"),
        ("//x", WS, "/x"),
        ("/a//b/", WS, "/a/b"),
        ("build/out/", WS, f"{WS}/build/out"),
        ("rel", None, "rel"),
    ],
)
def test_resolve_arg_edge_cases(arg: str, cwd: str | None, resolved: str) -> None:
    """Root working directories, doubled and trailing slashes resolve to one canonical path."""
    assert resolve_arg(arg, cwd, HOME) == resolved


def test_glob_names_match_through_their_regex() -> None:
    """A pattern named by glob (`python*`) matches names the glob covers, and only those."""
    pattern = CommandPattern(text="", names=["python*", "pip"], rest=["*"], home=HOME)
    assert pattern.exact_names is None
    assert pattern.matches(_cmd("python3.11", "-c", "x"), WS, None)
    assert pattern.matches(_cmd("pip", "install", "x"), WS, None)
    assert not pattern.matches(_cmd("pipx", "install", "x"), WS, None)


def test_a_pattern_compiles_once_when_first_needed() -> None:
    """`compiled()` builds the regexes on the first call and returns that same object after."""
    pattern = CommandPattern(text="", names=["git"], subcommands=[["push"]], home=HOME)
    first = pattern.compiled()
    assert pattern.compiled() is first
    argv = ("git", "push", "origin")
    assert first.matches_named(_cmd(*argv), WS, shape_of(argv))
