"""File edits as the integrity checks see them: which file, what it held, what it holds now,
and what kind of file it is (test, test configuration, snapshot, CI or grading script)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from watchkeeper.monitors.integrity._screens import folded, screen

__all__ = [
    "Edit",
    "FileRole",
    "edits_of",
    "file_role",
    "is_prose",
    "leaves_local_runs",
    "scripted_writes",
]


class FileRole(Enum):
    """What a file is to a test suite."""

    SOURCE = "source"
    TEST = "test"
    TEST_SETUP = "test setup"
    SNAPSHOT = "expected output"
    GRADING = "CI or grading script"


_TEST = screen(
    r"(?:^|/)(?:tests?|__tests__|spec|specs|testing)/"
    r"|(?:^|/)test_[^/]+\.py$|_test\.(?:py|go)$|\.(?:test|spec)\.[cm]?[jt]sx?$"
    r"|(?:^|/)tests\.rs$|(?:^|/)tests/[^/]+\.rs$",
    needs=("test|spec",),
)
_SETUP = screen(
    r"(?:^|/)(?:conftest\.py|setupTests\.[jt]s|jest\.setup\.[jt]s|vitest\.setup\.[jt]s"
    r"|jest\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s|\.mocharc\.[a-z]+|pytest\.ini"
    r"|setup\.cfg|tox\.ini|noxfile\.py|\.coveragerc|codecov\.ya?ml|\.nycrc[.\w]*"
    r"|nextest\.toml)$",
    needs=(
        "conftest|setup|jest|vitest|mocharc|pytest|tox|noxfile|coveragerc|codecov|nycrc|nextest",
    ),
)
_SNAPSHOT = screen(
    r"(?:^|/)__snapshots__/|\.snap$|(?:^|/)snapshots?/|(?:^|/)(?:fixtures|testdata)/[^/]*"
    r"(?:expected|golden|output)[^/]*$|\.golden(?:\.\w+)?$|(?:^|/)expected[^/]*\.(?:json|txt|out)$"
    r"|(?:^|/)(?:golden|goldens|expected|approved)/[^/]+\.(?:json|txt|out|ya?ml|html|xml|csv|svg)$"
    r"|\.(?:expected|golden|approved)\.\w+$",
    needs=("snap|expected|golden|output|approved",),
)
_GRADING = screen(
    r"(?:^|/)\.github/workflows/|(?:^|/)\.gitlab-ci\.yml$|(?:^|/)\.circleci/|(?:^|/)Jenkinsfile$"
    r"|(?:^|/)(?:grade|grader|grading|score|scoring|evaluate|check_solution)[^/]*\.(?:py|sh|js)$"
    r"|(?:^|/)(?:grading|graders?)/|(?:^|/)ci/[^/]+\.(?:sh|py)$"
    r"|(?:^|/)scripts?/(?:run_)?tests?[^/]*\.sh$|(?:^|/)(?:gate|thresholds?)\.(?:py|ya?ml|json)$"
    r"|(?:^|/)(?:run[-_]?(?:tests?|e2e|specs?|integration(?:[-_]tests?)?)|runtests|test[-_]?runner)"
    r"\.(?:py|sh|js|mjs|cjs|ts)$|(?:^|/)test\.sh$"
    # the project's CI entry point, as the runners read it (`./ci.sh`, `scripts/check.sh`)
    r"|(?:^|/)(?:ci|check|verify)\.sh$|(?:^|/)(?:scripts?|bin|tools)/(?:ci|check)\.(?:py|[cm]?js|ts)$",
    needs=(
        "workflows|jenkinsfile|grad|scor|evaluate|check|ci/|test|gate|threshold|run|ci.|verify",
    ),
)


_PROSE = screen(
    r"\.(?:md|markdown|rst|adoc|asciidoc)$"
    r"|(?:^|/)(?:CHANGELOG|CHANGES|HISTORY|NEWS|README|AUTHORS|CONTRIBUTING|LICENSE)(?:\.\w+)?$",
    re.IGNORECASE,
    needs=(
        ".md|.markdown|.rst|.adoc|.asciidoc|changelog|changes|history|news|readme|authors"
        "|contributing|license",
    ),
)


_CI_CONFIG = screen(
    r"(?:^|/)\.github/workflows/|(?:^|/)\.gitlab-ci\.yml$|(?:^|/)\.circleci/|(?:^|/)Jenkinsfile$"
    r"|(?:^|/)azure-pipelines\.ya?ml$|(?:^|/)\.buildkite/|(?:^|/)\.travis\.yml$",
    needs=("workflows|gitlab-ci|circleci|jenkinsfile|azure-pipelines|buildkite|travis",),
)


def is_prose(path: str) -> bool:
    """Whether `path` is documentation (a README, a changelog, Markdown or reStructuredText):
    an edit to it changes no code and no test, so a run before it still speaks for the code."""
    return bool(_PROSE.search(path, folded(path)))


def leaves_local_runs(path: str) -> bool:
    """Whether an edit of `path` leaves what a local test run runs as it was: documentation,
    or a CI service's pipeline definition (which the CI service reads, not the test runner)."""
    return is_prose(path) or bool(_CI_CONFIG.search(path, folded(path)))


def file_role(path: str) -> FileRole:
    """Classify `path` by name alone."""
    low = folded(path)
    if _GRADING.search(path, low):
        return FileRole.GRADING
    if _SNAPSHOT.search(path, low):
        return FileRole.SNAPSHOT
    if _SETUP.search(path, low):
        return FileRole.TEST_SETUP
    if _TEST.search(path, low):
        return FileRole.TEST
    return FileRole.SOURCE


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to one file; `before` is None when unknown (a new file or a whole rewrite)."""

    path: str
    before: str | None
    after: str
    role: FileRole
    deleted: bool = False


def edits_of(tool: str, args: Mapping[str, Any]) -> Iterator[Edit]:
    """The edits a Write, Edit, MultiEdit or NotebookEdit call makes."""
    path = str(args.get("file_path") or args.get("notebook_path") or args.get("path") or "")
    if not path:
        return
    role = file_role(path)
    if tool == "Edit":
        yield Edit(path, _text(args.get("old_string")), _text(args.get("new_string")), role)
    elif tool == "MultiEdit":
        for change in args.get("edits") or ():
            if isinstance(change, Mapping):
                old, new = _text(change.get("old_string")), _text(change.get("new_string"))
                yield Edit(path, old, new, role)
    elif tool == "Write":
        content = _text(args.get("content"))
        yield Edit(path, None, content, role, deleted=not content.strip())
    elif tool == "NotebookEdit":
        yield Edit(path, None, _text(args.get("new_source")), role)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# A file written from an inline script: `python -c "open('f', 'w').write(...)"`,
# `Path('f').write_text(...)`, `node -e "fs.writeFileSync('f', ...)"`, `File.write('f', ...)`
_SCRIPTED_WRITE = screen(
    r"\bopen\(\s*(['\"])([^'\"\n]+)\1\s*,\s*(?:mode\s*=\s*)?['\"][wax]"
    r"|\bPath\(\s*(['\"])([^'\"\n]+)\3\s*\)\.write_(?:text|bytes)\("
    r"|\b(?:writeFileSync|writeFile|File\.write|File\.open)\(\s*(['\"])([^'\"\n]+)\5\s*,",
    needs=("open(|path(|writefile|file.write",),
)


def scripted_writes(command: str) -> list[str]:
    """The files an inline script in `command` opens for writing, as typed (often relative):
    the shell sees `python -c` run, not the file it rewrites."""
    low = folded(command)
    if low is not None and not _SCRIPTED_WRITE.may_match(low):
        return []
    return [
        m.group(2) or m.group(4) or m.group(6) for m in _SCRIPTED_WRITE.pattern.finditer(command)
    ]
