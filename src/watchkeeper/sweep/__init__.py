"""Rogue-deployment detection: host process sweeps, monitoring gaps, ledger gaps, coverage.

`Sweeper(home, …).run()` scans `/proc` for agents and model servers (configurable
`Signature`s) and for processes carrying a watchkeeper marker, and raises alerts for those
not supervised under an active deployment (`rogue-deployment`), for supervised sessions
whose heartbeats stopped (`monitoring-gap`), for ledger records missing or altered since
the last sweep (`ledger-gap`), and for executions in a supervised tree that no decided tool
call accounts for (`unmonitored-execution`). `PeriodicSweep` runs it inside the gateway.
"""

from watchkeeper.sweep._assess import DeploymentLike, ProcessCheck, SessionLike, check_processes
from watchkeeper.sweep._config import (
    SWEEP_FILE,
    CoverageConfig,
    SweepConfig,
    SweepConfigError,
    load_sweep_config,
)
from watchkeeper.sweep._coverage import CoverageReport, Execution, assess_coverage
from watchkeeper.sweep._findings import (
    LEDGER_GAP,
    MONITORING_GAP,
    ROGUE_DEPLOYMENT,
    SWEEP_MONITOR,
    UNMONITORED_EXECUTION,
    Finding,
)
from watchkeeper.sweep._ledger_check import check_ledger
from watchkeeper.sweep._ledger_window import SessionEvents
from watchkeeper.sweep._periodic import PeriodicSweep, periodic_sweep
from watchkeeper.sweep._program import Program, describe
from watchkeeper.sweep._session_coverage import SessionCoverage
from watchkeeper.sweep._signatures import (
    BUILTIN_SIGNATURES,
    Signature,
    SignatureMatch,
    is_watchkeeper,
    match_process,
)
from watchkeeper.sweep._sweep import (
    STATE_FILE,
    Raised,
    Sweeper,
    SweepReport,
    UnknownSessionError,
)

__all__ = [
    "BUILTIN_SIGNATURES",
    "LEDGER_GAP",
    "MONITORING_GAP",
    "ROGUE_DEPLOYMENT",
    "STATE_FILE",
    "SWEEP_FILE",
    "SWEEP_MONITOR",
    "UNMONITORED_EXECUTION",
    "CoverageConfig",
    "CoverageReport",
    "DeploymentLike",
    "Execution",
    "Finding",
    "PeriodicSweep",
    "ProcessCheck",
    "Program",
    "Raised",
    "SessionCoverage",
    "SessionEvents",
    "SessionLike",
    "Signature",
    "SignatureMatch",
    "SweepConfig",
    "SweepConfigError",
    "SweepReport",
    "Sweeper",
    "UnknownSessionError",
    "assess_coverage",
    "check_ledger",
    "check_processes",
    "describe",
    "is_watchkeeper",
    "load_sweep_config",
    "match_process",
    "periodic_sweep",
]
