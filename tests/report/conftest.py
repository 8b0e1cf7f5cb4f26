"""A seeded home, rendered once per module: the report tests read the same page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests._backends import BACKENDS, backend_ledger
from watchkeeper.clock import utcnow
from watchkeeper.events import Event
from watchkeeper.ledger import DB_ENV
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
    url: str | None
    """The PostgreSQL ledger's url; None for `<home>/ledger.db`."""


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, postgres_server: str
) -> Iterator[Seeded]:
    """A home seeded by `seed_home` on each ledger backend, and its report over the last 30
    days. `$WATCHKEEPER_DB` is set only while seeding and rendering, not for the module."""
    with backend_ledger(request.param, postgres_server) as backend:
        with pytest.MonkeyPatch.context() as patch:
            if backend.url is None:
                patch.delenv(DB_ENV, raising=False)
            else:
                patch.setenv(DB_ENV, backend.url)
            home = tmp_path_factory.mktemp("report") / "home"
            home.mkdir()
            end = utcnow() + timedelta(seconds=1)
            events = seed_home(home, end)
            html = build_report(home, period=PERIOD, end=end)
        yield Seeded(home, end, events, html, backend.url)
