"""The scrape token file: created once, private, and kept across restarts."""

from __future__ import annotations

import stat
from pathlib import Path

from watchkeeper.gateway import TOKEN_PREFIX
from watchkeeper.observe import ensure_scrape_token


def test_first_use_writes_a_private_token(home: Path) -> None:
    """A new token is written with mode 0600 and the recognisable `wk_` prefix."""
    path = home / "metrics.token"
    token = ensure_scrape_token(path)
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) > 40
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_token_is_kept(home: Path) -> None:
    """A restart reads the same token, so Prometheus keeps scraping."""
    path = home / "metrics.token"
    assert ensure_scrape_token(path) == ensure_scrape_token(path)


def test_empty_file_gets_a_new_token(home: Path) -> None:
    """An emptied token file is refilled rather than accepting an empty bearer."""
    path = home / "metrics.token"
    path.write_text("\n")
    assert ensure_scrape_token(path).startswith(TOKEN_PREFIX)
