"""Monitors online in the pipeline: escalation, fail-closed errors, alerts, restarts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.gateway.conftest import Served
from tests.monitors._plugin import installed_plugin
from watchkeeper.alerts import AlertStore, WebhookNotifier
from watchkeeper.events import (
    AlertEvent,
    Decision,
    ErrorEvent,
    Event,
    Message,
    Severity,
    ToolCall,
    ToolResult,
)
from watchkeeper.gateway import Pipeline, TokenStore, build_pipeline, create_app
from watchkeeper.ledger import open_ledger
from watchkeeper.monitors import Finding, MonitorsConfig, SessionView, Step
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import load_policy

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


class _Word:
    """Flags any event whose text contains `word` (tool-call command or tool output)."""

    def __init__(
        self, word: str, score: float, name: str = "word", category: str = "exfiltration"
    ) -> None:
        self.name = name
        self._category = category
        self._word = word
        self._score = score

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        event = step.event
        text = ""
        if isinstance(event, ToolCall):
            text = str(event.args.get("command", ""))
        elif isinstance(event, ToolResult):
            text = str(event.output)
        if "explode" in text:
            raise RuntimeError("word monitor exploded")
        if self._word not in text:
            return None
        return Finding(
            self.name,
            self._score,
            self._category,
            Severity.HIGH,
            f"saw {self._word}",
            (event.id,),
        )


class _SecondCall:
    """Flags the second tool call of a session, counting from the session's steps."""

    name = "second-call"

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        calls = sum(isinstance(s.event, ToolCall) for s in session.steps)
        if not isinstance(step.event, ToolCall) or calls != 2:
            return None
        return Finding(self.name, 0.95, "probing", Severity.MEDIUM, "second call")


MakePipeline = Callable[..., Pipeline]


@pytest.fixture
def make(home: Path, policy_file: Path) -> Iterator[MakePipeline]:
    """Build pipelines over `home` with given monitors and config; all closed at the end."""
    built: list[Pipeline] = []

    def make_pipeline(
        monitors: list[object], *, alert_recorded: bool = True, **config: object
    ) -> Pipeline:
        pipeline = Pipeline(
            Normalizer(),
            load_policy(policy_file),
            open_ledger(home),
            monitors=monitors,  # type: ignore[arg-type]  # test doubles satisfy the protocol
            monitor_config=MonitorsConfig.model_validate(config),
            alerts=AlertStore(home / "alerts.db"),
            alert_recorded=alert_recorded,
        )
        built.append(pipeline)
        return pipeline

    yield make_pipeline
    for pipeline in built:
        pipeline.close()


def _bash(command: str, session: str = "s1") -> ToolCall:
    return ToolCall(session_id=session, tool="Bash", args={"command": command})


def _events(pipeline: Pipeline) -> list[Event]:
    return [event for _seq, event in pipeline.store.events()]


def test_finding_over_block_threshold_escalates_allow_to_ask(make: MakePipeline) -> None:
    """An allowed call scored at or above the block threshold becomes ask, naming the monitor."""
    pipeline = make([_Word("curl", 0.95)])
    verdict = pipeline.decide(_bash("echo curl"))
    assert verdict.decision is Decision.ASK
    assert verdict.rule_ids == ("allow-echo", "monitor:word")
    assert "monitor `word` scored 0.95" in verdict.explanation
    assert "curl" not in verdict.agent_message


def test_block_decision_deny_denies(make: MakePipeline) -> None:
    """With `block_decision: deny`, a flagged call is denied."""
    pipeline = make([_Word("curl", 0.95)], block_decision="deny")
    assert pipeline.decide(_bash("echo curl")).decision is Decision.DENY


def test_finding_below_block_threshold_only_alerts(make: MakePipeline) -> None:
    """A finding over the alert threshold but under the block threshold leaves the verdict."""
    pipeline = make([_Word("curl", 0.6)])
    verdict = pipeline.decide(_bash("echo curl"))
    assert (verdict.decision, verdict.rule_ids) == (Decision.ALLOW, ("allow-echo",))
    assert [e.monitor for e in _events(pipeline) if isinstance(e, AlertEvent)] == ["word"]


def test_monitor_crash_fails_closed_with_error_kept(make: MakePipeline) -> None:
    """A monitor that raises turns allow into the configured error decision, error kept."""
    pipeline = make([_Word("curl", 0.95)], error_decision="deny")
    verdict = pipeline.decide(_bash("echo explode"))
    assert verdict.decision is Decision.DENY
    assert any("word monitor exploded" in error for error in verdict.errors)
    alerts = [e for e in _events(pipeline) if isinstance(e, AlertEvent)]
    assert [a.category for a in alerts] == ["monitor-error"]


def test_alert_is_recorded_with_call_and_deduplicated(make: MakePipeline, home: Path) -> None:
    """The alert lands in the ledger beside its call, once per session and category."""
    pipeline = make([_Word("curl", 0.6)])
    first = _bash("echo curl")
    pipeline.decide(first)
    pipeline.decide(_bash("echo curl again"))
    kinds = [e.kind for e in _events(pipeline)]
    assert kinds == ["tool_call", "verdict", "alert", "tool_call", "verdict"]
    with AlertStore(home / "alerts.db") as store:
        (alert,) = store.list()
    assert (alert.count, alert.evidence[0]) == (2, first.id)


def test_recorded_tool_output_is_monitored(make: MakePipeline) -> None:
    """Tool results recorded after the fact are monitored too, raising alerts only."""
    pipeline = make([_Word("secret-bucket", 0.99)])
    pipeline.record([ToolResult(session_id="s1", tool="Bash", output="to secret-bucket")])
    alerts = [e for e in _events(pipeline) if isinstance(e, AlertEvent)]
    assert [a.explanation for a in alerts] == ["saw secret-bucket"]


def test_recorded_output_raises_no_alert_when_workers_alert(make: MakePipeline) -> None:
    """With `alert_recorded` off (NATS workers alert), recorded output raises no alert here."""
    pipeline = make([_Word("secret-bucket", 0.99)], alert_recorded=False)
    pipeline.record([ToolResult(session_id="s1", tool="Bash", output="to secret-bucket")])
    assert not [e for e in _events(pipeline) if isinstance(e, AlertEvent)]


def test_session_state_survives_restart(make: MakePipeline) -> None:
    """A restarted pipeline rebuilds each session's monitor view from the ledger."""
    make([_SecondCall()]).decide(_bash("echo one"))
    restarted = make([_SecondCall()])
    verdict = restarted.decide(_bash("echo two"))
    assert verdict.rule_ids == ("allow-echo", "monitor:second-call")


def test_denied_call_stays_denied(make: MakePipeline) -> None:
    """Monitors never soften a verdict: a policy deny stays deny with its rule."""
    pipeline = make([_Word("rm", 0.95)])
    verdict = pipeline.decide(_bash("rm -f x"))
    assert (verdict.decision, verdict.rule_ids) == (Decision.DENY, ("deny-rm",))


def test_build_pipeline_loads_configured_plugin(
    home: Path, policy_file: Path, tmp_path: Path
) -> None:
    """`monitors.yaml` in the home enables a third-party monitor in the built pipeline."""
    (home / "monitors.yaml").write_text(
        "monitors:\n  keyword:\n    config: {word: wget, score: 0.97}\n"
    )
    with (
        installed_plugin(tmp_path / "site"),
        build_pipeline(home, policy_path=policy_file) as pipeline,
    ):
        verdict = pipeline.decide(_bash("echo wget"))
    assert verdict.rule_ids == ("allow-echo", "monitor:keyword")


def test_session_crossing_overall_threshold_alerts(make: MakePipeline) -> None:
    """Weak findings in two categories alert once the trajectory score reaches the overall."""
    pipeline = make(
        [_Word("curl", 0.6, name="a"), _Word("base64", 0.6, name="b", category="obfuscation")],
        default_threshold=0.9,
        overall_threshold=0.8,
    )
    pipeline.decide(_bash("echo curl"))
    assert not [e for e in _events(pipeline) if isinstance(e, AlertEvent)]
    pipeline.decide(_bash("echo base64"))
    alerts = [e for e in _events(pipeline) if isinstance(e, AlertEvent)]
    assert [a.monitor for a in alerts] == ["aggregate"]
    assert alerts[0].score == pytest.approx(0.84)


def test_monitoring_failure_fails_closed(make: MakePipeline, home: Path) -> None:
    """When alerting itself breaks (alert store gone), the call gets the error decision."""
    pipeline = make([_Word("curl", 0.6)])
    alerts = AlertStore(home / "alerts.db")
    alerts.close()
    pipeline._monitoring._alerts = alerts  # type: ignore[union-attr]  # a closed real store
    verdict = pipeline.decide(_bash("echo curl"))
    assert verdict.decision is Decision.ASK
    assert any("monitoring failed" in error for error in verdict.errors)
    assert any(e.kind == "error" and e.where == "gateway.monitor" for e in _events(pipeline))  # type: ignore[union-attr]


def test_failed_webhook_is_recorded_not_blocking(home: Path, policy_file: Path) -> None:
    """A webhook that cannot be reached leaves the verdict alone and records an error."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notifier = WebhookNotifier(f"http://127.0.0.1:{port}/hook", timeout=2.0)
    pipeline = Pipeline(
        Normalizer(),
        load_policy(policy_file),
        open_ledger(home),
        monitors=[_Word("curl", 0.6)],
        alerts=AlertStore(home / "alerts.db"),
        notifier=notifier,
    )
    with pipeline:
        verdict = pipeline.decide(_bash("echo curl"))
        notifier.close()
        errors = [e for e in _events(pipeline) if isinstance(e, ErrorEvent)]
    assert verdict.decision is Decision.ALLOW
    assert [e.where for e in errors] == ["alerts.webhook"]


def test_escalation_reaches_http_clients(
    make: MakePipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """`POST /v1/decide` over a real socket answers with the escalated verdict."""
    served = serve_app(create_app(make([_Word("curl", 0.95)]), tokens))
    with served.client() as client:
        body = client.post(
            "/v1/decide",
            json={"session_id": "h1", "tool": "Bash", "args": {"command": "echo curl"}},
        ).json()
    assert (body["decision"], body["rule_ids"]) == ("ask", ["allow-echo", "monitor:word"])
    assert "curl" not in body["agent_message"]


class _TaskEcho:
    """Flags a call whose command is not mentioned in the session's task."""

    name = "task-echo"

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        if not isinstance(step.event, ToolCall):
            return None
        command = str(step.event.args.get("command", ""))
        if session.task is not None and command in session.task:
            return None
        return Finding(self.name, 0.95, "injection-hijack", Severity.HIGH, "not in the task")


def test_user_messages_become_the_task(make: MakePipeline) -> None:
    """A recorded user prompt is the session's task for monitors, also after a restart."""
    make([_TaskEcho()]).record([Message(session_id="s1", role="user", text="run echo hi")])
    restarted = make([_TaskEcho()])
    assert restarted.decide(_bash("echo hi")).decision is Decision.ALLOW
    assert restarted.decide(_bash("echo other")).decision is Decision.ASK
