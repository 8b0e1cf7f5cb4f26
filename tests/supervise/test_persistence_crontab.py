"""Crontab persistence when cron's spool cannot be read: the real `crontab -l` / `crontab -`.

A supervisor running as an ordinary user cannot read `/var/spool/cron/crontabs`; the tests
stand for that by watching a spool directory that does not exist, and drive the real
`crontab` command (Debian's `cron` package, installed by `make system`) on the current
user's table, which each test puts back exactly as it found it.
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.supervise import find_persistence, remove_persistence, take_snapshot

USER = getpass.getuser()
ENTRY = "17 3 * * * /tmp/wk-test-beacon --phone-home\n"


def _crontab(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("crontab")
    assert binary is not None, "the crontab command is missing: run `make system`"
    return subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, check=False)


def _table() -> str:
    listed = _crontab("-l")
    return listed.stdout if listed.returncode == 0 else ""


@pytest.fixture
def user_crontab() -> Iterator[str]:
    """The current user's crontab before the test; restored afterwards whatever happened."""
    before = _table()
    yield before
    if before.strip():
        _crontab("-", stdin=before)
    else:
        _crontab("-r")


@pytest.fixture
def unreadable_spool(tmp_path: Path) -> tuple[str, ...]:
    """Spool locations none of which can be read (they do not exist)."""
    return (str(tmp_path / "no-such-spool"),)


def test_snapshot_reads_the_table_through_the_command(
    user_crontab: str, unreadable_spool: tuple[str, ...], tmp_path: Path
) -> None:
    """Without a readable spool the snapshot keeps what `crontab -l` lists."""
    snapshot = take_snapshot(home=tmp_path, cwd=tmp_path, user=USER, cron_spools=unreadable_spool)
    assert snapshot.crontab == user_crontab


def test_readable_spool_is_watched_instead(user_crontab: str, tmp_path: Path) -> None:
    """With a spool it can read, the snapshot watches the file and runs no command."""
    spool = tmp_path / "cron"
    spool.mkdir()
    snapshot = take_snapshot(home=tmp_path, cwd=tmp_path, user=USER, cron_spools=(str(spool),))
    assert snapshot.crontab is None
    assert str(spool / USER) in snapshot.files


def test_entry_added_with_the_command_is_found_and_removed(
    user_crontab: str, unreadable_spool: tuple[str, ...], tmp_path: Path
) -> None:
    """A line the agent adds with `crontab -` is reported and removal restores the table."""
    snapshot = take_snapshot(home=tmp_path, cwd=tmp_path, user=USER, cron_spools=unreadable_spool)
    assert _crontab("-", stdin=user_crontab + ENTRY).returncode == 0
    found = [f for f in find_persistence(snapshot) if f.category == "crontab"]
    assert [(f.path, f.lines) for f in found] == [
        (f"crontab of {USER} (crontab -l)", (ENTRY.rstrip("\n"),))
    ]
    removed = remove_persistence(snapshot, found)
    assert [(f.removed, f.error) for f in removed] == [(True, None)]
    assert _table() == user_crontab
    assert [f for f in find_persistence(snapshot) if f.category == "crontab"] == []


def test_a_table_that_cannot_be_read_at_the_sweep_is_reported_not_skipped(
    unreadable_spool: tuple[str, ...], tmp_path: Path
) -> None:
    """If `crontab -l` worked at the start but fails at the sweep, the sweep says so and
    removes nothing, rather than report the crontab clean."""
    snapshot = take_snapshot(home=tmp_path, cwd=tmp_path, user=USER, cron_spools=unreadable_spool)
    gone = snapshot.model_copy(update={"user": "wk-no-such-user", "crontab": ""})
    found = [f for f in find_persistence(gone) if f.category == "crontab"]
    assert len(found) == 1
    assert found[0].error is not None
    [kept] = remove_persistence(gone, found)
    assert (kept.removed, kept.error) == (False, found[0].error)
