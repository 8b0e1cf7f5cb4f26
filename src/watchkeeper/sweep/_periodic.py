"""The periodic sweep inside `watchkeeper serve`: a background thread that owns its sweeper."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from watchkeeper.sweep._sweep import Recorder, Sweeper, SweepReport

__all__ = ["PeriodicSweep", "periodic_sweep"]

#: Deployment and session id of `ErrorEvent`s a failing periodic sweep records.
_ERROR_DEPLOYMENT = "watchkeeper"
_ERROR_SESSION = "sweep"


class PeriodicSweep:
    """Runs `sweeper` every `interval` seconds on its own thread until `close()`.

    The first sweep runs at once. A sweep that fails does not stop the next one: the error
    goes to `on_error` (the gateway records it as an `ErrorEvent`), once per distinct message
    in a row, so a persistent failure is reported without flooding the ledger. `on_close`
    releases what the sweeper uses, after the thread has stopped.
    """

    def __init__(
        self,
        sweeper: Sweeper,
        interval: float,
        *,
        on_error: Callable[[str], None],
        on_report: Callable[[SweepReport], None] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError(f"sweep interval `{interval}` must be positive; use 0 to disable")
        self._sweeper = sweeper
        self._interval = interval
        self._on_error = on_error
        self._on_report = on_report
        self._on_close = on_close
        self._stop = threading.Event()
        self._last_error: str | None = None
        self._thread = threading.Thread(target=self._loop, name="watchkeeper-sweep", daemon=True)

    @property
    def interval(self) -> float:
        """Seconds between the start of one sweep and the next (plus the sweep's duration)."""
        return self._interval

    def start(self) -> Self:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop after the sweep in progress (if any), join the thread, release resources."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self._sweeper.run()
            except Exception as exc:  # noqa: BLE001 - any failure is reported, the loop goes on
                message = f"periodic sweep failed: {type(exc).__name__}: {exc}"
                if message != self._last_error:
                    self._last_error = message
                    # Reporting may fail for the same reason (a broken ledger); keep sweeping.
                    with contextlib.suppress(Exception):
                        self._on_error(message)
            else:
                self._last_error = None
                if self._on_report is not None:
                    self._on_report(report)
            self._stop.wait(self._interval)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def periodic_sweep(
    home: Path, *, record: Recorder, interval: float | None = None
) -> PeriodicSweep | None:
    """Return a (not yet started) periodic sweep of `home`, or None when it is disabled.

    `interval` overrides `interval` in `<home>/sweep.yaml`; 0 disables. Alerts go to
    `<home>/alerts.db`, events and sweep errors to `record`. Raises `SweepConfigError` for
    an invalid `sweep.yaml` and `AlertStoreError` when the alert store cannot be opened.
    """
    from watchkeeper.alerts import AlertStore
    from watchkeeper.events import ErrorEvent
    from watchkeeper.sweep._config import load_sweep_config

    config = load_sweep_config(home)
    every = config.interval if interval is None else interval
    if every <= 0:
        return None
    alerts = AlertStore(home / "alerts.db")
    sweeper = Sweeper(home, config=config, record=record, alerts=alerts)

    def on_error(message: str) -> None:
        record(
            [
                ErrorEvent(
                    deployment_id=_ERROR_DEPLOYMENT,
                    session_id=_ERROR_SESSION,
                    where="sweep",
                    message=message,
                )
            ]
        )

    return PeriodicSweep(sweeper, every, on_error=on_error, on_close=alerts.close)
