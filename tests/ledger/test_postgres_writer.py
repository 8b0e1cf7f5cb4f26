"""The PostgreSQL writer under faults: dead servers, lost connections, rival writers."""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import Decision, ToolCall
from watchkeeper.gateway import Pipeline, ensure_policy_file
from watchkeeper.ledger import (
    LedgerOpenError,
    LedgerWriteError,
    PostgresLedger,
    PostgresSource,
    Receipt,
    load_or_create_key,
)
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import load_policy

from ._tcp_proxy import TcpProxy
from .conftest import Backend, sample_events

APPENDER = Path(__file__).with_name("_pg_append_proc.py")


def test_unreachable_server_fails_at_open_naming_the_url() -> None:
    """A url whose server does not answer raises LedgerOpenError at once, without the password."""
    url = "postgresql://root:hunter2@127.0.0.1:1/test"
    with pytest.raises(LedgerOpenError, match="cannot be reached") as caught:
        PostgresLedger(url)
    assert "postgresql://root@127.0.0.1:1/test" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_server_gone_for_good_fails_pending_submissions(
    postgres_url: str, key: Ed25519PrivateKey
) -> None:
    """When the server stays away past the retry budget, futures fail and acked events stay."""
    parts = urlsplit(postgres_url)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        proxied = postgres_url.replace(f":{parts.port}/", f":{proxy.port}/", 1)
        store = PostgresLedger(proxied, signing_key=key, retry_seconds=1.0)
        try:
            acked = store.append(sample_events(3))
            proxy.cut()
            future = store.submit(sample_events(2))
            with pytest.raises(LedgerWriteError, match="could not commit a batch of `2` events"):
                future.result(timeout=30)
        finally:
            store.close()
    source = PostgresSource(postgres_url, Path("keys"))
    assert [seq for seq, _ in source.events()] == [r.seq for r in acked]


def _terminate_writer(server_url: str, application: str) -> int:
    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application,),
        ).fetchall()
    return len(rows)


def test_terminated_backend_is_reconnected_and_nothing_acked_is_lost(
    postgres_url: str, postgres_server: str, key: Ed25519PrivateKey
) -> None:
    """`pg_terminate_backend` mid-run: the writer reconnects; every acked event is stored."""
    application = f"wk_test_{secrets.token_hex(4)}"
    url = f"{postgres_url}&application_name={application}"
    futures: list[Future[list[Receipt]]] = []
    stop = threading.Event()
    with PostgresLedger(url, signing_key=key, checkpoint_every=50) as store:

        def submitter() -> None:
            while not stop.is_set():
                futures.append(store.submit(sample_events(2)))
                time.sleep(0.001)

        thread = threading.Thread(target=submitter)
        thread.start()
        try:
            killed = 0
            for _ in range(3):
                time.sleep(0.3)
                killed += _terminate_writer(postgres_server, application)
        finally:
            stop.set()
            thread.join()
        receipts = [r for f in futures for r in f.result(timeout=30)]
        assert store.reconnects() >= 1
    assert killed >= 1
    stored = {event.id: seq for seq, event in PostgresSource(url, Path("keys")).events()}
    assert {r.event_id: r.seq for r in receipts} == stored
    report = Backend("postgres", postgres_url).verify(key.public_key())
    assert report.ok, report.reason
    assert report.records_checked == len(receipts)


def test_refused_submission_does_not_sink_others_in_its_commit(postgres_url: str) -> None:
    """A row the server refuses fails its own submission only; the rest commit and chain on."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by test trigger'; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON records FOR EACH ROW "
            "WHEN (NEW.session_id = 'boom') EXECUTE FUNCTION refuse()"
        )
    with PostgresLedger(postgres_url) as store:
        lock = psycopg.connect(postgres_url)
        lock.execute("SELECT 1 FROM ledger_head FOR UPDATE")
        first = store.submit(sample_events(1))
        time.sleep(0.3)  # the writer holds `first` and waits for the head lock
        bad = store.submit(sample_events(1, session_id="boom"))
        good = store.submit(sample_events(2, session_id="fine"))
        lock.rollback()
        lock.close()
        assert [r.seq for r in first.result(timeout=10)] == [1]
        assert [r.seq for r in good.result(timeout=10)] == [2, 3]
        with pytest.raises(LedgerWriteError, match="refused by test trigger"):
            bad.result(timeout=10)
    assert Backend("postgres", postgres_url).verify(None, require_signatures=False).ok


def test_four_writer_processes_keep_one_valid_chain(postgres_url: str, tmp_path: Path) -> None:
    """Four processes appending at once get disjoint, gapless receipts and the chain verifies."""
    keys = tmp_path / "keys"
    key = load_or_create_key(keys)
    procs = [
        subprocess.Popen(
            [sys.executable, str(APPENDER), postgres_url, str(keys), "25", "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, [err for _, err in outputs]
    receipts = [line.split() for out, _ in outputs for line in out.splitlines()]
    assert sorted(int(seq) for seq, _ in receipts) == list(range(1, 401))
    stored = {event.id: seq for seq, event in PostgresSource(postgres_url, keys).events()}
    assert {event_id: int(seq) for seq, event_id in receipts} == stored
    report = Backend("postgres", postgres_url).verify(key.public_key())
    assert report.ok, report.reason
    assert report.checkpoints_checked >= 4


def test_gateway_pipeline_denies_once_the_server_is_gone(
    postgres_url: str, tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    """A pipeline over a PostgreSQL ledger whose server vanished denies instead of allowing."""
    parts = urlsplit(postgres_url)
    policy = load_policy(ensure_policy_file(tmp_path))
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        proxied = postgres_url.replace(f":{parts.port}/", f":{proxy.port}/", 1)
        store = PostgresLedger(proxied, signing_key=key, retry_seconds=1.0)
        with Pipeline(Normalizer(), policy, store, record_timeout=1.0) as pipeline:
            call = ToolCall(session_id="s", tool="Bash", args={"command": "git status"})
            assert pipeline.decide(call).decision is Decision.ALLOW
            proxy.cut()
            later = ToolCall(session_id="s", tool="Bash", args={"command": "git status"})
            verdict = pipeline.decide(later)
    assert verdict.decision is Decision.DENY
    assert "could not record the call in the ledger" in verdict.explanation
    stored = [event.id for _, event in PostgresSource(postgres_url, Path("keys")).events()]
    assert call.id in stored
    assert later.id not in stored


def test_commit_whose_reply_was_lost_is_found_not_written_twice(
    postgres_url: str, key: Ed25519PrivateKey
) -> None:
    """When the connection drops after COMMIT was sent, the retry finds the batch committed."""
    parts = urlsplit(postgres_url)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        proxied = postgres_url.replace(f":{parts.port}/", f":{proxy.port}/", 1)
        with PostgresLedger(proxied, signing_key=key, checkpoint_every=1000) as store:
            store.append(sample_events(2))
            proxy.lose_reply_after(b"COMMIT")
            receipts = store.append(sample_events(3))
            assert store.reconnects() == 1
            assert [r.seq for r in receipts] == [3, 4, 5]
            assert [r.seq for r in store.append(sample_events(1))] == [6]
    backend = Backend("postgres", postgres_url)
    assert backend.count() == 6
    report = backend.verify(key.public_key())
    assert report.ok, report.reason


def test_refused_idle_checkpoint_is_retried_after_a_pause(
    postgres_url: str,
    key: Ed25519PrivateKey,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A due checkpoint the server keeps refusing (here a trigger on the checkpoints table) is
    tried again after a growing pause, not in a loop: an idle writer must not spin."""
    store = PostgresLedger(postgres_url, signing_key=key, checkpoint_interval=0.5)
    try:
        # The append below commits before the timed checkpoint is due (0.5 s after opening);
        # the checkpoint the idle writer then owes is refused every time.
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(
                "CREATE FUNCTION refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'checkpoints refused by test trigger'; END $$"
            )
            conn.execute(
                "CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON checkpoints FOR EACH ROW "
                "EXECUTE FUNCTION refuse_checkpoint()"
            )
        writer = store._writer
        attempts: list[float] = []
        transaction = writer._transaction

        def counted(*args: object, **kwargs: object) -> None:
            attempts.append(time.monotonic())
            transaction(*args, **kwargs)  # type: ignore[arg-type] # passed through unchanged

        monkeypatch.setattr(writer, "_transaction", counted)
        store.append(sample_events(1))
        time.sleep(1.5)
    finally:
        store.close()
    # Pauses of 0.05, 0.1, 0.2, 0.4, 0.8 s and more: a handful of attempts, not hundreds.
    assert 2 <= len(attempts) <= 12
    # The refusal is reported once, not on every attempt.
    refused = [r for r in caplog.records if "refused a due checkpoint" in r.getMessage()]
    assert len(refused) == 1


def test_reads_survive_terminated_reader_connections(
    postgres_url: str, postgres_server: str, key: Ed25519PrivateKey
) -> None:
    """Pooled reader connections killed by `pg_terminate_backend` are replaced on the next
    read, which answers as if nothing happened."""
    application = f"wk_test_{secrets.token_hex(4)}"
    url = f"{postgres_url}&application_name={application}"
    with PostgresLedger(url, signing_key=key) as store:
        acked = store.append(sample_events(3))
        threads = [threading.Thread(target=lambda: list(store.events())) for _ in range(4)]
        for thread in threads:  # fill the readers' pool
            thread.start()
        for thread in threads:
            thread.join()
        assert _terminate_writer(postgres_server, application) >= 2
        assert [seq for seq, _ in store.events()] == [r.seq for r in acked]
        assert store.head().seq == acked[-1].seq
