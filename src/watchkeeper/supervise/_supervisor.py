"""`Supervisor`: run one agent confined, record its whole process tree, end it cleanly.

The supervisor checks the deployment, creates the session's confinement, issues the session
its own token, snapshots persistence locations, starts the agent held at a stub, moves it in,
records the start in the ledger (refusing to run if it cannot) and only then lets it exec.
While it runs, members are polled every `poll_interval` seconds into `ProcessEvent`s and a
heartbeat is written every `heartbeat_interval` seconds. SIGINT, SIGTERM and SIGHUP are
forwarded to the agent. When the agent exits, whatever it left running in the session is
killed, persistence is compared with the snapshot, the session token is revoked and the
cgroups are removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from watchkeeper.clock import utcnow
from watchkeeper.events import DeploymentEvent, Event
from watchkeeper.statefile import write_private
from watchkeeper.supervise._claude import is_claude_code, with_claude_hooks
from watchkeeper.supervise._confinement import (
    DEPLOYMENT_ENV,
    MARKER_ENV,
    Confinement,
    ConfinementError,
)
from watchkeeper.supervise._open import BackendChoice, open_confinement
from watchkeeper.supervise._persistence import (
    DEFAULT_CRON_SPOOLS,
    PersistenceFinding,
    PersistenceSnapshot,
    find_persistence,
    remove_persistence,
    take_snapshot,
)
from watchkeeper.supervise._proc_connector import ProcWatch, open_watch
from watchkeeper.supervise._procfs import read_argv
from watchkeeper.supervise._session import (
    SUPERVISION_DIR,
    SupervisedSession,
    new_session_id,
    save_session,
)
from watchkeeper.supervise._spawn import STUB_NAME, HeldChild, SpawnError, hold_child
from watchkeeper.supervise._tracker import ProcessTracker

if TYPE_CHECKING:
    from watchkeeper.deployments import Registry
    from watchkeeper.ledger import LedgerStore, Receipt

__all__ = ["RunError", "RunOutcome", "RunRequest", "Supervisor", "snapshot_path"]

_PR_SET_CHILD_SUBREAPER = 36
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_SHOWN = 11


class RunError(RuntimeError):
    """The agent was not started: unknown or inactive deployment, no confinement, no ledger."""


@dataclass(frozen=True)
class RunRequest:
    """What to run, for which deployment, and how to watch it."""

    home: Path
    deployment: str
    command: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str]
    url: str | None = None
    backend: BackendChoice = "auto"
    heartbeat_interval: float = 5.0
    poll_interval: float = 0.025
    cron_spools: tuple[str, ...] = DEFAULT_CRON_SPOOLS
    remove_persistence: bool = False
    session_id: str = field(default_factory=new_session_id)


@dataclass(frozen=True)
class RunOutcome:
    """How a supervised run ended."""

    session: SupervisedSession
    exit_code: int
    processes_seen: int
    leftovers_killed: int
    persistence: list[PersistenceFinding]


def snapshot_path(home: Path, session_id: str) -> Path:
    """Return where the persistence snapshot of `session_id` is kept."""
    return home / SUPERVISION_DIR / "snapshots" / f"{session_id}.json"


def _set_subreaper(on: bool) -> None:
    """While on, orphans of the tree re-parent to us (not init): we reap them, learn statuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


def _await_exec(pid: int, timeout: float = 1.0) -> None:
    """Wait until the stub has exec'd the agent (or died), so the stub is never recorded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            argv = read_argv(pid)
        except OSError:
            return
        if argv[:1] != ("/bin/sh",) or argv[3:4] != (STUB_NAME,):
            return
        time.sleep(0.0005)


def _watch_problems(watch: ProcWatch) -> list[str]:
    problems = [] if watch.failed is None else [watch.failed]
    if watch.lost:
        problems.append(f"the kernel dropped process events {watch.lost} time(s)")
    return problems


def _exit_code(status: int) -> int:
    value = os.waitstatus_to_exitcode(status)
    return value if value >= 0 else 128 - value


@contextlib.contextmanager
def _forwarding(target: Callable[[], tuple[int, int]]) -> Iterator[None]:
    """Forward SIGINT/SIGTERM/SIGHUP to the agent's process group (and the agent) meanwhile."""

    def forward(signum: int, _frame: FrameType | None) -> None:
        pid, pgid = target()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signum)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) != pgid:
                os.kill(pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _terminal_to(pgid: int) -> int | None:
    """Give the terminal to `pgid` when we hold it; return the group to give it back to."""
    try:
        if not os.isatty(0) or os.tcgetpgrp(0) != os.getpgrp():
            return None
        os.tcsetpgrp(0, pgid)
    except OSError:
        return None
    return os.getpgrp()


def _terminal_back(pgid: int | None) -> None:
    if pgid is None:
        return
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(0, pgid)
    finally:
        signal.signal(signal.SIGTTOU, previous)


class Supervisor:
    """Runs one `RunRequest` against a deployment registry and a ledger.

    `run()` makes the calling process the tree's child subreaper and reaps *every* child of
    the calling process while the agent runs, so call it from a process of its own (as
    `watchkeeper run` does), not from one that waits on other children meanwhile. It handles
    SIGINT/SIGTERM/SIGHUP, so it must run on the main thread.
    """

    def __init__(
        self,
        request: RunRequest,
        registry: Registry,
        ledger: LedgerStore,
        echo: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ) -> None:
        self._req = request
        self._registry = registry
        self._ledger = ledger
        self._echo = echo
        self._pending: list[Future[list[Receipt]]] = []

    def _deployment_event(self, action: str, detail: dict[str, object]) -> DeploymentEvent:
        return DeploymentEvent(
            deployment_id=self._req.deployment,
            session_id=self._req.session_id,
            action=action,
            name=self._req.deployment,
            actor="supervisor",
            detail=detail,
        )

    def _check_deployment(self) -> int | None:
        deployment = self._registry.get(self._req.deployment)
        if deployment is None:
            raise RunError(
                f"no deployment is registered as `{self._req.deployment}`; register it with "
                "`watchkeeper deploy register`"
            )
        state = deployment.state(utcnow())
        if state != "active":
            raise RunError(f"deployment `{self._req.deployment}` is {state}; it may not run")
        return deployment.max_procs

    def _snapshot(self, env: Mapping[str, str]) -> PersistenceSnapshot:
        home = Path(env.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir)
        snapshot = take_snapshot(
            home=home,
            cwd=self._req.cwd,
            user=pwd.getpwuid(os.getuid()).pw_name,
            cron_spools=self._req.cron_spools,
        )
        path = snapshot_path(self._req.home, self._req.session_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(path, snapshot.model_dump_json())
        return snapshot

    def run(self) -> RunOutcome:
        """Run the agent to completion; raise `RunError` if it could not be started."""
        req = self._req
        max_procs = self._check_deployment()
        try:
            confinement = open_confinement(
                req.backend, req.deployment, req.session_id, max_procs=max_procs
            )
        except ConfinementError as exc:
            raise RunError(str(exc)) from exc
        try:
            token = self._registry.issue_token(req.deployment, actor=f"supervisor:{req.session_id}")
        except Exception:
            confinement.remove()
            raise
        try:
            return self._run_confined(confinement, token)
        finally:
            _set_subreaper(False)
            if confinement.members():  # only when supervision failed part-way: fail closed
                confinement.freeze()
                confinement.kill()
            with contextlib.suppress(Exception):
                self._registry.tokens.revoke(token[:_SHOWN])
            try:
                confinement.remove()
            except ConfinementError as exc:
                self._echo(f"watchkeeper: warning: {exc}")

    def _run_confined(self, confinement: Confinement, token: str) -> RunOutcome:
        req = self._req
        env = dict(req.env)
        env.update(
            WATCHKEEPER_TOKEN=token,
            **{DEPLOYMENT_ENV: req.deployment, MARKER_ENV: req.session_id},
        )
        if req.url:
            env["WATCHKEEPER_URL"] = req.url
        snapshot = self._snapshot(env)
        command = list(req.command)
        if is_claude_code(command):
            settings = req.home / SUPERVISION_DIR / "claude" / f"{req.session_id}.json"
            command = with_claude_hooks(command, settings, req.url)
        _set_subreaper(True)
        try:
            held = hold_child(command, env, str(req.cwd))
        except SpawnError as exc:
            _set_subreaper(False)
            raise RunError(str(exc)) from exc
        now = utcnow()
        session = SupervisedSession(
            session_id=req.session_id,
            deployment=req.deployment,
            backend=confinement.backend,
            cgroups=list(confinement.paths),
            root_pid=held.pid,
            supervisor_pid=os.getpid(),
            started=now,
            last_heartbeat=now,
            heartbeat_interval_s=req.heartbeat_interval,
            command=command,
            cwd=str(req.cwd),
            agent_home=snapshot.home,
            token_prefix=token[:_SHOWN],
            limits=confinement.limits,
        )
        watch: ProcWatch | None = None
        try:
            confinement.add(held.pid)
            save_session(req.home, session)
            watch, process_events = open_watch()
            start = self._start_detail(session, process_events)
            self._ledger.append([self._deployment_event("supervise", start)])
        except Exception as exc:
            if watch is not None:
                watch.close()
            held.abandon()
            with contextlib.suppress(ChildProcessError):
                os.waitpid(held.pid, 0)
            if isinstance(exc, ConfinementError):
                raise RunError(str(exc)) from exc
            raise
        where = ", ".join(session.cgroups) or f"process group {held.pid} + environment marker"
        self._echo(
            f"watchkeeper: session {req.session_id} of `{req.deployment}` confined by "
            f"{confinement.backend} ({where}); processes seen by {process_events}"
        )
        try:
            return self._watch(confinement, held, session, snapshot, watch)
        finally:
            if watch is not None:
                watch.close()

    def _start_detail(self, session: SupervisedSession, process_events: str) -> dict[str, object]:
        return {
            "process_events": process_events,
            "phase": "start",
            "backend": session.backend,
            "cgroups": session.cgroups,
            "limits": session.limits,
            "session": session.session_id,
            "root_pid": session.root_pid,
            "command": session.command,
            "cwd": session.cwd,
            "token": session.token_prefix,
        }

    def _watch(
        self,
        confinement: Confinement,
        held: HeldChild,
        session: SupervisedSession,
        snapshot: PersistenceSnapshot,
        watch: ProcWatch | None,
    ) -> RunOutcome:
        req = self._req
        tracker = ProcessTracker(req.deployment, req.session_id, sightings=watch is not None)
        if watch is not None:
            watch.follow(held.pid)
        root_status: int | None = None
        terminal = _terminal_to(held.pid)
        next_beat = time.monotonic() + req.heartbeat_interval
        try:
            with _forwarding(lambda: (held.pid, held.pid)):
                held.release()
                _await_exec(held.pid)
                self._submit(tracker.observe({held.pid} | confinement.members(), {}))
                while True:
                    reaped = self._reap()
                    if held.pid in reaped:
                        root_status = reaped[held.pid]
                    self._submit(tracker.observe(confinement.members(), reaped))
                    if watch is not None:
                        self._submit(tracker.sighted(watch.drain()))
                    if root_status is not None:
                        break
                    if time.monotonic() >= next_beat:
                        session = self._heartbeat(session, tracker.live)
                        next_beat = time.monotonic() + req.heartbeat_interval
                    time.sleep(req.poll_interval)
        finally:
            _terminal_back(terminal)
        leftovers = confinement.members()
        if leftovers:
            confinement.freeze()
            confinement.kill()
        self._submit(tracker.observe(confinement.members(), self._reap(), final=True))
        if watch is not None:
            self._submit(tracker.sighted(watch.settle()))
            for problem in _watch_problems(watch):
                self._echo(f"watchkeeper: warning: {problem}; short-lived processes may be missing")
        findings = find_persistence(snapshot)
        if req.remove_persistence and findings:
            findings = remove_persistence(snapshot, findings)
        code = _exit_code(root_status) if root_status is not None else 255
        ended = session.model_copy(update={"ended": utcnow(), "exit_code": code})
        save_session(req.home, ended)
        detail: dict[str, object] = {
            "phase": "end",
            "session": req.session_id,
            "exit_code": code,
            "processes": tracker.started,
            "leftovers_killed": len(leftovers),
            "process_events_problems": [] if watch is None else _watch_problems(watch),
            "persistence": [f.model_dump(mode="json") for f in findings],
        }
        self._submit([self._deployment_event("supervise", detail)])
        self._drain()
        return RunOutcome(ended, code, tracker.started, len(leftovers), findings)

    def _reap(self) -> dict[int, int]:
        reaped: dict[int, int] = {}
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return reaped
            if pid == 0:
                return reaped
            reaped[pid] = status

    def _submit(self, events: Sequence[Event]) -> None:
        if events:
            self._pending.append(self._ledger.submit(events))

    def _drain(self) -> None:
        """Wait for every submitted event; say so if the ledger refused any."""
        for future in self._pending:
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - reported, the session has already run
                self._echo(f"watchkeeper: warning: the ledger did not record events: {exc}")
        self._pending.clear()

    def _heartbeat(self, session: SupervisedSession, live: int) -> SupervisedSession:
        beat = session.model_copy(update={"last_heartbeat": utcnow()})
        save_session(self._req.home, beat)
        self._submit([self._deployment_event("heartbeat", {"processes": live})])
        return beat
