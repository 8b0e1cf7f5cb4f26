"""Starting the agent so that it is confined before it runs a single instruction of its own.

The child is a tiny ``/bin/sh`` stub that blocks reading a pipe; the supervisor moves it into
the session's cgroups (and gives it the terminal), then writes to the pipe, and only then does
the stub ``exec`` the agent. Nothing the agent runs can fork before it is confined, and no
``preexec_fn`` (unsafe with threads) is needed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["STUB_NAME", "HeldChild", "SpawnError", "hold_child"]

#: `$0` of the stub shell, so the supervisor can tell the stub from the agent it becomes.
STUB_NAME = "watchkeeper-run"

_STUB = 'read -r _ <&3 || exit 125; exec 3<&-; cd -- "$1" || exit 126; shift; exec "$@"'
_DEFAULT_SIGNALS = (
    signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGPIPE,
    signal.SIGTTOU, signal.SIGTTIN, signal.SIGTSTP, signal.SIGXFSZ, signal.SIGCHLD,
)  # fmt: skip


class SpawnError(RuntimeError):
    """The agent's command could not be started."""


@dataclass(frozen=True, slots=True)
class HeldChild:
    """A started child waiting at the stub; `release()` lets it exec the agent."""

    pid: int
    _gate: int

    def release(self) -> None:
        """Let the child exec the agent (once)."""
        try:
            os.write(self._gate, b"go\n")
        finally:
            os.close(self._gate)

    def abandon(self) -> None:
        """Close the gate without releasing: the stub exits with status 125."""
        with contextlib.suppress(OSError):
            os.close(self._gate)


def hold_child(argv: Sequence[str], env: dict[str, str], cwd: str | None = None) -> HeldChild:
    """Start `argv` held at the stub, in a process group of its own, with exactly `env`."""
    if not argv:
        raise SpawnError("no command given; put the agent's command after `--`")
    if shutil.which(argv[0], path=env.get("PATH")) is None and not os.path.exists(argv[0]):
        raise SpawnError(f"command `{argv[0]}` was not found on PATH; check the name")
    read_end, write_end = os.pipe()
    if read_end == 3:  # dup2(3, 3) would leave close-on-exec set
        moved = os.dup(read_end)
        os.close(read_end)
        read_end = moved
    try:
        pid = os.posix_spawn(
            "/bin/sh",
            ["/bin/sh", "-c", _STUB, STUB_NAME, cwd or os.getcwd(), *argv],
            env,
            file_actions=[(os.POSIX_SPAWN_DUP2, read_end, 3)],
            setpgroup=0,
            setsigdef=_DEFAULT_SIGNALS,
            setsigmask=(),
        )
    except OSError as exc:
        os.close(write_end)
        raise SpawnError(f"cannot start `{argv[0]}` ({exc.strerror})") from exc
    finally:
        os.close(read_end)
    return HeldChild(pid=pid, _gate=write_end)
