"""Where a ledger lives, told from its location string without importing a database driver."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["display_url", "is_postgres_url"]


def is_postgres_url(value: str) -> bool:
    """Return whether `value` names a PostgreSQL database rather than a SQLite file."""
    return value.startswith(("postgresql://", "postgres://"))


def display_url(url: str) -> str:
    """Return `url` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}"))
