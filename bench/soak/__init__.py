"""Scale-out load and fault soak: gateways, workers, PostgreSQL and NATS, on loopback.

`run_soak(SoakConfig(...), workdir)` starts the processes, drives concurrent agent sessions
against them while injecting faults, and checks afterwards that every acknowledged event is in
the ledger and that the chain verifies. `python -m bench.soak` runs it and writes the Soak
section of BENCHMARKS.md (see docs/deployment-guide.md).
"""

from bench.soak._config import FAULTS, Fault, SoakConfig
from bench.soak._run import SoakError, SoakResult, run_soak

__all__ = ["FAULTS", "Fault", "SoakConfig", "SoakError", "SoakResult", "run_soak"]
