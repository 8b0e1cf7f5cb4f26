"""The `watchkeeper/gateway` approver waits while a real gateway holds an ask for review."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.event import ApprovalEvent

from tests.integrations.inspect.test_approver import POLICY, _task
from watchkeeper.events import Decision, VerdictEvent
from watchkeeper.gateway import TokenStore, build_pipeline, create_app
from watchkeeper.ledger import ledger_source
from watchkeeper.review import TIMEOUT_MESSAGE, ApprovalQueue, PendingApproval
from watchkeeper.testing import serve_in_thread

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore:Unclosed <MemoryObject:ResourceWarning"),
]


@dataclass
class Held:
    """A live gateway holding asks: its url, a token, its home and its approval queue."""

    url: str
    token: str
    home: Path
    queue: ApprovalQueue


def _serve(tmp_path: Path, approval_timeout: float) -> Iterator[Held]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.yaml").write_text(POLICY)
    tokens = TokenStore(home / "tokens.json")
    with build_pipeline(home, policy_path=home / "policy.yaml", default_monitors=False) as pipe:
        queue = ApprovalQueue(pipe.record)
        app = create_app(pipe, tokens, approvals=queue, approval_timeout=approval_timeout)
        with serve_in_thread(app) as url:
            yield Held(url, tokens.issue("inspect-test"), home, queue)
            queue.close()


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Held]:
    """A gateway with the Inspect test policy (deploys ask) holding asks for 30 s."""
    yield from _serve(tmp_path, 30)


@pytest.fixture
def brief(tmp_path: Path) -> Iterator[Held]:
    """The same gateway, but an unanswered ask is denied after 1 s."""
    yield from _serve(tmp_path, 1)


def _reviewer(held: Held, act: Callable[[PendingApproval], None]) -> threading.Thread:
    """A thread acting as the reviewer on the first approval that appears."""

    def run() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for pending in held.queue.pending():
                act(pending)
                return
            time.sleep(0.02)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _eval(held: Held, tmp_path: Path, commands: list[str]) -> tuple[list[str], ApprovalEvent]:
    """Run the eval through the held gateway; return what ran and watchkeeper's approval."""
    executed: list[str] = []
    task, model = _task(executed, commands)
    approval = tmp_path / "approval.yaml"
    approval.write_text(
        'approvers:\n  - name: watchkeeper/gateway\n    tools: "*"\n'
        f'    url: "{held.url}"\n    token: "{held.token}"\n    review_wait: 30\n'
    )
    [log] = eval(
        task,
        model=model,  # type: ignore[arg-type]  # a Model instance
        approval=str(approval),
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    gc.collect()  # let Inspect's leftover streams be closed here, under this module's filters
    assert log.samples is not None
    [event] = [e for e in log.samples[0].events if isinstance(e, ApprovalEvent)]
    return executed, event


def _verdicts(home: Path) -> list[tuple[str, tuple[str, ...]]]:
    events = [e for _, e in ledger_source(home).events() if isinstance(e, VerdictEvent)]
    return [(v.decision, v.rule_ids) for v in events]


def test_a_reviewers_approval_runs_the_call(held: Held, tmp_path: Path) -> None:
    """The deploy is held; the reviewer approves it in the queue; Inspect approves and runs it."""
    reviewer = _reviewer(held, lambda p: held.queue.resolve(p.id, Decision.ALLOW, reviewer="rita"))
    executed, approval = _eval(held, tmp_path, ["./deploy.sh prod"])
    reviewer.join()
    assert executed == ["./deploy.sh prod"]
    assert approval.decision == "approve"
    assert "approved" in (approval.explanation or "")
    assert _verdicts(held.home) == [
        ("ask", ("ask-deploy",)),
        ("allow", ("review:approve", "ask-deploy")),
    ]


def test_a_reviewers_denial_rejects_the_call(held: Held, tmp_path: Path) -> None:
    """The reviewer denies the held deploy: Inspect rejects it with the reviewer's reason."""

    def deny(pending: PendingApproval) -> None:
        held.queue.resolve(pending.id, Decision.DENY, reviewer="rita", reason="not on friday")

    reviewer = _reviewer(held, deny)
    executed, approval = _eval(held, tmp_path, ["./deploy.sh prod"])
    reviewer.join()
    assert executed == []
    assert approval.decision == "reject"
    assert "not on friday" in (approval.explanation or "")


def test_no_review_in_time_rejects_with_an_explanation(brief: Held, tmp_path: Path) -> None:
    """Nobody reviews the deploy before the gateway's deadline: Inspect rejects, saying why."""
    executed, approval = _eval(brief, tmp_path, ["./deploy.sh prod"])
    assert executed == []
    assert approval.decision == "reject"
    assert approval.explanation == TIMEOUT_MESSAGE
    assert _verdicts(brief.home)[-1][1][0] == "review:timeout"
