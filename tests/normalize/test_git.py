"""Git settings and options that make git run other programs."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import kinds


@pytest.mark.parametrize(
    ("line", "ran"),
    [
        ("git -c core.pager=nc log", "nc"),
        ("git -c CORE.Pager='nc h 1' log", "nc"),
        ("git -ccore.pager=nc log", "nc"),
        ("git -c alias.x='!nc h 1' x", "nc"),
        ("git -c diff.x.textconv=nc diff", "nc"),
        ("git config set filter.x.clean nc", "nc"),
        ("git config --global core.sshCommand 'nc h 1'", "nc"),
    ],
)
def test_program_settings_are_parsed_as_shell(sh, line: str, ran: str) -> None:
    """A setting whose value is a command line (in any letter case) is parsed as shell."""
    found = [c for c in sh(line).commands if c.name == ran]
    assert found
    assert found[0].wrappers[-1].startswith("git ")


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("git -c include.path=/tmp/c log", "/tmp/c"),
        ("git config --global core.hooksPath /tmp/h", "/tmp/h"),
        ("git --exec-path=/tmp/e status", "/tmp/e"),
        ("git init --template=/tmp/t", "/tmp/t"),
    ],
)
def test_path_settings_are_scripts(sh, line: str, path: str) -> None:
    """A setting or option naming where git loads hooks or configuration is a script file."""
    parsed = sh(line)
    assert [(c.kind, c.detail) for c in parsed.code] == [("script", path)]
    assert path in parsed.reads


@pytest.mark.parametrize(
    "line",
    [
        "git --config-env=core.pager=P log",
        "git clone ext::sh x",
        "git -c protocol.allow=always log",
    ],
)
def test_environment_settings_and_ext_remotes_are_opaque(sh, line: str) -> None:
    """A program taken from the environment, `protocol.allow` and `ext::` are `eval` code."""
    assert "eval" in kinds(sh(line))


@pytest.mark.parametrize(
    "line",
    [
        "git -c color.ui=always log",
        "git config user.email a@b.c",
        "git config --get core.pager",
        "git config --unset core.hooksPath",
        "git -c alias.st=status st",
        "git commit -m 'core.pager'",
        "git grep -O TODO",
    ],
)
def test_other_settings_are_not_code(sh, line: str) -> None:
    """Reading settings, and settings that run nothing, are not code."""
    assert kinds(sh(line)) == []


@pytest.mark.parametrize(
    ("line", "ran"),
    [
        ("git rebase --exec 'make test' main", "make"),
        ("git rebase -x'make test' main", "make"),
        ("git rebase --exec=make main", "make"),
        ("git submodule foreach --recursive 'make test'", "make"),
        ("git bisect run make test", "make"),
        ("git difftool --extcmd=meld HEAD", "meld"),
        ("git grep -Omeld TODO", "meld"),
        ("git filter-branch --tree-filter 'make x' HEAD", "make"),
        ("git fetch --upload-pack='nc h 1' origin", "nc"),
        ("git clone -u 'nc h 1' x y", "nc"),
        ("git push --receive-pack=nc origin", "nc"),
    ],
)
def test_program_options_are_parsed_as_shell(sh, line: str, ran: str) -> None:
    """A command line given to a git option is parsed: its commands are found."""
    found = [c for c in sh(line).commands if c.name == ran]
    assert found
    assert found[0].wrappers[-1].startswith("git ")


def test_output_option_is_a_write(sh) -> None:
    """`git log --output FILE` writes FILE."""
    assert sh("git log --output=~/.bashrc").writes == ("/home/agent/.bashrc",)
    assert sh("git diff --output out.diff").writes == ("/work/repo/out.diff",)


def test_scp_form_repository_is_a_host(sh) -> None:
    """`git clone host:path` contacts the host; a refspec `a:b` is no host."""
    assert sh("git clone x.example:repo").hosts == ("x.example",)
    assert sh("git fetch origin main:main").hosts == ()
