"""`watchkeeper user add|list|disable` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.accounts import Role, UserStore
from watchkeeper.cli._app import build_app
from watchkeeper.cli.user import read_password
from watchkeeper.events import ReviewEvent
from watchkeeper.ledger import ledger_source

runner = CliRunner()


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")
PASSWORD = "a long enough password"


def _run(home: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), ["user", *args, "--home", str(home)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _reviews(home: Path) -> list[ReviewEvent]:
    return [e for _, e in ledger_source(home).events() if isinstance(e, ReviewEvent)]


def test_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    """`add --password-stdin` stores a user whose password is stdin minus its newline."""
    code, out, err = _run(
        tmp_path, "add", "alice", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0, err
    assert "added reviewer `alice`" in out
    user = UserStore(tmp_path / "users.json").authenticate("alice", PASSWORD)
    assert user is not None
    assert user.role is Role.REVIEWER


def test_add_never_prints_the_password(tmp_path: Path) -> None:
    """Neither stdout nor stderr echo the password."""
    _, out, err = _run(
        tmp_path, "add", "bob", "--role", "admin", "--password-stdin", stdin=PASSWORD
    )
    assert PASSWORD not in out + err


def test_add_refuses_a_short_password(tmp_path: Path) -> None:
    """A short password exits 2 with the policy's message and creates nobody."""
    code, _, err = _run(
        tmp_path, "add", "bob", "--role", "admin", "--password-stdin", stdin="short\n"
    )
    assert code == 2
    assert "use at least 12" in err
    assert UserStore(tmp_path / "users.json").list() == []


def test_add_refuses_an_unknown_role(tmp_path: Path) -> None:
    """`--role owner` exits 2 naming the role."""
    code, _, err = _run(
        tmp_path, "add", "bob", "--role", "owner", "--password-stdin", stdin=PASSWORD
    )
    assert code == 2
    assert "role `owner` is not known" in err


def test_list_and_disable(tmp_path: Path) -> None:
    """`list` shows role and status; after `disable` the user shows as disabled."""
    _run(tmp_path, "add", "alice", "--role", "reviewer", "--password-stdin", stdin=PASSWORD)
    _run(tmp_path, "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    code, out, _ = _run(tmp_path, "disable", "alice")
    assert code == 0
    assert "disabled `alice`" in out
    code, out, _ = _run(tmp_path, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("alice  reviewer  disabled  added ")
    assert lines[1].startswith("root  admin  active  added ")
    shown = json.loads(_run(tmp_path, "list", "--json")[1])
    assert [(u["name"], u["disabled"]) for u in shown] == [("alice", True), ("root", False)]
    assert "$argon2" not in out + json.dumps(shown)


def test_disable_unknown_user_exits_2(tmp_path: Path) -> None:
    """Disabling a user that does not exist exits 2 naming it."""
    code, _, err = _run(tmp_path, "disable", "ghost")
    assert code == 2
    assert "no user `ghost`" in err


def test_changes_are_review_events_in_the_ledger(tmp_path: Path) -> None:
    """`add` and `disable` are recorded as review events by reviewer `cli`."""
    _run(tmp_path, "add", "alice", "--role", "reviewer", "--password-stdin", stdin=PASSWORD)
    _run(tmp_path, "disable", "alice")
    reviews = _reviews(tmp_path)
    assert [(e.action, e.reviewer, e.target, e.session_id) for e in reviews] == [
        ("user_add", "cli", "user:alice", "review"),
        ("user_disable", "cli", "user:alice", "review"),
    ]
    assert reviews[0].detail["role"] == "reviewer"
    assert "os_user" in reviews[0].detail
    assert PASSWORD not in "".join(e.model_dump_json() for e in reviews)


def test_read_password_strips_one_newline() -> None:
    """Only one trailing newline (LF or CRLF) is dropped; other whitespace is kept."""
    assert read_password("secret  \n\n") == "secret  \n"
    assert read_password("secret\r\n") == "secret"
    assert read_password(" secret") == " secret"
