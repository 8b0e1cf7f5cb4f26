"""`PathSet`: case folding for the sets of deny and ask rules."""

from __future__ import annotations

import pytest

from watchkeeper.policy._paths import PathSet

HOME = "/home/dev"
CWD = "/work/proj"


@pytest.mark.parametrize(
    ("patterns", "path"),
    [
        ([".claude/settings*.json"], "/work/proj/.CLAUDE/Settings.json"),
        ([".env", "!.env.example"], "/work/proj/.ENV"),
        (["~/.ssh/**"], "/Users/Dev/.SSH/id_rsa"),
        (["~/Library/LaunchAgents/**"], "/Users/dev/library/launchagents/x.plist"),
        (["${workspace}/.git/hooks/**"], "/work/proj/.GIT/Hooks/pre-commit"),
        (["/etc/**"], "/ETC/passwd"),
    ],
)
def test_a_folding_set_matches_any_letter_case(patterns: list[str], path: str) -> None:
    """Paths that differ from a pattern only in case match a `fold_case` set, not a plain one."""
    assert PathSet(patterns, home=HOME, fold_case=True).match(path, CWD)
    assert not PathSet(patterns, home=HOME).match(path, CWD)


def test_exclusions_fold_too() -> None:
    """`!.env.example` also excludes `.ENV.EXAMPLE`."""
    paths = PathSet([".env.*", "!.env.example"], home=HOME, fold_case=True)
    assert not paths.match("/work/proj/.ENV.EXAMPLE", CWD)
    assert paths.match("/work/proj/.ENV.PROD", CWD)


def test_folding_adds_no_other_matches() -> None:
    """A path that matches in no letter case stays out."""
    paths = PathSet([".claude/settings*.json", "~/.ssh/**"], home=HOME, fold_case=True)
    assert not paths.match("/work/proj/.claudex/settings.json", CWD)
    assert not paths.match("/home/dev/.sshx/id_rsa", CWD)
