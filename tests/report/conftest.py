"""A seeded home, rendered once per module: the report tests read the same page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import Event
from watchkeeper.report import build_report

from ._seed import seed_home

PERIOD = timedelta(days=30)


@dataclass(frozen=True)
class Seeded:
    """A seeded home, the end of its report period, the events appended and the page."""

    home: Path
    end: datetime
    events: list[Event]
    html: str


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A home seeded by `seed_home`, and its report over the last 30 days."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("WATCHKEEPER_DB", raising=False)
        home = tmp_path_factory.mktemp("report") / "home"
        home.mkdir()
        end = utcnow() + timedelta(seconds=1)
        events = seed_home(home, end)
        html = build_report(home, period=PERIOD, end=end)
        yield Seeded(home, end, events, html)
