"""Installing a third-party-style monitor plugin for a test: a real dist-info on sys.path."""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

#: A plugin module: `keyword` flags Bash commands containing a word; `broken` fails to build.
PLUGIN_SOURCE = """
from watchkeeper.events import Severity
from watchkeeper.monitors import Finding


class KeywordMonitor:
    def __init__(self, word, score, category):
        self.name = "keyword"
        self._word = word
        self._score = score
        self._category = category

    def __call__(self, session, step):
        action = step.action
        command = step.event.args.get("command", "") if step.event.kind == "tool_call" else ""
        if "explode" in command:
            raise RuntimeError("keyword monitor exploded")
        if self._word not in command:
            return None
        seen = session.scratch(self.name)
        seen["hits"] = seen.get("hits", 0) + 1
        return Finding(
            monitor=self.name,
            score=self._score,
            category=self._category,
            severity=Severity.HIGH,
            explanation=f"the command mentions {self._word}",
            evidence=(step.event.id,),
        )


def keyword(*, word="curl", score=0.95, category="exfiltration"):
    return KeywordMonitor(word, score, category)


def not_a_monitor():
    return 42


def strict(*, level=1):
    if level > 3:
        raise ValueError("level must be at most 3")
    return KeywordMonitor("sudo", 0.5, "self-replication")
"""

ENTRY_POINTS = """\
[watchkeeper.monitors]
keyword = wk_test_plugin:keyword
not-a-monitor = wk_test_plugin:not_a_monitor
strict = wk_test_plugin:strict
missing-module = wk_test_plugin_missing:factory
"""


@contextlib.contextmanager
def installed_plugin(root: Path) -> Iterator[Path]:
    """Put a distribution `wk-test-plugin` declaring monitor entry points on sys.path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "wk_test_plugin.py").write_text(textwrap.dedent(PLUGIN_SOURCE))
    dist = root / "wk_test_plugin-1.0.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: wk-test-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    sys.path.insert(0, str(root))
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        sys.modules.pop("wk_test_plugin", None)
