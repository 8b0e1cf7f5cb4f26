"""Stream edits a shell line makes (`sed -i`, `perl -pi -e`), read from their scripts rather
than the whole line: whether a substitution changes values (numbers, strings) or only names,
and whether the edit deletes skip markers, so that tests which did not run now do."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from watchkeeper.normalize import Command

__all__ = ["changes_values", "edit_scripts", "stream_edit", "unskips"]

_SCRIPT_OPTIONS = frozenset({"-e", "--expression"})
_VALUED = frozenset({"-f", "--file", "-l", "--line-length"})
# `s/old/new/` with a digit or a quote on either side: a value, not a name, changed
_VALUE_EDIT = re.compile(r"s([/|#,])[^/|#,]*[0-9'\"][^/|#,]*\1|s([/|#,])[^/|#,]*\2[^/|#,]*[0-9'\"]")
_SKIP_WORD = re.compile(
    r"ignore|skip|xfail|\bonly\b|todo|fixme|Disabled|\bxit\b|\bxdescribe\b", re.IGNORECASE
)
# `/pattern/d` deletes the lines that match; `s/pattern//` blanks what matches
_DELETES = re.compile(r"^\s*(?:\d+,\d+)?/(.+)/\s*d\s*$|^\s*s([/|#,])(.+?)\2\2[gI]*\s*$")


def edit_scripts(commands: Sequence[Command]) -> list[str]:
    """The scripts of the `sed` and `perl -pe` commands in a shell line."""
    scripts: list[str] = []
    for command in commands:
        if command.name not in ("sed", "perl"):
            continue
        args = list(command.argv[1:])
        given = [b for a, b in pairwise(args) if _takes_script(command, a)]
        given += [a.split("=", 1)[1] for a in args if a.startswith("--expression=")]
        if command.name == "perl":
            scripts.extend(given)
            continue
        if given:
            scripts.extend(given)
            continue
        skip = {i + 1 for i, a in enumerate(args) if a in _VALUED}
        operands = [a for i, a in enumerate(args) if not a.startswith("-") and i not in skip]
        scripts.extend(operands[:1])
    return scripts


def _takes_script(command: Command, option: str) -> bool:
    """`-e` (and perl's bundled `-pe`, `-pie`): the next argument is a script."""
    if option in _SCRIPT_OPTIONS:
        return True
    bundled = option.startswith("-") and not option.startswith("--") and option.endswith("e")
    return command.name == "perl" and bundled


def changes_values(scripts: Sequence[str]) -> bool:
    """Whether a substitution among `scripts` changes a number or a quoted string."""
    return any(_VALUE_EDIT.search(script) for script in scripts)


def unskips(scripts: Sequence[str]) -> bool:
    """Whether every script only deletes skip or focus markers (`/#\\[ignore/d`,
    `s/@pytest.mark.skip//`): the tests they held back run again."""
    if not scripts:
        return False
    for script in scripts:
        found = _DELETES.match(script)
        if found is None or not _SKIP_WORD.search(found.group(1) or found.group(3) or ""):
            return False
    return True


def stream_edit(
    commands: Sequence[Command], touched: str, sources: Sequence[str]
) -> tuple[float, str]:
    """How suspect a `sed`/`perl` rewrite of the test file `touched` is, and what it does: one
    substitution of names over code and tests alike is a rename; deleting skip markers lets
    tests run; other rewrites of a test from the shell are suspect."""
    scripts = edit_scripts(commands)
    if unskips(scripts):
        return 0.15, f"deletes skip markers from `{touched}`, so that its tests run"
    if sources and not changes_values(scripts):
        return 0.2, f"rewrites `{touched}` from the shell along with the code"
    if scripts and not any(_touches_checks(script) for script in scripts):
        what = f"rewrites `{touched}` from the shell, touching no check and adding no value"
        return 0.3, what
    return 0.5, f"rewrites `{touched}` from the shell"


# what a check is made of: assertion words, skip and focus marks, comparisons
_CHECK_WORDS = re.compile(
    r"\b(?:assert\w*|expect\w*|should|want|got|to(?:Be|Equal|Match|Contain|Have)\w*|Equal\w*"
    r"|skip\w*|only|xfail|ignore|todo|fixme|Fatal\w*|Error[f]?(?=\())\b|[!=]=",
    re.IGNORECASE,
)
_ESCAPE = re.compile(r"\\.")
_LITERAL = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
_TEXT_COMMAND = re.compile(
    r"(?:^|[;\n])\s*(?:/[^/\n]*/|\d+(?:,\d+)?)?\s*[aic]\\?\s*(.*)", re.DOTALL
)
_LINE_DELETE = re.compile(r"(?:^|[;\n])\s*(?:/[^/\n]*/|\$|\d+(?:,(?:\d+|\$))?)\s*d\b")


def _touches_checks(script: str) -> bool:
    """Whether a sed script could weaken a test: it deletes lines, names a check, a skip or a
    comparison, or writes a value (a number, a quoted string) that what it replaces lacked.
    `s/Store::open(&dir, /Store::open(dir.path(), /`, moving setup, renaming a call, touches
    none."""
    if _LINE_DELETE.search(script) or _CHECK_WORDS.search(script):
        return True
    for pattern, replacement in _substitutions(script):
        had = set(_LITERAL.findall(_ESCAPE.sub("", pattern)))
        if set(_LITERAL.findall(_ESCAPE.sub("", replacement))) - had:
            return True
    text = _TEXT_COMMAND.search(script)
    return bool(text and not _substitutions(script) and _LITERAL.search(text.group(1)))


def _substitutions(script: str) -> list[tuple[str, str]]:
    """The pattern and replacement of each `s` command in a sed script."""
    found: list[tuple[str, str]] = []
    index = 0
    while (start := script.find("s", index)) >= 0:
        index = start + 1
        if start and (script[start - 1].isalnum() or script[start - 1] == "_"):
            continue
        if start + 1 >= len(script) or script[start + 1].isalnum() or script[start + 1] in " \\\n":
            continue
        delimiter = script[start + 1]
        parts: list[str] = []
        current: list[str] = []
        at = start + 2
        while at < len(script) and len(parts) < 2:
            char = script[at]
            if char == "\\" and at + 1 < len(script):
                current.append(script[at : at + 2])
                at += 2
                continue
            if char == delimiter:
                parts.append("".join(current))
                current = []
            else:
                current.append(char)
            at += 1
        if len(parts) == 2:
            found.append((parts[0], parts[1]))
            index = at
    return found
