"""Importers: recorded agent sessions from other tools → ledger sessions.

Claude Code transcripts, Codex rollouts, Inspect eval logs and trajectory JSONL each become
ledger events with deterministic ids, so importing a file twice records it once. See
docs/importers.md.
"""

from watchkeeper.importers._claude_code import read_claude_code, transcript_files
from watchkeeper.importers._codex import read_codex
from watchkeeper.importers._errors import ImportFileError
from watchkeeper.importers._inspect import read_inspect_log
from watchkeeper.importers._run import FORMATS, import_file, input_files
from watchkeeper.importers._trajectory import read_trajectories
from watchkeeper.importers._writer import FileImport, ParsedFile, record_file

__all__ = [
    "FORMATS",
    "FileImport",
    "ImportFileError",
    "ParsedFile",
    "import_file",
    "input_files",
    "read_claude_code",
    "read_codex",
    "read_inspect_log",
    "read_trajectories",
    "record_file",
    "transcript_files",
]
