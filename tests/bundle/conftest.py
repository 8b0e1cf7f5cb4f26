"""A seeded ledger with planted secrets and personal data, and bundles exported from it."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests._backends import BACKENDS, backend_ledger
from watchkeeper.bundle import Manifest, Period, RedactionRules, export_bundle
from watchkeeper.clock import utcnow
from watchkeeper.events import Event, Message, Reasoning, ToolCall, ToolResult
from watchkeeper.ledger import (
    LedgerSource,
    ledger_location,
    ledger_source,
    load_or_create_key,
    open_ledger,
)

AWS_KEY = "AKIAQ3EGTUOXKMPLD5RT"
GITHUB_TOKEN = "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"
PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEA7bq98c2sH4kWjVnqPLantedKeyBodyXq9Zr3vW1uT8yNcQ"
PRIVATE_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{PRIVATE_KEY_BODY}\n-----END RSA PRIVATE KEY-----"
URL_PASSWORD = "hunter2s3cretPw"
EMAIL = "alice.smith@example.org"
PHONE = "+44 20 7946 0958"
IBAN = "DE89 3704 0044 0532 0130 00"
CARD = "4111 1111 1111 1111"
CLEAN_MARKER = "benign-output-marker-7781"

PLANTED_SECRETS = {
    AWS_KEY: "secrets:AWSKeyDetector",
    GITHUB_TOKEN: "secrets:GitHubTokenDetector",
    PRIVATE_KEY_BODY: "secrets:PrivateKeyDetector",
    URL_PASSWORD: "secrets:BasicAuthDetector",
}
PLANTED_PERSONAL = {
    EMAIL: "personal:EMAIL_ADDRESS",
    PHONE: "personal:PHONE_NUMBER",
    IBAN: "personal:IBAN_CODE",
    CARD: "personal:CREDIT_CARD",
}
OLD_RECORDS = 4
"""Records stamped 40 days ago, before a 30-day period; a checkpoint follows them."""


def _old(session: str) -> list[Event]:
    ts = utcnow() - timedelta(days=40)
    return [
        ToolCall(session_id=session, tool="Bash", args={"command": f"ls {i}"}, ts=ts)
        for i in range(OLD_RECORDS)
    ]


def _recent(session: str) -> list[Event]:
    return [
        ToolCall(session_id=session, tool="Bash", args={"command": f"aws s3 ls # {AWS_KEY}"}),
        ToolResult(session_id=session, tool="Bash", output=f"token={GITHUB_TOKEN}"),
        ToolCall(session_id=session, tool="Write", args={"path": "id_rsa", "content": PRIVATE_KEY}),
        ToolCall(
            session_id=session,
            tool="Bash",
            args={"command": f"git clone https://deploy:{URL_PASSWORD}@git.example.com/r.git"},
        ),
        Message(session_id=session, role="user", text=f"write to {EMAIL} please"),
        ToolResult(session_id=session, tool="Read", output={"lines": [f"phone: {PHONE}"]}),
        Reasoning(session_id=session, text=f"the refund goes to IBAN {IBAN}"),
        ToolCall(session_id=session, tool="Bash", args={"command": f"echo '{CARD}' > card.txt"}),
        ToolResult(session_id=session, tool="Bash", output=CLEAN_MARKER),
        Reasoning(session_id=session, text="nothing to hide here", deployment_id="other"),
        Message(session_id=session, role="assistant", text="done"),
    ]


@dataclass(frozen=True)
class Seeded:
    """A watchkeeper home whose ledger holds old records, a checkpoint, then planted ones."""

    home: Path
    key: Ed25519PrivateKey
    url: str | None = None
    """The PostgreSQL ledger's url; None for `$WATCHKEEPER_DB` or else `<home>/ledger.db`."""

    @property
    def location(self) -> Path | str:
        """Where the ledger is: a SQLite file or a PostgreSQL url."""
        return ledger_location(self.home, self.url)

    @property
    def source(self) -> LedgerSource:
        """The ledger for reading."""
        return ledger_source(self.home, self.url)

    @property
    def public_key_file(self) -> Path:
        """The ledger's public key."""
        return self.home / "keys" / "ledger.pub"


def seed(home: Path, url: str | None = None) -> Seeded:
    """Write the seeded ledger of `home` (at `url` if given; checkpoints after each batch and
    on close)."""
    with open_ledger(home, url, checkpoint_every=1000) as ledger:
        ledger.append(_old("old"))
    with open_ledger(home, url, checkpoint_every=1000) as ledger:
        ledger.append(_recent("s1"))
    return Seeded(home, load_or_create_key(home / "keys"), url)


def last_30_days(deployment: str | None = None) -> Period:
    """The 30 days up to a minute from now."""
    now = utcnow() + timedelta(minutes=1)
    return Period(since=now - timedelta(days=30), until=now, deployment=deployment)


@pytest.fixture(scope="session", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, postgres_server: str
) -> Iterator[Seeded]:
    """One seeded home per ledger backend, shared by the tests that only read it."""
    with backend_ledger(request.param, postgres_server) as backend:
        yield seed(tmp_path_factory.mktemp("seeded"), backend.url)


@dataclass(frozen=True)
class Exported:
    """A bundle file and the manifest its export returned."""

    path: Path
    manifest: Manifest


@pytest.fixture(scope="session")
def bundle(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The seeded ledger's last 30 days with the default rules (secrets and personal data)."""
    out = tmp_path_factory.mktemp("bundle") / "bundle.tar.gz"
    manifest = export_bundle(
        seeded.source, seeded.key, out, period=last_30_days(), rules=RedactionRules()
    )
    return Exported(out, manifest)


def decompressed(path: Path) -> bytes:
    """Return the uncompressed bytes of the gzipped tarball at `path`."""
    return gzip.decompress(path.read_bytes())


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """Copy the bundle at `source` to `target`, passing each member through `change`."""
    with tarfile.open(source, "r:gz") as tar, tarfile.open(target, "w:gz") as out:
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target
