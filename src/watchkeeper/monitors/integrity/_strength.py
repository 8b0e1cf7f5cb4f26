"""How much an assertion checks, and of what: an exact comparison (`toEqual`, `assertEqual`,
`assert_eq!`, `==`), a partial one (containment, order-insensitive, approximate, a pattern),
or a weak one (truthy, defined, a length, a type). The subject is the value under test
(`expect(result)`, `assertEqual(result, …)`, `assert result == …`), with the wrappers that only
reshape it (`len`, `sorted`, `set`, `JSON.stringify`) taken off.

An edit that replaces an exact check of a value with only partial or weak checks of the same
value weakens the test, in any language: `toEqual([e3, e2, e1])` → `toHaveLength(3)` and
`arrayContaining`; `assertEqual(a, b)` → `assertCountEqual`; `assert x == y` → `assert y in x`.
An edit that keeps an exact check of the value and adds others does not.
"""

from __future__ import annotations

import re

__all__ = [
    "EXACT",
    "PARTIAL",
    "WEAK",
    "assertion_strength",
    "keeps_strength",
    "subject_of",
    "truth_forms",
    "weakened_check",
]

WEAK, PARTIAL, EXACT = 1, 2, 3

_NEGATIVE = re.compile(
    r"\.not\.|\bassertNot(?:In|Equal|Contains|Regex)\b|\bassert_ne!|\bnot in\b|\bNot(?:Contains"
    r"|Equal)\w*\(|\.to\.not\b|\.should\.not\b|\bassertRaises\b|\btoThrow\b"
)
_WEAK = re.compile(
    r"\.toBe(?:Truthy|Falsy|Defined|Undefined|Null|NaN|InstanceOf|TypeOf)\(|\.toHaveLength\("
    r"|\.toHaveBeenCalled(?:Times)?\(|\.to\.(?:exist|be\.ok|be\.true|be\.an?)\b|\.should\.exist"
    r"|\bassert(?:True|False|IsNotNone|IsNone|IsInstance|Greater\w*|Less\w*)\("
    r"|\bassert(?:\.ok)?\(\s*[\w.]+\s*\)|\b(?:require|assert)\.(?:NotNil|Nil|True|False|NotEmpty"
    r"|Empty|Len|NoError|Greater\w*|Less\w*|Positive)\(|\.is_(?:some|ok|none|err|empty)\(\)"
    r"|^\s*assert\s+[\w.\[\]'\"]+\s*(?:$|#)|^\s*assert\s+(?:not\s+)?len\(|\bis not None\b"
    r"|\bisinstance\(|\blen\([\w.]+\)\s*[!=]=\s*len\("
)
_PARTIAL = re.compile(
    r"\b(?:array|object|string)Containing\(|\bstringMatching\(|\bexpect\.any(?:thing)?\("
    r"|\.to(?:MatchObject|Contain(?:Equal)?|Match|HaveProperty)\("
    r"|\.to\.(?:include|contain|match|have\.members)\b|\bassert\.match\("
    r"|\bassert(?:In|CountEqual|Regex|ItemsEqual|DictContainsSubset)\("
    r"|\b(?:mock\.)?ANY\b|\b(?:require|assert)\.(?:Contains|Subset|ElementsMatch|Regexp)\("
    r"|\.(?:contains|starts_with|ends_with|startswith|endswith|includes)\("
    r"|^\s*assert\s[^\n]*\bin\b|^\s*assert\s[^\n]*\b(?:sorted|set|Counter|frozenset)\("
    r"|^\s*assert\s[^\n]*[<>]=?(?!=)"
)
_EXACT = re.compile(
    r"\.to(?:Strict)?Equal\(|\.toBe\(|\.toEqual\(|\bassert(?:Equal|Equals|ListEqual|DictEqual"
    r"|TupleEqual|SetEqual|MultiLineEqual|Is)\(|\bassert_eq!|\b(?:require|assert)\.(?:Equal\w*"
    r"|Exactly|JSONEq|YAMLEq)\(|\breflect\.DeepEqual\(|\bcmp\.(?:Diff|Equal)\(|\bdeep(?:Strict)?Equal\("
    r"|\bstrictEqual\(|\.to\.(?:deep\.)?(?:equal|eql)\b|\.eql\(|^\s*assert\s[^\n]*=="
    r"|\bassert!\([^\n]*==|\b(?:got|have)\s*!=\s*\w|!=\s*(?:want|expected|exp)\b|\bequal_to\("
    # a comparison within a tolerance stays exact here: how loose it is is judged apart
    r"|\bapprox\(|\bisclose\(|\bassertAlmostEqual\(|\.toBeCloseTo\(|\.to\.be\.closeTo\b"
    r"|\b(?:require|assert)\.(?:InDelta|InEpsilon|WithinDuration)\("
)
_PREDICATE = re.compile(
    r"^(.+?)\.(?:contains|starts_with|ends_with|startswith|endswith|includes|is_\w+|len|length"
    r"|size|count|has|get)\b"
)
_ASSERTING = re.compile(
    r"\bexpect\s*\(|\bassert\w*\b|\bassert_eq!|\bassert!|\b(?:require|assert)\.\w+\(|\bif\b.*!="
    r"|\bshould\b|\breflect\.DeepEqual\(|\bcmp\.(?:Diff|Equal)\("
)
_WRAPPERS = re.compile(
    r"^(?:len|sorted|set|list|tuple|frozenset|Counter|str|repr|String|JSON\.stringify"
    r"|float|int|Number|parseFloat|parseInt"
    r"|Object\.(?:keys|values|entries)|Array\.from|await)\s*(?:\(|\s)"
)
_OPEN = {"(": ")", "[": "]", "{": "}"}


def assertion_strength(line: str) -> int | None:
    """How much an assertion line checks (`EXACT`, `PARTIAL`, `WEAK`), or None when it is no
    assertion or one that checks an absence (`not.toContain`, `assertNotIn`), which adds to
    a test rather than standing in for another check."""
    line = line[:_MAX_LINE]
    if not _ASSERTING.search(line) or _NEGATIVE.search(line):
        return None
    if _WEAK.search(line):
        return WEAK
    if _PARTIAL.search(line):
        return PARTIAL
    if _EXACT.search(line):
        return EXACT
    return None


def subject_of(line: str) -> str | None:
    """The value an assertion line checks, wrappers removed (`expect(sorted(x))` → `x`)."""
    text = line.strip()[:_MAX_LINE]
    for opener in ("expect(", "assert_eq!(", "assert!(", "assert_ne!(", "DeepEqual(", "cmp.Diff("):
        at = text.find(opener)
        if at >= 0:
            return _bare(_first_argument(text[at + len(opener) :]))
    unit = re.search(r"\bself\.assert\w+\(|\b(?:require|assert)\.\w+\(", text)
    if unit is not None:
        args = _arguments(text[unit.end() :])
        if text[unit.start() :].startswith(("require.", "assert.")) and args[:1] == ["t"]:
            args = args[1:]  # testify: `assert.Equal(t, expected, actual)` checks `actual`
            compares = re.search(r"\.(?:Equal\w*|Exactly|JSONEq|YAMLEq)\($", text[: unit.end()])
            return _bare(args[-1] if compares and len(args) >= 2 else (args[0] if args else ""))
        if re.search(r"assert(?:Not)?In\($", text[: unit.end()]) and len(args) > 1:
            return _bare(args[1])  # `assertIn(member, container)` checks the container
        return _bare(args[0] if args else "")
    branch = re.match(r"\s*(?:\}\s*else\s+)?if\s+([^=!<>{]+?)\s*(?:!=|==)", text)
    if branch is not None:  # Go: `if got != want {`, `if len(got) != len(want) {`
        return _bare(branch.group(1))
    plain = re.match(r"\s*assert\s+(?:not\s+)?(.+)$", text)
    if plain is not None:
        sides = re.split(r"==|!=|<=|>=|<|>|\bnot in\b|\bin\b|\bis\b|,", plain.group(1), maxsplit=1)
        member = re.search(r"\s(?:not\s+)?in\s", plain.group(1))
        return _bare(sides[1] if member and len(sides) > 1 else sides[0])
    return None


def weakened_check(before: str, after: str) -> str | None:
    """An added assertion line that leaves a value removed from an exact or partial check with
    only weaker checks in the edit, or None."""
    old = set(before.splitlines())
    new = set(after.splitlines())
    gone = [line for line in before.splitlines() if line.strip() and line not in new]
    added = [line for line in after.splitlines() if line.strip() and line not in old]
    checks = [(line, assertion_strength(line), subject_of(line)) for line in added]
    for line in gone:
        strength, subject = assertion_strength(line), subject_of(line)
        if strength is None or strength == WEAK or not subject:
            continue
        same = [(a, s) for a, s, who in checks if s is not None and who == subject]
        if same and max(s for _, s in same) < strength:
            return min(same, key=lambda pair: pair[1])[0].strip()[:200]
    return None


def keeps_strength(before: str, after: str) -> bool:
    """Whether every value the edit's removed assertions checked is still checked as strictly
    by an assertion it adds (`toEqual({status})` → `toEqual({status, error})`)."""
    old = set(before.splitlines())
    new = set(after.splitlines())
    added = [line for line in after.splitlines() if line.strip() and line not in old]
    kept: dict[str, int] = {}
    judged = False
    for line in added:
        strength, subject = assertion_strength(line), subject_of(line)
        if strength is not None and subject:
            kept[subject] = max(kept.get(subject, 0), strength)
    for line in before.splitlines():
        if not line.strip() or line in new:
            continue
        strength, subject = assertion_strength(line), subject_of(line)
        if strength is None:
            continue
        if not subject or kept.get(subject, 0) < strength:
            return False
        judged = True
    return judged


_BOOL_CALL = re.compile(
    r"^(\s*)(assert_eq!|self\.assertEqual|assertEqual|(?:assert|require)\.Equal)\("
)
_BOOL_COMPARE = re.compile(r"^(\s*)assert\s+(.+?)\s*(?:==|\bis\b)\s*(True|False)\s*(#.*)?$")
_TRUE = frozenset({"true", "True"})
_BOOLS = frozenset({"true", "false", "True", "False"})


def truth_forms(text: str) -> str:
    """`text` with each comparison of a value to a boolean literal written as the truth check
    it is (`assert_eq!(ok, true)` → `assert!(ok)`, `self.assertEqual(x, False)` →
    `self.assertFalse(x)`, `assert x == True` → `assert x`): a linter's rewrite of one into
    the other checks the same thing."""
    return "\n".join(_truth_form(line) for line in text.splitlines())


def _truth_form(line: str) -> str:
    compare = _BOOL_COMPARE.match(line)
    if compare is not None:
        indent, value, literal, comment = compare.groups()
        negated = "" if literal == "True" else "not "
        return f"{indent}assert {negated}{value}" + (f"  {comment}" if comment else "")
    call = _BOOL_CALL.match(line)
    if call is None:
        return line
    indent, name = call.groups()
    rest = line[call.end() :]
    args = _arguments(rest)
    close = _closing(rest)
    testify = name.endswith(".Equal")
    handle, args = (args[:1], args[1:]) if testify and args[:1] == ["t"] else ([], args)
    if close < 0 or len(args) != 2 or not _BOOLS & set(args) or set(args) <= _BOOLS:
        return line
    literal = args[0] if args[0] in _BOOLS else args[1]
    value = args[1] if literal is args[0] else args[0]
    tail = rest[close + 1 :]
    if name == "assert_eq!":
        return f"{indent}assert!({'' if literal in _TRUE else '!'}{value}){tail}"
    check = "True" if literal in _TRUE else "False"
    if testify:
        return f"{indent}{name.rsplit('.', 1)[0]}.{check}({', '.join([*handle, value])}){tail}"
    return f"{indent}{name.replace('Equal', check)}({value}){tail}"


def _closing(text: str) -> int:
    """Where the call whose `(` was just read closes in `text`, or -1."""
    depth = 0
    quote = ""
    for index, char in enumerate(text[:_MAX_CALL]):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return index if char == ")" else -1
            depth -= 1
    return -1


def _first_argument(text: str) -> str:
    args = _arguments(text)
    return args[0] if args else ""


def _arguments(text: str) -> list[str]:
    """The top-level, comma-separated arguments of a call whose `(` was just read."""
    args: list[str] = []
    stack: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text[:_MAX_CALL]:
        if quote:
            current.append(char)
            quote = "" if char == quote else quote
            continue
        if char in "'\"`":
            quote = char
        elif char in _OPEN:
            stack.append(_OPEN[char])
        elif stack and char == stack[-1]:
            stack.pop()
        elif char == ")" and not stack:
            break
        elif char == "," and not stack:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    args.append("".join(current).strip())
    return [a for a in args if a]


_MAX_CALL = 400
_MAX_LINE = 400


def _bare(expression: str) -> str:
    """`expression` without reshaping wrappers and spaces: `sorted(x.items())` → `x.items()`."""
    text = expression.strip()
    for _ in range(4):
        wrapper = _WRAPPERS.match(text)
        if wrapper is None:
            break
        rest = text[wrapper.end() :]
        text = _first_argument(rest) if wrapper.group(0).endswith("(") else rest.strip()
    predicate = _PREDICATE.match(text)  # `v.contains(&x)`, `s.len()` check `v`, `s`
    text = predicate.group(1) if predicate else text
    return re.sub(r"\s+", "", text)
