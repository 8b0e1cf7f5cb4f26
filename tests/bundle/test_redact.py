"""Which rules withhold a record: structural rules first, detectors on the rest."""

from __future__ import annotations

from watchkeeper.bundle import RedactionRules
from watchkeeper.bundle._redact import RecordRedactor, payload_texts


class _Recorder:
    """A detector that reports `found` and remembers what it was asked to scan."""

    def __init__(self, found: set[str]) -> None:
        self.found = found
        self.seen: list[list[str]] = []

    def scan(self, texts: list[str]) -> set[str]:
        self.seen.append(texts)
        return self.found


def _redactor(rules: RedactionRules, detector: _Recorder | None = None) -> RecordRedactor:
    return RecordRedactor(rules, deployment="prod", secrets=detector, personal=None)


def test_tool_rule_matches_the_exact_name_only() -> None:
    """A rule for `Bash` does not withhold `BashOutput`."""
    redactor = _redactor(RedactionRules(secrets=False, personal=False, tools=("Bash",)))
    bash = redactor.matches(kind="tool_call", deployment_id="prod", payload={"tool": "Bash"})
    other = redactor.matches(kind="tool_call", deployment_id="prod", payload={"tool": "BashOutput"})
    assert bash == ["tool:Bash"]
    assert other == []


def test_field_rule_matches_a_present_dotted_path() -> None:
    """`args.content` withholds a payload that has it and keeps one that does not."""
    redactor = _redactor(RedactionRules(secrets=False, personal=False, fields=("args.content",)))
    with_field = {"tool": "Write", "args": {"content": "x"}}
    without = {"tool": "Write", "args": {"path": "x"}}
    assert redactor.matches(kind="tool_call", deployment_id="prod", payload=with_field) == [
        "field:args.content"
    ]
    assert redactor.matches(kind="tool_call", deployment_id="prod", payload=without) == []


def test_other_deployment_skips_the_detectors() -> None:
    """A record of another deployment is withheld without being scanned."""
    detector = _Recorder({"AWSKeyDetector"})
    redactor = _redactor(RedactionRules(personal=False), detector)
    rules = redactor.matches(kind="message", deployment_id="dev", payload={"text": "hi"})
    assert rules == ["deployment:other"]
    assert detector.seen == []


def test_detector_findings_become_rule_ids() -> None:
    """What a detector finds is named `secrets:<plugin>`."""
    redactor = _redactor(RedactionRules(personal=False), _Recorder({"GitHubTokenDetector"}))
    assert redactor.matches(kind="message", deployment_id="prod", payload={"text": "x"}) == [
        "secrets:GitHubTokenDetector"
    ]


def test_envelope_fields_are_not_scanned() -> None:
    """Ids and timestamps, public in every envelope anyway, are not fed to the detectors."""
    texts = payload_texts({"id": "abc", "ts": "t", "session_id": "s", "text": "hello", "n": 4})
    assert texts == ["text", "hello", "n", "4"]
