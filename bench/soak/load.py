"""Entry point of one load-generator process: ``python -m bench.soak.load PLAN.json``."""

import sys

from bench.soak._agents import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
