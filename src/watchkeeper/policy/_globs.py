"""Globs compiled to regular expressions once, at load time.

Three flavours: path globs (``*`` stays inside one path segment, ``**`` crosses them), host
globs (``*.github.com``) and word globs (``*`` matches anything). All support ``?``,
``[abc]``/``[!abc]`` and ``{a,b}`` alternatives.
"""

from __future__ import annotations

import re

__all__ = ["GlobSyntaxError", "glob_regex", "has_magic"]

_MAGIC = frozenset("*?[{")


class GlobSyntaxError(ValueError):
    """A glob could not be compiled; the message names the problem."""


def has_magic(text: str) -> bool:
    """Return whether `text` contains glob syntax (and so is a pattern, not a name)."""
    return any(ch in _MAGIC for ch in text)


def glob_regex(glob: str, *, path: bool, sep: str | None = None) -> str:  # noqa: PLR0915 - one scanner loop reads best whole
    """Return a regex source (no anchors) equivalent to `glob`.

    With `path`, ``*`` and ``?`` never match ``/``; ``**`` matches anything, ``**/`` matches
    zero or more whole directories and a trailing ``/**`` also matches the directory itself.
    Without `path`, a `sep` character keeps ``*`` and ``?`` from crossing it.
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
            out.append("/" if ch == "/" else re.escape(ch))
        i += 1
    if brace_depth:
        raise GlobSyntaxError("unclosed `{`")
    source = "".join(out)
    try:
        re.compile(source)
    except re.error as exc:
        raise GlobSyntaxError(str(exc)) from exc
    return source
