"""Environment runners (`uv run`, `nix shell -c`, `npm exec` …) are peeled like wrappers."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("line", "wrapper"),
    [
        ("uv run rm -rf /x", "uv run"),
        ("uv run --with requests --python 3.12 rm -rf /x", "uv run --with"),
        ("uv run -- rm -rf /x", "uv run"),
        ("poetry run rm -rf /x", "poetry run"),
        ("conda run -n base rm -rf /x", "conda run"),
        ("micromamba run -p /opt/env rm -rf /x", "micromamba run"),
        ("bundle exec rm -rf /x", "bundle exec"),
        ("asdf exec rm -rf /x", "asdf exec"),
        ("direnv exec . rm -rf /x", "direnv exec"),
        ("op run --env-file .env -- rm -rf /x", "op run"),
        ("aws-vault exec prod -- rm -rf /x", "aws-vault exec"),
        ("doppler run -p web -c dev -- rm -rf /x", "doppler run"),
        ("npm exec -- rm -rf /x", "npm exec"),
        ("pnpm exec rm -rf /x", "pnpm exec"),
        ("nix shell nixpkgs#coreutils nixpkgs#jq -c rm -rf /x", "nix shell"),
        ("nix develop .#ci --command rm -rf /x", "nix develop"),
        ("mise exec node@20 python@3.12 -- rm -rf /x", "mise exec"),
        ("perf stat -e cycles rm -rf /x", "perf stat"),
        ("gosu root rm -rf /x", "gosu"),
        ("tini -- rm -rf /x", "tini"),
        ("faketime '2020-01-01 00:00' rm -rf /x", "faketime"),
        ("xvfb-run -a rm -rf /x", "xvfb-run"),
    ],
)
def test_runner_command_is_peeled(sh, line: str, wrapper: str) -> None:
    """The command the runner runs is `rm -rf /x`, with the runner among its wrappers."""
    (cmd,) = sh(line).commands
    assert (cmd.name, cmd.argv, cmd.wrappers) == ("rm", ("rm", "-rf", "/x"), (wrapper,))


@pytest.mark.parametrize(
    "line",
    [
        "nix-shell -p curl jq --run 'rm -rf /x'",
        "npm exec -c 'rm -rf /x'",
        "doppler run --command 'rm -rf /x'",
        "mise exec -c 'rm -rf /x'",
        "script -qc 'rm -rf /x' /dev/null",
        "sg docker -c 'rm -rf /x'",
    ],
)
def test_runner_shell_string_is_parsed(sh, line: str) -> None:
    """Runners that take a shell string run what the string says."""
    (cmd,) = sh(line).commands
    assert (cmd.name, cmd.argv) == ("rm", ("rm", "-rf", "/x"))


def test_uv_run_of_a_python_file_runs_python(sh) -> None:
    """`uv run app.py` runs the file with Python."""
    (cmd,) = sh("uv run app.py --port 1").commands
    assert (cmd.name, cmd.argv) == ("python", ("python", "app.py", "--port", "1"))


def test_uv_run_module_runs_python_m(sh) -> None:
    """`uv run -m MOD` runs `python -m MOD`."""
    (cmd,) = sh("uv run -m http.server 8000").commands
    assert cmd.argv == ("python", "-m", "http.server", "8000")


def test_nix_run_names_the_program_after_the_installable(sh) -> None:
    """`nix run nixpkgs#rclone -- ARGS` runs rclone with ARGS."""
    (cmd,) = sh("nix run nixpkgs#rclone -- copy a b").commands
    assert cmd.argv == ("rclone", "copy", "a", "b")


@pytest.mark.parametrize(
    "line", ["uv run", "nix develop", "nix shell nixpkgs#jq", "uv lock", "hatch run test"]
)
def test_runner_with_nothing_to_run_is_the_command(sh, line: str) -> None:
    """A runner that runs no command here (an interactive shell, a lock) stays the command."""
    (cmd,) = sh(line).commands
    assert (cmd.name, cmd.wrappers) == (line.split(maxsplit=1)[0], ())


def test_runner_reads_are_the_wrapped_commands(sh) -> None:
    """What the wrapped command reads is read through the runner."""
    assert sh("poetry run cat /etc/shadow").reads == ("/etc/shadow",)
