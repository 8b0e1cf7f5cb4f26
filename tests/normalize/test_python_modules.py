"""`python -m MODULE` for the standard library's programs: what they run, read and write."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import kinds

R = "/work/repo/"


@pytest.mark.parametrize(
    ("line", "script"),
    [
        ("python -m cProfile /tmp/x.py", "/tmp/x.py"),
        ("python -m cProfile -o out.prof /tmp/x.py", "/tmp/x.py"),
        ("python3 -X dev -m trace --trace /tmp/x.py", "/tmp/x.py"),
        ("python -m pdb -c continue /tmp/x.py", "/tmp/x.py"),
    ],
)
def test_runner_modules_run_their_script(sh, line: str, script: str) -> None:
    """cProfile, profile, trace, pdb and doctest run the script they are given."""
    parsed = sh(line)
    assert [(c.kind, c.detail) for c in parsed.code] == [("script", script)]
    assert script in parsed.reads


def test_timeit_statements_are_inline_code(sh) -> None:
    """`python -m timeit 'CODE'` runs CODE."""
    assert kinds(sh("python -m timeit -s 'import os' 'os.getpid()'")) == ["inline", "inline"]


@pytest.mark.parametrize(
    ("line", "reads", "writes"),
    [
        ("python -m json.tool ~/.aws/config", ("/home/agent/.aws/config",), ()),
        ("python -m json.tool --sort-keys in.json out.json", (R + "in.json",), (R + "out.json",)),
        ("python -m base64 -d ~/.ssh/k", ("/home/agent/.ssh/k",), ()),
        ("python -m zipfile -c /tmp/x.zip ~/.ssh", ("/home/agent/.ssh",), ("/tmp/x.zip",)),
        ("python -m tarfile -e a.tar out", (R + "a.tar",), (R + "out",)),
        ("python -m venv .venv", (), (R + ".venv",)),
    ],
)
def test_file_modules_read_and_write_their_operands(
    sh, line: str, reads: tuple[str, ...], writes: tuple[str, ...]
) -> None:
    """json.tool, base64, zipfile, tarfile, venv … touch the files they are given."""
    parsed = sh(line)
    assert (parsed.reads, parsed.writes) == (reads, writes)
    assert "inline" not in kinds(parsed)


def test_other_modules_stay_scripts(sh) -> None:
    """A module not known here is the project's own: `script` with `-m MODULE`."""
    assert [(c.kind, c.detail) for c in sh("python -m mypkg.cli -c x").code] == [
        ("script", "-m mypkg.cli")
    ]
