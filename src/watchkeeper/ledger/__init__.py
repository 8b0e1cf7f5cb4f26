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
    LedgerSchemaError,
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
from watchkeeper.ledger._open import DB_ENV, ledger_location, open_ledger
from watchkeeper.ledger._postgres import PostgresLedger
from watchkeeper.ledger._postgres_schema import (
    POSTGRES_SCHEMA_VERSION,
    UpgradeReport,
    database_version,
    display_url,
    is_postgres_url,
    upgrade_schema,
)
from watchkeeper.ledger._reader import Head, ledger_head, read_events
from watchkeeper.ledger._schema import StoredRecord
from watchkeeper.ledger._source import LedgerSource, PostgresSource, SqliteSource, ledger_source
from watchkeeper.ledger._sqlite import LEDGER_FILE_NAME, SqliteLedger
from watchkeeper.ledger._store import LedgerStore, Receipt
from watchkeeper.ledger._verify import VerifyReport, verify_ledger, verify_records
from watchkeeper.ledger._writer import WriterStats

__all__ = [
    "DB_ENV",
    "GENESIS",
    "LEDGER_FILE_NAME",
    "POSTGRES_SCHEMA_VERSION",
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
    "LedgerSchemaError",
    "LedgerSource",
    "LedgerStore",
    "LedgerWriteError",
    "PostgresLedger",
    "PostgresSource",
    "Receipt",
    "Redactor",
    "SqliteLedger",
    "SqliteSource",
    "StoredRecord",
    "UpgradeReport",
    "VerifyReport",
    "WriterStats",
    "database_version",
    "display_url",
    "export_jsonl",
    "is_postgres_url",
    "key_id",
    "ledger_head",
    "ledger_location",
    "ledger_source",
    "load_or_create_key",
    "load_public_key",
    "open_ledger",
    "read_events",
    "sign_checkpoint",
    "upgrade_schema",
    "verify_export",
    "verify_ledger",
    "verify_records",
]
