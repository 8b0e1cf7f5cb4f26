"""`rotate_key` on both backends: the handover, the key files, and writers that are open."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import Lifecycle, ToolCall
from watchkeeper.ledger import (
    UNSIGNED_PHASE,
    LedgerKeyError,
    key_id,
    ledger_source,
    load_or_create_key,
    load_public_key,
    open_ledger,
    rotate_key,
)
from watchkeeper.ledger._keys import load_private_key, write_private_key

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _append(home: Path, count: int) -> None:
    with open_ledger(home, checkpoint_every=3) as store:
        for i in range(count):
            store.append([ToolCall(session_id="s", tool="Bash", args={"i": i})])


def _checkpoint_keys(home: Path) -> list[tuple[int, str]]:
    """Return (seq, key_id) of every checkpoint, in order, as the export lists them."""
    out = io.StringIO()
    ledger_source(home).export_jsonl(out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return [(c["checkpoint"]["seq"], c["checkpoint"]["key_id"]) for c in lines if "checkpoint" in c]


def test_rotate_then_append_then_verify(tmp_path: Path) -> None:
    """After a rotation new checkpoints use the new key, and the ledger verifies from either."""
    _append(tmp_path, 4)
    old_public = load_public_key(tmp_path / "keys" / "ledger.pub")
    done = rotate_key(tmp_path, reason="scheduled")
    _append(tmp_path, 4)
    new_public = load_public_key(tmp_path / "keys" / "ledger.pub")
    assert (done.old_key_id, done.new_key_id) == (key_id(old_public), key_id(new_public))
    assert done.checkpoint_seq >= done.seq == 5
    signers = dict(_checkpoint_keys(tmp_path))
    assert signers[done.checkpoint_seq] == done.old_key_id
    assert signers[max(signers)] == done.new_key_id
    for roots in ([old_public], [new_public], [old_public, new_public]):
        report = ledger_source(tmp_path).verify(roots)
        assert (report.ok, report.rotations) == (True, 1), report.reason


def test_old_private_key_leaves_the_home(tmp_path: Path) -> None:
    """The old public key is kept under keys/retired; no file in the home holds the old key."""
    _append(tmp_path, 2)
    old = load_or_create_key(tmp_path / "keys")
    done = rotate_key(tmp_path)
    keys = tmp_path / "keys"
    assert load_public_key(done.retired_public_key).public_bytes_raw() == (
        old.public_key().public_bytes_raw()
    )
    assert stat.S_IMODE((keys / "ledger.key").stat().st_mode) == 0o600
    current = load_private_key(keys / "ledger.key")
    assert key_id(current.public_key()) == done.new_key_id
    old_pem_tail = old.private_bytes_raw()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert old_pem_tail not in path.read_bytes(), path
    assert not (keys / "ledger.key.next").exists()


def test_open_writer_signs_its_next_checkpoint_with_the_new_key(tmp_path: Path) -> None:
    """A store opened before the rotation picks up the replaced key file; verify passes."""
    with open_ledger(tmp_path, checkpoint_every=3) as store:
        store.append([ToolCall(session_id="s", tool="Bash", args={})])
        done = rotate_key(tmp_path, reason="while a writer is open")
        for i in range(5):
            store.append([ToolCall(session_id="s", tool="Bash", args={"i": i})])
    signers = _checkpoint_keys(tmp_path)
    after = [kid for seq, kid in signers if seq > done.checkpoint_seq]
    assert after
    assert set(after) == {done.new_key_id}
    report = ledger_source(tmp_path).verify(load_public_key(done.retired_public_key))
    assert report.ok, report.reason


def test_rotate_twice_verifies_from_the_first_key(tmp_path: Path) -> None:
    """Rotations chain: the first key's trust reaches the third key's checkpoints."""
    _append(tmp_path, 2)
    first = rotate_key(tmp_path)
    _append(tmp_path, 2)
    rotate_key(tmp_path)
    _append(tmp_path, 2)
    report = ledger_source(tmp_path).verify(load_public_key(first.retired_public_key))
    assert (report.ok, report.rotations) == (True, 2), report.reason


def test_rotate_refuses_a_home_whose_key_is_not_the_ledgers(tmp_path: Path) -> None:
    """When the last checkpoint was signed by another key, nothing is recorded or switched."""
    _append(tmp_path, 3)
    keys = tmp_path / "keys"
    (keys / "ledger.key").unlink()
    write_private_key(keys / "ledger.key", Ed25519PrivateKey.generate())
    before = (keys / "ledger.key").read_bytes()
    head = ledger_source(tmp_path).head()
    with pytest.raises(LedgerKeyError, match="not by this home's key"):
        rotate_key(tmp_path)
    assert (keys / "ledger.key").read_bytes() == before
    assert ledger_source(tmp_path).head() == head


def test_rotate_without_a_key_refuses(tmp_path: Path) -> None:
    """A home with no signing key has nothing to rotate."""
    with pytest.raises(LedgerKeyError, match="no key to rotate"):
        rotate_key(tmp_path)


def test_writer_without_its_key_file_signs_nothing(tmp_path: Path) -> None:
    """With the key file gone, appends still commit but no checkpoint is signed with a stale key."""
    with open_ledger(tmp_path, checkpoint_every=2) as store:
        store.append([ToolCall(session_id="s", tool="Bash", args={})])
        (tmp_path / "keys" / "ledger.key").unlink()
        for i in range(4):
            store.append([ToolCall(session_id="s", tool="Bash", args={"i": i})])
    # The five appends, and the writer's one note that it could not sign.
    records = list(ledger_source(tmp_path).events())
    assert len(records) == 6
    assert [e.phase for _s, e in records if isinstance(e, Lifecycle)] == [UNSIGNED_PHASE]
    assert _checkpoint_keys(tmp_path) == []
