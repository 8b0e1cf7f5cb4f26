"""`python -m bench.soak`: run the soak, print its figures, write the Soak section of BENCHMARKS.md.

Exits 1 when a promise was broken (an acknowledged event lost, the chain not verifying, an
allow that should have been a deny, a fault that could not be injected); missed performance
goals are reported, not failures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.soak._config import FAULTS, SoakConfig
from bench.soak._report import figures, summary, write_section
from bench.soak._run import run_soak

_BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "BENCHMARKS.md"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--gateways", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--clients", type=int, default=2, help="load-generator processes")
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds each agent waits between calls (0: call again as soon as answered)",
    )
    parser.add_argument(
        "--faults", default=",".join(FAULTS), help="comma-separated subset of: " + ", ".join(FAULTS)
    )
    parser.add_argument(
        "--routing",
        choices=("round-robin", "sticky"),
        default="round-robin",
        help="agents' calls go to the gateways in turn, or each agent keeps to one gateway",
    )
    parser.add_argument(
        "--ack-wait",
        type=float,
        default=1.0,
        help="seconds JetStream waits without a worker's (progress) ack before redelivering",
    )
    parser.add_argument("--workdir", type=Path, help="keep logs here (default: a temp dir)")
    parser.add_argument(
        "--no-write", action="store_true", help="print the figures without touching BENCHMARKS.md"
    )
    args = parser.parse_args(argv)
    config = SoakConfig(
        gateways=args.gateways,
        workers=args.workers,
        sessions=args.sessions,
        clients=args.clients,
        duration=args.duration,
        think=args.think,
        routing=args.routing,
        faults=tuple(f for f in args.faults.split(",") if f),
        ack_wait=args.ack_wait,
    )
    print(f"soak: {config.describe()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="wk-soak-") as tmp:
        result = run_soak(config, args.workdir or Path(tmp))
    print("\n".join(summary(result)))
    for f in figures(result):
        print(f"  {f.id}: {f.what}: {f.value:,.2f} {f.unit} (goal {f.goal}; met={f.met})")
        if f.note:
            print(f"      {f.note}")
    if not args.no_write:
        write_section(_BENCHMARKS, result)
        print(f"wrote the soak section of {_BENCHMARKS}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
