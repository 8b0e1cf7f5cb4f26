"""The benchmark suite: `python -m bench` (or `make bench`) rewrites BENCHMARKS.md."""
