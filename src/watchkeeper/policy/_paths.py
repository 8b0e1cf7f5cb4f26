"""Path pattern sets: the `reads`/`writes` matchers and path-like command arguments.

A pattern is one of:

* ``${workspace}`` or ``${workspace}/…`` — relative to the action's working directory;
* ``~`` or ``~/…`` — the configured home **and** any ``/home/*``, ``/Users/*`` or ``/root``;
* ``/…`` — an absolute path;
* anything else — matched at any depth (``.env`` matches every file named ``.env``;
  ``.git/hooks/**`` matches inside every ``.git/hooks``).

A leading ``!`` excludes: a path matches a set when it matches a positive pattern and no
excluding one.

A set built with ``fold_case`` (the deny and ask rules' sets) ignores letter case: on
case-insensitive file systems (macOS, Windows) ``.CLAUDE/Settings.json`` is
``.claude/settings.json`` and ``.ENV`` is ``.env``. Its patterns are lower-cased when it is
built, and each path (and working directory) is lower-cased (`str.lower`) before it is tested.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple, cast

from watchkeeper.policy._globs import glob_regex

__all__ = ["PathSet", "PathTest", "resolve_arg"]

_WS = "${workspace}"
_HOME_ROOTS = r"/home/[^/]+|/Users/[^/]+|/root"
_HOME_ROOT_STARTS = ["/home/", "/Users/", "/root"]  # how each of `_HOME_ROOTS` starts
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


PathTest = Callable[[str], bool]
"""Whether one (absolute, normalised) path is in a pattern set, for a known working dir."""


class _Parts(NamedTuple):
    """What a test checks besides the segment: the rooted patterns, then the others."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    screen: tuple[str, ...]
    rooted: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None
    needles: tuple[str, ...] | None
    segments: frozenset[str] | None = None


def _parts(
    literal: list[tuple[str, bool]],
    rooted: list[str],
    heads: list[str],
    anywhere: tuple[re.Pattern[str], tuple[str, ...] | None, frozenset[str] | None] | None,
) -> _Parts:
    """Return the tests of the rooted patterns, beside the regex for the others.

    Literal paths become exact paths and subtree prefixes, the other rooted patterns (regex
    sources, each starting with one of `heads`) one regex; the screen is the literal starts
    of them all, one of which every path they can match starts with. `anywhere` is the regex
    of the patterns matched at any depth and its needles (see `_Side`).
    """
    starts = sorted({*heads, *(base for base, _ in literal)})
    screen: list[str] = []
    for start in starts:  # `/etc` already screens `/etc/shadow`
        if not any(start.startswith(kept) for kept in screen):
            screen.append(start)
    return _Parts(
        frozenset(base for base, _ in literal),
        tuple(base + "/" for base, tree in literal if tree),
        tuple(screen),
        _compile(rooted) if rooted else None,
        anywhere[0] if anywhere is not None else None,
        anywhere[1] if anywhere is not None else None,
        anywhere[2] if anywhere is not None else None,
    )


def _needle(glob: str) -> str | None:
    """Return text that every path matched by `glob` (at any depth) contains, if there is one.

    The longest run without ``*`` or ``?``, less any ``/`` at its ends (a ``/`` next to
    ``**`` may be left out); None for a glob with a class or alternatives, or without a run.
    """
    if "[" in glob or "{" in glob:
        return None
    runs = [run.strip("/") for run in re.split(r"[*?]", glob)]
    return max(runs, key=len) or None


def _needles(globs: list[str]) -> tuple[str, ...] | None:
    """Return needles one of which every path matched by any of `globs` contains, if any.

    A needle holding another is left out: every path that has it has the other.
    """
    found = [_needle(glob) for glob in globs]
    if not found or None in found:
        return None
    needles: list[str] = []
    for needle in sorted({n for n in found if n is not None}, key=len):
        if not any(kept in needle for kept in needles):
            needles.append(needle)
    return tuple(needles)


_SEGMENT_MAGIC = frozenset("*?[]{}\\")
_MANY_NEEDLES = 2


def _segments(globs: list[str]) -> frozenset[str] | None:
    """Return whole path segments one of which every path matched by any of `globs` has.

    For each glob matched at any depth, a segment of it without glob syntax: the glob's
    regex follows ``(?:.*/)?`` and every ``/`` of the glob stays a ``/`` (``**/`` and a
    trailing ``/**`` keep theirs), so that text is always one whole segment of a matching
    path. Telling whether a path has one of them is one split and one set test, cheaper
    than looking for many needles one by one. None when some glob has no such segment (or
    has a class or alternatives, which could hold a ``/``).
    """
    found: set[str] = set()
    for glob in globs:
        if "[" in glob or "{" in glob:
            return None
        literal = [
            seg for seg in glob.split("/") if seg and not any(ch in _SEGMENT_MAGIC for ch in seg)
        ]
        if not literal:
            return None
        found.add(max(literal, key=len))
    return frozenset(found)


def _glob_head(glob: str) -> str:
    """Return the literal start of a rooted path glob: every path it matches starts with it.

    The text before the first glob character, less any trailing ``/`` (a trailing ``/**``
    also matches the directory itself).
    """
    end = next((i for i, ch in enumerate(glob) if ch in "*?[{"), len(glob))
    return glob[:end].rstrip("/")


def _literal(glob: str) -> tuple[str, bool] | None:
    """Return `(path, subtree)` when `glob` is a literal path, optionally ending in ``/**``.

    ``/tmp/**`` is `("/tmp", True)`: the directory itself and everything under it, exactly
    what its regex matches; ``/dev/null`` is `("/dev/null", False)`.
    """
    tree = glob.endswith("/**")
    base = glob[:-3] if tree else glob
    if any(ch in base for ch in "*?[{"):
        return None
    return base, tree


class _Segment:
    """Basename globs that never match a ``/``, decided on the last path segment alone.

    Globs that are a literal with ``*`` only at either end become string tests (equal,
    starts with, ends with, contains), far cheaper than a regex alternative each; the rest
    stay one regex.
    """

    __slots__ = ("contains", "exact", "prefixes", "regex", "suffixes")

    def __init__(self, globs: list[str]) -> None:
        exact: set[str] = set()
        prefixes: list[str] = []
        suffixes: list[str] = []
        contains: list[str] = []
        rest: list[str] = []
        for glob in globs:
            head = glob.startswith("*")
            tail = glob.endswith("*") and len(glob) > 1
            core = glob[1 if head else 0 : -1 if tail else len(glob)]
            if any(ch in core for ch in "*?[{"):
                rest.append(glob_regex(glob, path=True))
            elif head and tail:
                contains.append(core)
            elif head:
                suffixes.append(core)
            elif tail:
                prefixes.append(core)
            else:
                exact.add(core)
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.suffixes = tuple(suffixes)
        self.contains = tuple(contains)
        self.regex = _compile(rest) if rest else None


def _tester(parts: _Parts, segment: _Segment | None, *, fold: bool) -> PathTest:
    """Return one function deciding membership from the rooted parts, a regex and a segment test.

    Built once per pattern set (and working directory) so that deciding a path is one call:
    the function's source is written for the parts the set has, each held as a constant, so
    a part the set lacks costs nothing (compiled with `exec`; the checks and their order are
    those of `_reference_test`, which says in plain code what the written one does). A path
    starting with none of the screen's starts skips the rooted parts: most paths do. With
    `fold`, the path is lower-cased first (the parts were built from lower-cased patterns).
    """
    exact, prefixes, screen, rooted, anywhere, needles, segments = parts
    if segments is not None and needles is not None and len(needles) <= _MANY_NEEDLES:
        segments = None  # a needle or two are cheaper to look for than a split
    if segment is None and rooted is None and anywhere is None and not prefixes and not fold:
        return exact.__contains__
    consts: dict[str, object] = {}

    def const(name: str, value: object) -> str:
        consts[name] = value
        return name

    lines = ["def test(path):"]
    if fold:
        lines.append("    path = path.lower()")
    if segment is None and rooted is None and anywhere is None:
        tail = f" or path.startswith({const('PREFIXES', prefixes)})" if prefixes else ""
        lines.append(f"    return path in {const('EXACT', exact)}{tail}")
        return _compile_test(lines, consts)
    if screen:
        lines.append(f"    if path.startswith({const('SCREEN', screen)}):")
        tail = f" or path.startswith({const('PREFIXES', prefixes)})" if prefixes else ""
        lines.append(f"        if path in {const('EXACT', exact)}{tail}:")
        lines.append("            return True")
        if rooted is not None:
            lines.append(f"        if {const('ROOTED', rooted.match)}(path) is not None:")
            lines.append("            return True")
    if anywhere is not None:
        match = const("ANYWHERE", anywhere.match)
        if segments is not None:
            found = f"not {const('SEGMENTS', segments.isdisjoint)}(path.split('/'))"
        elif needles is not None:
            found = " or ".join(f"{needle!r} in path" for needle in needles) or "False"
        else:
            found = "True"
        if segment is None:
            lines.append(f"    return ({found}) and {match}(path) is not None")
            return _compile_test(lines, consts)
        lines.append(f"    if ({found}) and {match}(path) is not None:")
        lines.append("        return True")
    if segment is None:
        lines.append("    return False")
        return _compile_test(lines, consts)
    lines.append("    name = path.rpartition('/')[2]")
    tests = []
    if segment.exact:
        tests.append(f"name in {const('NAMES', segment.exact)}")
    if segment.prefixes:
        tests.append(f"name.startswith({const('HEADS', segment.prefixes)})")
    if segment.suffixes:
        tests.append(f"name.endswith({const('TAILS', segment.suffixes)})")
    tests += [f"{part!r} in name" for part in segment.contains]
    if segment.regex is not None:
        tests.append(f"{const('REST', segment.regex.match)}(name) is not None")
    lines.append(f"    return {' or '.join(tests) or 'False'}")
    return _compile_test(lines, consts)


def _compile_test(lines: list[str], consts: dict[str, object]) -> PathTest:
    namespace = dict(consts)
    exec("\n".join(lines) + "\n", namespace)  # noqa: S102 - our own source, from compiled patterns
    return cast("PathTest", namespace["test"])


def _reference_test(parts: _Parts, segment: _Segment | None, *, fold: bool) -> PathTest:
    """The test `_tester` writes, as plain code: what its written form must agree with."""
    exact, prefixes, screen, rooted, anywhere, needles, _ = parts

    def test(path: str) -> bool:
        if fold:
            path = path.lower()
        if path.startswith(screen):
            if path in exact or path.startswith(prefixes):
                return True
            if rooted is not None and rooted.match(path) is not None:
                return True
        if (
            anywhere is not None
            and (needles is None or any(needle in path for needle in needles))
            and anywhere.match(path) is not None
        ):
            return True
        if segment is None:
            return False
        name = path.rpartition("/")[2]
        return (
            name in segment.exact
            or name.startswith(segment.prefixes)
            or name.endswith(segment.suffixes)
            or any(part in name for part in segment.contains)
            or (segment.regex is not None and segment.regex.match(name) is not None)
        )

    return test


class _Side:
    """One polarity (positive or excluding) of a pattern set, as one test per workspace.

    Rooted patterns (absolute and home) are alternatives as they are; basename and relative
    ones are matched after any leading directories; workspace ones after the working
    directory, so the test is built per working directory (the `PathSet` keeps them).
    Basename patterns that can never match a ``/`` (no ``**``, no ``[…]`` class) are matched
    against the last path segment alone, which is the same set of paths for a fraction of
    the regex work. Two screens spare most paths the regexes: a path that starts like none
    of the rooted patterns skips theirs, and one that holds none of the needles of the other
    patterns (text each of their matches must hold) skips that regex.
    """

    __slots__ = (
        "_anywhere",
        "_has_ws",
        "_heads",
        "_literal_rooted",
        "_literal_ws",
        "_rooted",
        "_segment",
        "_ws_sources",
        "empty",
        "fold",
        "static",
    )

    def __init__(
        self,
        *,
        segment: list[str],
        basename: list[str],
        anywhere: list[str],
        rooted: list[str],
        heads: list[str],
        ws: list[str],
        literal_rooted: list[tuple[str, bool]],
        literal_ws: list[tuple[str, bool]],
        fold: bool,
    ) -> None:
        self.fold = fold
        self._rooted = rooted
        self._heads = heads
        either = basename + anywhere
        self._anywhere: (
            tuple[re.Pattern[str], tuple[str, ...] | None, frozenset[str] | None] | None
        ) = None
        if either:
            sources = "|".join(glob_regex(glob, path=True) for glob in either)
            self._anywhere = (
                _compile([f"(?:.*/)?(?:{sources})"]),
                _needles(either),
                _segments(either),
            )
        self._ws_sources = ws
        self._literal_rooted = literal_rooted
        self._literal_ws = literal_ws
        self._has_ws = bool(ws or literal_ws)
        self._segment = _Segment(segment) if segment else None
        self.static = _tester(
            _parts(literal_rooted, rooted, heads, self._anywhere), self._segment, fold=fold
        )
        """The test of a side with no workspace pattern, or for an unknown working dir."""
        self.empty = not (rooted or either or ws or segment or literal_rooted or literal_ws)

    @property
    def cwd_free(self) -> bool:
        """Whether no pattern of this side depends on the working directory."""
        return not self._has_ws

    def tester(self, cwd: str | None) -> PathTest:
        """Return a new test for paths of an action whose working directory is `cwd`."""
        if not self._has_ws or cwd is None:
            return self.static
        root = posixpath.normpath(cwd.lower() if self.fold else cwd)
        rooted, heads = self._rooted, self._heads
        if self._ws_sources:
            rooted = [*rooted, re.escape(root) + "(?:" + "|".join(self._ws_sources) + ")"]
            heads = [*heads, root]
        literal = self._literal_rooted + [(root + base, tree) for base, tree in self._literal_ws]
        return _tester(
            _parts(literal, rooted, heads, self._anywhere), self._segment, fold=self.fold
        )


def _compile(alternatives: list[str]) -> re.Pattern[str]:
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile("(?:" + "|".join(alternatives) + r")\Z", re.DOTALL)


class PathSet:
    """A compiled set of path patterns (see the module docstring)."""

    __slots__ = ("_neg", "_pos", "fixed", "patterns", "testers")

    def __init__(self, patterns: Iterable[str], *, home: str, fold_case: bool = False) -> None:
        self.patterns = tuple(patterns)
        roots, root_starts = _HOME_ROOTS, _HOME_ROOT_STARTS
        if fold_case:
            home, roots = home.lower(), roots.lower()
            root_starts = [start.lower() for start in root_starts]
        home_alt = f"(?:{re.escape(home.rstrip('/') or '/')}|{roots})"
        sides: dict[bool, dict[str, list[str]]] = {
            polarity: {
                "segment": [],
                "basename": [],
                "anywhere": [],
                "rooted": [],
                "heads": [],
                "home": [],
                "ws": [],
            }
            for polarity in (True, False)
        }
        literal: dict[bool, dict[str, list[tuple[str, bool]]]] = {
            polarity: {"rooted": [], "ws": []} for polarity in (True, False)
        }
        for raw in self.patterns:
            raw = raw.lower() if fold_case else raw  # noqa: PLW2901 - the set's own copy
            negative = raw.startswith("!")
            pattern = raw[1:] if negative else raw
            side = sides[not negative]
            if pattern.startswith(_WS) and (lit := _literal(pattern[len(_WS) :])) is not None:
                literal[not negative]["ws"].append(lit)
            elif pattern.startswith(_WS):
                side["ws"].append(glob_regex(pattern[len(_WS) :], path=True))
            elif pattern == "~" or pattern.startswith("~/"):
                side["home"].append(glob_regex(pattern[1:], path=True))
            elif pattern.startswith("/") and (lit := _literal(pattern)) is not None:
                literal[not negative]["rooted"].append(lit)
            elif pattern.startswith("/"):
                side["rooted"].append(glob_regex(pattern, path=True))
                side["heads"].append(_glob_head(pattern))
            elif "/" not in pattern and "**" not in pattern and "[" not in pattern:
                side["segment"].append(pattern)
            elif "/" not in pattern:
                side["basename"].append(pattern)
            else:
                side["anywhere"].append(pattern)

        def build(
            parts: dict[str, list[str]], literals: dict[str, list[tuple[str, bool]]]
        ) -> _Side:
            rooted = list(parts["rooted"])
            heads = list(parts["heads"])
            if parts["home"]:
                rooted.append(home_alt + "(?:" + "|".join(parts["home"]) + ")")
                heads += [home.rstrip("/") or "/", *root_starts]
            return _Side(
                segment=parts["segment"],
                basename=parts["basename"],
                anywhere=parts["anywhere"],
                rooted=rooted,
                heads=heads,
                ws=parts["ws"],
                literal_rooted=literals["rooted"],
                literal_ws=literals["ws"],
                fold=fold_case,
            )

        self._pos = build(sides[True], literal[True])
        negative_side = build(sides[False], literal[False])
        self._neg = None if negative_side.empty else negative_side
        self.testers: dict[str | None, PathTest] = {}
        """The tests built so far by working directory: look one up here before `tester`."""
        cwd_free = self._pos.cwd_free and (self._neg is None or self._neg.cwd_free)
        self.fixed: PathTest | None = self.tester(None) if cwd_free else None
        """When no pattern is under `${workspace}`: membership of a path, whatever the
        working directory."""

    def tester(self, cwd: str | None) -> PathTest:
        """Return the membership test for paths of an action whose working dir is `cwd`.

        Deciding several paths of one action costs one lookup and then one call per path.
        """
        test = self.testers.get(cwd)
        if test is None:
            if len(self.testers) >= _CACHE_LIMIT:
                self.testers.clear()
            positive = self._pos.tester(cwd)
            neg = self._neg
            test = positive if neg is None else _excluding(positive, neg.tester(cwd))
            self.testers[cwd] = test
        return test

    def match(self, path: str, cwd: str | None) -> bool:
        """Return whether `path` (absolute, normalised) is in the set."""
        return self.tester(cwd)(path)


def _excluding(positive: PathTest, negative: PathTest) -> PathTest:
    def test(path: str) -> bool:
        return positive(path) and not negative(path)

    return test
