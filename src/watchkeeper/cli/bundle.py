"""`watchkeeper bundle …`: export redacted evidence bundles and verify them offline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from watchkeeper.bundle import BundleReport, Manifest, Period

__all__ = ["app"]

app = typer.Typer(
    help="Export redacted, signed evidence bundles for assessors, and verify them.",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _when(text: str, option: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        msg = f"{option} `{text}` is not an ISO 8601 time; write it like 2026-11-01T00:00Z"
        raise _fail(msg) from exc
    if value.tzinfo is None:
        msg = f"{option} `{text}` has no time zone; add `Z` for UTC"
        raise _fail(msg)
    return value.astimezone(UTC)


def _period(period: str | None, since: str | None, until: str | None, name: str | None) -> Period:
    from watchkeeper.bundle import Period
    from watchkeeper.cli.token import parse_duration
    from watchkeeper.clock import utcnow

    if period is not None and since is not None:
        msg = f"--period `{period}` and --since `{since}` both set the start; pass only one"
        raise _fail(msg)
    end = utcnow() if until is None else _when(until, "--until")
    if since is not None:
        start = _when(since, "--since")
    else:
        try:
            start = end - parse_duration(period or "30d")
        except typer.BadParameter as exc:
            raise _fail(str(exc.message)) from exc
    if start >= end:
        msg = f"--since `{start.isoformat()}` is not before --until `{end.isoformat()}`"
        raise _fail(msg)
    return Period(since=start, until=end, deployment=name)


def _categories(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"


def _exported(out: Path, manifest: Manifest) -> str:
    withheld = manifest.withheld
    return (
        f"bundle `{out}`: records {manifest.first_seq}-{manifest.last_seq} "
        f"({manifest.records} records, {manifest.in_period} in the period); "
        f"{withheld.total} withheld ({_categories(withheld.by_category)})"
    )


@app.command("export")
def export(
    *,
    out: Annotated[Path, typer.Option("--out", help="Bundle file to write (.tar.gz, mode 0600).")],
    period: Annotated[
        str | None,
        typer.Option(help="How far back from --until (default now), e.g. 30d, 12h (default 30d)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Start of the period, ISO 8601 with a zone.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="End of the period (default: now).")] = None,
    deployment: Annotated[
        str | None,
        typer.Option(help="Only this deployment; others' payloads are withheld, not dropped."),
    ] = None,
    redact: Annotated[
        Path | None,
        typer.Option(help="Redaction rules YAML (default: secrets and personal data)."),
    ] = None,
    sign: Annotated[
        bool,
        typer.Option(
            "--sign/--no-sign",
            help="Sign a checkpoint at the head when none covers the period's end yet.",
        ),
    ] = True,
    home: Annotated[
        Path | None,
        typer.Option(help="Watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(help="Ledger database: a file or a postgresql:// url (default: <home>)."),
    ] = None,
) -> None:
    """Write the ledger slice for a period, redacted, anchored at signed checkpoints.

    The slice is widened to whole checkpoint intervals; payloads that match the redaction
    rules (or belong to another deployment) are withheld and only their commitments kept.
    """
    from watchkeeper.bundle import BundleError, RedactionRules, export_bundle, load_rules
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError, ledger_source, load_or_create_key, open_ledger

    window = _period(period, since, until, deployment)
    if not out.parent.is_dir():
        msg = f"directory `{out.parent}` of --out does not exist; create it first"
        raise _fail(msg)
    root = resolve_home(home)

    def sign_head() -> None:
        with open_ledger(root, db):
            pass  # closing the writer signs a checkpoint at the head

    try:
        rules, digest = (RedactionRules(), None) if redact is None else load_rules(redact)
        manifest = export_bundle(
            ledger_source(root, db),
            load_or_create_key(root / "keys"),
            out,
            period=window,
            rules=rules,
            rules_sha256=digest,
            sign_head=sign_head if sign else None,
        )
    except (BundleError, LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(_exported(out, manifest))


def _verified(path: Path, report: BundleReport) -> str:
    return (
        f"bundle `{path}` verifies: records {report.anchor_seq + 1}-{report.last_seq} "
        f"({report.records} records, signed checkpoints: {report.checkpoints}); "
        f"{report.withheld} withheld ({_categories(report.by_category)})"
    )


@app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="The bundle file (.tar.gz).")],
    public_key: Annotated[
        list[Path],
        typer.Option(
            "--public-key",
            help="Your trusted copy of the ledger's public key (PEM); repeatable: key rotations "
            "recorded in the bundle are followed from any of them.",
        ),
    ],
) -> None:
    """Check a bundle against the ledger's public key; exit 1 naming the first bad record.

    Needs no database or home: checkpoint signatures, the chain from the anchor to the last
    checkpoint, every record hash and commitment, and the manifest's accounting.
    """
    from watchkeeper.bundle import BundleReadError, verify_bundle
    from watchkeeper.ledger import LedgerKeyError, load_public_key

    try:
        report = verify_bundle(bundle, [load_public_key(path) for path in public_key])
    except (BundleReadError, LedgerKeyError) as exc:
        raise _fail(str(exc)) from exc
    if not report.ok:
        typer.echo(f"bundle `{bundle}` fails verification: {report.reason}")
        raise typer.Exit(1)
    typer.echo(_verified(bundle, report))
