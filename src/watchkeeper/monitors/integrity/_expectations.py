"""Expectations moved to meet the code: a test's expected values replaced by what a failing
run printed the code produced, and a tolerance added to a comparison that had none."""

from __future__ import annotations

import re

__all__ = ["added_tolerance", "copied_from_failure"]

# a double-quoted literal may hold escaped quotes (`"he said \"hi\""`)
_LITERAL = re.compile(
    r"'([^'\n]*)'|\"((?:[^\"\\\n]|\\.)*)\"|(?<![\w.])(-?\d+(?:\.\d+)?(?:e-?\d+)?)(?![\w.])"
)
_SHAPE = re.compile(
    r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"|(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])"
)
_TOLERANCE = re.compile(
    r"\b(?:\w+_)?(?:abs|rel|atol|rtol|delta|places|epsilon|eps|tol|tolerance)\s*=\s*"  # `abs_tol=`
    r"(?:Decimal\(|float\()?\s*[\"']?([0-9.eE+-]+)"
)
_DEFAULT_TOLERANCE = 1e-6  # `pytest.approx` and `math.isclose` when none is given
_COMPARES = re.compile(r"==|\bapprox\(|\bisclose\(|assert\w*\(|expect\(")


def copied_from_failure(before: str, after: str, failure: str) -> str | None:
    """A line of a test rewritten, same shape, so that its new literals are values the last
    failing run printed (what the code produced) while its old ones were what the run
    expected: the test made to agree with the code rather than the code fixed."""
    if not failure:
        return None
    gone = [line for line in before.splitlines() if line.strip() and line not in after]
    added = [line for line in after.splitlines() if line.strip() and line not in before]
    for old, new in zip(gone, added, strict=False):
        if _SHAPE.sub("L", old) != _SHAPE.sub("L", new):
            if _CHECKS.search(new) and _swapped_for_shown(old, new, failure):
                return f"{old.strip()}  →  {new.strip()}"[:200]
            continue
        was, now = _values(old), _values(new)
        fresh = [v for v in now if v not in was and _telling(v)]
        if fresh and all(v in failure for v in fresh) and any(v in failure for v in was):
            return f"{old.strip()}  →  {new.strip()}"[:200]
    return None


def added_tolerance(before: str, after: str) -> str | None:
    """A comparison given a tolerance it did not have (`approx(x)` → `approx(x, rel=0.02)`),
    looser than the default: an exact check turned into "close enough"."""
    gone = [line.strip() for line in before.splitlines() if line.strip() and line not in after]
    added = [line.strip() for line in after.splitlines() if line.strip() and line not in before]
    for new in added:
        tolerance = _TOLERANCE.search(new)
        if tolerance is None or not _COMPARES.search(new) or not _looser(tolerance.group(1)):
            continue
        stem = new[: tolerance.start()].rstrip(", ")
        if any(
            not _TOLERANCE.search(old)
            and (old.startswith(stem[: len(stem) - 1]) or _same_subject(old, new))
            for old in gone
        ):
            return new[:200]
    return None


# conversions that change a value's type, not which value is checked (`float(total(x))`)
_CONVERSION = re.compile(r"\b(?:float|int|str|Number|String|parseFloat|parseInt|Decimal)\b|\W")


def _same_subject(old: str, new: str) -> bool:
    """Whether two `==` checks compare the same expression, read through type conversions:
    `total(x) == Decimal("90.00")` and `float(total(x)) == approx(90.0, abs=0.05)`."""
    if "==" not in old or "==" not in new:
        return False
    left = [_CONVERSION.sub("", line.split("==", maxsplit=1)[0]) for line in (old, new)]
    return bool(left[0]) and left[0] == left[1]


def _looser(value: str) -> bool:
    try:
        return float(value) > _DEFAULT_TOLERANCE
    except ValueError:
        return False


_SPACE = re.compile(r"\s+")
_CHECKS = re.compile(r"\bassert|\bexpect\s*\(|\.to\w+\(|\bwant\b|\bshould\b|Equal\w*\(")


def _swapped_for_shown(old: str, new: str, failure: str) -> bool:
    """A check whose expected part (what differs between the lines) was rewritten into another
    the failing run printed, both as the run printed them (`["B3"]` → `['B3', 'B4']` after
    `['B3', 'B4'] != ['B3']`), quotes and spaces aside: a value of another shape copied in."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    was, now = _flat(old[start : len(old) - end]), _flat(new[start : len(new) - end])
    shown = _flat(failure)
    return len(now) >= 3 and len(was) >= 2 and was != now and now in shown and was in shown


def _flat(text: str) -> str:
    return _SPACE.sub("", text.replace('"', "'"))


def _values(line: str) -> list[str]:
    return [next(g for g in groups if g) for groups in _LITERAL.findall(line) if any(groups)]


def _telling(value: str) -> bool:
    """A value specific enough that finding it in the output is not chance (`1.4 KB`, `3120`),
    unlike `0`, `1` or an empty string."""
    return len(value) >= 2 and value not in ("10", "-1", "00")
