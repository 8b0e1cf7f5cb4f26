"""`Registry`: register, list, suspend, resume, revoke, resolve — each change in the ledger."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from watchkeeper.clock import utcnow
from watchkeeper.deployments import (
    DeploymentExistsError,
    DeploymentInputError,
    DeploymentNotFoundError,
    DeploymentStateError,
    Registry,
    RegistryFileError,
    RegistryRecordError,
    open_registry,
)
from watchkeeper.deployments._file import DeploymentFile
from watchkeeper.events import DeploymentEvent, Event
from watchkeeper.gateway import DeploymentIdError, TokenStore
from watchkeeper.ledger import ledger_source, load_public_key

Register = Callable[..., str]


def _deployment_events(home: Path) -> list[DeploymentEvent]:
    return [e for _, e in ledger_source(home).events() if isinstance(e, DeploymentEvent)]


def test_register_returns_a_token_that_resolves(registry: Registry, register: Register) -> None:
    """The token `register` returns acts for the new deployment."""
    token = register("ci-bot", max_procs=8, allow_hosts=("pypi.org",))
    found = registry.resolve_token(token)
    assert found is not None
    assert (found.name, found.owner, found.max_procs, found.allow_hosts) == (
        "ci-bot",
        "alice",
        8,
        ("pypi.org",),
    )


def test_register_stores_only_the_token_hash(home: Path, register: Register) -> None:
    """No file in the home holds the token: only its hash and shown prefix are kept."""
    token = register()
    for path in home.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_registry_file_is_private(home: Path, register: Register) -> None:
    """`deployments.json` is readable by its owner only."""
    register()
    assert stat.S_IMODE((home / "deployments.json").stat().st_mode) == 0o600


def test_tokens_issued_before_registration_stay_invalid(
    home: Path, registry: Registry, register: Register
) -> None:
    """A token bound to the name before it was registered is revoked, not adopted."""
    planted = TokenStore(home / "tokens.json").issue("ci-bot")
    register("ci-bot")
    assert registry.resolve_token(planted) is None
    [event] = _deployment_events(home)
    assert event.detail["revoked_earlier_tokens"] == [planted[:11]]


def test_register_twice_is_refused(register: Register) -> None:
    """A name is registered once; the second attempt names the conflict."""
    register("ci-bot")
    with pytest.raises(DeploymentExistsError, match="`ci-bot` is already registered"):
        register("ci-bot")


@pytest.mark.parametrize(("name", "why"), [("local", "reserved"), ("a b", "not valid")])
def test_bad_names_are_refused(registry: Registry, register: Register, name: str, why: str) -> None:
    """Reserved and malformed names are refused and nothing is stored."""
    with pytest.raises(DeploymentIdError, match=why):
        register(name)
    assert registry.list() == []


def test_past_expiry_is_refused(register: Register) -> None:
    """A deployment cannot be registered already expired."""
    with pytest.raises(DeploymentStateError, match="in the past"):
        register(expires=utcnow() - timedelta(seconds=1))


def test_unloadable_policy_is_refused(home: Path, registry: Registry, register: Register) -> None:
    """A policy file that does not load is refused at registration, with its error."""
    bad = home / "bad.yaml"
    bad.write_text("version: 1\ndefault: allow\n")
    with pytest.raises(DeploymentInputError, match="default: allow"):
        register(policy=str(bad))
    assert registry.get("ci-bot") is None


def test_list_and_get(registry: Registry, register: Register) -> None:
    """`list` returns every deployment by name; `get` one, or None."""
    register("zeta")
    register("alpha")
    assert [d.name for d in registry.list()] == ["alpha", "zeta"]
    found = registry.get("zeta")
    assert found is not None
    assert found.purpose == "fixes CI"
    assert registry.get("nobody") is None


def test_suspend_stops_resolving_and_resume_restores(
    registry: Registry, register: Register
) -> None:
    """A suspended deployment's token resolves to nothing until it is resumed."""
    token = register()
    registry.suspend("ci-bot", actor="tester", reason="odd traffic")
    assert registry.resolve_token(token) is None
    suspended = registry.get("ci-bot")
    assert suspended is not None
    assert (suspended.status, suspended.reason) == ("suspended", "odd traffic")
    registry.resume("ci-bot", actor="tester")
    assert registry.resolve_token(token) is not None


def test_revoke_revokes_every_token(home: Path, registry: Registry, register: Register) -> None:
    """Revoking a deployment revokes all its tokens at once, in the token store too."""
    first = register()
    second = registry.issue_token("ci-bot", actor="tester")
    registry.revoke("ci-bot", actor="tester", reason="done")
    store = TokenStore(home / "tokens.json")
    assert store.resolve(first) is None
    assert store.resolve(second) is None
    assert registry.resolve_token(first) is None


def test_revoke_is_final(registry: Registry, register: Register) -> None:
    """A revoked deployment cannot be resumed, re-registered or given tokens."""
    register()
    registry.revoke("ci-bot", actor="tester")
    with pytest.raises(DeploymentStateError, match="only a suspended one resumes"):
        registry.resume("ci-bot", actor="tester")
    with pytest.raises(DeploymentExistsError, match="revoked names stay taken"):
        registry.register("ci-bot", owner="a", purpose="b", actor="tester")
    with pytest.raises(DeploymentStateError, match="is revoked"):
        registry.issue_token("ci-bot", actor="tester")


def test_changes_to_unknown_deployments_fail(registry: Registry) -> None:
    """Suspending a name nobody registered says so."""
    with pytest.raises(DeploymentNotFoundError, match="`ghost`"):
        registry.suspend("ghost", actor="tester")


def test_expired_deployment_does_not_resolve(registry: Registry, register: Register) -> None:
    """Past its expiry a deployment's token resolves to nothing."""
    token = register(expires=utcnow() + timedelta(hours=8))
    with time_machine.travel(utcnow() + timedelta(hours=8, seconds=1)):
        assert registry.resolve_token(token) is None
        found = registry.get("ci-bot")
        assert found is not None
        assert found.state(utcnow()) == "expired"


def test_token_expires_with_its_deployment(home: Path, register: Register) -> None:
    """The first token's expiry is the deployment's."""
    register(expires=utcnow() + timedelta(hours=2))
    [record] = TokenStore(home / "tokens.json").list()
    assert record.expires is not None
    assert record.expires - record.created <= timedelta(hours=2)


def test_a_second_registry_sees_changes_at_once(home: Path, register: Register) -> None:
    """A registry in another process (here: another instance) sees a suspend immediately."""
    token = register()
    gateway_view = open_registry(home)
    assert gateway_view.resolve_token(token) is not None
    open_registry(home).suspend("ci-bot", actor="tester")
    assert gateway_view.resolve_token(token) is None


def test_every_change_is_a_verified_ledger_event(
    home: Path, registry: Registry, register: Register
) -> None:
    """Each change is a `deployment` event with its actor; the ledger verifies."""
    token = register()
    registry.issue_token("ci-bot", actor="tester")
    registry.suspend("ci-bot", actor="bob", reason="why not")
    registry.resume("ci-bot", actor="bob")
    registry.revoke("ci-bot", actor="carol", reason="done")
    events = _deployment_events(home)
    assert [(e.action, e.actor) for e in events] == [
        ("register", "tester"),
        ("token", "tester"),
        ("suspend", "bob"),
        ("resume", "bob"),
        ("revoke", "carol"),
    ]
    assert events[0].detail["token"] == token[:11]
    assert events[2].detail["reason"] == "why not"
    assert len(events[4].detail["tokens"]) == 2
    report = ledger_source(home).verify(load_public_key(home / "keys" / "ledger.pub"))
    assert report.ok, report.reason


def _failing_registry(home: Path) -> Registry:
    def refuse(_events: Sequence[Event]) -> object:
        raise OSError("disk full")

    return Registry(
        DeploymentFile(home / "deployments.json"), TokenStore(home / "tokens.json"), refuse
    )


def test_unrecorded_register_authorises_nothing(home: Path) -> None:
    """When the ledger cannot record a registration, no deployment and no token is left."""
    registry = _failing_registry(home)
    with pytest.raises(RegistryRecordError, match="disk full"):
        registry.register("ci-bot", owner="a", purpose="b", actor="tester")
    assert registry.get("ci-bot") is None
    assert all(r.revoked for r in TokenStore(home / "tokens.json").list())


def test_unrecorded_suspend_still_suspends(home: Path, register: Register) -> None:
    """The kill switch never waits for the ledger: the suspend holds and the error says so."""
    token = register()
    registry = _failing_registry(home)
    with pytest.raises(RegistryRecordError, match="is suspended but the ledger did not record"):
        registry.suspend("ci-bot", actor="tester")
    assert registry.resolve_token(token) is None


def test_corrupt_registry_file_is_a_clear_error(home: Path, registry: Registry) -> None:
    """A damaged registry file is reported, naming the file, not silently treated as empty."""
    (home / "deployments.json").write_text(json.dumps({"deployments": [{"name": 1}]}))
    os.chmod(home / "deployments.json", 0o600)
    with pytest.raises(RegistryFileError, match=r"deployments\.json` is corrupt"):
        registry.list()


def test_concurrent_registrations_are_all_kept(home: Path) -> None:
    """Registrations racing from separate registries (as separate CLI runs) lose nothing."""
    errors: list[BaseException] = []

    def register_one(n: int) -> None:
        try:
            open_registry(home).register(f"bot-{n}", owner="a", purpose="b", actor="tester")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=register_one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(open_registry(home).list()) == 8
    assert len(_deployment_events(home)) == 8
