"""The hash chain primitives: sealing, linking and commitments."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.events import Message, canonical_json
from watchkeeper.ledger import GENESIS
from watchkeeper.ledger._chain import commit_payload, envelope, seal

text = st.text(min_size=1, max_size=40)


@given(session=text, deployment=text, body=st.text(), seq=st.integers(1, 10**12))
def test_link_hashes_the_canonical_envelope(
    session: str, deployment: str, body: str, seq: int
) -> None:
    """The writer's fast link equals sha256(prev ‖ canonical_json(envelope)) for any content."""
    event = Message(session_id=session, deployment_id=deployment, role="user", text=body)
    sealed = seal(event)
    prev = hashlib.sha256(body.encode("utf-8", "replace")).digest()
    expected = envelope(
        seq=seq,
        prev=prev.hex(),
        event_id=event.id,
        kind="message",
        ts=sealed.ts,
        session_id=session,
        deployment_id=deployment,
        commitment=sealed.commitment,
    )
    assert (
        sealed.link(seq, prev, prev.hex())
        == hashlib.sha256(prev + canonical_json(expected)).digest()
    )


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
