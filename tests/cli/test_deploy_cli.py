"""`watchkeeper deploy register|list|show|suspend|resume|revoke` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.cli._app import build_app
from watchkeeper.cli.deploy import os_user
from watchkeeper.deployments import open_registry
from watchkeeper.events import DeploymentEvent
from watchkeeper.gateway import TOKEN_PREFIX, TokenStore
from watchkeeper.ledger import ledger_source

runner = CliRunner()


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")

NEW = ("register",)
WHO = ("--owner", "alice", "--purpose", "fixes CI")


def _run(home: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), ["deploy", *args, "--home", str(home)])
    return result.exit_code, result.stdout, result.stderr


def _register(home: Path, name: str = "ci-bot", *extra: str) -> str:
    code, out, err = _run(
        home, "register", name, "--owner", "alice", "--purpose", "fixes CI", *extra
    )
    assert code == 0, err
    return out.strip()


def test_register_prints_only_the_token_on_stdout(tmp_path: Path) -> None:
    """stdout is the token alone (scriptable); stderr says it is shown once."""
    code, out, err = _run(tmp_path, "register", "ci-bot", "--owner", "alice", "--purpose", "x")
    assert code == 0
    [token] = out.split()
    assert token.startswith(TOKEN_PREFIX)
    assert "shown only once" in err
    assert open_registry(tmp_path).resolve_token(token) is not None


def test_register_never_shows_the_token_again(tmp_path: Path) -> None:
    """`list` and `show` give the token's prefix, never the token."""
    token = _register(tmp_path)
    for args in (("list",), ("show", "ci-bot"), ("show", "ci-bot", "--json")):
        code, out, _ = _run(tmp_path, *args)
        assert code == 0
        assert token not in out
    assert token[:11] in _run(tmp_path, "show", "ci-bot")[1]


def test_register_stores_every_setting(tmp_path: Path) -> None:
    """--expires, --max-procs, --allow-host and --policy are stored as given."""
    policy = tmp_path / "own.yaml"
    policy.write_text("version: 1\ndefault: ask\nrules: []\n")
    _register(
        tmp_path, "ci-bot", "--expires", "8h", "--max-procs", "20",
        "--allow-host", "pypi.org", "--allow-host", "*.GitHub.com", "--policy", str(policy),
    )  # fmt: skip
    code, out, _ = _run(tmp_path, "show", "ci-bot", "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["state"] == "active"
    assert shown["max_procs"] == 20
    assert shown["allow_hosts"] == ["pypi.org", "*.github.com"]
    assert shown["policy"] == str(policy.resolve())
    assert shown["expires"] is not None
    [token] = shown["tokens"]
    assert token["status"] == "active"
    assert token["expires"] is not None


def test_list_shows_state_and_owner(tmp_path: Path) -> None:
    """`list` has one line per deployment with its state and owner."""
    _register(tmp_path, "alpha")
    _register(tmp_path, "beta")
    _run(tmp_path, "suspend", "beta")
    code, out, _ = _run(tmp_path, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("alpha  active  owner alice")
    assert lines[1].startswith("beta  suspended  owner alice")


def test_list_when_empty_says_how_to_register(tmp_path: Path) -> None:
    """An empty registry points at `deploy register`."""
    assert "watchkeeper deploy register" in _run(tmp_path, "list")[1]


def test_suspend_resume_revoke(tmp_path: Path) -> None:
    """Each command prints the new status; the token follows it."""
    token = _register(tmp_path)
    registry = open_registry(tmp_path)
    assert _run(tmp_path, "suspend", "ci-bot", "--reason", "odd")[1].strip() == "ci-bot: suspended"
    assert registry.resolve_token(token) is None
    assert _run(tmp_path, "resume", "ci-bot")[1].strip() == "ci-bot: active"
    assert registry.resolve_token(token) is not None
    assert _run(tmp_path, "revoke", "ci-bot")[1].strip() == "ci-bot: revoked"
    assert TokenStore(tmp_path / "tokens.json").resolve(token) is None


def test_changes_are_ledger_events_by_the_os_user(tmp_path: Path) -> None:
    """Each CLI change is a `deployment` event whose actor is the OS user."""
    _register(tmp_path)
    _run(tmp_path, "suspend", "ci-bot", "--reason", "odd")
    events = [e for _, e in ledger_source(tmp_path).events() if isinstance(e, DeploymentEvent)]
    assert [(e.action, e.actor) for e in events] == [
        ("register", os_user()),
        ("suspend", os_user()),
    ]


def test_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    """Bad input exits 2, a wrong state 1, each with one `error:` line and no traceback."""
    _register(tmp_path)
    cases = [
        ((*NEW, "ci-bot", *WHO), 1, "already registered"),
        ((*NEW, "x y", *WHO), 2, "is not valid"),
        ((*NEW, "x", *WHO, "--allow-host", "http://h"), 2, "not a host"),
        ((*NEW, "x", *WHO, "--policy", "/nope.yaml"), 2, "cannot read"),
        (("resume", "ci-bot"), 1, "only a suspended one resumes"),
        (("show", "ghost"), 1, "no deployment is registered as `ghost`"),
        (("suspend", "ghost"), 1, "no deployment is registered as `ghost`"),
    ]  # fmt: skip
    for args, expected, message in cases:
        code, _, err = _run(tmp_path, *args)
        assert (code, err.count("\n")) == (expected, 1), (args, err)
        assert err.startswith("error: ")
        assert message in err
    assert [d.name for d in open_registry(tmp_path).list()] == ["ci-bot"]


def test_corrupt_registry_is_one_error_line(tmp_path: Path) -> None:
    """A damaged deployments.json makes `list` fail with one line naming the file."""
    (tmp_path / "deployments.json").write_text("{not json")
    code, _, err = _run(tmp_path, "list")
    assert code == 1
    assert err.startswith("error: deployment registry")
    assert "deployments.json` is corrupt" in err
