"""A user's crontab through the `crontab` command, for when cron's spool cannot be read.

Cron keeps each user's table in a spool only root can read (Debian:
``/var/spool/cron/crontabs``, mode 1730 root:crontab). A supervisor running as the agent's own
user cannot snapshot that file, but it can ask ``crontab -l`` for its own table, which is the
one an agent running as that user can change, and put it back with ``crontab -``. As root,
``-u USER`` names the agent's user.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess

__all__ = ["read_crontab", "write_crontab"]

_TIMEOUT = 10.0


def _command(user: str, *args: str) -> list[str] | None:
    binary = shutil.which("crontab")
    if binary is None:
        return None
    if os.geteuid() == 0 and user != getpass.getuser():
        return [binary, "-u", user, *args]
    return [binary, *args]


def read_crontab(user: str) -> str | None:
    """Return `user`'s crontab ("" when they have none), or None when it cannot be read.

    None means: no ``crontab`` command here, or it failed for another reason than the user
    having no table (another user's table without root, a broken installation).
    """
    argv = _command(user, "-l")
    if argv is None:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - the crontab binary from PATH, fixed arguments
            argv, capture_output=True, text=True, check=False, timeout=_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode == 0:
        return result.stdout
    if "no crontab for" in result.stderr:
        return ""
    return None


def write_crontab(user: str, text: str) -> str | None:
    """Make `text` `user`'s whole crontab (removing it when `text` is empty).

    Returns None on success, else why it failed, in one line.
    """
    argv = _command(user, "-r") if not text.strip() else _command(user, "-")
    if argv is None:
        return "the crontab command is not installed"
    try:
        result = subprocess.run(  # noqa: S603 - the crontab binary from PATH, fixed arguments
            argv,
            input=None if not text.strip() else text,
            capture_output=True,
            text=True,
            check=False,
            timeout=_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"crontab failed: {exc}"
    if result.returncode == 0 or "no crontab for" in result.stderr:
        return None
    return result.stderr.strip().splitlines()[0] if result.stderr.strip() else "crontab failed"
