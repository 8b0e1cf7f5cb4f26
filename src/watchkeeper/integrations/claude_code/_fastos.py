"""The few OS calls the hook process needs, from the built-in `posix` module.

Importing `os` costs the hook a few milliseconds (it builds `os.environ`, imports
`posixpath`, `_collections_abc`, `stat`…), while `posix` is already loaded when the
interpreter starts. Paths here are plain strings joined with ``/``. Standard library only.
"""

from __future__ import annotations

import sys

if sys.platform == "win32":  # pragma: no cover - the hook targets POSIX; keep Windows working
    import nt as _impl
else:
    import posix as _impl

__all__ = [
    "O_CREAT",
    "O_EXCL",
    "O_TRUNC",
    "O_WRONLY",
    "dirname",
    "execv",
    "exit_now",
    "fstat",
    "getenv",
    "getpid",
    "join",
    "makedirs",
    "replace",
    "unlink",
    "write_file",
]

O_CREAT = _impl.O_CREAT
O_EXCL = _impl.O_EXCL
O_TRUNC = _impl.O_TRUNC
O_WRONLY = _impl.O_WRONLY
execv = _impl.execv
#: Ends the process at once: no interpreter teardown, no atexit handlers, no buffer flush.
exit_now = _impl._exit
fstat = _impl.fstat
getpid = _impl.getpid
replace = _impl.replace
unlink = _impl.unlink


def getenv(name: str) -> str:
    """Return the environment variable `name`, or ``""`` when it is unset."""
    environ = _impl.environ
    if sys.platform == "win32":  # pragma: no cover - str keys there
        return str(environ.get(name.upper(), ""))
    value = environ.get(name.encode())
    return "" if value is None else value.decode("utf-8", "surrogateescape")


def join(*parts: str) -> str:
    """Join path parts with ``/`` (parts after the first are relative names)."""
    return "/".join(p.rstrip("/") if i == 0 else p for i, p in enumerate(parts)) or "/"


def dirname(path: str) -> str:
    """Return everything before the last ``/`` of `path`."""
    head = path.rpartition("/")[0]
    return head or ("/" if path.startswith("/") else "")


def makedirs(path: str, mode: int = 0o700) -> None:
    """Create `path` and its missing parents (no error if it exists)."""
    try:
        _impl.mkdir(path, mode)
    except FileExistsError:
        return
    except FileNotFoundError:
        parent = dirname(path)
        if not parent or parent == path:
            raise
        makedirs(parent, mode)
        try:
            _impl.mkdir(path, mode)
        except FileExistsError:
            return


def write_file(path: str, data: bytes, *, flags: int, mode: int = 0o600) -> None:
    """Open `path` with `flags`, write all of `data` and close it."""
    fd = _impl.open(path, flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[_impl.write(fd, view) :]
    finally:
        _impl.close(fd)
