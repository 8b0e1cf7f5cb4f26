"""Globs to regex sources: what loading checks, and why it compiles only classes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.policy._globs import GlobSyntaxError, glob_regex

_NO_CLASS = st.text(alphabet="ab/*?{},!.\\-^~$ \n\0é]()|+", max_size=12)


def test_reversed_range_in_a_class_is_refused() -> None:
    """A class whose range runs backwards (`[z-a]`) is a glob error, found when checking it."""
    with pytest.raises(GlobSyntaxError):
        glob_regex("file[z-a]", path=True)


@given(_NO_CLASS, st.sampled_from([(True, None), (False, None), (False, "\0")]))
def test_a_glob_without_a_class_always_makes_a_valid_regex(
    glob: str, flavour: tuple[bool, str | None]
) -> None:
    """Without `[…]` every glob translates, or is refused, without needing a compile to tell."""
    path, sep = flavour
    try:
        source = glob_regex(glob, path=path, sep=sep)
    except GlobSyntaxError:
        assert "{" in glob  # only an unclosed brace is refused
        return
    re.compile(source)


@pytest.mark.parametrize(
    ("glob", "text", "expected"),
    [
        ("a.b/c+d", "a.b/c+d", True),
        ("a.b/c+d", "aXb/c+d", False),
        ("x},y", "x},y", True),
        ("{a,b}(c)", "b(c)", True),
        ("~/.ssh/**", "~/.ssh", True),
    ],
)
def test_literal_runs_match_only_themselves(glob: str, text: str, expected: bool) -> None:
    """Runs of literal characters, `}` and `,` outside braces stay literal in the regex."""
    regex = re.compile(glob_regex(glob, path=True) + r"\Z", re.DOTALL)
    assert (regex.match(text) is not None) is expected
