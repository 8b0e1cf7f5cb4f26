"""Where the cgroup hierarchies are mounted, read from ``/proc/self/mountinfo``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CgroupMounts", "read_cgroup_mounts"]


@dataclass(frozen=True, slots=True)
class CgroupMounts:
    """The cgroup v2 mount point (if any) and each v1 controller's mount point."""

    v2: Path | None = None
    v1: dict[str, Path] = field(default_factory=dict)


def read_cgroup_mounts(mountinfo: Path = Path("/proc/self/mountinfo")) -> CgroupMounts:
    """Return the cgroup mounts this process sees (empty when none are mounted)."""
    v2: Path | None = None
    v1: dict[str, Path] = {}
    try:
        lines = mountinfo.read_text().splitlines()
    except OSError:
        return CgroupMounts()
    for line in lines:
        left, _, right = line.partition(" - ")
        fields = left.split()
        tail = right.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        mount_point = Path(fields[4].replace("\\040", " "))
        if tail[0] == "cgroup2" and v2 is None:
            v2 = mount_point
        elif tail[0] == "cgroup":
            for option in tail[2].split(","):
                if option in ("freezer", "pids"):
                    v1.setdefault(option, mount_point)
    return CgroupMounts(v2=v2, v1=v1)
