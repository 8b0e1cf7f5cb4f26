"""Append-only store: canonical JSON, hash chain, commitments, checkpoints, verify."""

from watchkeeper.ledger._chain import GENESIS
from watchkeeper.ledger._checkpoint import Checkpoint, sign_checkpoint
from watchkeeper.ledger._errors import (
    LedgerClosedError,
    LedgerEncodeError,
    LedgerError,
    LedgerKeyError,
    LedgerNotFoundError,
    LedgerOpenError,
    LedgerWriteError,
)
from watchkeeper.ledger._export import Redactor, export_jsonl, verify_export
from watchkeeper.ledger._keys import (
    PRIVATE_KEY_NAME,
    PUBLIC_KEY_NAME,
    key_id,
    load_or_create_key,
    load_public_key,
)
from watchkeeper.ledger._reader import Head, ledger_head, read_events
from watchkeeper.ledger._schema import StoredRecord
from watchkeeper.ledger._sqlite import LEDGER_FILE_NAME, SqliteLedger, open_ledger
from watchkeeper.ledger._store import LedgerStore, Receipt
from watchkeeper.ledger._verify import VerifyReport, verify_ledger, verify_records
from watchkeeper.ledger._writer import WriterStats

__all__ = [
    "GENESIS",
    "LEDGER_FILE_NAME",
    "PRIVATE_KEY_NAME",
    "PUBLIC_KEY_NAME",
    "Checkpoint",
    "Head",
    "LedgerClosedError",
    "LedgerEncodeError",
    "LedgerError",
    "LedgerKeyError",
    "LedgerNotFoundError",
    "LedgerOpenError",
    "LedgerStore",
    "LedgerWriteError",
    "Receipt",
    "Redactor",
    "SqliteLedger",
    "StoredRecord",
    "VerifyReport",
    "WriterStats",
    "export_jsonl",
    "key_id",
    "ledger_head",
    "load_or_create_key",
    "load_public_key",
    "open_ledger",
    "read_events",
    "sign_checkpoint",
    "verify_export",
    "verify_ledger",
    "verify_records",
]
