"""Supervision: run an agent confined (cgroup v2, cgroup v1 or a marked process group), record
its whole process tree, heartbeat, and leave nothing of it running when it ends."""

from watchkeeper.supervise._cgroup1 import Cgroup1Confinement
from watchkeeper.supervise._cgroup2 import Cgroup2Confinement
from watchkeeper.supervise._confinement import (
    DEPLOYMENT_ENV,
    MARKER_ENV,
    Backend,
    Confinement,
    ConfinementError,
)
from watchkeeper.supervise._mounts import CgroupMounts, read_cgroup_mounts
from watchkeeper.supervise._open import (
    BackendChoice,
    attach_confinement,
    available_backends,
    open_confinement,
)
from watchkeeper.supervise._persistence import (
    DEFAULT_CRON_SPOOLS,
    PersistenceFinding,
    PersistenceSnapshot,
    find_persistence,
    remove_persistence,
    take_snapshot,
)
from watchkeeper.supervise._pgroup import ProcessGroupConfinement
from watchkeeper.supervise._procfs import (
    ProcInfo,
    listening_inodes,
    marker_pids,
    pid_alive,
    proc_info,
    read_cgroups,
    read_processes,
    signal_all,
    socket_inodes,
)
from watchkeeper.supervise._session import (
    SUPERVISION_DIR,
    SupervisedSession,
    load_session,
    load_sessions,
    new_session_id,
    save_session,
    session_path,
)
from watchkeeper.supervise._spawn import HeldChild, SpawnError, hold_child
from watchkeeper.supervise._supervisor import (
    RunError,
    RunOutcome,
    RunRequest,
    Supervisor,
    snapshot_path,
)
from watchkeeper.supervise._tracker import ProcessTracker

__all__ = [
    "DEFAULT_CRON_SPOOLS",
    "DEPLOYMENT_ENV",
    "MARKER_ENV",
    "SUPERVISION_DIR",
    "Backend",
    "BackendChoice",
    "Cgroup1Confinement",
    "Cgroup2Confinement",
    "CgroupMounts",
    "Confinement",
    "ConfinementError",
    "HeldChild",
    "PersistenceFinding",
    "PersistenceSnapshot",
    "ProcInfo",
    "ProcessGroupConfinement",
    "ProcessTracker",
    "RunError",
    "RunOutcome",
    "RunRequest",
    "SpawnError",
    "SupervisedSession",
    "Supervisor",
    "attach_confinement",
    "available_backends",
    "find_persistence",
    "hold_child",
    "listening_inodes",
    "load_session",
    "load_sessions",
    "marker_pids",
    "new_session_id",
    "open_confinement",
    "pid_alive",
    "proc_info",
    "read_cgroup_mounts",
    "read_cgroups",
    "read_processes",
    "remove_persistence",
    "save_session",
    "session_path",
    "signal_all",
    "snapshot_path",
    "socket_inodes",
    "take_snapshot",
]
