"""Replaying whole corpora: streamed, in chunks, optionally across worker processes.

Only a window of chunks is in flight at a time, so memory stays bounded however long the
corpus is. Each worker process builds its normaliser and policy from a picklable `ReplaySpec`
once, when it starts (loading a policy takes tens of milliseconds, and the normaliser's parse
cache then serves every chunk), and builds fresh monitors for each chunk, so a monitor that
learns across sessions (the behaviour baseline) sees the same sessions whichever worker
replays the chunk.
"""

from __future__ import annotations

import copy
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchkeeper.evals._replay import TrajectoryResult, replay_trajectory
from watchkeeper.evals._trajectory import Trajectory, TrajectoryError, parse_line
from watchkeeper.monitors import Monitor, build_monitor
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import Policy, load_policy

__all__ = ["ReplaySpec", "Replayer", "replay_corpus"]


@dataclass(frozen=True, slots=True)
class ReplaySpec:
    """What to replay with: monitor names (with settings) and an optional policy file."""

    monitors: tuple[str, ...] = ()
    monitor_config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    policy: Path | None = None


class Replayer:
    """A normaliser, policy and monitors built from a `ReplaySpec`, ready to replay."""

    def __init__(self, spec: ReplaySpec) -> None:
        self.spec = spec
        self.normalizer = Normalizer()
        self.policy: Policy | None = load_policy(spec.policy) if spec.policy else None
        self.monitors: list[Monitor] = _monitors(spec)

    def renewed(self) -> Replayer:
        """Return a replayer with this one's normaliser and policy and new monitors.

        The normaliser and policy keep nothing between calls but caches, so sharing them
        changes no result; monitors may learn across sessions, so they are built anew.
        """
        fresh = copy.copy(self)
        fresh.monitors = _monitors(self.spec)
        return fresh

    def __call__(self, trajectory: Trajectory) -> TrajectoryResult:
        """Replay one trajectory."""
        return replay_trajectory(
            trajectory, normalizer=self.normalizer, policy=self.policy, monitors=self.monitors
        )


def replay_corpus(
    paths: Iterable[Path],
    spec: ReplaySpec,
    *,
    workers: int = 1,
    chunk: int = 256,
    progress: Callable[[int], None] | None = None,
) -> Iterator[TrajectoryResult]:
    """Yield the result of every trajectory in `paths`, in order.

    `progress` is called with the number of steps of each finished chunk. With `workers` > 1
    chunks of `chunk` lines are replayed in that many processes, at most two chunks per
    worker in flight. A bad line raises `TrajectoryError` naming it.
    """
    chunks = _chunks(paths, chunk)
    if workers <= 1:
        replayer = Replayer(spec)
        for lines in chunks:
            results = [replayer(parse_line(line, where)) for where, line in lines]
            if progress is not None:
                progress(sum(r.steps for r in results))
            yield from results
        return
    # Spawned, not forked: forking a process that may hold threads (rich's progress bar) is
    # unsafe and deprecated.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(spec,)
    ) as pool:
        pending: list[Future[list[TrajectoryResult]]] = []
        for lines in chunks:
            pending.append(pool.submit(_replay_chunk, lines))
            if len(pending) >= 2 * workers:
                yield from _collect(pending.pop(0), progress)
        while pending:
            yield from _collect(pending.pop(0), progress)


def _collect(
    future: Future[list[TrajectoryResult]], progress: Callable[[int], None] | None
) -> list[TrajectoryResult]:
    results = future.result()
    if progress is not None:
        progress(sum(r.steps for r in results))
    return results


def _monitors(spec: ReplaySpec) -> list[Monitor]:
    return [
        build_monitor(name, **dict(spec.monitor_config.get(name, {}))) for name in spec.monitors
    ]


#: In a worker process, what `_start_worker` built when the pool started it: the replayer,
#: or the error building it raised; empty in every other process. A process pool can hand
#: its workers their set-up no other way.
_worker: list[Replayer | Exception] = []


def _start_worker(spec: ReplaySpec) -> None:
    try:
        _worker.append(Replayer(spec))
    except Exception as exc:  # noqa: BLE001 - kept, and raised by each chunk to the caller
        _worker.append(exc)


def _replay_chunk(lines: Sequence[tuple[str, str]]) -> list[TrajectoryResult]:
    built = _worker[0]
    if isinstance(built, Exception):
        raise built
    replayer = built.renewed()
    return [replayer(parse_line(line, where)) for where, line in lines]


def _chunks(paths: Iterable[Path], size: int) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    for path in paths:
        try:
            handle = path.open(encoding="utf-8")
        except OSError as exc:
            msg = f"`{path}` cannot be read ({exc.strerror}); check the path"
            raise TrajectoryError(msg) from exc
        with handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    batch.append((f"{path}:{number}", line))
                    if len(batch) >= size:
                        yield batch
                        batch = []
    if batch:
        yield batch
