"""Path pattern sets: the `reads`/`writes` matchers and path-like command arguments.

A pattern is one of:

* ``${workspace}`` or ``${workspace}/…`` — relative to the action's working directory;
* ``~`` or ``~/…`` — the configured home **and** any ``/home/*``, ``/Users/*`` or ``/root``;
* ``/…`` — an absolute path;
* anything else — matched at any depth (``.env`` matches every file named ``.env``;
  ``.git/hooks/**`` matches inside every ``.git/hooks``).

A leading ``!`` excludes: a path matches a set when it matches a positive pattern and no
excluding one.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable

from watchkeeper.policy._globs import glob_regex

__all__ = ["PathSet", "resolve_arg"]

_WS = "${workspace}"
_HOME_ROOTS = r"/home/[^/]+|/Users/[^/]+|/root"
_CACHE_LIMIT = 256


def resolve_arg(arg: str, cwd: str | None, home: str) -> str:
    """Resolve a raw command argument to a normalised absolute path (best effort)."""
    if "." not in arg and "//" not in arg and not arg.startswith(("~", "$")):
        if arg.startswith("/"):
            return arg.rstrip("/") or "/"
        if cwd is not None and cwd.startswith("/") and "." not in cwd and "//" not in cwd:
            return f"{cwd.rstrip('/')}/{arg}".rstrip("/")
    if arg == "~" or arg.startswith("~/"):
        arg = home + arg[1:]
    elif arg.startswith("$HOME"):
        arg = home + arg[5:]
    elif arg.startswith("${HOME}"):
        arg = home + arg[7:]
    if not arg.startswith("/"):
        if cwd is None:
            return arg
        arg = f"{cwd.rstrip('/')}/{arg}"
    resolved = posixpath.normpath(arg)
    return "/" + resolved.lstrip("/") if resolved.startswith("//") else resolved


class _Side:
    """One polarity (positive or excluding) of a pattern set, as one regex per workspace.

    Rooted patterns (absolute and home) are alternatives as they are; basename and relative
    ones are matched after any leading directories; workspace ones after the working
    directory, so the regex is compiled per working directory (cached).
    """

    __slots__ = ("_cache", "_fixed", "_static", "_ws_sources", "empty")

    def __init__(
        self, *, basename: list[str], anywhere: list[str], rooted: list[str], ws: list[str]
    ) -> None:
        fixed = list(rooted)
        if basename or anywhere:
            fixed.append("(?:.*/)?(?:" + "|".join(basename + anywhere) + ")")
        self._fixed = fixed
        self._ws_sources = ws
        self._static = _compile(fixed)
        self._cache: dict[str, re.Pattern[str]] = {}
        self.empty = not (fixed or ws)

    def match(self, path: str, cwd: str | None) -> bool:
        if not self._ws_sources or cwd is None:
            return self._static.match(path) is not None
        regex = self._cache.get(cwd)
        if regex is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            root = re.escape(posixpath.normpath(cwd))
            ws = root + "(?:" + "|".join(self._ws_sources) + ")"
            regex = self._cache[cwd] = _compile([*self._fixed, ws])
        return regex.match(path) is not None


def _compile(alternatives: list[str]) -> re.Pattern[str]:
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile("(?:" + "|".join(alternatives) + r")\Z", re.DOTALL)


class PathSet:
    """A compiled set of path patterns (see the module docstring)."""

    __slots__ = ("_neg", "_pos", "matcher", "patterns")

    def __init__(self, patterns: Iterable[str], *, home: str) -> None:
        self.patterns = tuple(patterns)
        home_alt = f"(?:{re.escape(home.rstrip('/') or '/')}|{_HOME_ROOTS})"
        sides: dict[bool, dict[str, list[str]]] = {
            polarity: {"basename": [], "anywhere": [], "rooted": [], "home": [], "ws": []}
            for polarity in (True, False)
        }
        for raw in self.patterns:
            negative = raw.startswith("!")
            pattern = raw[1:] if negative else raw
            side = sides[not negative]
            if pattern.startswith(_WS):
                side["ws"].append(glob_regex(pattern[len(_WS) :], path=True))
            elif pattern == "~" or pattern.startswith("~/"):
                side["home"].append(glob_regex(pattern[1:], path=True))
            elif pattern.startswith("/"):
                side["rooted"].append(glob_regex(pattern, path=True))
            elif "/" not in pattern:
                side["basename"].append(glob_regex(pattern, path=True))
            else:
                side["anywhere"].append(glob_regex(pattern, path=True))

        def build(parts: dict[str, list[str]]) -> _Side:
            rooted = list(parts["rooted"])
            if parts["home"]:
                rooted.append(home_alt + "(?:" + "|".join(parts["home"]) + ")")
            return _Side(
                basename=parts["basename"],
                anywhere=parts["anywhere"],
                rooted=rooted,
                ws=parts["ws"],
            )

        self._pos = build(sides[True])
        negative_side = build(sides[False])
        self._neg = None if negative_side.empty else negative_side
        self.matcher: Callable[[str, str | None], bool] = (
            self._pos.match if self._neg is None else self.match
        )
        """The fastest callable equivalent to `match` (skips a layer without exclusions)."""

    def match(self, path: str, cwd: str | None) -> bool:
        """Return whether `path` (absolute, normalised) is in the set."""
        if not self._pos.match(path, cwd):
            return False
        neg = self._neg
        return neg is None or not neg.match(path, cwd)
