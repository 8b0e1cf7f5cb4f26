"""Effects the network handlers know: git outside the index, object-store copies."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import CWD, HOME


@pytest.mark.parametrize(
    ("line", "reads"),
    [
        ("git diff --no-index ~/.ssh/id_rsa /dev/null", {f"{HOME}/.ssh/id_rsa", "/dev/null"}),
        ("git grep --no-index aws_secret ~/.aws", {f"{HOME}/.aws"}),
        ("git grep --no-index -e token -e key ~/.config", {f"{HOME}/.config"}),
        ("git grep --no-index -f pats.txt /etc", {f"{CWD}/pats.txt", "/etc"}),
        ("git hash-object -w ~/.netrc", {f"{HOME}/.netrc"}),
    ],
)
def test_no_index_and_hash_object_read_their_paths(sh, line: str, reads: set[str]) -> None:
    """The files these read are in `reads` (grep's pattern is not)."""
    (cmd,) = sh(line).commands
    assert set(cmd.reads) == reads


@pytest.mark.parametrize(
    ("line", "reads"),
    [
        ("git show HEAD:.env", {f"{CWD}/.env"}),
        ("git show HEAD~3:config/db.yaml --", {f"{CWD}/config/db.yaml"}),
        ("git cat-file -p main:.aws/credentials", {f"{CWD}/.aws/credentials"}),
        ("git show :README.md", {f"{CWD}/README.md"}),
        ("git show HEAD --stat", set()),
        ("git show v1.2", set()),
    ],
)
def test_git_show_of_a_path_reads_it(sh, line: str, reads: set[str]) -> None:
    """`git show REV:PATH` prints PATH as committed: a read of PATH."""
    (cmd,) = sh(line).commands
    assert set(cmd.reads) == reads


@pytest.mark.parametrize(
    ("line", "reads"),
    [
        ("git -C /opt/other status", {"/opt/other/.git/config"}),
        ("git -C ../lib log", {"/work/lib/.git/config"}),
        ("git --git-dir=/srv/x.git log", {"/srv/x.git/config"}),
    ],
)
def test_git_pointed_at_another_repository_reads_its_config(sh, line: str, reads: set[str]) -> None:
    """Git loads the configuration of the repository it is pointed at, which can run code."""
    (cmd,) = sh(line).commands
    assert set(cmd.reads) == reads


def test_plain_git_diff_reads_nothing_named(sh) -> None:
    """`git diff` inside the repository compares tracked content: no paths are named."""
    (cmd,) = sh("git diff HEAD~1 -- src").commands
    assert cmd.reads == ()


@pytest.mark.parametrize(
    ("line", "writes"),
    [
        ("git checkout -- .claude/settings.json", {f"{CWD}/.claude/settings.json"}),
        ("git restore --source HEAD~3 a.py b.py", {f"{CWD}/a.py", f"{CWD}/b.py"}),
        ("git stash push -m wip -- .claude", {f"{CWD}/.claude"}),
        ("git checkout .claude/settings.json", {f"{CWD}/.claude/settings.json"}),
        ("git stash", set()),
        ("git checkout -q main", set()),
        ("git checkout feature/x", set()),
    ],
)
def test_checkout_restore_and_stash_write_their_paths(sh, line: str, writes: set[str]) -> None:
    """The paths git overwrites or sets aside are writes (option values are not)."""
    (cmd,) = sh(line).commands
    assert set(cmd.writes) == writes


@pytest.mark.parametrize(
    ("line", "reads", "writes"),
    [
        ("aws s3 cp ./m.pt s3://b/m.pt", {f"{CWD}/m.pt"}, set()),
        ("aws s3 cp s3://b/m.pt ./m.pt", set(), {f"{CWD}/m.pt"}),
        ("gsutil -m cp -r ckpt gs://b/", {f"{CWD}/ckpt"}, set()),
        ("gcloud storage cp a b gs://b/", {f"{CWD}/a", f"{CWD}/b"}, set()),
        ("aws s3 cp --profile ml m.pt s3://b/ --sse aws:kms", {f"{CWD}/m.pt"}, set()),
        ("aws ec2 describe-instances", set(), set()),
    ],
)
def test_object_store_copies_read_and_write_local_paths(
    sh, line: str, reads: set[str], writes: set[str]
) -> None:
    """Local sources of cloud copy tools are reads, a local destination a write."""
    (cmd,) = sh(line).commands
    assert (set(cmd.reads), set(cmd.writes)) == (reads, writes)


@pytest.mark.parametrize(
    ("line", "host"),
    [
        ("curl --connect-to github.com:443:x.example:443 https://github.com", "x.example"),
        ("curl --resolve github.com:443:10.0.0.9 https://github.com", "10.0.0.9"),
        ("curl --socks5-hostname x.example:1080 https://github.com", "x.example"),
        ("wget -e https_proxy=x.example:8080 https://github.com", "x.example"),
        ('curl "$URL"', "$url"),
    ],
)
def test_rerouted_and_unknown_targets_are_hosts(sh, line: str, host: str) -> None:
    """Where curl or wget really connects, or a target built at run time, is a host."""
    assert host in sh(line).hosts
