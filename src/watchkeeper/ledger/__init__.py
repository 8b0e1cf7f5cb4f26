"""Append-only store: canonical JSON, hash chain, commitments, checkpoints, verify.

Names that appending does not need are loaded on first use (`__getattr__`): the PostgreSQL
backend (importing the driver costs about 0.1 s), and export, verify, trust, key rotation
and the read-side sources (a few ms), none of which a local-mode hook process uses.
"""

import importlib
from typing import TYPE_CHECKING

from watchkeeper.ledger._chain import GENESIS
from watchkeeper.ledger._checkpoint import Checkpoint, sign_checkpoint
from watchkeeper.ledger._errors import (
    LedgerClosedError,
    LedgerEncodeError,
    LedgerError,
    LedgerKeyError,
    LedgerNotFoundError,
    LedgerOpenError,
    LedgerReservedError,
    LedgerSchemaError,
    LedgerWriteError,
)
from watchkeeper.ledger._keys import (
    PRIVATE_KEY_NAME,
    PUBLIC_KEY_NAME,
    RETIRED_DIR,
    SigningKeyFile,
    key_id,
    load_or_create_key,
    load_public_key,
)
from watchkeeper.ledger._location import display_url, is_postgres_url
from watchkeeper.ledger._open import DB_ENV, ledger_location, open_ledger
from watchkeeper.ledger._reader import Head, ledger_head, read_events
from watchkeeper.ledger._rotation import ROTATION_PHASE, is_rotation
from watchkeeper.ledger._schema import StoredRecord
from watchkeeper.ledger._signing import (
    RESUMED_PHASE,
    SIGNING_SESSION,
    UNSIGNED_PHASE,
    ReportsSigning,
    SigningProblem,
)
from watchkeeper.ledger._sqlite import LEDGER_FILE_NAME, SqliteLedger
from watchkeeper.ledger._store import LedgerStore, Receipt
from watchkeeper.ledger._writer import WriterStats

__all__ = [
    "DB_ENV",
    "GENESIS",
    "LEDGER_FILE_NAME",
    "POSTGRES_SCHEMA_VERSION",
    "PRIVATE_KEY_NAME",
    "PUBLIC_KEY_NAME",
    "RESUMED_PHASE",
    "RETIRED_DIR",
    "ROTATION_PHASE",
    "SIGNING_SESSION",
    "UNSIGNED_PHASE",
    "Checkpoint",
    "Head",
    "KeyRotation",
    "KeyWalk",
    "LedgerClosedError",
    "LedgerEncodeError",
    "LedgerError",
    "LedgerKeyError",
    "LedgerNotFoundError",
    "LedgerOpenError",
    "LedgerReservedError",
    "LedgerSchemaError",
    "LedgerSource",
    "LedgerStore",
    "LedgerWriteError",
    "PostgresLedger",
    "PostgresSource",
    "Receipt",
    "Redactor",
    "ReportsSigning",
    "SigningKeyFile",
    "SigningProblem",
    "SqliteLedger",
    "SqliteSource",
    "StoredRecord",
    "TrustProblem",
    "TrustRoots",
    "UpgradeReport",
    "VerifyReport",
    "WriterStats",
    "database_version",
    "display_url",
    "export_jsonl",
    "follow_keys",
    "is_postgres_url",
    "is_rotation",
    "key_id",
    "ledger_head",
    "ledger_location",
    "ledger_source",
    "load_or_create_key",
    "load_public_key",
    "open_ledger",
    "read_events",
    "rotate_key",
    "sign_checkpoint",
    "upgrade_schema",
    "verify_export",
    "verify_ledger",
    "verify_records",
]

if TYPE_CHECKING:
    from watchkeeper.ledger._export import Redactor, export_jsonl, verify_export
    from watchkeeper.ledger._postgres import PostgresLedger
    from watchkeeper.ledger._postgres_schema import (
        POSTGRES_SCHEMA_VERSION,
        UpgradeReport,
        database_version,
        upgrade_schema,
    )
    from watchkeeper.ledger._postgres_source import PostgresSource
    from watchkeeper.ledger._rotate import KeyRotation, rotate_key
    from watchkeeper.ledger._source import LedgerSource, SqliteSource, ledger_source
    from watchkeeper.ledger._trust import KeyWalk, TrustProblem, TrustRoots, follow_keys
    from watchkeeper.ledger._verify import VerifyReport, verify_ledger, verify_records

_LAZY_NAMES = {
    "PostgresLedger": "watchkeeper.ledger._postgres",
    "PostgresSource": "watchkeeper.ledger._postgres_source",
    "POSTGRES_SCHEMA_VERSION": "watchkeeper.ledger._postgres_schema",
    "UpgradeReport": "watchkeeper.ledger._postgres_schema",
    "database_version": "watchkeeper.ledger._postgres_schema",
    "upgrade_schema": "watchkeeper.ledger._postgres_schema",
    "Redactor": "watchkeeper.ledger._export",
    "export_jsonl": "watchkeeper.ledger._export",
    "verify_export": "watchkeeper.ledger._export",
    "KeyRotation": "watchkeeper.ledger._rotate",
    "rotate_key": "watchkeeper.ledger._rotate",
    "LedgerSource": "watchkeeper.ledger._source",
    "SqliteSource": "watchkeeper.ledger._source",
    "ledger_source": "watchkeeper.ledger._source",
    "KeyWalk": "watchkeeper.ledger._trust",
    "TrustProblem": "watchkeeper.ledger._trust",
    "TrustRoots": "watchkeeper.ledger._trust",
    "follow_keys": "watchkeeper.ledger._trust",
    "VerifyReport": "watchkeeper.ledger._verify",
    "verify_ledger": "watchkeeper.ledger._verify",
    "verify_records": "watchkeeper.ledger._verify",
}


def __getattr__(name: str) -> object:
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
