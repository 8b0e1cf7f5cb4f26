"""Persistence an agent may leave behind, found by comparing the host with a start snapshot.

Watched: crontab spool files (or, when the spool cannot be read, as for any user but root,
the user's table through ``crontab -l``), systemd user units, ``at`` jobs (when ``atq``
exists), shell rc files, git hooks of the repository the agent works in, ``authorized_keys``
and XDG autostart entries. Text files are kept whole in the snapshot so they can be restored
line for line; files in watched directories are kept when small, otherwise only their hash.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from watchkeeper.clock import utcnow
from watchkeeper.supervise._crontab import read_crontab, write_crontab

__all__ = [
    "DEFAULT_CRON_SPOOLS",
    "PersistenceFinding",
    "PersistenceSnapshot",
    "find_persistence",
    "remove_persistence",
    "take_snapshot",
]

Category = Literal[
    "crontab", "systemd-user-unit", "at-job", "shell-rc", "git-hook", "authorized-keys", "autostart"
]
#: Where cron keeps per-user crontabs (Debian, then Red Hat layout); files are named by user.
DEFAULT_CRON_SPOOLS = ("/var/spool/cron/crontabs", "/var/spool/cron")
_RC_FILES = (
    ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
    ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".config/fish/config.fish",
)  # fmt: skip
_KEY_FILES = (".ssh/authorized_keys", ".ssh/authorized_keys2")
_KEEP_BYTES = 64 * 1024


class TreeFile(BaseModel):
    """A file in a watched directory: its hash, and its text when small enough to restore."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    text: str | None = None


class PersistenceSnapshot(BaseModel):
    """The watched persistence locations as they were when a session started."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    taken: AwareDatetime
    home: str
    cwd: str
    user: str
    files: dict[str, tuple[Category, str | None]]
    trees: dict[str, tuple[Category, dict[str, TreeFile]]]
    at_jobs: tuple[str, ...] | None = None
    #: The user's table from ``crontab -l`` ("" for none) when no cron spool could be read;
    #: None when the spool files are watched instead (or there is no crontab command).
    crontab: str | None = None


class PersistenceFinding(BaseModel):
    """One thing added or changed since the snapshot; `removed` once it has been undone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: Category
    path: str
    change: Literal["added", "modified"]
    lines: tuple[str, ...] = ()
    removed: bool = False
    error: str | None = None

    def describe(self) -> str:
        """Return one line for people: what, where, and what was done about it."""
        what = f"{self.category} {self.change}: {self.path}"
        if self.lines:
            what += " (" + "; ".join(line.strip()[:80] for line in self.lines[:3]) + ")"
        if self.error:
            return what + f" — not removed: {self.error}"
        return what + (" — removed" if self.removed else "")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError:
        return None


def _git_hooks(cwd: Path) -> Path | None:
    for candidate in (cwd, *cwd.parents):
        if (candidate / ".git").is_dir():
            return candidate / ".git" / "hooks"
    return None


def _watched_files(
    home: Path, user: str, cron_spools: tuple[str, ...]
) -> Iterator[tuple[Category, Path]]:
    for name in _RC_FILES:
        yield "shell-rc", home / name
    for name in _KEY_FILES:
        yield "authorized-keys", home / name
    for spool in cron_spools:
        yield "crontab", Path(spool) / user


def _watched_trees(home: Path, cwd: Path) -> Iterator[tuple[Category, Path]]:
    yield "systemd-user-unit", home / ".config" / "systemd" / "user"
    yield "autostart", home / ".config" / "autostart"
    hooks = _git_hooks(cwd)
    if hooks is not None:
        yield "git-hook", hooks


def _tree(directory: Path) -> dict[str, TreeFile]:
    found: dict[str, TreeFile] = {}
    for root, _dirs, names in os.walk(directory):
        for name in names:
            path = Path(root) / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            text: str | None = None
            if len(data) <= _KEEP_BYTES:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
            found[str(path.relative_to(directory))] = TreeFile(
                sha256=hashlib.sha256(data).hexdigest(), text=text
            )
    return found


def _spool_readable(spool: str) -> bool:
    return os.path.isdir(spool) and os.access(spool, os.R_OK | os.X_OK)


def _crontab_path(user: str) -> str:
    """The finding path of a table read through the command (no file path is readable)."""
    return f"crontab of {user} (crontab -l)"


def _at_jobs() -> tuple[str, ...] | None:
    atq = shutil.which("atq")
    if atq is None:
        return None
    result = subprocess.run([atq], capture_output=True, text=True, check=False, timeout=10)  # noqa: S603 - fixed binary from PATH
    return tuple(line.split()[0] for line in result.stdout.splitlines() if line.split())


def take_snapshot(
    *, home: Path, cwd: Path, user: str, cron_spools: tuple[str, ...] = DEFAULT_CRON_SPOOLS
) -> PersistenceSnapshot:
    """Record the watched locations for an agent running as `user` with `home` in `cwd`."""
    files = {
        str(path): (category, _read_text(path))
        for category, path in _watched_files(home, user, cron_spools)
    }
    trees = {str(path): (category, _tree(path)) for category, path in _watched_trees(home, cwd)}
    spools_readable = any(_spool_readable(spool) for spool in cron_spools)
    return PersistenceSnapshot(
        taken=utcnow(),
        home=str(home),
        cwd=str(cwd),
        user=user,
        files=files,
        trees=trees,
        at_jobs=_at_jobs(),
        crontab=None if spools_readable else read_crontab(user),
    )


def _added_lines(before: str | None, after: str) -> tuple[str, ...]:
    remaining = (before or "").splitlines()
    added: list[str] = []
    for line in after.splitlines():
        if line in remaining:
            remaining.remove(line)
        else:
            added.append(line)
    return tuple(added)


def find_persistence(snapshot: PersistenceSnapshot) -> list[PersistenceFinding]:
    """Return everything added or changed in the watched locations since `snapshot`."""
    found: list[PersistenceFinding] = []
    for name, (category, before) in snapshot.files.items():
        after = _read_text(Path(name))
        if after is None or after == before:
            continue
        change: Literal["added", "modified"] = "added" if before is None else "modified"
        found.append(
            PersistenceFinding(
                category=category, path=name, change=change, lines=_added_lines(before, after)
            )
        )
    for name, (category, before_tree) in snapshot.trees.items():
        for relative, entry in _tree(Path(name)).items():
            old = before_tree.get(relative)
            if old is None or old.sha256 != entry.sha256:
                found.append(
                    PersistenceFinding(
                        category=category,
                        path=str(Path(name) / relative),
                        change="added" if old is None else "modified",
                    )
                )
    if snapshot.crontab is not None:
        table = read_crontab(snapshot.user)
        if table is None:  # readable at the start: a sweep that cannot look must say so
            found.append(
                PersistenceFinding(
                    category="crontab",
                    path=_crontab_path(snapshot.user),
                    change="modified",
                    error="`crontab -l` failed now (it worked at the start); check this "
                    "user's crontab by hand",
                )
            )
        elif table != snapshot.crontab:
            found.append(
                PersistenceFinding(
                    category="crontab",
                    path=_crontab_path(snapshot.user),
                    change="added" if not snapshot.crontab.strip() else "modified",
                    lines=_added_lines(snapshot.crontab, table),
                )
            )
    if snapshot.at_jobs is not None:
        for job in sorted(set(_at_jobs() or ()) - set(snapshot.at_jobs)):
            found.append(
                PersistenceFinding(category="at-job", path=f"at job {job}", change="added")
            )
    return found


def _undo(snapshot: PersistenceSnapshot, finding: PersistenceFinding) -> str | None:
    """Undo one finding; return None on success or why it could not be undone."""
    if finding.error is not None:  # found without being able to look: nothing to undo safely
        return finding.error
    path = Path(finding.path)
    if finding.category == "crontab" and finding.path == _crontab_path(snapshot.user):
        return write_crontab(snapshot.user, snapshot.crontab or "")
    if finding.category == "at-job":
        job = finding.path.rsplit(" ", 1)[1]
        atrm = shutil.which("atrm")
        if atrm is None:
            return "atrm is not installed"
        result = subprocess.run(  # noqa: S603 - a fixed binary from PATH and a job id from atq
            [atrm, job], capture_output=True, text=True, check=False, timeout=10
        )
        return None if result.returncode == 0 else result.stderr.strip() or "atrm failed"
    if finding.path in snapshot.files:
        before = snapshot.files[finding.path][1]
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(before, encoding="utf-8")
        return None
    if finding.change == "added":
        path.unlink(missing_ok=True)
        return None
    for name, (_category, tree) in snapshot.trees.items():
        if path.is_relative_to(name):
            old = tree.get(str(path.relative_to(name)))
            if old is not None and old.text is not None:
                path.write_text(old.text, encoding="utf-8")
                return None
    return "its earlier content was too large or not text to keep; restore it by hand"


def remove_persistence(
    snapshot: PersistenceSnapshot, findings: list[PersistenceFinding]
) -> list[PersistenceFinding]:
    """Undo each finding (restore text files to the snapshot, delete added files)."""
    done: list[PersistenceFinding] = []
    for finding in findings:
        try:
            error = _undo(snapshot, finding)
        except OSError as exc:
            error = f"{exc.strerror} ({exc.filename})"
        done.append(finding.model_copy(update={"removed": error is None, "error": error}))
    return done
