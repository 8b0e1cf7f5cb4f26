"""Command-line patterns: the `command` matcher.

Two forms. A string such as ``"kubectl apply *"`` is split like a shell line into words; the
first word is a glob on the command's name (the basename of argv[0]), the others are globs
matched word by word against the arguments, and a word that is exactly ``*`` matches any run
of words (so a trailing ``*`` means "and anything after").

A mapping describes flags and arguments independently of how they are written::

    {name: rm, flags: [-r, -R, --recursive], args: ["/", "~"]}

``flags`` holds when any listed flag is present: ``-r`` is found in clusters (``-rf``,
``-fr``) and alone; ``--recursive`` also matches ``--recursive=…``; a multi-letter single-dash
flag (``-delete``) matches that exact word. ``without_flags`` holds when none is present.
``args`` holds when any positional argument matches one glob; globs starting with ``/``,
``~`` or ``${workspace}`` are path globs matched against the argument resolved against the
working directory and home. ``subcommand`` holds when the leading positional words (options
skipped, with the value of common global options such as ``-C``/``--namespace``) start with
one of the given word sequences. ``wrappers`` holds when the command was found inside one of
the given wrappers (``sudo``, ``xargs``, ``bash -c``…).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import NamedTuple

from watchkeeper.normalize import Command
from watchkeeper.policy._globs import glob_regex, has_magic
from watchkeeper.policy._paths import PathSet, resolve_arg

__all__ = ["ArgvShape", "CommandPattern", "CompiledPattern", "parse_pattern_string", "shape_of"]

_VALUE_OPTIONS = frozenset(
    {
        "-C",
        "-c",
        "-n",
        "-f",
        "-p",
        "--namespace",
        "--context",
        "--kubeconfig",
        "--git-dir",
        "--work-tree",
        "--project",
        "--region",
        "--profile",
        "--file",
        "--project-name",
        "--env-file",
    }
)


_LETTER_FREQUENCY = "etaoinsrhldcumfpgwybvkxjqz"
_NO_FLAGS: frozenset[str] = frozenset()
_DASH = "-"


class ArgvShape(NamedTuple):
    """The arguments of one command split into flags and positional words.

    `lead` is the leading positional words (values of common global options skipped);
    `lead_text` is the same words each followed by a NUL, for subcommand regexes. A named
    tuple rather than a frozen dataclass: one is built per command a flag or subcommand
    pattern looks at, on the decision hot path, and a tuple is several times cheaper to build.
    """

    flags: frozenset[str]
    positional: tuple[str, ...]
    lead: tuple[str, ...]
    lead_text: str


_new_shape = tuple.__new__  # builds the named tuple without its Python-level `__new__`


def shape_of(argv: Sequence[str]) -> ArgvShape:
    """Split `argv[1:]` into flags (clusters expanded) and positional arguments."""
    rest = argv[1:] if argv.__class__ is tuple else tuple(argv[1:])  # a command's is a tuple
    joined = "\0".join(rest)
    if joined[:1] != "-" and "\0-" not in joined:  # no word is an option: one C-level scan
        return _new_shape(ArgvShape, (_NO_FLAGS, rest, rest, joined + "\0" if rest else ""))
    flags: set[str] = set()
    positional: list[str] = []
    lead: list[str] = []
    skip_value = False
    options_done = False
    for word in rest:
        if options_done or word[:1] != "-" or word == "-":
            positional.append(word)
            if skip_value:
                skip_value = False
            else:
                lead.append(word)
            continue
        if word == "--":
            options_done = True
            skip_value = False
            continue
        if word[1] == "-":  # a long option
            if "=" in word:
                flags.add(word.split("=", 1)[0])
                skip_value = False
            else:
                flags.add(word)
                skip_value = word in _VALUE_OPTIONS
            continue
        flags.add(word)
        if len(word) > 2:  # a cluster: `-rf` holds `-r` and `-f` (a two-character word is one)
            flags.update(map(_DASH.__add__, word[1:]))
        skip_value = word in _VALUE_OPTIONS
    return _new_shape(
        ArgvShape,
        (frozenset(flags), tuple(positional), tuple(lead), "\0".join(lead) + "\0" if lead else ""),
    )


def parse_pattern_string(text: str) -> list[str]:
    """Split a string pattern into words like a shell would; raises `ValueError`."""
    words = shlex.split(text)
    if not words:
        raise ValueError("the pattern has no words")
    return words


def _word_regex(word: str) -> re.Pattern[str]:
    return re.compile(glob_regex(word, path=False) + r"\Z", re.DOTALL)


def _words_match(patterns: Sequence[re.Pattern[str] | None], words: Sequence[str]) -> bool:
    """Match `words` against word patterns where `None` stands for a run of any words."""
    if not patterns:
        return not words
    head = patterns[0]
    if head is None:
        rest = patterns[1:]
        if not rest:
            return True
        return any(_words_match(rest, words[i:]) for i in range(len(words) + 1))
    return (
        bool(words) and head.match(words[0]) is not None and _words_match(patterns[1:], words[1:])
    )


class CommandPattern:
    """One `command` pattern (string or mapping form), as loaded.

    Loading checks every glob but compiles nothing: `compiled()` builds the regexes the
    first time a command whose name matches is checked against the pattern, so a process
    that decides one call (a local-mode hook) compiles only the patterns for that call's
    command names, not the pack's hundreds. Names without glob syntax are matched as a set
    and never need a regex.
    """

    __slots__ = (
        "_compiled",
        "_names",
        "_spec",
        "args_char",
        "exact_names",
        "home",
        "names",
        "needs_shape",
        "text",
        "trivial",
        "wrappers",
    )

    def __init__(
        self,
        *,
        text: str,
        names: Sequence[str],
        rest: Sequence[str] | None = None,
        flags: Sequence[str] = (),
        without_flags: Sequence[str] = (),
        args: Sequence[str] = (),
        subcommands: Sequence[Sequence[str]] = (),
        wrappers: Sequence[str] = (),
        home: str,
    ) -> None:
        self.text = text
        self.home = home
        self.names = tuple(names)
        exact = [n for n in names if not has_magic(n)]
        self.exact_names: frozenset[str] | None = (
            frozenset(exact) if len(exact) == len(names) else None
        )
        self._names: re.Pattern[str] | None = None
        self.wrappers = frozenset(wrappers)
        self._spec = _Spec(
            rest=None if rest is None else tuple(rest),
            flags=frozenset(flags),
            without_flags=frozenset(without_flags),
            args=tuple(args),
            subcommands=tuple(tuple(sub) for sub in subcommands),
        )
        self._compiled: CompiledPattern | None = None
        self.needs_shape = bool(flags or without_flags or subcommands)
        plain_args = [a for a in args if not _is_path_glob(a)]
        self.args_char = (
            _required_char(plain_args) if plain_args and len(plain_args) == len(args) else None
        )
        """A character some word of every matching command contains, if there is one."""
        self.trivial = rest is None and not wrappers and not self.needs_shape and not args
        """Whether any command whose name matches also matches the whole pattern."""

    def name_matches(self, name: str, *, wrapped: bool = True) -> bool:
        """Return whether a command called `name` (found in a wrapper or not) could match."""
        if self.wrappers and not wrapped:
            return False
        exact = self.exact_names
        if exact is not None:
            return name in exact
        regex = self._names
        if regex is None:
            regex = self._names = re.compile(
                "(?:" + "|".join(glob_regex(n, path=False) for n in self.names) + r")\Z",
                re.DOTALL,
            )
        return regex.match(name) is not None

    def compiled(self) -> CompiledPattern:
        """Return the pattern with its regexes compiled (built on the first call)."""
        found = self._compiled
        if found is None:
            found = self._compiled = CompiledPattern(self._spec, self.wrappers, self.home)
        return found

    def matches(self, cmd: Command, cwd: str | None, shape: ArgvShape | None) -> bool:
        """Return whether `cmd` matches; `shape` must be given when `needs_shape`.

        Without a shape, `args` are checked against positional words found directly.
        """
        if not self.name_matches(cmd.name):
            return False
        return self.compiled().matches_named(cmd, cwd, shape)


class _Spec(NamedTuple):
    """What a `CommandPattern` checks besides the name, as written (globs, not regexes)."""

    rest: tuple[str, ...] | None
    flags: frozenset[str]
    without_flags: frozenset[str]
    args: tuple[str, ...]
    subcommands: tuple[tuple[str, ...], ...]


class CompiledPattern:
    """A `CommandPattern` with its regexes compiled: what the decision hot path runs."""

    __slots__ = (
        "_args",
        "_args_char",
        "_args_hint",
        "_flags",
        "_path_args",
        "_rest",
        "_rest_word",
        "_subcommands",
        "_without",
        "_wrappers",
        "args_char",
        "home",
        "needs_shape",
        "subcommands_only",
    )

    def __init__(self, spec: _Spec, wrappers: frozenset[str], home: str) -> None:
        rest, flags, without_flags, args, subcommands = spec
        self.home = home
        self._rest = None if rest is None else [None if w == "*" else _word_regex(w) for w in rest]
        # A word of the pattern with no glob syntax must be one of the command's words: a
        # membership test spares the word-by-word match for most commands of that name
        # (`python* -m vllm *` is not tried on `python script.py`).
        literal = [w for w in rest or () if w != "*" and "\\" not in w and not has_magic(w)]
        self._rest_word = literal[0] if literal else None
        self._flags = flags
        self._without = without_flags
        plain_args = [a for a in args if not _is_path_glob(a)]
        path_args = [a for a in args if _is_path_glob(a)]
        self._args = (
            re.compile(
                "(?:" + "|".join(glob_regex(a, path=False) for a in plain_args) + r")\Z",
                re.DOTALL,
            )
            if plain_args
            else None
        )
        self._path_args = PathSet(path_args, home=home) if path_args else None
        self._args_hint = _literal_hint(plain_args) if plain_args and not path_args else None
        self._args_char = _required_char(plain_args) if plain_args and not path_args else None
        self._subcommands = (
            re.compile(
                "(?:"
                + "|".join(
                    "".join(glob_regex(w, path=False, sep="\0") + "\0" for w in sub)
                    for sub in subcommands
                )
                + ")",
                re.DOTALL,
            )
            if subcommands
            else None
        )
        self._wrappers = wrappers
        self.needs_shape = bool(flags or without_flags or subcommands)
        self.args_char = self._args_char
        """A character some word of every matching command contains, if there is one."""
        only_subcommands = not (rest is not None or wrappers or flags or without_flags or args)
        self.subcommands_only = self._subcommands if only_subcommands else None
        """The subcommand regex when it is the whole pattern (bar the name), else None."""

    def matches_named(self, cmd: Command, cwd: str | None, shape: ArgvShape | None) -> bool:
        """Return whether `cmd`, a command known to have a matching name, matches.

        `shape` must be given when `needs_shape`; without one, `args` are checked against
        positional words found directly.
        """
        if self._rest is not None:
            if self._rest_word is not None and self._rest_word not in cmd.argv:
                return False
            if not _words_match(self._rest, cmd.argv[1:]):
                return False
        wrappers = self._wrappers
        if wrappers:
            for wrapper in cmd.wrappers:  # `bash -c` is found as `bash` and as `bash -c`
                if wrapper in wrappers or (" " in wrapper and wrapper.split(" ", 1)[0] in wrappers):
                    break
            else:
                return False
        if shape is not None:
            if self._flags and self._flags.isdisjoint(shape.flags):
                return False
            if self._without and not self._without.isdisjoint(shape.flags):
                return False
            if self._subcommands is not None and self._subcommands.match(shape.lead_text) is None:
                return False
        if self._args is None and self._path_args is None:
            return True
        char = self._args_char
        # One character is in some word exactly when it is in their concatenation.
        if char is not None and char not in "".join(cmd.argv):
            return False
        hint = self._args_hint
        if hint is not None and hint.search("\0".join(cmd.argv)) is None:
            return False
        positional = shape.positional if shape is not None else _positional(cmd.argv)
        for arg in positional:  # noqa: SIM110 - hot path: a loop beats any() + generator
            if self._arg_matches(arg, cwd):
                return True
        return False

    def _arg_matches(self, arg: str, cwd: str | None) -> bool:
        if self._args is not None and self._args.match(arg):
            return True
        paths = self._path_args
        return paths is not None and paths.match(resolve_arg(arg, cwd, self.home), cwd)


def _literal_hint(globs: Sequence[str]) -> re.Pattern[str] | None:
    """Return a regex finding a literal every match of some glob must contain, if there is one.

    A command none of whose words contains any of these literals cannot match, which is
    checked with one search over the joined argv instead of one match per word.
    """
    literals = []
    for glob in globs:
        runs = [run for run in re.split(r"[*?\[\]{},]", glob) if run]
        if not runs or "{" in glob or "[" in glob:
            return None
        literals.append(max(runs, key=len))
    return re.compile("|".join(re.escape(lit) for lit in literals))


def _required_char(globs: Sequence[str]) -> str | None:
    """Return a character every word matching any of `globs` must contain, if there is one.

    Only literal characters count: those outside ``*``, ``?`` and ``[…]`` classes, in globs
    without ``{…}`` alternatives. Checking for one character with `in` is far cheaper than a
    regex search, and most commands fail it (``$`` for secret environment variables).
    """
    common: set[str] | None = None
    for glob in globs:
        if "{" in glob:
            return None
        literal: set[str] = set()
        i, n = 0, len(glob)
        while i < n:
            ch = glob[i]
            if ch == "[":
                close = glob.find("]", i + 2 if glob.startswith("[!", i) else i + 1)
                if close < 0:
                    return None
                i = close + 1
                continue
            if ch not in "*?":
                literal.add(ch)
            i += 1
        common = literal if common is None else common & literal
    if not common:
        return None
    return min(common, key=lambda ch: (ch.isalnum(), -_LETTER_FREQUENCY.find(ch.lower()), ch))


def _positional(argv: Sequence[str]) -> list[str]:
    """Return the positional words of `argv[1:]` (what `shape_of` calls positional)."""
    out: list[str] = []
    options_done = False
    for word in argv[1:]:
        if options_done or word == "-" or not word.startswith("-"):
            out.append(word)
        elif word == "--":
            options_done = True
    return out


def _is_path_glob(text: str) -> bool:
    return text.startswith(("/", "~", "${workspace}"))
