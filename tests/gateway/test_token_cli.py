"""`watchkeeper token issue | list | revoke`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from watchkeeper.cli import token as token_cli
from watchkeeper.clock import utcnow
from watchkeeper.deployments import open_registry
from watchkeeper.events import DeploymentEvent
from watchkeeper.gateway import Principal, TokenRecord, TokenStore
from watchkeeper.ledger import ledger_source


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(token_cli.app, list(args))
    return result.exit_code, result.output


def _register(home: Path, name: str = "ci-bot", **settings: Any) -> str:
    """Register `name` in `home` and return its first token."""
    return open_registry(home).register(
        name, owner="ops", purpose="tests", actor="tester", **settings
    )[1]


def _issued(home: Path, first: str) -> list[TokenRecord]:
    return [r for r in TokenStore(home / "tokens.json").list() if r.prefix != first[:11]]


def test_issue_prints_a_working_token(home: Path) -> None:
    """`token issue` prints only a new token, which then resolves to the deployment."""
    _register(home)
    code, output = _run("issue", "ci-bot", "--home", str(home))
    assert code == 0
    token = output.strip()
    assert TokenStore(home / "tokens.json").resolve(token) == Principal("ci-bot")


def test_issue_for_unregistered_deployment_is_refused(home: Path) -> None:
    """A token must name a registered deployment: `token issue ghost` fails, issuing none."""
    code, output = _run("issue", "ghost", "--home", str(home))
    assert code == 2
    assert "deployment `ghost` is not registered" in output
    assert TokenStore(home / "tokens.json").list() == []


def test_issue_for_suspended_deployment_is_refused(home: Path) -> None:
    """A suspended deployment gets no new tokens."""
    first = _register(home)
    open_registry(home).suspend("ci-bot", actor="tester")
    code, output = _run("issue", "ci-bot", "--home", str(home))
    assert code == 1
    assert "is suspended" in output
    assert _issued(home, first) == []


def test_issue_with_expiry_sets_it(home: Path) -> None:
    """`--expires 8h` stores an expiry eight hours after creation."""
    first = _register(home)
    _run("issue", "ci-bot", "--expires", "8h", "--home", str(home))
    [record] = _issued(home, first)
    assert record.expires is not None
    assert record.expires - record.created == timedelta(hours=8)


def test_issued_token_never_outlives_its_deployment(home: Path) -> None:
    """A token asked for a week ends when its deployment does (in one hour)."""
    first = _register(home, expires=utcnow() + timedelta(hours=1))
    _run("issue", "ci-bot", "--expires", "1w", "--home", str(home))
    [record] = _issued(home, first)
    assert record.expires is not None
    assert record.expires - record.created <= timedelta(hours=1)


def test_issue_rejects_bad_duration(home: Path) -> None:
    """A duration that is not like 8h is refused and no token is issued."""
    first = _register(home)
    code, output = _run("issue", "ci-bot", "--expires", "soon", "--home", str(home))
    assert code == 2
    assert "`soon`" in output
    assert _issued(home, first) == []


def test_list_shows_prefix_and_status_never_token(home: Path) -> None:
    """`token list` shows each token's prefix, deployment and status, not the token."""
    token = _register(home)
    code, output = _run("list", "--home", str(home))
    assert code == 0
    assert token[:11] in output
    assert "ci-bot" in output
    assert "active" in output
    assert token not in output


def test_revoke_by_prefix_from_list(home: Path) -> None:
    """The prefix shown by `list` (with its ellipsis) revokes that token."""
    token = _register(home)
    prefix = _run("list", "--home", str(home))[1].split()[0]
    code, output = _run("revoke", prefix, "--home", str(home))
    assert code == 0
    assert "revoked" in output
    assert TokenStore(home / "tokens.json").resolve(token) is None


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_revoke_is_recorded_in_the_ledger(home: Path) -> None:
    """`token revoke` is a `token-revoke` deployment event naming the prefixes, not tokens."""
    token = _register(home)
    _run("revoke", "ci-bot", "--home", str(home))
    [event] = [
        e
        for _, e in ledger_source(home).events()
        if isinstance(e, DeploymentEvent) and e.action == "token-revoke"
    ]
    assert (event.name, event.detail["tokens"]) == ("ci-bot", [token[:11]])


def test_revoke_unknown_fails(home: Path) -> None:
    """Revoking something that matches nothing exits non-zero with the reason."""
    code, output = _run("revoke", "nobody", "--home", str(home))
    assert code == 1
    assert "no active token matches `nobody`" in output


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", timedelta(seconds=90)), ("8h", timedelta(hours=8)), ("1d12h", timedelta(hours=36))],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    """Durations combine s, m, h, d and w units."""
    assert token_cli.parse_duration(text) == expected


def test_parse_duration_rejects_zero() -> None:
    """A zero duration is refused."""
    with pytest.raises(typer.BadParameter, match="`0h`"):
        token_cli.parse_duration("0h")
