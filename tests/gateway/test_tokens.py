"""Bearer tokens: issue, resolve, expire, revoke, and the admin token file."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from watchkeeper.gateway import (
    TOKEN_PREFIX,
    DeploymentIdError,
    Principal,
    TokenNotFoundError,
    TokenStore,
    TokenStoreError,
    ensure_admin_token,
)


def test_issued_token_resolves_to_its_deployment(tmp_path: Path) -> None:
    """A freshly issued token resolves to the deployment it was issued for."""
    store = TokenStore(tmp_path / "tokens.json")
    token = store.issue("ci-bot")
    assert token.startswith(TOKEN_PREFIX)
    assert store.resolve(token) == Principal(deployment_id="ci-bot", admin=False)


def test_unknown_token_resolves_to_none(tmp_path: Path) -> None:
    """A token that was never issued resolves to nothing."""
    store = TokenStore(tmp_path / "tokens.json")
    store.issue("ci-bot")
    assert store.resolve(TOKEN_PREFIX + "x" * 43) is None


def test_token_file_holds_only_hashes_and_is_private(tmp_path: Path) -> None:
    """The token file is mode 0600 and never contains a plaintext token."""
    path = tmp_path / "tokens.json"
    token = TokenStore(path).issue("ci-bot")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert token not in text
    assert token[len(TOKEN_PREFIX) :] not in text
    assert json.loads(text)["tokens"][0]["deployment_id"] == "ci-bot"


def test_expired_token_is_refused(tmp_path: Path) -> None:
    """A token stops resolving once its expiry has passed."""
    store = TokenStore(tmp_path / "tokens.json")
    with time_machine.travel("2026-01-01T00:00:00Z", tick=False) as traveller:
        token = store.issue("ci-bot", expires=timedelta(hours=8))
        traveller.shift(timedelta(hours=7, minutes=59))
        assert store.resolve(token) is not None
        traveller.shift(timedelta(minutes=2))
        assert store.resolve(token) is None


def test_revoke_by_deployment_refuses_all_its_tokens(tmp_path: Path) -> None:
    """Revoking a deployment revokes every token of it and no other."""
    store = TokenStore(tmp_path / "tokens.json")
    first, second = store.issue("ci-bot"), store.issue("ci-bot")
    other = store.issue("laptop")
    assert len(store.revoke("ci-bot")) == 2
    assert store.resolve(first) is None
    assert store.resolve(second) is None
    assert store.resolve(other) == Principal("laptop")


def test_revoke_by_prefix_refuses_only_that_token(tmp_path: Path) -> None:
    """Revoking by the listed prefix revokes exactly that token."""
    store = TokenStore(tmp_path / "tokens.json")
    first, second = store.issue("ci-bot"), store.issue("ci-bot")
    [record] = [r for r in store.list() if first.startswith(r.prefix)]
    store.revoke(record.prefix)
    assert store.resolve(first) is None
    assert store.resolve(second) is not None


def test_revoke_of_unknown_target_raises(tmp_path: Path) -> None:
    """Revoking something that matches no active token says so."""
    store = TokenStore(tmp_path / "tokens.json")
    store.issue("ci-bot")
    with pytest.raises(TokenNotFoundError, match="`nobody`"):
        store.revoke("nobody")


def test_second_store_sees_tokens_issued_by_first(tmp_path: Path) -> None:
    """A running gateway's store sees tokens the CLI issues or revokes later."""
    serving = TokenStore(tmp_path / "tokens.json")
    assert serving.resolve(TOKEN_PREFIX + "nothing") is None
    cli = TokenStore(tmp_path / "tokens.json")
    token = cli.issue("late")
    assert serving.resolve(token) == Principal("late")
    cli.revoke("late")
    assert serving.resolve(token) is None


def test_invalid_deployment_id_is_refused(tmp_path: Path) -> None:
    """Deployment ids with spaces or slashes are refused before anything is stored."""
    store = TokenStore(tmp_path / "tokens.json")
    with pytest.raises(DeploymentIdError, match="`a b/c`"):
        store.issue("a b/c")
    assert store.list() == []


def test_corrupt_token_file_raises(tmp_path: Path) -> None:
    """A corrupt token file is an error, not an empty store."""
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    with pytest.raises(TokenStoreError, match="corrupt"):
        TokenStore(path).resolve(TOKEN_PREFIX + "x")


def test_admin_token_is_created_once_and_private(tmp_path: Path) -> None:
    """The admin token file is created 0600 on first use and kept afterwards."""
    store = TokenStore(tmp_path / "tokens.json")
    path = ensure_admin_token(store, tmp_path / "admin.token")
    token = path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.resolve(token) == Principal("local", admin=True)
    ensure_admin_token(store, path)
    assert path.read_text().strip() == token


def test_admin_token_is_replaced_when_revoked(tmp_path: Path) -> None:
    """A revoked admin token is replaced by a new working one."""
    store = TokenStore(tmp_path / "tokens.json")
    path = ensure_admin_token(store, tmp_path / "admin.token")
    old = path.read_text().strip()
    store.revoke(old[:11])
    ensure_admin_token(store, path)
    new = path.read_text().strip()
    assert new != old
    assert store.resolve(new) == Principal("local", admin=True)
