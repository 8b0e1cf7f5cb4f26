"""Fan-out settings: names derived from the prefix, subjects safe for any deployment id."""

from __future__ import annotations

import pytest

from watchkeeper.fanout import FanoutConfig, FanoutConfigError


def test_prefix_names_stream_subjects_and_consumer() -> None:
    """One prefix names the stream, the subjects and the shared consumer."""
    config = FanoutConfig(url="nats://x", prefix="acme-prod")
    assert (config.stream, config.subjects, config.durable) == (
        "ACME_PROD",
        "acme-prod.events.>",
        "acme-prod-monitors",
    )


def test_plain_deployment_id_is_its_own_subject_token() -> None:
    """A deployment id made of letters, digits, `-` and `_` appears as it is in the subject."""
    assert FanoutConfig(url="nats://x").subject("team-a_1") == "wk.events.team-a_1"


def test_deployment_id_unfit_for_a_subject_is_hashed() -> None:
    """Dots, spaces and wildcards in a deployment id never reach the subject."""
    subject = FanoutConfig(url="nats://x").subject("a.b *>")
    assert subject.startswith("wk.events.h-")
    assert subject.count(".") == 2


def test_invalid_prefix_is_one_sentence_naming_it() -> None:
    """A prefix that cannot name a stream is refused with a message naming it."""
    with pytest.raises(FanoutConfigError, match=r"prefix `Bad\.x`"):
        FanoutConfig.of("nats://x", prefix="Bad.x")


def test_progress_acks_come_four_times_per_ack_wait() -> None:
    """A live worker's progress acks leave room for three missed ones before redelivery."""
    assert FanoutConfig(url="nats://x", ack_wait=2.0).progress_interval == 0.5


def test_ack_wait_too_short_for_progress_acks_is_refused() -> None:
    """An ack wait under 0.2 s (progress every 50 ms) is refused, naming the setting."""
    with pytest.raises(FanoutConfigError, match="`ack_wait`"):
        FanoutConfig.of("nats://x", ack_wait=0.1)
