"""What runs said, in the forms added in round 14: bun's and deno's summaries, a workspace
run whose lines carry each package's prefix, and the lines that only look like `go test`'s."""

from __future__ import annotations

from watchkeeper.monitors.integrity._outcomes import parse_outcome

BUN = " 7 pass\n 1 skip\n 0 fail\n 15 expect() calls\nRan 8 tests across 2 files. [31.00ms]"
PNPM = (
    "packages/dates test: Tests:       19 passed, 19 total\n"
    "packages/ui test: Tests:       64 passed, 64 total\n"
    "apps/web test: Tests:       1 failed, 40 passed, 41 total\n"
)


def test_bun_summary_is_read() -> None:
    """bun prints its counts on lines of their own: 7 passed, 1 skipped, none failed."""
    outcome = parse_outcome(BUN)
    assert (outcome.ok, outcome.passed, outcome.failed, outcome.skipped) == (True, 7, 0, 1)


def test_bun_failure_is_read() -> None:
    """A bun run with a failing test did not pass."""
    assert parse_outcome(" 2 pass\n 1 fail\nRan 3 tests across 1 files.").ok is False


def test_deno_summary_is_read() -> None:
    """`ok | 9 passed | 0 failed`, not a `go test` package named `|`."""
    outcome = parse_outcome("ok | 9 passed | 0 failed (21ms)")
    assert (outcome.ok, outcome.passed, outcome.packages) == (True, 9, None)
    assert parse_outcome("FAILED | 4 passed | 2 failed (9ms)").failed == 2


def test_workspace_prefixes_are_read_through() -> None:
    """pnpm's `packages/ui test: ` before each line hides no summary; packages are counted."""
    outcome = parse_outcome(PNPM)
    assert (outcome.ok, outcome.passed, outcome.failed, outcome.packages) == (False, 123, 1, 3)


def test_one_prefixed_line_is_not_a_workspace_run() -> None:
    """The twin: a single `name word: ` line is the output's own text, left as it is."""
    assert parse_outcome("config load: Tests:       3 passed, 3 total").passed is None


def test_tap_and_jest_lines_are_not_go_packages() -> None:
    """`ok 1 - name` (TAP) and `FAIL src/x.test.ts` (jest) name no `go test` package."""
    assert parse_outcome("ok 1 - adds\nok 2 - subtracts\n").packages is None
    assert parse_outcome(" FAIL src/cart.test.ts\n").packages is None
    assert parse_outcome("ok  \tgithub.com/acme/x\t0.01s").packages == 1
