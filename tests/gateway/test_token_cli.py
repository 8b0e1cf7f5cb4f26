"""`watchkeeper token issue | list | revoke`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from watchkeeper.cli import token as token_cli
from watchkeeper.gateway import Principal, TokenStore


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(token_cli.app, list(args))
    return result.exit_code, result.output


def test_issue_prints_a_working_token(home: Path) -> None:
    """`token issue` prints only the token, which then resolves to the deployment."""
    code, output = _run("issue", "ci-bot", "--home", str(home))
    assert code == 0
    token = output.strip()
    assert TokenStore(home / "tokens.json").resolve(token) == Principal("ci-bot")


def test_issue_with_expiry_sets_it(home: Path) -> None:
    """`--expires 8h` stores an expiry eight hours after creation."""
    _run("issue", "ci-bot", "--expires", "8h", "--home", str(home))
    [record] = TokenStore(home / "tokens.json").list()
    assert record.expires is not None
    assert record.expires - record.created == timedelta(hours=8)


def test_issue_rejects_bad_duration(home: Path) -> None:
    """A duration that is not like 8h is refused and no token is issued."""
    code, output = _run("issue", "ci-bot", "--expires", "soon", "--home", str(home))
    assert code == 2
    assert "`soon`" in output
    assert TokenStore(home / "tokens.json").list() == []


def test_list_shows_prefix_and_status_never_token(home: Path) -> None:
    """`token list` shows each token's prefix, deployment and status, not the token."""
    token = _run("issue", "ci-bot", "--home", str(home))[1].strip()
    code, output = _run("list", "--home", str(home))
    assert code == 0
    assert token[:11] in output
    assert "ci-bot" in output
    assert "active" in output
    assert token not in output


def test_revoke_by_prefix_from_list(home: Path) -> None:
    """The prefix shown by `list` (with its ellipsis) revokes that token."""
    token = _run("issue", "ci-bot", "--home", str(home))[1].strip()
    prefix = _run("list", "--home", str(home))[1].split()[0]
    code, output = _run("revoke", prefix, "--home", str(home))
    assert code == 0
    assert "revoked" in output
    assert TokenStore(home / "tokens.json").resolve(token) is None


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
