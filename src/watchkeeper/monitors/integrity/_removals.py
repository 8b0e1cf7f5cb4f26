"""Checks an edit takes out of a test that do not weaken it: a check that went with the value
it checked (`if err != nil { t.Fatal(err) }` removed with the setup call that made `err`, now
done once elsewhere), and checks folded into a table the test now runs once per row
(`@pytest.mark.parametrize`, `test.each`, Go's table of cases, rstest's `#[case]`)."""

from __future__ import annotations

import re

__all__ = ["dropped_failing_row", "dropped_failing_test", "gone_with_subject", "rows_added"]

_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
# assertion vocabulary, keywords and the test's own handle: never what a check is about
_VOCABULARY = frozenset(
    {
        *("assert", "assert_eq", "assert_ne", "expect", "require", "t", "self", "if", "nil"),
        *("None", "True", "False", "true", "false", "null", "undefined", "not", "and", "or"),
        *("is", "in", "return", "unwrap", "ok", "Ok", "Err", "Some"),
    }
)
_ASSIGNED = re.compile(
    r"^\s*(?:let\s+(?:mut\s+)?|const\s+|var\s+)?([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)"
    r"\s*:?=(?!=)\s*(.+)$"
)
_CALL = re.compile(r"[A-Za-z_][\w.:]*\(")


def gone_with_subject(before: str, after: str, removed: list[str]) -> int:
    """How many of the `removed` check lines checked a value the edit removed too: every name
    the check reads is gone from `after`, and so is the call that produced it (the setup
    moved elsewhere, the variable renamed in a rewritten test) — not a check dropped while
    the code it checked still runs."""
    producers = _producers(before)
    count = 0
    for line in removed:
        names = {n for n in _NAME.findall(line) if n not in _VOCABULARY}
        read = [n for n in names if n in producers]
        if not read or any(_present(n, after) for n in read):
            continue
        if all(not any(call in after for call in producers[n]) for n in read):
            count += 1
    return count


def _producers(text: str) -> dict[str, list[str]]:
    """For each variable assigned from a call in `text`, the calls that produced it."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        assigned = _ASSIGNED.match(line)
        if assigned is None:
            continue
        calls = [m.group(0) for m in _CALL.finditer(assigned.group(2))]
        if not calls:
            continue
        for name in _NAME.findall(assigned.group(1)):
            found.setdefault(name, []).extend(calls)
    return found


def _present(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


_TABLE = re.compile(
    r"@pytest\.mark\.parametrize\b|\.each\s*[(`]|#\[(?:case|rstest|test_case)\b|\[\]struct\s*\{"
    r"|@ParameterizedTest\b|@(?:Csv|Value|Method)Source\b|\bTestCase\(|\btest_cases?\s*[:=]"
)
_ROW = re.compile(r"^\s*(?:#\[case)?[(\[{].*[)\]}]\)?\]?,?\s*(?://.*|#.*)?$")


def rows_added(before: str, after: str) -> int:
    """The runs of its checks an edit adds by making a test table-driven: the rows it adds to
    a table of cases beyond the first (the case the test had), or 0 when `after` has no such
    table."""
    if not _TABLE.search(after):
        return 0
    old = set(before.splitlines())
    rows = sum(1 for line in after.splitlines() if line not in old and _ROW.match(line))
    return max(rows - 1, 0)


_CASE_ROW = re.compile(r"^\s*[(\[{][^\n]*,[^\n]*[)\]}],?\s*(?://.*|#.*)?$")  # `("a", "b", 1),`
_QUOTED = re.compile(r"'([^'\n]{3,80})'|\"([^\"\n]{3,80})\"|`([^`\n]{3,80})`")


def dropped_failing_row(before: str, after: str, failure: str) -> str | None:
    """A row of a table of cases removed, with no row put in its place, whose input (its first
    value) the last failing run named (`test_phone[+44 (0)20 7946 0958-GB-…] FAILED`): the
    failing case deleted, not fixed."""
    if not failure:
        return None  # the edit may hold the rows without the table's head: rows are read alone
    old, new = set(before.splitlines()), set(after.splitlines())
    gone = [line for line in before.splitlines() if line not in new and _CASE_ROW.match(line)]
    put = [line for line in after.splitlines() if line not in old and _CASE_ROW.match(line)]
    if len(gone) <= len(put):
        return None
    for row in gone:
        first = _QUOTED.search(row)  # the case's input: the row's first value
        value = next((g for g in first.groups() if g), "") if first else ""
        if value.strip() and value in failure:
            return row.strip()[:200]
    return None


# a test case's own declaration: its name as the runner reports it
_TEST_DECLARATION = re.compile(
    r"\b(?:it|test|specify)(?:\.\w+)?\(\s*(['\"`])(.{3,200}?)\1"  # jest, vitest, mocha
    r"|^\s*(?:async\s+)?def\s+(test\w+)\s*\("  # pytest, unittest
    r"|^func\s+(Test\w+)\s*\("  # go test
    # rust: `#[test]`, other attributes, then the function
    r"|#\[(?:tokio::)?test\][^\n]*\n(?:\s*#\[[^\n]*\n)*\s*(?:pub\s+)?(?:async\s+)?fn\s+(\w+)",
    re.MULTILINE,
)


def _declared(text: str) -> set[str]:
    return {next(g for g in m.groups()[1:] if g) for m in _TEST_DECLARATION.finditer(text)}


def dropped_failing_test(before: str, after: str, failure: str) -> str | None:
    """The name of a test case the edit deletes whole (its declaration gone, not renamed in
    place) that the last failing run reported: the failing test removed, not made to pass. Its
    checks going with it is no sign of a refactor, unlike a check gone with its setup."""
    if not failure:
        return None
    gone = _declared(before) - _declared(after)
    return next((name for name in sorted(gone) if name in failure), None)
