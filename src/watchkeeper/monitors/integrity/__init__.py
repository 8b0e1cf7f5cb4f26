"""Coding-integrity monitors: claims against evidence, test tampering, exit-code masking,
special-casing and selective verification, from the session's own record."""

from watchkeeper.monitors.integrity._claims import Claims, read_claims
from watchkeeper.monitors.integrity._edits import Edit, FileRole, edits_of, file_role
from watchkeeper.monitors.integrity._hardcode import (
    Hardcode,
    Inputs,
    literals_of_tests,
    special_casing,
    values_of,
)
from watchkeeper.monitors.integrity._masking import (
    Masking,
    masking,
    masking_in_file,
    snapshot_update,
    task_allows_failure,
)
from watchkeeper.monitors.integrity._monitor import Integrity, integrity
from watchkeeper.monitors.integrity._outcomes import RunOutcome, parse_outcome
from watchkeeper.monitors.integrity._output import output_text
from watchkeeper.monitors.integrity._runners import TestRun, find_test_run
from watchkeeper.monitors.integrity._tamper import Tamper, tampering, task_allows_test_edits

__all__ = [
    "Claims",
    "Edit",
    "FileRole",
    "Hardcode",
    "Inputs",
    "Integrity",
    "Masking",
    "RunOutcome",
    "Tamper",
    "TestRun",
    "edits_of",
    "file_role",
    "find_test_run",
    "integrity",
    "literals_of_tests",
    "masking",
    "masking_in_file",
    "output_text",
    "parse_outcome",
    "read_claims",
    "snapshot_update",
    "special_casing",
    "tampering",
    "task_allows_failure",
    "task_allows_test_edits",
    "values_of",
]
