"""The failures a ledger caller can act on, one class each."""

from __future__ import annotations

__all__ = [
    "LedgerClosedError",
    "LedgerEncodeError",
    "LedgerError",
    "LedgerKeyError",
    "LedgerNotFoundError",
    "LedgerOpenError",
    "LedgerReservedError",
    "LedgerSchemaError",
    "LedgerWriteError",
]


class LedgerError(Exception):
    """Base class of every ledger failure."""


class LedgerClosedError(LedgerError):
    """The store was closed (or its writer stopped) before the events were handed to it."""


class LedgerEncodeError(LedgerError):
    """An event cannot be turned into canonical JSON, so it cannot be hashed or stored."""


class LedgerReservedError(LedgerEncodeError):
    """The event is a key-rotation record, which only `watchkeeper ledger rotate-key` writes."""


class LedgerOpenError(LedgerError):
    """The ledger database cannot be opened for writing (bad path, permissions, not SQLite)."""


class LedgerSchemaError(LedgerOpenError):
    """The PostgreSQL ledger schema is missing, older or newer than this watchkeeper's."""


class LedgerWriteError(LedgerError):
    """A batch could not be committed; none of its events were recorded."""


class LedgerKeyError(LedgerError):
    """The signing key (or public key) file is missing, unreadable, too open or not Ed25519."""


class LedgerNotFoundError(LedgerError):
    """The ledger database file to read does not exist."""
