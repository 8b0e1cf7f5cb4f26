"""The soak's figures, and writing them as the Soak section of BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench._report import Figure, render_section
from bench.soak._run import FAULT_WINDOW, SoakResult

__all__ = ["SECTION", "figures", "summary", "write_section"]

#: The section's title in BENCHMARKS.md (kept by `make bench`, see `bench._report`).
SECTION = "Soak: 4 gateways, 2 workers, PostgreSQL, NATS, faults"


def figures(result: SoakResult) -> list[Figure]:
    """Return the run's figures against the goals of the scale-out issue."""
    tally, ledger = result.tally, result.ledger
    refused = ", ".join(f"{n:,} {why}" for why, n in sorted(tally.refused.items())) or "none"
    decisions = ", ".join(f"{n:,} {d}" for d, n in sorted(tally.decisions.items()))
    p99 = result.decision_ms(99)
    calm_p99, calm = result.decision_ms_outside_faults(99)
    alert_p99 = result.alert_ms(99)
    return [
        Figure(
            id="S1",
            what="decisions/s, all gateways, answered decides",
            value=result.decisions_per_second,
            unit="decisions/s",
            goal="informational",
            met=True,
            note=f"{tally.decided_total:,} answered in {result.seconds:.0f} s ({decisions})",
        ),
        Figure(
            id="S2",
            what="decision p50, client-side",
            value=result.decision_ms(50),
            unit="ms",
            goal="informational",
            met=True,
        ),
        Figure(
            id="S3",
            what="decision p99, client-side",
            value=p99,
            unit="ms",
            goal="≤ 20 ms",
            met=p99 <= 20.0,
            note="every answered decide, faults included",
        ),
        Figure(
            id="S3b",
            what="decision p99, client-side, away from the faults",
            value=calm_p99,
            unit="ms",
            goal="informational",
            met=True,
            note=(
                f"{calm:,} decides sent more than 1 s before or {FAULT_WINDOW:.0f} s after every "
                f"fault; p50 {result.decision_ms_outside_faults(50)[0]:,.1f} ms"
            ),
        ),
        Figure(
            id="S4",
            what=f"ledger ingest on PostgreSQL, {result.config.gateways} gateways writing",
            value=result.ingest_per_second,
            unit="records/s",
            goal="≥ 20,000 events/s",
            met=result.ingest_per_second >= 20_000,
            note=(
                f"{result.ingested:,} records committed during the load (tool calls, verdicts, "
                "recorded events, alerts), each acknowledged only after its commit"
            ),
        ),
        Figure(
            id="S5",
            what="event → alert p99 (event committed → the worker's alert committed)",
            value=alert_p99,
            unit="ms",
            goal="≤ 1,000 ms",
            met=alert_p99 <= 1000.0,
            note=(
                f"{len(result.alert_latencies_ms):,} alerting events; p50 "
                f"{result.alert_ms(50):,.0f} ms; {result.alerts_missing:,} got no worker alert; "
                f"{result.gateway_alerted:,} also had an alert from a gateway; both commits seen "
                "by one poller of the ledger every 50 ms; slower than 1 s, by the fault before "
                f"their event: {_slow_alerts(result)}; worker ack wait "
                f"{result.config.ack_wait:g} s"
            ),
        ),
        Figure(
            id="S6",
            what="acknowledged events lost or altered",
            value=result.lost,
            unit="events",
            goal="0, and `ledger verify` passes",
            met=result.lost == 0 and ledger.verify_ok,
            note=(
                f"{ledger.acked:,} acknowledged events checked by id and content hash against "
                f"{ledger.records:,} ledger records: {ledger.missing} missing, {ledger.altered} "
                f"altered, {ledger.verdicts_wrong} verdicts missing or different; "
                f"`ledger verify`: {ledger.verify_output}"
            ),
        ),
        Figure(
            id="S7",
            what="allows that should have been denials (fail-closed check)",
            value=tally.unexpected_allows,
            unit="calls",
            goal="0",
            met=tally.unexpected_allows == 0,
            note=f"decides that got no verdict (the agent denies): {refused}",
        ),
    ]


def summary(result: SoakResult) -> list[str]:
    """Return the lines describing the run's configuration and its faults."""
    lines = [
        f"Configuration: {result.config.describe()}; {os.cpu_count()} CPU cores shared by every "
        "process (load generators included), PostgreSQL and NATS on loopback; 1-minute load "
        f"average {result.load_average[0]:.1f} before the run and {result.load_average[1]:.1f} "
        "at the end of the load (other work on the machine included).",
        "",
    ]
    lines += [f"- at {f.at:5.1f} s: {f.detail}" for f in result.faults]
    lines += [f"- fault failed: {error}" for error in result.fault_errors]
    failed = sum(result.tally.event_posts_failed.values())
    lines += [
        f"- `/v1/events` posts acknowledged: {result.tally.event_posts:,}; not acknowledged: "
        f"{failed:,}",
        "- CPU seconds used (processes running at the end of the load; restarted ones count "
        "since their restart): "
        + ", ".join(f"{role} {sec:,.0f}" for role, sec in result.cpu_seconds.items()),
        f"- gateway CPU per answered request (decide or events post): {_per_request(result)}",
        "- alerts in the ledger: "
        + (", ".join(f"{n:,} {what}" for what, n in result.alert_categories.items()) or "none"),
        "",
    ]
    return lines


def _per_request(result: SoakResult) -> str:
    answered = result.tally.decided_total + result.tally.event_posts
    cpu = result.cpu_seconds.get("gateways", 0.0)
    if not answered or not cpu:
        return "unknown"
    return f"{cpu / answered * 1000:.1f} ms (a killed gateway's CPU before the kill is not counted)"


def write_section(path: Path, result: SoakResult) -> None:
    """Replace (or append) the Soak section of the benchmarks file at `path`."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    intro = [
        f"Written by `make soak` on {now}; {platform.python_implementation()} "
        f"{platform.python_version()} on {platform.machine()}.",
        "",
        *summary(result),
    ]
    table = render_section(SECTION, figures(result))
    section = [table[0], "", *intro, *table[2:]]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## Soak")), None)
    if start is None:
        lines = [*lines, "", *section]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines = [*lines[:start], *section, *lines[end:]]
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def _slow_alerts(result: SoakResult) -> str:
    counts = result.slow_alerts_by_fault()
    return ", ".join(f"{fault} {n:,}" for fault, n in sorted(counts.items())) or "none"
