"""Lexical path resolution: `~`, `$HOME`, the working directory, `.` and `..`.

Nothing here touches the file system: symlinks are not followed and globs are kept as
written, so a rule sees the path the agent wrote, made absolute.
"""

from __future__ import annotations

import posixpath

__all__ = ["NON_FILES", "each_found", "resolve_path"]

# Write targets that are not files anyone could care about.
NON_FILES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/zero"})


def _expand_home(path: str, home: str) -> str:
    if path == "~" or path.startswith("~/"):
        return home + path[1:]
    if path.startswith("~"):
        user, _, rest = path[1:].partition("/")
        if not user or not all(c.isalnum() or c in "._-" for c in user):
            return path
        base = "/root" if user == "root" else posixpath.join(posixpath.dirname(home), user)
        return base + ("/" + rest if rest else "")
    for var in ("${HOME}", "$HOME"):
        if path == var or path.startswith(var + "/"):
            return home + path[len(var) :]
    return path


def resolve_path(path: str, *, cwd: str | None, home: str) -> str:
    """Return `path` made absolute against `cwd` and normalised lexically.

    `~` is the home directory, `~user` is a sibling of it (``/root`` for root). When `cwd` is
    unknown a relative path stays relative (normalised), so rules should treat a relative
    path as "anywhere".
    """
    expanded = _expand_home(path, home)
    if not expanded.startswith("/"):
        if cwd is None or not cwd.startswith("/"):
            return posixpath.normpath(expanded)
        expanded = cwd + "/" + expanded
    normal = posixpath.normpath(expanded)
    # POSIX keeps a leading `//`; nothing we match on cares, so fold it.
    return "/" + normal.lstrip("/")


def each_found(paths: list[str], roots: list[str]) -> list[str]:
    """Replace a `find -exec` ``{}`` operand by "anything under each search root"."""
    out: list[str] = []
    for path in paths:
        out.extend(roots if path.endswith("{}") else [path])
    return out
