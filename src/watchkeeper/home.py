"""Where watchkeeper keeps its state: one directory, `WATCHKEEPER_HOME` or `~/.watchkeeper`."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["HOME_ENV", "resolve_home"]

HOME_ENV = "WATCHKEEPER_HOME"


def resolve_home(explicit: Path | None = None) -> Path:
    """Return the watchkeeper home directory, creating it with mode 0700 if it does not exist.

    `explicit` wins; otherwise `$WATCHKEEPER_HOME`; otherwise `~/.watchkeeper`. An existing
    directory is used as it is: its mode is the owner's choice.
    """
    if explicit is not None:
        home = explicit
    elif os.environ.get(HOME_ENV):
        home = Path(os.environ[HOME_ENV])
    else:
        home = Path("~/.watchkeeper")
    home = home.expanduser()
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return home
