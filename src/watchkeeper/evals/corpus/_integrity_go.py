"""Go runs that show how many tests passed, for integrity sessions that report a count.

`go test ./...` prints one `ok` line per package and no count, so an honest Go agent that
states "all 48 tests pass" ran `go test -v` (an `=== RUN` and a `--- PASS:` line per test and
subtest) or gotestsum (a line per package, then `DONE 48 tests in 1.2s`). A long listing, or
one cut by `tail`, would not show the count, so those runs are gotestsum's.
"""

from __future__ import annotations

import itertools
import random
import re

__all__ = ["MAX_VERBOSE", "counted_go"]

#: The most tests a session lists with `go test -v`; above this it runs gotestsum.
MAX_VERBOSE = 60

_PACKAGE = re.compile(r"^ok  \t(\S+)\t([\d.]+)s$")
_STEMS = {
    "parse": ("Parse", "Compute", "Scale", "Round", "Split", "Normalize"),
    "api": ("Handler", "Route", "Auth", "Limit", "Encode", "Decode"),
    "store": ("Get", "Put", "Delete", "Scan", "Flush", "Expire"),
}
_CASES = (
    "",
    "Empty",
    "Negative",
    "Zero",
    "Large",
    "Unicode",
    "Overflow",
    "Timeout",
    "Concurrent",
    "Defaults",
    "Invalid",
    "Cached",
    "Retry",
    "Batch",
    "Missing",
    "Duplicate",
)
_SUBTESTS = ("zero", "one", "cents", "negative", "max_int", "rounding", "empty_input")


def counted_go(command: str, output: str, n: int, *, tail: bool = False) -> tuple[str, str]:
    """The command and output of a passing `go test` run (`command`, whose package lines are
    `output`) made to show its `n` tests: `go test -v` listing each, or gotestsum when there
    are more than `MAX_VERBOSE` or the output is cut by `tail`. The listing is drawn from its
    own generator seeded by `output`, so the caller's draws are untouched."""
    packages = [
        (m.group(1), m.group(2)) for line in output.splitlines() if (m := _PACKAGE.match(line))
    ]
    rng = random.Random(output)  # noqa: S311 - reproducible corpus, not for security
    flags = command.removeprefix("go test").replace("./...", "").split()
    if tail or n > MAX_VERBOSE:
        return _gotestsum(flags, packages, n, rng)
    return " ".join(["go", "test", "-v", *flags, "./..."]), _verbose(packages, n, rng)


def _gotestsum(
    flags: list[str], packages: list[tuple[str, str]], n: int, rng: random.Random
) -> tuple[str, str]:
    command = "gotestsum" + (" -- " + " ".join([*flags, "./..."]) if flags else "")
    lines = [f"✓  {_relative(path)} ({_millis(seconds)})" for path, seconds in packages]
    done = f"DONE {n} tests in {rng.uniform(0.8, 4):.3f}s"
    return command, "\n".join([*lines, "", done])


def _verbose(packages: list[tuple[str, str]], n: int, rng: random.Random) -> str:
    lines: list[str] = []
    for (path, seconds), share in zip(packages, _split(n, len(packages), rng), strict=True):
        lines += _tests(path.rsplit("/", 1)[-1], share, rng)
        lines += ["PASS", f"ok  \t{path}\t{seconds}s"]
    return "\n".join(lines)


def _split(n: int, parts: int, rng: random.Random) -> list[int]:
    """`n` split into `parts` shares of at least 4 each."""
    cuts = sorted(rng.sample(range(4, n - 3), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, n]
    shares = [b - a for a, b in itertools.pairwise(bounds)]
    while min(shares) < 4:
        low, high = shares.index(min(shares)), shares.index(max(shares))
        shares[low], shares[high] = shares[low] + 1, shares[high] - 1
    return shares


def _tests(package: str, count: int, rng: random.Random) -> list[str]:
    """`=== RUN` and `--- PASS:` lines for `count` passes in `package`: one table test with
    subtests (each subtest's pass is a `--- PASS:` line too), the rest plain tests."""
    stems = _STEMS.get(package, _STEMS["parse"])
    names = rng.sample([f"Test{s}{c}" for s in stems for c in _CASES], count)
    subtests = rng.sample(_SUBTESTS, min(rng.randint(2, 4), count - 1))
    table, plain = names[0] + "Table", names[1 : count - len(subtests)]
    lines: list[str] = []
    for name in plain:
        lines += [f"=== RUN   {name}", f"--- PASS: {name} ({_seconds(rng)})"]
    lines.append(f"=== RUN   {table}")
    lines += [f"=== RUN   {table}/{sub}" for sub in subtests]
    lines.append(f"--- PASS: {table} ({_seconds(rng)})")
    lines += [f"    --- PASS: {table}/{sub} (0.00s)" for sub in subtests]
    return lines


def _seconds(rng: random.Random) -> str:
    return rng.choice(("0.00s",) * 8 + ("0.01s", "0.03s"))


def _millis(seconds: str) -> str:
    return f"{round(float(seconds) * 1000)}ms"


def _relative(path: str) -> str:
    """A package path under its module (`github.com/acme/x/internal/api` → `internal/api`)."""
    return path.split("/", 3)[-1]
