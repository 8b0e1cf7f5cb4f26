"""`watchkeeper serve` wires metrics and span export: a real process, scraped and traced."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from ._receiver import otlp_receiver

_SERVE = (sys.executable, "-c", "from watchkeeper.cli.main import main; main()", "serve")


def _start(home: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    command = [*_SERVE, "--home", str(home), "--port", "0", "--sweep-interval", "0", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("API:"):
            return process, line.split()[-1].removesuffix("/v1")
    process.kill()
    raise AssertionError(f"serve did not start: {process.communicate()[1][-2000:]}")


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _err = process.communicate(timeout=30)
    return out


def test_serve_exposes_metrics_and_exports_spans(home: Path) -> None:
    """Decisions show in `/metrics` (read with the scrape token) and reach the collector."""
    with otlp_receiver() as receiver:
        process, url = _start(
            home, "--policy", str(home / "policy.yaml"), "--otlp-endpoint", receiver.url
        )
        try:
            admin = (home / "admin.token").read_text().strip()
            scrape = (home / "metrics.token").read_text().strip()
            with httpx.Client(base_url=url, timeout=10) as client:
                decided = client.post(
                    "/v1/decide",
                    json={"session_id": "s1", "tool": "Bash", "args": {"command": "rm -f x"}},
                    headers={
                        "Authorization": f"Bearer {admin}",
                        "X-Watchkeeper-Deployment": "alpha",
                    },
                )
                assert decided.json()["decision"] == "deny"
                scraped = client.get("/metrics", headers={"Authorization": f"Bearer {scrape}"})
        finally:
            output = _stop(process)
        spans = receiver.wait_for(1)
    assert process.returncode == 0
    assert "gateway stopped" in output
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
    }
    key = ("watchkeeper_decisions_total", (("decision", "deny"), ("rule", "deny-rm")))
    assert samples[key] == 1.0
    (span,) = [s for s in spans if s.name == "execute_tool Bash"]
    assert span.attributes["watchkeeper.decision"] == "deny"
    assert span.attributes["gen_ai.agent.id"] == "alpha"


def test_serve_refuses_a_non_http_otlp_endpoint(home: Path) -> None:
    """An unusable `--otlp-endpoint` stops `serve` with one line naming it."""
    result = subprocess.run(
        [*_SERVE, "--home", str(home), "--port", "0", "--otlp-endpoint", "collector:4318"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "OTLP endpoint `collector:4318` is not an http(s) URL" in result.stderr
