"""Detaching constructs set `Command.detached` and give one reason per occurrence."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nohup ./server", "nohup"),
        ("setsid ./server", "setsid"),
        ("./server &", "background &"),
        ("tmux new -d 'python srv.py'", "tmux new -d"),
        ("tmux new-session -d -s x 'python srv.py'", "tmux new-session -d"),
        ("screen -dmS name python srv.py", "screen -dm"),
        ("daemonize /usr/bin/srv", "daemonize"),
        (
            "start-stop-daemon --start --background --exec /usr/bin/srv",
            "start-stop-daemon --background",
        ),
        ("systemd-run --user python srv.py", "systemd-run"),
        ("sudo -b ./srv", "sudo -b"),
    ],
)
def test_detaching(sh, line: str, reason: str) -> None:
    """The detached command is marked and the reason is recorded."""
    parsed = sh(line)
    assert reason in parsed.detached
    assert parsed.commands[-1].detached


def test_disown_is_detaching(sh) -> None:
    """`disown` after a background job adds its own reason."""
    assert sh("./srv & disown").detached == ("background &", "disown")


def test_background_applies_to_the_whole_list(sh) -> None:
    """A trailing `&` backgrounds every command of the list before it."""
    parsed = sh("a && b &")
    assert all(c.detached for c in parsed.commands)


def test_foreground_commands_are_not_detached(sh) -> None:
    """Commands after a background job are not detached."""
    parsed = sh("a & b")
    assert [c.detached for c in parsed.commands] == [True, False]


def test_run_in_background_detaches_the_action(normalizer) -> None:
    """Bash's `run_in_background: true` is a detaching reason on the action."""
    action = normalizer.action("Bash", {"command": "sleep 1", "run_in_background": True}, cwd="/")
    assert action.detached == ("run_in_background",)


def test_at_runs_its_stdin_later(sh) -> None:
    """`at` schedules the shell code it reads: the commands are parsed and detached."""
    parsed = sh("at now + 1 minute <<< 'rm -rf /x'")
    assert [(c.name, c.detached) for c in parsed.commands] == [("rm", True)]
    assert parsed.detached == ("at",)


def test_at_listing_is_not_detaching(sh) -> None:
    """`at -l` only lists jobs."""
    assert sh("at -l").detached == ()
