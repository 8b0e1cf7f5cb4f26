"""Hostile input never raises and always yields an action."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper.normalize import Action, Normalizer, ShellParse
from watchkeeper.normalize._fastlex import lex_simple
from watchkeeper.normalize._shell import ShellWalker

SHELLISH = st.lists(
    st.sampled_from(
        [
            *"ab rm-/.~$'\"`\\|&;<>(){}[]*?!#=\n\t0xcsh",
            *["${IFS}", "$(", "<<EOF\n", "EOF\n", " -c ", "sudo ", "eval ", "bash ", " | sh"],
        ]
    ),
    max_size=40,
).map("".join)
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_never_raises(normalizer: Normalizer, text: str) -> None:
    """Any unicode text parses into a ShellParse."""
    assert isinstance(normalizer.shell(text, cwd="/w"), ShellParse)


@SETTINGS
@given(SHELLISH)
def test_shell_like_noise_never_raises(normalizer: Normalizer, text: str) -> None:
    """Dense shell syntax noise parses into a ShellParse with absolute or relative paths."""
    parsed = normalizer.shell(text, cwd="/w")
    assert all(p.startswith(("/", "crontab:")) for p in (*parsed.reads, *parsed.writes))


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(normalizer: Normalizer, data: bytes) -> None:
    """Bytes decoded with surrogate escapes never make the parser raise."""
    text = data.decode("utf-8", "surrogateescape")
    assert isinstance(normalizer.action("Bash", {"command": text}, cwd=None), Action)


@SETTINGS
@given(st.text(max_size=30), st.dictionaries(st.text(max_size=12), JSON, max_size=5))
def test_any_tool_and_args_give_an_action(
    normalizer: Normalizer, tool: str, args: dict[str, Any]
) -> None:
    """Any tool name with any JSON arguments yields an Action."""
    assert isinstance(normalizer.action(tool or "x", args, cwd="/w"), Action)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [
                "rm",
                "-rf",
                "/x",
                "a.txt",
                "cat",
                "git",
                "status",
                "'q s'",
                '"d q"',
                "|",
                "&&",
                "||",
                ";",
                ">",
                ">>",
                "2>&1",
                "2>",
                "<",
                "X=1",
                "sudo",
                "env",
                "bash",
                "sh",
                "-c",
                "curl",
                "https://h.io/p",
                "python3",
                "tee",
                "~/k",
                "..",
                "cd",
                "/etc",
                "echo",
                "find",
                "-delete",
                "xargs",
                "&",
                "=x",
                "a=b=c",
                "if",
                "fi",
                "time",
                "!",
                "é",
                "\t",
                "nohup",
                "-n",
                "5",
                "crontab",
                "-",
                "base64",
                "-d",
                "&>",
                "dir/",
            ]
        ),
        min_size=1,
        max_size=12,
    ).map(" ".join)
)
def test_fast_lexer_agrees_with_the_tree(normalizer: Normalizer, line: str) -> None:
    """For every line the fast lexer accepts and tree-sitter parses cleanly, results agree."""
    if lex_simple(line) is None:
        return
    fast = normalizer.shell(line, cwd="/w")
    walker = ShellWalker(normalizer._parser, home=normalizer.home, cwd="/w")
    walker._parse_into(line, ())
    tree = walker._result()
    if not tree.errors:
        assert fast == tree
