"""The session timeline: events in order, flagged steps anchored, agent text made harmless."""

from __future__ import annotations

import re

import pytest

from watchkeeper.events import Severity
from watchkeeper.review.web._text import HEAD_CHARS

from .conftest import Review, output, reasoning

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _page(review: Review) -> str:
    response = review.client().get("/sessions/alpha/s1")
    assert response.status_code == 200
    return response.text


def test_timeline_lists_events_in_order(review: Review) -> None:
    """Calls, verdicts, outputs and reasoning appear in ledger order, each anchored by id."""
    review.record(reasoning("first I look around"))
    call = review.call("Bash", {"command": "echo hello"})
    review.record(output(call, "hello"))
    page = _page(review)
    kinds = re.findall(r'data-kind="(\w+)"', page)
    assert kinds == ["reasoning", "tool_call", "verdict", "tool_result"]
    assert f'id="event-{call.id}"' in page


def test_timeline_collapses_outputs(review: Review) -> None:
    """Tool outputs sit inside a closed <details>."""
    call = review.call("Bash", {"command": "echo hello"})
    review.record(output(call, "hello there"))
    page = _page(review)
    assert '<details data-testid="output"><summary>show</summary>' in page


def test_timeline_flags_alert_evidence(review: Review) -> None:
    """An event that is evidence of an alert is highlighted with the alert named."""
    call = review.call("Bash", {"command": "echo secret"})
    alert = review.alerts.raise_alert(
        deployment_id="alpha",
        session_id="s1",
        monitor="m",
        category="exfiltration",
        severity=Severity.HIGH,
        score=0.9,
        evidence=(call.id,),
        explanation="sent a secret",
    ).alert
    page = _page(review)
    article = page[page.index(f'id="event-{call.id}"') :].split("</article>")[0]
    assert 'data-flagged="true"' in article
    assert f"evidence of alert #{alert.id} (exfiltration)" in article


def test_timeline_flags_denied_calls(review: Review) -> None:
    """A call the policy denied is flagged."""
    call = review.call("Bash", {"command": "rm -rf /"})
    page = _page(review)
    article = page[page.index(f'id="event-{call.id}"') :].split("</article>")[0]
    assert "deny by the policy" in article


def test_timeline_shows_write_as_diff(review: Review) -> None:
    """A Write call is shown as added lines."""
    review.call("Write", {"file_path": "/work/repo/new.txt", "content": "line one\nline two\n"})
    assert '<span class="d-add">+line one</span>' in _page(review)


def test_tool_output_markup_is_escaped(review: Review) -> None:
    """Script and event-handler markup in a tool output is rendered as inert text."""
    call = review.call("Bash", {"command": "echo hi"})
    review.record(output(call, XSS))
    page = _page(review)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reasoning_markup_is_escaped(review: Review) -> None:
    """Markup in the agent's reasoning is rendered as text."""
    review.record(reasoning(XSS))
    page = _page(review)
    assert "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page


def test_ansi_escapes_are_stripped(review: Review) -> None:
    """Terminal colour codes in an output do not reach the page."""
    call = review.call("Bash", {"command": "echo hi"})
    review.record(output(call, "\x1b[31mred\x1b[0m text"))
    page = _page(review)
    assert "\x1b" not in page
    assert "red text" in page


def test_one_megabyte_output_is_truncated(review: Review) -> None:
    """A 1 MB output shows 4 KB, a "show more" with the rest up to the cap, and a note."""
    call = review.call("Bash", {"command": "echo hi"})
    review.record(output(call, "A" * (1 << 20)))
    page = _page(review)
    assert f'<pre class="agent">{"A" * HEAD_CHARS}</pre>' in page
    assert 'data-testid="show-more"' in page
    assert 'data-testid="clipped-note"' in page
    assert len(page) < 400_000


def test_empty_session_says_so(review: Review) -> None:
    """A session without events renders a page saying there are none."""
    assert "No events recorded for this session." in _page(review)
