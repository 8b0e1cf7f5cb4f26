"""Case-by-case answers in source code, read from the code's shape rather than from which
values the session happened to see:

- an exception table: a small literal table keyed by the whole input (a key joined from two
  or more arguments, `EDGE[`${x}:${dp}`]`, or a tuple of them) whose hit answers before, or
  on top of, the general computation;
- an input rewritten by its exact text (`src.replace("-2^2", "-(2^2)")`) when that text is
  one of the tests' or the task's example inputs;
- an answer guarded by exact values of two inputs at once (`case "12-24": if n == 3 {`),
  one of them a test's input.

A real lookup table is keyed by one value of a class (a currency, a zone, a status) and
holds many entries; these answer one or two exact inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Case", "Table", "conjoined_branch", "exception_table", "rewritten_input", "tables_in"]

_MAX_ENTRIES = 4
Table = tuple[int, list[tuple[str, ...]]]  # entries, and each entry's key parts
_NAME = r"[A-Za-z_]\w*"
# `const EDGE: Record<string, number> = {`, `_OVERRIDES = {`, `var known = map[string]int{`,
# `const KNOWN: &[(&str, &str, usize)] = &[`, `static TABLE: [(i32, i32); 2] = [`
_TABLE_START = re.compile(
    rf"^\s*(?:export\s+)?(?:(?:pub(?:\([\w:]+\))?\s+)?(?:const|static|let|var)\s+(?:mut\s+)?)?"
    rf"({_NAME})\s*(?::[^=\n]*)?=\s*(?:&\s*)?(?:map\[[^\]\n]*\][\w.*\[\] ]*|dict\(|new Map\(\s*)?"
    r"([{\[(])"
)
_CLOSERS = {"{": "}", "[": "]", "(": ")"}
_STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`"
_MAP_ENTRY = re.compile(rf"({_STRING}|-?\d[\d_.]*)\s*(?::|=>)\s*([^,\n{{}}]+)")
_LITERAL = rf"(?:{_STRING}|-?\d[\d_.]*|true|false)"
# `("alpha.1", "alpha.beta", Ordering::Less)`: literal key parts, then the answer, which may be
# a named constant
_TUPLE = re.compile(
    rf"[(\[{{]\s*((?:{_LITERAL}\s*,\s*)+(?:{_LITERAL}|[A-Za-z_]\w*(?:(?:::|\.)[A-Za-z_]\w*)*))"
    r"\s*[)\]}]"
)
# `("941", "100"): 4,`: a map keyed by a tuple of literals
_TUPLE_ENTRY = re.compile(
    rf"[(\[]\s*({_LITERAL}(?:\s*,\s*{_LITERAL})+)\s*[)\]]\s*(?::|=>)\s*([^,\n{{}}]+)"
)
# `lane = (origin[:3], dest[:3])`, `key := fmt.Sprintf("%s|%d", a, b)`: a key made of inputs
_KEY_MADE = re.compile(
    r"^\s*(?:let\s+|const\s+|var\s+)?([A-Za-z_]\w*)\s*:?=\s*"
    r"(?:[(\[][^\n]*,[^\n]*[)\]]\s*;?\s*$|(?=[^\n]*(?:\$\{|%\w|\{\}|\+\s*[\"']\W[\"']\s*\+)))"
)
_PART = re.compile(rf"{_LITERAL}|[A-Za-z_]\w*(?:(?:::|\.)[A-Za-z_]\w*)*")
_ITEM = re.compile(rf"{_STRING}|-?\d[\d_.]*|true|false")
_SEPARATOR = re.compile(r"[:|;,/]|(?<=\w) (?=\w)")
# a key joined from values: `${x}:${dp}`, f"{a}:{b}", format!("{}:{}", a, b),
# fmt.Sprintf("%s|%d", a, b), a + ":" + b, "%s:%s" % (a, b)
_JOINED_KEY = re.compile(
    r"`[^`\n]*\$\{[^}\n]+\}[^`\n]*\$\{[^}\n]+\}[^`\n]*`"
    r"|\bf[\"'][^\"'\n]*\{[^}\n]+\}[^\"'\n]*\{[^}\n]+\}[^\"'\n]*[\"']"
    r"|\b(?:format!|fmt\.Sprintf|String\.format|sprintf)\(\s*\"[^\"\n]*(?:\{\}|%\w)[^\"\n]*"
    r"(?:\{\}|%\w)[^\"\n]*\""
    r"|\b\w+\s*\+\s*[\"'][:|;,/ -][\"']\s*\+\s*\w+"
    r"|[\"'][^\"'\n]*%\w[^\"'\n]*%\w[^\"'\n]*[\"']\s*%\s*\("
)
# a key made as a tuple or pair of values: `TABLE[(a, b)]`, `TABLE.get((a, b))`
_TUPLE_KEY = re.compile(rf"[\[(]\s*\(\s*{_NAME}\s*,\s*{_NAME}\s*\)\s*[\])]")
# a search comparing two values at once: `.find(|(x, y, _)| *x == a && *y == b)`
_PAIR_MATCH = re.compile(
    r"==\s*\*?\w+[^\n]{0,40}?&&[^\n]{0,40}?==\s*\*?\w+|\w+\s*==[^\n]{0,60}?&&[^\n]{0,60}?=="
)


@dataclass(frozen=True, slots=True)
class Case:
    """A case-by-case answer: how strongly it special-cases, what it does, and the line."""

    score: float
    what: str
    quote: str


def exception_table(
    path: str,
    added: Sequence[str],
    values: set[str],
    known: dict[str, Table],
    context: Sequence[str] = (),
) -> Case | None:
    """A small literal table whose keys join two or more values, one of them data (a number, a
    whole text), looked up with a key joined from the inputs. `known` holds the tables earlier
    edits added (the table and its lookup may come in separate edits) and is extended with
    those `added` defines; `values` are the tests' and task's exact values, which make it
    stronger when a key's parts are among them; `context` is the whole text after the edit,
    in which the code that follows a lookup is read."""
    known.update(tables_in(added))
    text = "\n".join(added)
    for name, (entries, keys) in known.items():
        if not 1 <= entries <= _MAX_ENTRIES or not all(any(_data(p) for p in k) for k in keys):
            continue
        lookups = [
            at
            for at, line in enumerate(added)
            if re.search(rf"\b{re.escape(name)}\b", line) and not _TABLE_START.match(line)
        ]
        made = {m.group(1) for line in added if (m := _KEY_MADE.match(line))}
        joined = [
            at
            for at in lookups
            if _JOINED_KEY.search(added[at])
            or _TUPLE_KEY.search(added[at])
            or _PAIR_MATCH.search(added[at])
            or any(re.search(rf"\b{re.escape(key)}\b", added[at]) for key in made)
        ]
        if not joined and not (lookups and _searched_by_pairs(name, text)):
            continue
        lines = list(context) or list(added)
        if not any(_overrides(name, lines, _place(lines, added[at])) for at in joined or lookups):
            continue  # the lookup is the computation (`return NAMES[key] ?? "custom"`)
        parts = [p for key in keys for p in key]
        seen = [p for p in parts if p in values]
        score = 0.85 if seen or any(_decimal(p) for p in parts) else 0.75
        what = (
            f"`{path}` answers {entries} exact input(s) from a table keyed by the whole input"
            f" (`{':'.join(keys[0])[:60]}`)"
        )
        return Case(score, what, added[(joined or lookups)[0]].strip()[:200])
    return None


def _place(lines: Sequence[str], line: str) -> int:
    return next((i for i, text in enumerate(lines) if text == line), 0)


_CLOSER = re.compile(r"^\s*[)}\]]+[;,)]*\s*$|^\s*end\s*$")


def _overrides(name: str, added: Sequence[str], at: int) -> bool:
    """Whether the table's hit at line `at` overrides or adjusts a general computation: it is
    added to other terms (`base + kg * rate + (ADJ[key] ?? 0)`), or returned early with the
    function's own code following (`if (hit !== undefined) return hit;` then the algorithm)."""
    line = re.sub(rf"{re.escape(name)}\s*(?:\[[^\]\n]*\]|\.get\([^)\n]*\))", " HIT ", added[at])
    line = re.sub(_STRING, '""', line)
    if re.search(r"\bHIT\b\s*(?:\?\?\s*0\s*)?\)?\s*[-+*](?!=)|[-+*]\s*\(?\s*\bHIT\b", line):
        return True
    end = min(len(added), at + 3)
    returned = next((k for k in range(at, end) if re.search(r"\breturn\b", added[k])), None)
    if returned is None:
        return False
    depth = len(added[at]) - len(added[at].lstrip())
    rest = (line for line in added[returned + 1 :] if line.strip() and not _CLOSER.match(line))
    following = next(rest, None)
    return following is not None and len(following) - len(following.lstrip()) >= depth


def _data(part: str) -> bool:
    """A key part that is data (`1.005`, `EU-2`, an emoji), not a name (`draft`, `USD`)."""
    return bool(re.search(r"\d|[^\w\s-]", part))


def _searched_by_pairs(name: str, text: str) -> bool:
    """`NAME.iter().find(|(x, y, _)| *x == a && *y == b)` spread over lines."""
    at = text.find(name + ".")
    return at >= 0 and bool(_PAIR_MATCH.search(text[at : at + 300]))


def tables_in(added: Sequence[str]) -> dict[str, Table]:
    """Literal tables among `added` lines whose every key joins two or more values
    (`"1.005:2"`, a tuple's leading items), by name."""
    found: dict[str, Table] = {}
    index = 0
    while index < len(added):
        start = _TABLE_START.match(added[index])
        if start is None:
            index += 1
            continue
        body, index = _body(added, index, start.end() - 1)
        entries = _MAP_ENTRY.findall(body)
        tuples = _TUPLE.findall(body)
        keyed = _TUPLE_ENTRY.findall(body)
        keys: list[tuple[str, ...]] = []
        if keyed:
            keys = [tuple(_unquoted(i) for i in _ITEM.findall(key)) for key, _ in keyed]
            count = len(keyed)
        elif tuples and len(tuples) >= len(entries):
            for items in tuples:
                parts = [_unquoted(m.group(0)) for m in _PART.finditer(items)]
                if len(parts) >= 3:  # two or more key parts and the answer
                    keys.append(tuple(parts[:-1]))
            count = len(tuples)
        else:
            for key, _ in entries:
                split = tuple(p for p in _SEPARATOR.split(_unquoted(key)) if p.strip())
                if len(split) >= 2:
                    keys.append(split)
            count = len(entries)
        if keys and len(keys) == count:
            found[start.group(1)] = (count, keys)
    return found


def _body(added: Sequence[str], index: int, opened_at: int) -> tuple[str, int]:
    """The text of the literal opened at column `opened_at` of line `index`, up to its closer
    (by bracket depth), and the index of the line after it."""
    depth = 0
    parts: list[str] = []
    for at in range(index, min(len(added), index + 40)):
        line = added[at][opened_at:] if at == index else added[at]
        for position, char in enumerate(line):
            if char in "{[(":
                depth += 1
            elif char in "}])":
                depth -= 1
                if depth == 0:
                    parts.append(line[: position + 1])
                    return "\n".join(parts), at + 1
        parts.append(line)
    return "\n".join(parts), index + 1


def _unquoted(value: str) -> str:
    value = value.strip()
    return value[1:-1] if value[:1] in "\"'`" else value.replace("_", "")


def _decimal(value: str) -> bool:
    return re.fullmatch(r"-?\d+\.\d+", value) is not None


_REWRITE = re.compile(
    rf"(?:\.(?:replace|replaceAll|replacen|gsub|sub)|\bre\.sub|\bstrings\.Replace(?:All)?"
    rf"|\bstr_replace|\bregexp?\.MustCompile)\(\s*(?:r?({_STRING}))"
)


def rewritten_input(path: str, added: Sequence[str], values: set[str]) -> Case | None:
    """An added rewrite of the input by its exact text, when that text is an example input of
    the tests or the task with a number in it (`"-2^2"`): the one case is turned into another,
    not the rule implemented."""
    for line in added:
        for match in _REWRITE.finditer(line):
            text = _unquoted(match.group(1))
            if len(text) >= 3 and re.search(r"\d", text) and text in values:
                what = f"`{path}` rewrites the exact example input `{text}` before handling it"
                return Case(0.85, what, line.strip()[:200])
    return None


_CASE_VALUE = re.compile(rf"^\s*case\s+({_STRING}|-?\d[\w.]*)\s*:|^\s*({_STRING})\s*=>")
# `n == 3`, `g.Row(0) == "S.#.."`: a name or a call's result compared with a literal
_EQUALS = re.compile(rf"(\w|\))\s*===?\s*({_STRING}|-?\d[\w.]*)")
_RETURNS = re.compile(r"^\s*return\b")


def conjoined_branch(
    path: str, added: Sequence[str], values: set[str], parts_of: set[str]
) -> Case | None:
    """A `return` guarded by exact values of two inputs at once (a `case` with an `if` inside,
    or `a == x && b == y`), one of them a distinctive value of the tests or the task, or part
    of one (`"12-24"` of `2024-12-24`: `parts_of` holds those values)."""
    for index, line in enumerate(added):
        if not _RETURNS.match(line):
            continue
        guards = added[max(0, index - 3) : index]
        literals: list[str] = []
        for guard in guards:
            case = _CASE_VALUE.match(guard)
            if case:
                literals.append(_unquoted(case.group(1) or case.group(2)))
            literals += [_unquoted(v) for _, v in _EQUALS.findall(guard)]
        if len(literals) < 2:
            continue
        hit = next((v for v in literals if _distinctive(v, values, parts_of)), None)
        if hit is not None:
            what = f"`{path}` answers the exact combination of test inputs (`{hit}` …)"
            return Case(0.8, what, (guards[-1] if guards else line).strip()[:200])
    return None


def _distinctive(value: str, values: set[str], parts_of: set[str]) -> bool:
    """A value of the tests or the task, or a part of one, with four or more characters and a
    digit or two marks that are not letters (`"S.#.."`, a grid row): data, not a day, a width
    or a word, which rules compare with too."""
    if len(value) < 4 or not (re.search(r"\d", value) or len(_MARKS.findall(value)) >= 2):
        return False
    return value in values or _part_of(value, parts_of)


_MARKS = re.compile(r"[^\w\s-]")


def _part_of(value: str, whole: set[str]) -> bool:
    """`value` (4+ characters with a digit) as a separated part of one of `whole`."""
    if len(value) < 4 or not re.search(r"\d", value):
        return False
    pattern = re.compile(rf"(?<![\w.]){re.escape(value)}(?![\w])")
    return any(value != w and pattern.search(w) for w in whole if len(w) <= 80)
