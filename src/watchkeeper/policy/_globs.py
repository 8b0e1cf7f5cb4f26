"""Globs translated to regular expression sources, checked at load time.

Three flavours: path globs (``*`` stays inside one path segment, ``**`` crosses them), host
globs (``*.github.com``) and word globs (``*`` matches anything). All support ``?``,
``[abc]``/``[!abc]`` and ``{a,b}`` alternatives.

Only a character class can make the translated source invalid (a reversed range such as
``[z-a]``): everything else is escaped or balanced by construction. So only globs with a
class are compiled here to be checked; command patterns and tool globs compile their
combined regexes when first used, which keeps loading a policy of a thousand globs cheap.
"""

from __future__ import annotations

import functools
import re

__all__ = ["GlobSyntaxError", "glob_regex", "has_magic"]

_MAGIC = frozenset("*?[{")
_LITERAL_RUN = re.compile(r"[^*?\[{},/]+")  # `/` stays alone: a trailing `/**` looks for it


class GlobSyntaxError(ValueError):
    """A glob could not be compiled; the message names the problem."""


def has_magic(text: str) -> bool:
    """Return whether `text` contains glob syntax (and so is a pattern, not a name)."""
    return any(ch in _MAGIC for ch in text)


@functools.lru_cache(maxsize=4096)
def glob_regex(glob: str, *, path: bool, sep: str | None = None) -> str:  # noqa: PLR0915 - one scanner loop reads best whole
    """Return a regex source (no anchors) equivalent to `glob`; raises `GlobSyntaxError`.

    With `path`, ``*`` and ``?`` never match ``/``; ``**`` matches anything, ``**/`` matches
    zero or more whole directories and a trailing ``/**`` also matches the directory itself.
    Without `path`, a `sep` character keeps ``*`` and ``?`` from crossing it. Results are
    remembered: loading checks each glob and then builds its matcher from the same source.
    """
    out: list[str] = []
    i, n = 0, len(glob)
    if path:
        star, one = "[^/]*", "[^/]"
    elif sep is not None:
        star, one = f"[^{re.escape(sep)}]*", f"[^{re.escape(sep)}]"
    else:
        star, one = ".*", "."
    brace_depth = 0
    classes = False
    while i < n:
        ch = glob[i]
        if ch == "*":
            if path and glob.startswith("**", i):
                end = i + 2
                if glob.startswith("/", end):
                    out.append("(?:.*/)?")
                    i = end + 1
                    continue
                if out and out[-1] == "/" and end == n:
                    out[-1] = "(?:/.*)?"
                    i = end
                    continue
                out.append(".*")
                i = end
                continue
            out.append(star)
        elif ch == "?":
            out.append(one)
        elif ch == "[":
            close = glob.find("]", i + 2 if glob.startswith("[!", i) else i + 1)
            if close < 0:
                raise GlobSyntaxError(f"unclosed `[` at position {i}")
            body = glob[i + 1 : close]
            negate = body.startswith("!")
            if negate:
                body = body[1:]
            if not body:
                raise GlobSyntaxError(f"empty character class at position {i}")
            cls = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
            out.append(f"[^{cls}]" if negate else f"[{cls}]")
            classes = True
            i = close + 1
            continue
        elif ch == "{":
            brace_depth += 1
            out.append("(?:")
        elif ch == "}" and brace_depth:
            brace_depth -= 1
            out.append(")")
        elif ch == "," and brace_depth:
            out.append("|")
        else:
            run = _LITERAL_RUN.match(glob, i)
            if run is None:  # a `/`, or a `}` or `,` outside braces
                out.append("/" if ch == "/" else re.escape(ch))
            else:  # a run of literal characters, escaped at once
                out.append(re.escape(run.group()))
                i = run.end()
                continue
        i += 1
    if brace_depth:
        raise GlobSyntaxError("unclosed `{`")
    source = "".join(out)
    if classes:
        try:
            re.compile(source)
        except re.error as exc:
            raise GlobSyntaxError(str(exc)) from exc
    return source
