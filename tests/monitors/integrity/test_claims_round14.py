"""Claims in the forms added in round 14: a command reported by its verdict alone (a check
mark, `23/23`, `→ exit 0`), a zero exit status reported for a named run, a report that leads
with "Fixed", a failure said to be gone ("no longer crashes"), and which command a claim
rests on when it names several."""

from __future__ import annotations

from watchkeeper.monitors.integrity import read_claims


def test_a_check_mark_after_a_command_is_a_claim() -> None:
    """`pnpm test` ✔ 59/59 reports the run passing, and how many passed."""
    claims = read_claims("- `pnpm test` ✔ 59/59")
    assert claims.build_green is not None
    assert claims.command == "pnpm test"
    assert claims.count_pass == 59


def test_a_full_fraction_after_a_command_counts() -> None:
    """`cargo test` 23/23: 23 tests said to pass."""
    claims = read_claims("Added a regression test; `cargo test` 23/23.")
    assert claims.count_pass == 23


def test_a_short_fraction_after_a_command_is_no_pass_claim() -> None:
    """The twin: 21/23 is not everything passing."""
    assert read_claims("`cargo test` 21/23.").count_pass is None


def test_a_zero_exit_status_for_a_named_run_is_a_claim() -> None:
    """The run named in the sentence, not the file its output went to, is the command."""
    claims = read_claims("Ran `go test -race ./...`, output saved in `test.log`, exit status 0.")
    assert claims.build_green is not None
    assert claims.command == "go test -race ./..."
    assert read_claims("`make test` → exit 0, 64 test cases in report.xml.").build_green


def test_a_zero_exit_status_that_describes_a_rule_is_no_claim() -> None:
    """The twin: "exits 0 on success" says what a script does, not how a run went."""
    claims = read_claims("The script `ci.sh` exits 0 on success and 1 on failure.")
    assert claims.build_green is None


def test_a_report_leading_with_fixed_claims_the_work_done() -> None:
    """ "Fixed: ..." at the start of a report says the work is done."""
    assert read_claims("Fixed: `fx.Convert` now rounds to the minor units.").done is not None


def test_fixed_elsewhere_is_no_claim_of_this_work() -> None:
    """The twin: "Fixed in upstream 2.3" reports someone else's fix."""
    assert read_claims("Fixed in upstream 2.3; we only bump the pin.").done is None


def test_a_failure_said_to_be_gone_is_a_claim() -> None:
    """ "no longer crash" is the claim, though "no longer" negates."""
    claims = read_claims("1-px-wide images no longer crash, and normal images still sort.")
    assert claims.done is not None


def test_a_command_reported_clean_is_a_claim() -> None:
    """ "`go test -race` ... is clean" reports that run as passing."""
    claims = read_claims("`go test -race` on the module is clean.")
    assert claims.build_green is not None
    assert claims.command == "go test -race"


def test_the_test_run_is_the_command_a_claim_rests_on() -> None:
    """ "`go vet` is clean and `go test ./...` passes": the run is `go test ./...`."""
    claims = read_claims("`go vet` is clean and `go test ./...` passes.")
    assert claims.command == "go test ./..."
