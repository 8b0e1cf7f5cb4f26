"""Quoting tricks resolve to the command the shell would really run."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import kinds


@pytest.mark.parametrize(
    "line",
    [
        "r''m -rf /",
        "\\rm -rf /",
        '"r"m -rf /',
        "'r'\"m\" -rf /",
        "$'\\x72m' -rf /",
        "$'\\162m' -rf /",
        "$'\\u0072m' -rf /",
        "/bin/rm -rf /",
        "/usr/bin/env rm -rf /",
    ],
)
def test_quoting_tricks_resolve_to_rm(sh, line: str) -> None:
    """However `rm` is quoted or pathed, the command is named `rm` with argv `rm -rf /`."""
    parsed = sh(line)
    assert parsed.commands[-1].name == "rm"
    assert parsed.commands[-1].argv[-2:] == ("-rf", "/")
    assert parsed.commands[-1].writes == ("/",)


def test_ifs_brace_splits_words(sh) -> None:
    """`${IFS}` between words separates arguments like a space."""
    cmd = sh("cat${IFS}/etc/passwd").commands[0]
    assert cmd.argv == ("cat", "/etc/passwd")
    assert cmd.reads == ("/etc/passwd",)


def test_bare_ifs_splits_words(sh) -> None:
    """`$IFS` between words separates arguments like a space."""
    assert sh("cat$IFS/etc/shadow").commands[0].argv == ("cat", "/etc/shadow")


def test_home_variable_expands(sh) -> None:
    """`$HOME` and `${HOME}` in a word expand to the home directory."""
    cmd = sh("cat $HOME/.ssh/id_rsa ${HOME}/.aws/credentials").commands[0]
    assert cmd.argv[1:] == ("/home/agent/.ssh/id_rsa", "/home/agent/.aws/credentials")


def test_double_quoted_escapes_are_resolved(sh) -> None:
    """Backslash escapes inside double quotes lose their backslash."""
    assert sh('echo "a\\"b"').commands[0].argv == ("echo", 'a"b')


def test_ansi_c_escapes_decode() -> None:
    """ANSI-C quoting decodes hex, octal, unicode and control escapes."""
    from watchkeeper.normalize._words import decode_ansi_c

    assert decode_ansi_c("\\x41\\101\\u00e9\\n\\t\\cA\\\\") == "AAé\n\t\x01\\"


def test_brace_lists_are_not_expanded(sh) -> None:
    """A literal brace list stays as written."""
    assert sh("touch {a,b}.txt").commands[0].argv == ("touch", "{a,b}.txt")


def test_other_variables_leave_words_dynamic_not_code(sh) -> None:
    """A variable in an argument is kept as written and is not code by itself."""
    parsed = sh('rm -rf "$TARGET"')
    assert parsed.commands[0].argv == ("rm", "-rf", "$TARGET")
    assert kinds(parsed) == []
