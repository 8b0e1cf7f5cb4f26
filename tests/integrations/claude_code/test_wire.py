"""The hook's stdlib-only JSON and HTTP helpers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.integrations.claude_code import hook_entry
from watchkeeper.integrations.claude_code._wire import dumps, loads

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_round_trip_matches_json(value: Any) -> None:
    """`loads(dumps(v))` equals `json.loads(json.dumps(v))` for any JSON value."""
    assert loads(dumps(value)) == json.loads(json.dumps(value))
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


@given(st.text())
def test_loads_raises_only_value_error(text: str) -> None:
    """Arbitrary text either parses as `json` would or raises ValueError."""
    try:
        expected = json.loads(text)
    except ValueError:
        expected = ValueError
    try:
        got = loads(text)
    except ValueError:
        got = ValueError
    assert repr(got) == repr(expected)


def test_gateway_mode_imports_only_the_standard_library() -> None:
    """A gateway-mode hook run loads no third-party and no other watchkeeper module."""
    src = Path(hook_entry.__file__).parents[3]
    probe = (
        f"import sys, io; sys.path.insert(0, {str(src)!r})\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'{}'))\n"
        "from watchkeeper.integrations.claude_code.hook_entry import run_hook\n"
        "run_hook([])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {
        "WATCHKEEPER_URL": "http://127.0.0.1:9",
        "WATCHKEEPER_HOME": "/nonexistent/wk",
        "WATCHKEEPER_TIMEOUT": "0.2",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-S", "-I", "-c", probe],
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    modules = set(result.stderr.decode().split("\n")[-2].split())
    ours = {m for m in modules if m.startswith("watchkeeper")}
    assert ours <= {
        "watchkeeper",
        "watchkeeper.integrations",
        "watchkeeper.integrations.claude_code",
        "watchkeeper.integrations.claude_code.hook_entry",
        "watchkeeper.integrations.claude_code._tail",
        "watchkeeper.integrations.claude_code._wire",
        "watchkeeper.integrations.claude_code._spool",
        "watchkeeper.integrations.claude_code._fastos",
    }
    stdlib = {*sys.stdlib_module_names, "__main__"}
    assert {m.split(".")[0] for m in modules} - {"watchkeeper"} <= stdlib
    assert not {"pydantic", "typing", "json", "socket", "re", "http"} & modules
