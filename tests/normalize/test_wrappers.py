"""Wrappers are peeled to find the real command and recorded in `Command.wrappers`."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("line", "wrappers"),
    [
        ("sudo rm -rf /x", ("sudo",)),
        ("sudo -u root -E rm -rf /x", ("sudo",)),
        ("doas -u root rm -rf /x", ("doas",)),
        ("env -i A=1 B=2 rm -rf /x", ("env",)),
        ("env -u HOME -C /tmp rm -rf /x", ("env",)),
        ("nohup rm -rf /x", ("nohup",)),
        ("timeout -s KILL 10s rm -rf /x", ("timeout",)),
        ("nice -n 10 rm -rf /x", ("nice",)),
        ("ionice -c 3 rm -rf /x", ("ionice",)),
        ("stdbuf -oL rm -rf /x", ("stdbuf",)),
        ("time rm -rf /x", ("time",)),
        ("exec rm -rf /x", ("exec",)),
        ("command rm -rf /x", ("command",)),
        ("builtin rm -rf /x", ("builtin",)),
        ("busybox rm -rf /x", ("busybox",)),
        ("setsid rm -rf /x", ("setsid",)),
        ("chroot /mnt rm -rf /x", ("chroot",)),
        ("strace -f -o /tmp/t rm -rf /x", ("strace",)),
        ("sudo env X=1 nice -n 5 timeout 5 rm -rf /x", ("sudo", "env", "nice", "timeout")),
        ("watch -x rm -rf /x", ("watch",)),
        ("uv run rm -rf /x", ("uv run",)),
        ("uv --directory d run --python 3.12 --frozen rm -rf /x", ("uv run",)),
        ("uv run --with 'numpy<2' rm -rf /x", ("uv run --with",)),
    ],
)
def test_wrappers_are_peeled(sh, line: str, wrappers: tuple[str, ...]) -> None:
    """The wrapped command is `rm -rf /x` and the wrappers are listed outermost first."""
    (cmd,) = sh(line).commands
    assert cmd.name == "rm"
    assert cmd.argv == ("rm", "-rf", "/x")
    assert cmd.wrappers == wrappers


def test_xargs_command_is_peeled(sh) -> None:
    """`xargs [opts] CMD` runs CMD with arguments from stdin."""
    cmd = sh("ls | xargs -0 -n 1 rm -f").commands[1]
    assert (cmd.name, cmd.argv, cmd.wrappers) == ("rm", ("rm", "-f"), ("xargs",))


def test_env_split_string_is_peeled(sh) -> None:
    """`env -S 'CMD ARGS'` runs the split string."""
    cmd = sh("env -S 'rm -rf' /x").commands[0]
    assert cmd.argv == ("rm", "-rf", "/x")


def test_command_v_is_a_query_not_a_wrapper(sh) -> None:
    """`command -v rm` only looks rm up; it does not run it."""
    assert sh("command -v rm").commands[0].name == "command"


def test_wrapper_alone_is_the_command(sh) -> None:
    """A wrapper with nothing to wrap is itself the command."""
    cmd = sh("sudo -l").commands[0]
    assert (cmd.name, cmd.wrappers) == ("sudo", ())


def test_watch_string_is_parsed_as_shell(sh) -> None:
    """`watch 'CMD'` runs CMD through a shell."""
    cmd = sh("watch -n 1 'cat /etc/shadow'").commands[0]
    assert (cmd.name, cmd.reads, cmd.wrappers) == ("cat", ("/etc/shadow",), ("watch",))


def test_su_c_string_is_parsed_as_shell(sh) -> None:
    """`su -c 'CMD' user` runs CMD."""
    assert sh("su -c 'rm -rf /x' root").commands[0].wrappers == ("su",)


def test_time_output_file_is_a_write(sh) -> None:
    """`time -o FILE` writes FILE."""
    assert sh("time -o t.txt ls").writes == ("/work/repo/t.txt",)


def test_uv_run_python_forms_run_python(sh) -> None:
    """`uv run -m MOD` and `uv run FILE.py` run Python on the module or the file."""
    assert sh("uv run -m http.server").commands[0].argv == ("python", "-m", "http.server")
    parsed = sh("uv run /tmp/x.py a")
    assert parsed.commands[0].argv == ("python", "/tmp/x.py", "a")
    assert parsed.reads == ("/tmp/x.py",)


def test_uv_without_run_is_the_command(sh) -> None:
    """`uv sync` and a bare `uv run` are `uv` itself."""
    assert [c.argv for c in sh("uv sync; uv run").commands] == [("uv", "sync"), ("uv", "run")]
