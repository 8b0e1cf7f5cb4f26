"""The hash chain primitives: sealing, linking and commitments."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.events import Message, canonical_json
from watchkeeper.ledger import GENESIS
from watchkeeper.ledger._chain import (
    STORED_FIELDS,
    SaltSource,
    commit_payload,
    envelope,
    link_rows,
    seal,
    seal_all,
)

from .conftest import sample_events

text = st.text(min_size=1, max_size=40)


@given(session=text, deployment=text, body=st.text(), seq=st.integers(0, 10**12))
def test_link_hashes_the_canonical_envelope(
    session: str, deployment: str, body: str, seq: int
) -> None:
    """The writer's fast link equals sha256(prev ‖ canonical_json(envelope)) for any content."""
    event = Message(session_id=session, deployment_id=deployment, role="user", text=body)
    sealed = seal(event)
    prev = hashlib.sha256(body.encode("utf-8", "replace")).digest()
    expected = envelope(
        seq=seq + 1,
        prev=prev.hex(),
        event_id=event.id,
        kind="message",
        ts=sealed.ts,
        session_id=session,
        deployment_id=deployment,
        commitment=sealed.commitment,
    )
    rows: list[object] = []
    hashes, last = link_rows([sealed], seq, prev, rows)
    assert last == hashlib.sha256(prev + canonical_json(expected)).digest()
    assert hashes == [last.hex()]


def test_linked_rows_chain_each_record_to_the_one_before() -> None:
    """Each row holds its stored fields, its seq, the previous hash and its own hash."""
    sealed = [seal(Message(session_id="s", role="user", text=f"m{i}")) for i in range(3)]
    rows: list[object] = []
    hashes, last = link_rows(sealed, 41, GENESIS, rows)
    width = STORED_FIELDS + 3
    assert len(rows) == 3 * width
    records = [rows[i : i + width] for i in range(0, len(rows), width)]
    assert [r[:STORED_FIELDS] for r in records] == [list(s[:STORED_FIELDS]) for s in sealed]
    assert [r[STORED_FIELDS:] for r in records] == [
        [42, GENESIS.hex(), hashes[0]],
        [43, hashes[0], hashes[1]],
        [44, hashes[1], hashes[2]],
    ]
    assert last.hex() == hashes[2]


def test_commitment_covers_salt_and_full_event_json() -> None:
    """The commitment is sha256(salt ‖ canonical JSON of the whole event)."""
    event = Message(session_id="s", role="assistant", text="secret plan")
    sealed = seal(event)
    assert sealed.payload == canonical_json(event.model_dump(mode="json"))
    assert len(sealed.salt) == 32
    assert sealed.commitment == hashlib.sha256(sealed.salt + sealed.payload).hexdigest()
    assert sealed.commitment == commit_payload(sealed.salt, sealed.payload)


def test_same_event_sealed_twice_gets_different_commitments() -> None:
    """A fresh random salt per seal keeps a withheld payload from being guessed by hashing."""
    event = Message(session_id="s", role="user", text="yes")
    assert seal(event).commitment != seal(event).commitment


def test_genesis_is_32_zero_bytes() -> None:
    """The first record links to 32 zero bytes."""
    assert bytes(32) == GENESIS


def test_payload_is_the_canonical_json_of_model_dump_for_every_kind() -> None:
    """Sealing records exactly `canonical_json(event.model_dump(mode="json"))`, for every kind."""
    events = sample_events(7)
    for event, sealed in zip(events, seal_all(events), strict=True):
        assert bytes(sealed.payload) == canonical_json(event.model_dump(mode="json"))
        assert (sealed.event_id, sealed.kind, sealed.session_id) == (
            event.id,
            event.kind,
            event.session_id,
        )


def test_seal_all_uses_the_salts_it_is_given() -> None:
    """Each event gets its own 32-byte slice of the salts passed in, in order."""
    events = sample_events(3)
    salts = bytes(range(96))
    assert [bytes(s.salt) for s in seal_all(events, salts)] == [
        salts[0:32],
        salts[32:64],
        salts[64:96],
    ]


def test_seal_all_refuses_salts_of_the_wrong_length() -> None:
    """Salts that do not give every event 32 bytes are refused, not stretched or reused."""
    with pytest.raises(ValueError, match="pass 32 bytes per event"):
        seal_all(sample_events(2), bytes(32))


def test_salt_source_never_hands_out_the_same_bytes_twice() -> None:
    """Salts drawn across refills and oversized requests are all distinct and 32 bytes each."""
    source = SaltSource(pool=256)
    draws = [source.take(n) for n in (1, 3, 5, 2, 20, 1)]
    assert [len(d) for d in draws] == [32, 96, 160, 64, 640, 32]
    salts = [d[i : i + 32] for d in draws for i in range(0, len(d), 32)]
    assert len(set(salts)) == len(salts) == 32
