"""The `watchkeeper/gateway` approver inside real Inspect evals on Inspect's mockllm model."""

from __future__ import annotations

import gc
import subprocess
import threading
from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from inspect_ai.solver import generate, use_tools
from inspect_ai.tool import Tool, tool

from watchkeeper.events import Message, ToolCall, VerdictEvent
from watchkeeper.ledger import ledger_source

# Inspect's eval loop leaves anyio memory streams for the garbage collector to close; the
# ResourceWarning that raises inside `__del__` is Inspect's, not watchkeeper's.
pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore:Unclosed <MemoryObject:ResourceWarning"),
    pytest.mark.usefixtures("ledger_backend"),  # each test on both backends (`tests/_backends.py`)
]

POLICY = """\
version: 1
default: deny
include: [coding-agent]
rules:
  - id: ask-deploy
    decision: ask
    match: {command: ["deploy.sh *"]}
"""


def _task(executed: list[str], commands: list[str]) -> tuple[Task, object]:
    @tool
    def bash() -> Tool:
        async def execute(cmd: str) -> str:
            """Run a shell command.

            Args:
              cmd: the command line.
            """
            executed.append(cmd)
            if cmd.startswith("./deploy.sh"):
                return "deployed"
            done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, check=False)
            return done.stdout

        return execute

    outputs = [
        ModelOutput.for_tool_call("mockllm/model", "bash", {"cmd": c}, content=f"I will run {c}")
        for c in commands
    ]
    outputs.append(ModelOutput.from_content("mockllm/model", "done"))
    for output in outputs:
        # With usage given, mockllm does not count tokens with tiktoken (a download).
        output.usage = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
    model = get_model("mockllm/model", custom_outputs=outputs)
    task = Task(dataset=[Sample(input="tidy the repo")], solver=[use_tools([bash()]), generate()])
    return task, model


def _approval(tmp_path: Path, home: Path, then: str = "") -> Path:
    path = tmp_path / "approval.yaml"
    path.write_text(
        f'approvers:\n  - name: watchkeeper/gateway\n    tools: "*"\n    home: "{home}"\n' + then
    )
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A watchkeeper home with the coding-agent pack and an `ask` rule for deploys."""
    path = tmp_path / "home"
    path.mkdir()
    (path / "policy.yaml").write_text(POLICY)
    return path


def _run(tmp_path: Path, task: Task, model: object, approval: Path) -> None:
    [log] = eval(
        task,
        model=model,  # type: ignore[arg-type]  # a Model instance
        approval=str(approval),
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    gc.collect()  # let Inspect's leftover streams be closed here, under this module's filters


def test_allowed_calls_run_and_denied_calls_do_not(home: Path, tmp_path: Path) -> None:
    """`ls` is approved and runs; reading an SSH key is rejected and never runs."""
    executed: list[str] = []
    task, model = _task(executed, ["ls", "cat ~/.ssh/id_rsa"])
    _run(tmp_path, task, model, _approval(tmp_path, home))
    assert executed == ["ls"]
    events = [e for _, e in ledger_source(home).events()]
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert [(c.tool, c.args["cmd"]) for c in calls] == [
        ("bash", "ls"),
        ("bash", "cat ~/.ssh/id_rsa"),
    ]
    verdicts = [e.decision for e in events if isinstance(e, VerdictEvent)]
    assert verdicts == ["allow", "deny"]
    assert {c.session_id for c in calls} == {calls[0].session_id}
    assert calls[0].session_id.startswith("inspect-")
    said = [e.text for e in events if isinstance(e, Message)]
    assert said == ["I will run ls", "I will run cat ~/.ssh/id_rsa"]


def test_an_asked_call_escalates_to_the_next_approver(home: Path, tmp_path: Path) -> None:
    """ask → escalate: Inspect's `auto` approver after watchkeeper approves the deploy."""
    executed: list[str] = []
    task, model = _task(executed, ["./deploy.sh prod"])
    then = '  - name: auto\n    tools: "*"\n    decision: approve\n'
    _run(tmp_path, task, model, _approval(tmp_path, home, then))
    assert executed == ["./deploy.sh prod"]
    verdicts = [e for _, e in ledger_source(home).events() if isinstance(e, VerdictEvent)]
    assert [(v.decision, v.rule_ids) for v in verdicts] == [("ask", ("ask-deploy",))]


def test_an_asked_call_with_no_one_to_ask_is_rejected(home: Path, tmp_path: Path) -> None:
    """ask with no later approver: Inspect's policy rejects, and the deploy never runs."""
    executed: list[str] = []
    task, model = _task(executed, ["./deploy.sh prod"])
    _run(tmp_path, task, model, _approval(tmp_path, home))
    assert executed == []


def test_an_unreachable_gateway_rejects(home: Path, tmp_path: Path) -> None:
    """Pointed at a gateway that is not there, every call is rejected (fail closed)."""
    executed: list[str] = []
    task, model = _task(executed, ["ls"])
    approval = tmp_path / "approval.yaml"
    approval.write_text(
        'approvers:\n  - name: watchkeeper/gateway\n    tools: "*"\n'
        '    url: "http://127.0.0.1:9"\n    token: "wk_nothing"\n'
    )
    _run(tmp_path, task, model, approval)
    assert executed == []


def test_an_approver_inspect_replaced_closes_its_pipeline(home: Path, tmp_path: Path) -> None:
    """Each eval builds its approvers; the previous eval's in-process pipeline is closed once
    Inspect lets go of it, instead of every pipeline staying open until the process exits."""
    before = {t.ident for t in threading.enumerate()}
    for run in range(3):
        task, model = _task([], ["ls"])
        _run(tmp_path / f"run{run}", task, model, _approval(tmp_path, home))
    writers = [
        t.name
        for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and t.name.startswith("ledger-writer")
    ]
    assert len(writers) <= 1, writers
