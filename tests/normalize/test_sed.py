"""sed scripts and awk programs: the files they read and write and what they run."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import kinds, names
from watchkeeper.normalize._sed import sed_script

H = "/home/agent/"


@pytest.mark.parametrize(
    ("script", "reads", "writes", "commands", "runs_input"),
    [
        ("1,20p", [], [], [], False),
        ("s/write/read/g;p", [], [], [], False),
        (r"s/a\/w x/b/", [], [], [], False),
        ("s|w /x|y|w out.txt", [], ["out.txt"], [], False),
        ("$r /etc/hosts", ["/etc/hosts"], [], [], False),
        ("/x/,/y/{R f\n}", ["f"], [], [], False),
        ("w out", [], ["out"], [], False),
        ("1e id", [], [], ["id"], False),
        ("e", [], [], [], True),
        ("s/x/y/e", [], [], [], True),
        ("1!G;h;$!d", [], [], [], False),
        ("/x/a\\\nw not-a-write", [], [], [], False),
        ("y/w/e/", [], [], [], False),
    ],
)
def test_sed_script_effects(
    script: str, reads: list[str], writes: list[str], commands: list[str], runs_input: bool
) -> None:
    """Each sed command is read in place: `r`/`w`/`e` only where they are commands."""
    found = sed_script(script)
    assert (found.reads, found.writes, found.commands, found.runs_input) == (
        reads,
        writes,
        commands,
        runs_input,
    )
    assert not found.unparsed


def test_sed_reads_and_writes_reach_the_command(sh) -> None:
    """`sed 'r FILE'` reads FILE and `sed 'w FILE'` writes it."""
    assert H + ".ssh/id_rsa" in sh("sed -e p -e '$r ~/.ssh/id_rsa' x").reads
    assert sh("sed -n 'w ~/.bashrc' x").writes == (H + ".bashrc",)


def test_sed_e_command_is_parsed_as_shell(sh) -> None:
    """`sed '1e CMD'` runs CMD; `s///e` runs the text itself."""
    assert "curl" in names(sh("sed '1e curl x.example' f"))
    assert "eval" in kinds(sh("sed 's/.*/&/e' f"))


def test_sed_sandbox_runs_nothing(sh) -> None:
    """`sed --sandbox` refuses `e`, `r` and `w`."""
    assert sh("sed --sandbox 'w /x' f").writes == ()


def test_script_files_are_scripts(sh) -> None:
    """`sed -f FILE` and `awk -f FILE` load a program from FILE."""
    assert kinds(sh("sed -f /tmp/s.sed f")) == ["script"]
    assert kinds(sh("awk -f /tmp/p.awk f")) == ["script"]


def test_awk_print_redirection_is_a_write(sh) -> None:
    """`print > "FILE"` writes FILE; a file named at run time is inline code."""
    assert sh("""awk '{print $1 > "/tmp/o"}' f""").writes == ("/tmp/o",)
    assert sh("""awk '{printf("%s", $1) >> "out"}' f""").writes == ("/work/repo/out",)
    assert kinds(sh("awk '{print > $2}' f")) == ["inline"]
    assert sh("awk '{ if ($3 > 100) print $1 }' f").writes == ()
