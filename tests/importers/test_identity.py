"""Imported ids depend only on where a record came from; timestamps come out in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchkeeper.importers import FORMATS, input_files
from watchkeeper.importers._identity import parse_timestamp, stable_id


def test_stable_id_depends_on_every_part() -> None:
    """The same parts give the same 32-hex id; changing or regrouping a part changes it."""
    assert stable_id("a", "b", 1) == stable_id("a", "b", 1)
    assert len(stable_id("a")) == 32
    assert stable_id("a", "b", 1) != stable_id("a", "b", 2)
    assert stable_id("ab", "c") != stable_id("a", "bc")


def test_timestamps_are_utc() -> None:
    """An offset is converted to UTC, and a timestamp without one is read as UTC."""
    assert parse_timestamp("2025-05-12T20:27:36-04:00") == datetime(
        2025, 5, 13, 0, 27, 36, tzinfo=UTC
    )
    assert parse_timestamp("2026-01-02T03:04:05.000Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_timestamp("2026-01-02T03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", "yesterday", 12, None])
def test_non_timestamps_give_none(value: object) -> None:
    """Anything that is not ISO 8601 text gives None, so the caller keeps the time before."""
    assert parse_timestamp(value) is None


def test_unknown_format_is_refused() -> None:
    """Asking for a format no importer reads names the known ones."""
    with pytest.raises(ValueError, match=r"import format `har` is unknown; use one of claude-code"):
        input_files("har", [])
    assert set(FORMATS) == {"claude-code", "inspect", "trajectory", "codex"}
