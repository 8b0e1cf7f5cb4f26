"""Run every benchmark and rewrite BENCHMARKS.md."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from bench._report import Figure, write_report

SECTIONS = {
    "P1 policy evaluation": "bench.p1_policy",
    "P2 hook round trip": "bench.p2_hook",
    "P3 ledger ingest": "bench.p3_ledger",
    "P4 offline replay": "bench.p4_replay",
    "P5 containment": "bench.p5_containment",
    "P6 sweep cost": "bench.p6_sweep",
    "P7 PostgreSQL ledger ingest": "bench.p7_postgres",
    "E1 detection on the shipped corpus": "bench.e1_corpus",
    "E2 coding-integrity detection": "bench.e2_integrity",
}


def main() -> int:
    only = set(sys.argv[1:])
    results: dict[str, list[Figure]] = {}
    for title, module in SECTIONS.items():
        if only and module.rsplit(".", 1)[1] not in only:
            continue
        print(f"running {module} …", flush=True)
        figures = importlib.import_module(module).run()
        for f in figures:
            print(f"  {f.id}: {f.value:,.2f} {f.unit} (goal {f.goal}; met={f.met})", flush=True)
        results[title] = figures
    if not only:
        write_report(Path(__file__).resolve().parent.parent / "BENCHMARKS.md", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
