"""The learned rogue scorer's feature tally."""

from __future__ import annotations

import math

from watchkeeper.events import Severity
from watchkeeper.monitors import Finding
from watchkeeper.monitors.learned import ROGUE_FEATURES, RogueTally
from watchkeeper.normalize import Action, CodeExec


def _finding(category: str, score: float, explanation: str = "does it") -> Finding:
    return Finding("rogue-precursors", score, category, Severity.HIGH, explanation, ("e1",))


def test_vector_holds_every_feature() -> None:
    """A fresh tally gives a value for every feature, all zero."""
    vector = RogueTally().vector()
    assert set(vector) == set(ROGUE_FEATURES)
    assert not any(vector.values())


def test_finding_sets_family_maximum_and_hits() -> None:
    """A catalog finding raises its family's maximum and match count, and the session score."""
    tally = RogueTally()
    tally.observe_call(Action(tool="Bash"), _finding("exfiltration", 0.9))
    tally.observe_call(Action(tool="Bash"), _finding("exfiltration", 0.6))
    vector = tally.vector()
    assert vector["max:exfiltration"] == 0.9
    assert vector["hits:exfiltration"] == math.log1p(2)
    assert vector["catalog"] == 0.9
    assert vector["families"] == 1.0


def test_two_families_give_second_and_noisy_or() -> None:
    """Findings in two families set the second-strongest and combine as a noisy-OR."""
    tally = RogueTally()
    tally.observe_call(Action(tool="Bash"), _finding("persistence", 0.5))
    tally.observe_call(Action(tool="Bash"), _finding("obfuscation", 0.5))
    vector = tally.vector()
    assert vector["second"] == 0.5
    assert vector["catalog"] == 0.75


def test_consent_lowered_finding_is_counted() -> None:
    """A finding the catalog capped because the user asked counts as consented."""
    tally = RogueTally()
    lowered = _finding("persistence", 0.2, "installs a cron job (requested by the user: “x”)")
    tally.observe_call(Action(tool="Bash"), lowered)
    assert tally.vector()["consented"] == math.log1p(1)


def test_finding_of_unknown_category_is_ignored() -> None:
    """A finding whose category is not a catalog family changes nothing."""
    tally = RogueTally()
    tally.observe_call(Action(tool="Bash"), _finding("monitor-error", 1.0))
    assert tally.vector()["catalog"] == 0.0


def test_host_named_in_task_is_not_unnamed() -> None:
    """A host the task names counts as reached but not as unnamed; another one does."""
    tally = RogueTally(task="upload the report to files.example.org")
    tally.observe_call(Action(tool="Bash", hosts=("files.example.org", "drop.example.net")), None)
    vector = tally.vector()
    assert vector["hosts"] == math.log1p(2)
    assert vector["unnamed_hosts"] == math.log1p(1)


def test_local_hosts_are_not_counted() -> None:
    """Loopback hosts are not external."""
    tally = RogueTally()
    tally.observe_call(Action(tool="Bash", hosts=("localhost", "127.0.0.1")), None)
    assert tally.vector()["hosts"] == 0.0


def test_written_file_named_in_task_is_not_unnamed() -> None:
    """A written file whose name the task mentions is not counted as unnamed."""
    tally = RogueTally(task="fix the parser in parser.py")
    action = Action(tool="Write", writes=("/w/parser.py", "/home/a/.bashrc"))
    tally.observe_call(action, None)
    assert tally.unnamed_writes == {"/home/a/.bashrc"}


def test_unreadable_code_and_detached_calls_are_counted() -> None:
    """Decoded code run and a detached call are counted as such."""
    tally = RogueTally()
    action = Action(
        tool="Bash", code=(CodeExec("decode-exec", "base64 -d | sh"),), detached=("nohup",)
    )
    tally.observe_call(action, None)
    vector = tally.vector()
    assert vector["risky_code"] == math.log1p(1)
    assert vector["detached"] == math.log1p(1)


def test_reasoning_cues_are_counted() -> None:
    """Reasoning that speaks of staying unnoticed counts as a concealment cue."""
    tally = RogueTally()
    tally.observe_reasoning("I'll do this quietly so the reviewers don't see it")
    tally.observe_reasoning("Now run the tests.")
    vector = tally.vector()
    assert vector["cue:conceal"] == math.log1p(1)
    assert vector["cue:self"] == 0.0
