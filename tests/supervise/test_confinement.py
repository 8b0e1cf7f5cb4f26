"""Every backend this host can run holds a whole tree, limits it, and kills all of it."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.supervise.conftest import BACKENDS, cleanup_deployment
from watchkeeper.supervise import (
    MARKER_ENV,
    Backend,
    CgroupMounts,
    ConfinementError,
    hold_child,
    marker_pids,
    open_confinement,
    read_cgroup_mounts,
)


@pytest.fixture
def names() -> Iterator[tuple[str, str]]:
    deployment, session = f"t-{secrets.token_hex(4)}", f"s-{secrets.token_hex(8)}"
    yield deployment, session
    cleanup_deployment(deployment)


def _wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("backend", BACKENDS)
def test_setsid_double_fork_stays_a_member_and_dies(
    backend: Backend, names: tuple[str, str]
) -> None:
    """A double-forked setsid grandchild is still a member, and kill leaves nothing alive."""
    deployment, session = names
    confinement = open_confinement(backend, deployment, session)
    env = {"PATH": "/usr/bin:/bin", MARKER_ENV: session, "WATCHKEEPER_DEPLOYMENT": deployment}
    held = hold_child(
        ["sh", "-c", '(setsid sh -c "trap \\"\\" TERM; sleep 60" &); trap "" TERM; sleep 60'], env
    )
    confinement.add(held.pid)
    held.release()
    assert _wait_for(lambda: len(confinement.members()) >= 4)
    assert confinement.kill() == set()
    assert marker_pids(MARKER_ENV, session) == set()
    confinement.remove()
    assert all(not Path(p).exists() for p in confinement.paths)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "pgroup"])
def test_max_procs_caps_the_tree(backend: Backend, names: tuple[str, str]) -> None:
    """With max_procs 4, a loop starting 10 sleepers never has more than 4 members."""
    deployment, session = names
    confinement = open_confinement(backend, deployment, session, max_procs=4)
    env = {"PATH": "/usr/bin:/bin", MARKER_ENV: session, "WATCHKEEPER_DEPLOYMENT": deployment}
    held = hold_child(["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 60 & done; wait"], env)
    confinement.add(held.pid)
    held.release()
    time.sleep(0.3)
    assert confinement.limits["pids.max"] == 4
    assert 1 < len(confinement.members()) <= 4
    confinement.kill()
    confinement.remove()


def test_a_backend_not_mounted_is_refused() -> None:
    """Asking for cgroup2 where none is mounted is an error naming what is usable."""
    with pytest.raises(ConfinementError, match="not available here"):
        open_confinement("cgroup2", "t-x", "s-x", mounts=CgroupMounts())


def test_mountinfo_names_v2_and_v1_controllers(tmp_path: Path) -> None:
    """The v2 mount point and the v1 freezer and pids mount points are read from mountinfo."""
    info = tmp_path / "mountinfo"
    info.write_text(
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
        "36 31 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
        "38 31 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
        "39 31 0:36 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    )
    mounts = read_cgroup_mounts(info)
    assert mounts.v2 == Path("/sys/fs/cgroup/unified")
    assert mounts.v1 == {
        "freezer": Path("/sys/fs/cgroup/freezer"),
        "pids": Path("/sys/fs/cgroup/pids"),
    }


def test_this_host_offers_the_pgroup_fallback() -> None:
    """The process-group backend is always available, and listed last."""
    assert BACKENDS[-1] == "pgroup"
