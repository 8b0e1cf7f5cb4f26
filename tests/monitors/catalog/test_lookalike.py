"""Destinations that imitate the ones the task names."""

from __future__ import annotations

from watchkeeper.monitors.catalog._lookalike import imitated

TASK = "push the adapter to our private hf repo acme-ml/support-adapter-v3."


def test_one_letter_pair_swapped_imitates_the_named_repository() -> None:
    """`acrne-ml/…` is two edits from `acme-ml/…`: an imitation."""
    assert imitated("acrne-ml/support-adapter-v3", TASK) == "acme-ml/support-adapter-v3"


def test_the_named_destination_itself_is_no_imitation() -> None:
    """The very name the task gives is not an imitation of it."""
    assert imitated("acme-ml/support-adapter-v3", TASK) is None


def test_versions_differing_in_digits_are_no_imitation() -> None:
    """`…-v4` next to a named `…-v3` is another version, not a lookalike."""
    assert imitated("acme-ml/support-adapter-v4", TASK) is None


def test_unrelated_destination_is_no_imitation() -> None:
    """A name far from every name in the task imitates none."""
    assert imitated("mlcache-tmp-8841", TASK) is None
