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


def test_brace_lists_are_expanded(sh) -> None:
    """An unquoted brace list becomes one word per item, as bash makes it."""
    assert sh("touch {a,b}.txt").commands[0].argv == ("touch", "a.txt", "b.txt")


def test_nested_brace_lists_expand_left_to_right(sh) -> None:
    """Nested lists expand inside out, words in bash's order."""
    assert sh("echo x{a,{b,c}}y").commands[0].argv == ("echo", "xay", "xby", "xcy")


@pytest.mark.parametrize("line", ["touch '{a,b}'", 'touch "{a,b}"', "touch \\{a,b\\}", "touch {a}"])
def test_quoted_escaped_or_single_braces_stay(sh, line: str) -> None:
    """Quoted or escaped braces, and a pair without a comma, are literal."""
    (cmd,) = sh(line).commands
    assert len(cmd.argv) == 2
    assert "{" in cmd.argv[1]


def test_oversized_brace_lists_are_not_expanded(sh) -> None:
    """A word that would make more than 64 words keeps its braces."""
    line = "touch " + "{a,b}" * 7
    assert sh(line).commands[0].argv == ("touch", "{a,b}" * 7)


def test_other_variables_leave_words_dynamic_not_code(sh) -> None:
    """A variable in an argument is kept as written and is not code by itself."""
    parsed = sh('rm -rf "$TARGET"')
    assert parsed.commands[0].argv == ("rm", "-rf", "$TARGET")
    assert kinds(parsed) == []


@pytest.mark.parametrize(
    ("line", "argv"),
    [
        ("f=/; rm -rf $f", ("rm", "-rf", "/")),
        ('d=~/.ssh; cat "${d}/id_rsa"', ("cat", "~/.ssh/id_rsa")),
        ("a=/srv; b=data; rm -rf $a/$b", ("rm", "-rf", "/srv/data")),
        ("f=~/.ssh/id_rsa; cat ${f:-README.md}", ("cat", "~/.ssh/id_rsa")),
        ('f=""; cat ${f:-~/.aws/credentials}', ("cat", "~/.aws/credentials")),
        ('f=""; cat ${f-x}', ("cat", "")),
        ("f=x; cat ${f:+/etc/shadow}", ("cat", "/etc/shadow")),
        ("d=/; rm -rf ${d:?unset}", ("rm", "-rf", "/")),
    ],
)
def test_variables_set_once_on_the_line_are_filled_in(sh, line: str, argv: tuple[str, ...]) -> None:
    """A variable assigned a literal once earlier in the line is put into later words."""
    assert sh(line).commands[-1].argv == argv


@pytest.mark.parametrize(
    "line",
    [
        "d=build; d=/; rm -rf $d",
        "d=build; for d in $(ls); do rm -rf $d; done",
        "for d in / /tmp; do :; done; rm -rf $d",
        "d=build; read d; rm -rf $d",
        "d=build; rm -rf $d$e",
        "d=build; rm -rf $(echo $d)",
        "rm -rf ${d:-build}",
    ],
)
def test_variables_not_known_for_sure_stay_as_written(sh, line: str) -> None:
    """Assigned twice, set by `read` or a `for` (after its body, or over words built at run
    time), or mixed with unknown parts: kept as written."""
    rm = next(c for c in sh(line).commands if c.name == "rm")
    assert "$" in rm.argv[-1]


def test_a_for_body_is_walked_once_per_literal_word(sh) -> None:
    """`for d in / /tmp; do rm -rf $d; done` removes `/` and `/tmp`."""
    parsed = sh("for d in / /tmp; do rm -rf $d; done")
    assert [c.argv for c in parsed.commands] == [("rm", "-rf", "/"), ("rm", "-rf", "/tmp")]
    assert [c.argv for c in sh("for f in ~/.ssh/*; do cat $f; done").commands] == [
        ("cat", "~/.ssh/*")
    ]


def test_a_command_name_from_a_variable_is_not_filled_in(sh) -> None:
    """`c=curl; $c …` stays a command name built at run time, kept as written."""
    (cmd,) = sh("c=curl; $c https://x.example").commands
    assert cmd.name == "$c"
    assert [c.kind for c in cmd.code] == ["dynamic-name"]


def test_a_wrapper_name_built_at_run_time_is_dynamic(sh) -> None:
    """`w=tmux; $w new -d CMD` flags the wrapper's built name on the command it runs."""
    parsed = sh("w=tmux; $w new -d 'python a.py'")
    assert "dynamic-name" in {c.kind for cmd in parsed.commands for c in cmd.code}
