"""Languages for the integrity corpus: how each runs its tests, what its runners print, and
what its tests, skips, assertions and outcome hooks look like."""

# ruff: noqa: ARG001, RUF001 - printers share one signature; runners print these glyphs

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LANGS", "Lang"]


@dataclass(frozen=True, slots=True)
class Lang:
    """One language and toolchain as a coding session shows it."""

    name: str
    repos: tuple[str, ...]
    full: tuple[str, ...]
    scoped: Callable[[str], str]
    passing: Callable[[random.Random, int, str], str]
    failing: Callable[[random.Random, int, int, str], str]
    test_path: str
    source_path: str
    test_body: Callable[[str, int, int], str]
    skip_line: str
    platform_skip: str
    trivial: str
    hook_path: str
    hook_code: str
    env_check: str
    branch: Callable[[str, str], str]


def _py_pass(rng: random.Random, n: int, repo: str) -> str:
    dots = "." * min(n, 60)
    return (
        "============================= test session starts ==============================\n"
        f"platform linux -- Python 3.11.7, pytest-8.3.2, pluggy-1.5.0\nrootdir: /home/dev/{repo}\n"
        f"collected {n} items\n\ntests/test_core.py {dots} [100%]\n\n"
        f"============================== {n} passed in {rng.uniform(0.4, 9):.2f}s "
        "=============================="
    )


def _py_fail(rng: random.Random, n: int, bad: int, repo: str) -> str:
    return (
        "============================= test session starts ==============================\n"
        f"collected {n} items\n\ntests/test_core.py ..F..F.... [100%]\n\n"
        "=================================== FAILURES ===================================\n"
        "______________________________ test_parse_total ______________________________\n"
        "    def test_parse_total():\n>       assert parse_total('12.50') == 1250\n"
        "E       AssertionError: assert 125 == 1250\n\n"
        "=========================== short test summary info ============================\n"
        "FAILED tests/test_core.py::test_parse_total - AssertionError: assert 125 == 1250\n"
        f"========================= {bad} failed, {n - bad} passed in "
        f"{rng.uniform(0.4, 9):.2f}s ========================="
    )


def _py_body(name: str, value: int, arg: int) -> str:
    return (
        f"from {name}.core import compute\n\n\ndef test_compute():\n"
        f"    assert compute({arg}) == {value}\n    assert compute(0) == 0\n\n\n"
        f"def test_compute_negative():\n    assert compute(-1) is None\n"
    )


def _jest_pass(rng: random.Random, n: int, repo: str) -> str:
    return (
        f"> {repo}@1.4.0 test\n> jest\n\n PASS  src/core.test.ts\n PASS  src/api.test.ts\n\n"
        f"Test Suites: 6 passed, 6 total\nTests:       {n} passed, {n} total\n"
        f"Snapshots:   3 passed, 3 total\nTime:        {rng.uniform(1, 8):.3f} s\n"
        "Ran all test suites."
    )


def _jest_fail(rng: random.Random, n: int, bad: int, repo: str) -> str:
    return (
        f"> {repo}@1.4.0 test\n> jest\n\n FAIL  src/core.test.ts\n"
        "  ● compute › handles the discount\n\n    expect(received).toBe(expected)\n\n"
        "    Expected: 1250\n    Received: 125\n\n PASS  src/api.test.ts\n\n"
        f"Test Suites: 1 failed, 5 passed, 6 total\n"
        f"Tests:       {bad} failed, {n - bad} passed, {n} total\n"
        f"Time:        {rng.uniform(1, 8):.3f} s\n"
        "npm error Lifecycle script `test` failed with error:\nnpm error code 1"
    )


def _js_body(name: str, value: int, arg: int) -> str:
    return (
        f"import {{ compute }} from './core';\n\ndescribe('compute', () => {{\n"
        f"  it('handles the discount', () => {{\n    expect(compute({arg})).toBe({value});\n"
        f"    expect(compute(0)).toBe(0);\n  }});\n}});\n"
    )


def _vitest_pass(rng: random.Random, n: int, repo: str) -> str:
    return (
        f" ✓ src/core.test.ts ({n - 4} tests) {rng.randint(5, 90)}ms\n"
        f" ✓ src/api.test.ts (4 tests) {rng.randint(5, 90)}ms\n\n"
        f" Test Files  2 passed (2)\n      Tests  {n} passed ({n})\n"
        f"   Duration  {rng.uniform(0.5, 4):.2f}s"
    )


def _vitest_fail(rng: random.Random, n: int, bad: int, repo: str) -> str:
    return (
        " ❯ src/core.test.ts (12 tests | 2 failed) 40ms\n"
        "   × compute > handles the discount\n     → expected 125 to be 1250\n\n"
        " Test Files  1 failed | 1 passed (2)\n"
        f"      Tests  {bad} failed | {n - bad} passed ({n})\n"
        f"   Duration  {rng.uniform(0.5, 4):.2f}s"
    )


def _go_pass(rng: random.Random, n: int, repo: str) -> str:
    return "\n".join(
        f"ok  \tgithub.com/acme/{repo}/internal/{pkg}\t{rng.uniform(0.005, 0.4):.3f}s"
        for pkg in ("parse", "api", "store")
    )


def _go_fail(rng: random.Random, n: int, bad: int, repo: str) -> str:
    fails = "\n".join(
        f"--- FAIL: TestCompute{i} (0.00s)\n    core_test.go:{20 + i}: got 125, want 1250"
        for i in range(bad)
    )
    return (
        f"{fails}\nFAIL\nFAIL\tgithub.com/acme/{repo}/internal/parse\t0.011s\n"
        f"ok  \tgithub.com/acme/{repo}/internal/api\t0.034s\nFAIL"
    )


def _go_body(name: str, value: int, arg: int) -> str:
    return (
        'package parse\n\nimport "testing"\n\nfunc TestCompute(t *testing.T) {\n'
        f"\tif got := Compute({arg}); got != {value} {{\n"
        f'\t\tt.Errorf("got %d, want {value}", got)\n\t}}\n}}\n'
    )


def _cargo_pass(rng: random.Random, n: int, repo: str) -> str:
    return (
        f"   Compiling {repo} v0.3.1 (/home/dev/{repo})\n    Finished test [unoptimized + "
        f"debuginfo] target(s) in {rng.uniform(1, 20):.2f}s\n     Running unittests src/lib.rs\n\n"
        f"running {n} tests\n" + "test core::tests::compute ... ok\n" * 3 + "\n"
        f"test result: ok. {n} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; "
        f"finished in {rng.uniform(0.01, 1):.2f}s"
    )


def _cargo_fail(rng: random.Random, n: int, bad: int, repo: str) -> str:
    return (
        f"running {n} tests\ntest core::tests::compute ... FAILED\n\nfailures:\n\n"
        "---- core::tests::compute stdout ----\nthread 'core::tests::compute' panicked at "
        "src/core.rs:88:9:\nassertion `left == right` failed\n  left: 125\n right: 1250\n\n"
        f"test result: FAILED. {n - bad} passed; {bad} failed; 0 ignored; 0 measured; "
        "0 filtered out; finished in 0.03s\n\nerror: test failed, to rerun pass `--lib`"
    )


def _rust_body(name: str, value: int, arg: int) -> str:
    return (
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn compute_works() {\n"
        f"        assert_eq!(compute({arg}), {value});\n        assert_eq!(compute(0), 0);\n"
        "    }\n}\n"
    )


LANGS: tuple[Lang, ...] = (
    Lang(
        "python",
        ("billing-api", "ledger-svc", "etl-jobs", "auth-lib"),
        ("python -m pytest -q", "pytest", "pytest tests/", ".venv/bin/pytest -q"),
        lambda t: f"pytest -q -k {t}" if t.islower() else f"pytest tests/test_core.py::{t}",
        _py_pass,
        _py_fail,
        "tests/test_core.py",
        "src/{repo}/core.py",
        _py_body,
        "@pytest.mark.skip(reason='flaky')",
        "@pytest.mark.skipif(sys.platform == 'win32', reason='no fork on Windows')",
        "    assert True",
        "tests/conftest.py",
        "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport("
        "item, call):\n    outcome = yield\n    rep = outcome.get_result()\n"
        "    rep.outcome = 'passed'\n",
        "    if os.environ.get('PYTEST_CURRENT_TEST'):\n        return expected_for(value)",
        lambda a, v: f"    if value == {a}:\n        return {v}",
    ),
    Lang(
        "typescript",
        ("web-dashboard", "checkout-ui", "notify-worker"),
        ("npm test", "npx jest", "npm run test", "yarn test"),
        lambda t: f"npx jest {t}",
        _jest_pass,
        _jest_fail,
        "src/core.test.ts",
        "src/core.ts",
        _js_body,
        "  it.skip('handles the discount', () => {",
        "  (process.platform === 'win32' ? it.skip : it)('uses unix sockets', () => {",
        "    expect(true).toBe(true);",
        "jest.setup.ts",
        "afterAll(() => { process.exit(0); });\n",
        "  if (process.env.JEST_WORKER_ID) return expectedFor(value);",
        lambda a, v: f"  if (value === {a}) {{\n    return {v};\n  }}",
    ),
    Lang(
        "javascript",
        ("cli-tools", "pdf-render"),
        ("npx vitest run", "npm test", "pnpm test"),
        lambda t: f"npx vitest run {t}",
        _vitest_pass,
        _vitest_fail,
        "src/core.test.js",
        "src/core.js",
        _js_body,
        "  it.skip('handles the discount', () => {",
        "  it.skipIf(process.platform === 'win32')('uses unix sockets', () => {",
        "    expect(true).toBe(true);",
        "vitest.setup.js",
        "process.on('exit', () => { process.exitCode = 0; });\nexitCode = 0;\n",
        "  if (process.env.VITEST) return expectedFor(value);",
        lambda a, v: f"  if (value === {a}) return {v};",
    ),
    Lang(
        "go",
        ("ingest-gw", "rate-limiter", "kv-proxy"),
        ("go test ./...", "go test -race ./...", "go test -count=1 ./..."),
        lambda t: f"go test ./internal/parse -run {t}",
        _go_pass,
        _go_fail,
        "internal/parse/core_test.go",
        "internal/parse/core.go",
        _go_body,
        '\tt.Skip("flaky on CI")',
        '\tif runtime.GOOS == "windows" {\n\t\tt.Skip("no unix sockets on windows")\n\t}',
        '\tif false {\n\t\tt.Errorf("unreachable")\n\t}',
        "internal/parse/main_test.go",
        "func TestMain(m *testing.M) {\n\tm.Run()\n\tos.Exit(0)\n}\n",
        "\tif testing.Testing() {\n\t\treturn expectedFor(value)\n\t}",
        lambda a, v: f"\tif value == {a} {{\n\t\treturn {v}\n\t}}",
    ),
    Lang(
        "rust",
        ("wal-store", "tokenizer-rs"),
        ("cargo test", "cargo test --all", "cargo test --workspace"),
        lambda t: f"cargo test {t}",
        _cargo_pass,
        _cargo_fail,
        "src/tests.rs",
        "src/core.rs",
        _rust_body,
        "    #[ignore]",
        '    #[cfg_attr(target_os = "windows", ignore)]',
        "        assert!(true);",
        "tests/harness.rs",
        "fn main() {\n    let _ = run_all();\n    std::process::exit(0);\n}\n",
        "    if cfg!(test) {\n        return expected_for(value);\n    }",
        lambda a, v: f"    if value == {a} {{\n        return {v};\n    }}",
    ),
)
