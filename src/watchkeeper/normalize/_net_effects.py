"""Effects of commands that talk to the network: hosts contacted and files moved.

``wget``/``curl -O`` without an output name write ``<dir>/`` + the URL's basename.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchkeeper.normalize._effect_base import Effects, Handler, files, operands, spec
from watchkeeper.normalize._hosts import bare_host
from watchkeeper.normalize._options import OptionSpec, parse_options

__all__ = ["NET_HANDLERS"]


_CURL = spec(
    "oTdDFHXuAebcKmwrCEyYzxUQt",
    "output upload-file data data-raw data-binary data-urlencode form header request user "
    "user-agent referer cookie cookie-jar config max-time write-out range continue-at cert "
    "key cacert capath resolve retry connect-timeout url proxy proxy-user output-dir "
    "dump-header trace trace-ascii stderr netrc-file connect-to preproxy socks4 socks4a socks5 "
    "socks5-hostname doh-url",
)
_WGET = spec(
    "OoaPieUtTwQlARDIXB",
    "output-document output-file append-output directory-prefix input-file execute "
    "user-agent tries timeout wait quota level accept reject domains include-directories "
    "exclude-directories base post-file post-data header body-file body-data method "
    "load-cookies save-cookies user password http-user http-password",
)


def _url_basename(url: str) -> str:
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    name = path.rstrip("/").rsplit("/", 1)[-1] if "/" in path else ""
    return name or "index.html"


def _curl(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, _CURL)
    targets = [*operands(p), *p.values("--url")]
    fx.downloads = True
    for word in targets:
        host = bare_host(word, scp_form=False)
        if host:
            fx.hosts.append(host)
    proxies = p.values("-x", "--proxy", "--preproxy", "--socks4", "--socks4a", "--socks5")
    for proxy in [*proxies, *p.values("--socks5-hostname", "--doh-url")]:
        host = bare_host(proxy, scp_form=False)
        if host:
            fx.hosts.append(host)
    fx.hosts.extend(_rerouted(p.values("--connect-to"), p.values("--resolve")))
    fx.hosts.extend(_built_targets(targets))
    fx.writes.extend(
        files(
            p.values(
                "-o",
                "--output",
                "-c",
                "--cookie-jar",
                "-D",
                "--dump-header",
                "--trace",
                "--trace-ascii",
            )
        )
    )
    if p.has("-O", "--remote-name", "--remote-name-all"):
        prefix = (p.values("--output-dir") or ["."])[-1]
        fx.writes.extend(prefix + "/" + _url_basename(t) for t in targets)
    fx.reads.extend(files(p.values("-T", "--upload-file", "-K", "--config")))
    for data in p.values("-d", "--data", "--data-binary", "--data-urlencode", "-F", "--form"):
        at = data.find("@")
        if at >= 0 and at + 1 < len(data) and data[at + 1 :] != "-":
            fx.reads.append(data[at + 1 :].split(";", 1)[0])


def _rerouted(connect_to: list[str], resolve: list[str]) -> list[str]:
    """The hosts `curl --connect-to H1:P1:H2:P2` and `--resolve H:P:ADDR[,ADDR]` really
    contact (H2, each ADDR) instead of the URL's host."""
    hosts: list[str] = []
    for rule in connect_to:
        parts = rule.rsplit(":", 1)[0].split(":", 2)
        if len(parts) == 3 and parts[2]:
            hosts.append(parts[2].strip("[]").lower())
    for rule in resolve:
        parts = rule.split(":", 2)
        if len(parts) == 3:
            hosts.extend(a.strip("[]").lower() for a in parts[2].split(",") if a)
    return hosts


def _built_targets(targets: list[str]) -> list[str]:
    """Targets built at run time (`curl "$URL"`): their text stands for a host not known."""
    return [t.lower() for t in targets if "$" in t and bare_host(t, scp_form=False) is None]


#: wgetrc settings (`wget -e KEY=VALUE`) that send requests through another host.
_WGET_PROXIES = frozenset({"httpproxy", "httpsproxy", "ftpproxy"})


def _wget(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, _WGET)
    targets = operands(p)
    fx.downloads = True
    for word in targets:
        host = bare_host(word, scp_form=False)
        if host:
            fx.hosts.append(host)
    if p.has("-O", "--output-document"):
        fx.writes.extend(files(p.values("-O", "--output-document")))
    elif not p.has("--spider"):
        prefix = (p.values("-P", "--directory-prefix") or ["."])[-1]
        fx.writes.extend(prefix + "/" + _url_basename(t) for t in targets)
    fx.writes.extend(files(p.values("-o", "--output-file", "-a", "--append-output")))
    fx.reads.extend(files(p.values("-i", "--input-file", "--post-file", "--body-file")))
    fx.hosts.extend(_built_targets(targets))
    for setting in p.values("-e", "--execute"):
        key, _, value = setting.partition("=")
        host = bare_host(value.strip(), scp_form=False)
        if key.strip().lower().replace("_", "").replace("-", "") in _WGET_PROXIES and host:
            fx.hosts.append(host)


_SSH = spec("bcDEeFIiJLlmOopQRSWw")


def _ssh(argv: Sequence[str], fx: Effects) -> None:
    spec = OptionSpec(short=_SSH.short, first_operand_stops=True)
    p = parse_options(argv, 1, spec)
    ops = operands(p)
    if ops:
        host = bare_host(ops[0], scp_form=False) or _plain_host(ops[0])
        if host:
            fx.hosts.append(host)
    for jump in p.values("-J"):
        for hop in jump.split(","):
            host = bare_host(hop, scp_form=False) or _plain_host(hop)
            if host:
                fx.hosts.append(host)
    fx.reads.extend(p.values("-i", "-F"))


def _plain_host(word: str) -> str | None:
    candidate = word.rpartition("@")[2].partition(":")[0].lower()
    if candidate and all(c.isalnum() or c in ".-_" for c in candidate):
        return candidate
    return None


def _remote_copy(argv: Sequence[str], fx: Effects, spec: OptionSpec) -> None:
    p = parse_options(argv, 1, spec)
    ops = operands(p)
    for index, word in enumerate(ops):
        host = bare_host(word, scp_form=True)
        if host:
            fx.hosts.append(host)
        elif index == len(ops) - 1 and len(ops) > 1:
            fx.writes.append(word)
        else:
            fx.reads.append(word)
    fx.reads.extend(p.values("-i", "-F"))


def _net_first(argv: Sequence[str], fx: Effects, spec: OptionSpec) -> None:
    p = parse_options(argv, 1, spec)
    for operand in operands(p):
        word = operand.removeprefix("@")
        host = bare_host(word, scp_form=False) or _ip_or_name(word)
        if host:
            fx.hosts.append(host)
            if argv[0] not in ("dig", "host", "nslookup"):
                break


def _ip_or_name(word: str) -> str | None:
    if word.isdigit() or not word:
        return None
    return _plain_host(word) if "." in word or word == "localhost" else None


def _git(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(
        argv,
        1,
        OptionSpec(short="Cc", long=frozenset({"git-dir", "work-tree"}), first_operand_stops=True),
    )
    # Git loads the configuration (and hooks) of the repository it is pointed at: one outside
    # the workspace runs whatever its `core.fsmonitor`, `core.pager` or hooks say.
    fx.reads.extend(f"{directory.rstrip('/')}/.git/config" for directory in p.values("-C"))
    fx.reads.extend(f"{directory.rstrip('/')}/config" for directory in p.values("--git-dir"))
    fx.reads.extend(p.values("--work-tree"))
    ops = operands(p)
    if not ops:
        return
    sub = ops[0]
    rest = [w for w in ops[1:] if not w.startswith("-")]
    if sub in ("clone", "fetch", "push", "pull", "ls-remote", "remote", "submodule"):
        repository = {"remote": 2, "submodule": 1}.get(sub, 0)  # `remote add NAME URL`
        for index, word in enumerate(rest):
            # The repository may be `host:path` (scp form); other words are refspecs (`a:b`).
            scp = index == repository and ":" in word.split("/")[0]
            remote = "@" in word or "://" in word or scp
            host = bare_host(word, scp_form=True) if remote else None
            if host:
                fx.hosts.append(host)
    for index, word in enumerate(ops):
        # `git log|diff|show --output FILE` writes the output there.
        if word.startswith("--output="):
            fx.writes.append(word.split("=", 1)[1])
        elif word == "--output" and index + 1 < len(ops):
            fx.writes.append(ops[index + 1])
    if sub == "clone" and len(rest) >= 2:
        fx.writes.append(rest[1])
    elif sub == "clone" and rest:
        fx.writes.append(_url_basename(rest[0]).removesuffix(".git"))
    elif sub in ("rm", "mv"):
        # `git rm PATH…` deletes, `git mv A B` moves: both change the named files.
        fx.writes.extend(w for w in rest if w != "--")
    elif sub in ("diff", "grep") and "--no-index" in ops:
        # Outside a repository's index these read any file: `git diff --no-index ~/.ssh/id_rsa
        # /dev/null` prints the key.
        fx.reads.extend(_no_index_paths(sub, ops[1:]))
    elif sub == "hash-object":
        fx.reads.extend(w for w in rest if w != "--")
    elif sub in ("show", "cat-file"):
        # `git show REV:PATH` prints PATH as committed (`git show HEAD:.env` prints the
        # secrets a later commit removed); `:PATH` is the staged copy. The path is the
        # repository's, taken here relative to the working directory.
        fx.reads.extend(
            path for word in rest if "://" not in word for path in [word.partition(":")[2]] if path
        )
    elif sub in ("checkout", "restore", "stash"):
        # They overwrite or set aside the paths they name (`git checkout -- FILE`, `git stash
        # -- .claude`).
        fx.writes.extend(_pathspecs(sub, ops[1:]))


_GIT_VALUED = frozenset({"-s", "--source", "-m", "--message", "-b", "-B", "--orphan", "--conflict"})
_STASH_VERBS = frozenset({"push", "save", "pop", "apply", "drop", "list", "show", "branch"})


def _pathspecs(sub: str, words: Sequence[str]) -> list[str]:
    """The paths `git checkout|restore|stash` names: every operand of `restore`, those after
    `--`, and dot paths (`.claude`, `./x`). A bare `checkout WORD` is usually a branch, so
    other words before `--` are not taken for paths."""
    out: list[str] = []
    if (
        sub == "restore"
        and {"--staged", "-S"} & set(words)
        and not {"--worktree", "-W"} & set(words)
    ):
        return out  # only the index changes
    skip = dashes = False
    for word in words:
        if skip:
            skip = False
        elif word == "--":
            dashes = True
        elif not dashes and word in _GIT_VALUED:
            skip = True
        elif not dashes and (word.startswith("-") or word in _STASH_VERBS):
            continue
        elif dashes or sub == "restore" or word.startswith("."):
            out.append(word)
    return out


def _no_index_paths(sub: str, words: Sequence[str]) -> list[str]:
    """The paths `git diff|grep --no-index` reads: every operand, bar grep's pattern."""
    paths: list[str] = []
    pattern_given = sub != "grep"
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in ("-e", "--regexp"):
            pattern_given, skip = True, True
        elif word in ("-f", "--file"):
            pattern_given = True
        elif word.startswith("-") or word == "--":
            continue
        elif not pattern_given:
            pattern_given = True
        else:
            paths.append(word)
    return paths


def _socat(argv: Sequence[str], fx: Effects) -> None:
    for word in argv[1:]:
        kind, _, rest = word.partition(":")
        if kind.lower() in _SOCAT_NET and rest:
            host = rest.split(":", 1)[0].split(",", 1)[0].strip("[]").lower()
            if host:
                fx.hosts.append(host)


_SOCAT_NET = frozenset(
    {"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "tcp-connect", "udp-connect", "openssl",
     "openssl-connect", "ssl", "proxy", "socks4", "socks4a", "socks5"}
)  # fmt: skip


# (command, subcommand words) of object-store copy tools: SOURCE… DEST, each local or remote.
_CLOUD_COPY: dict[str, tuple[tuple[str, ...], ...]] = {
    "aws": (("s3", "cp"), ("s3", "sync"), ("s3", "mv")),
    "gsutil": (("cp",), ("rsync",), ("mv",)),
    "gcloud": (("storage", "cp"), ("storage", "rsync"), ("storage", "mv")),
    "azcopy": (("copy",), ("cp",), ("sync",)),
}
# Their options that take no value (any other `--long` option without `=` takes the next word).
_CLOUD_FLAGS = frozenset(
    {"--recursive", "--quiet", "--dryrun", "--dry-run", "--no-progress", "--only-show-errors",
     "--no-sign-request", "--follow-symlinks", "--no-follow-symlinks", "--delete",
     "--exact-timestamps", "--size-only", "--force-glacier-transfer", "--no-guess-mime-type",
     "--debug", "--no-paginate", "--no-verify-ssl", "--no-clobber", "--continue-on-error",
     "--preserve-posix", "--gzip-in-flight-all", "--check-md5"}
)  # fmt: skip
_CLOUD_SHORT_VALUES = frozenset({"-z", "-j", "-x", "-h", "-o", "-p", "-a", "-s", "-i", "-u"})


def _cloud_copy(argv: Sequence[str], fx: Effects) -> None:
    """`aws s3 cp`, `gsutil cp`, `gcloud storage cp`, `azcopy copy`: local sources are reads
    and a local destination a write (remote ones are hosts, found from their URLs)."""
    name = argv[0].rsplit("/", 1)[-1]
    words: list[str] = []
    skip = False
    for word in argv[1:]:
        if skip:
            skip = False
        elif word.startswith("--"):
            skip = "=" not in word and word not in _CLOUD_FLAGS
        elif word.startswith("-") and len(word) > 1:
            skip = word in _CLOUD_SHORT_VALUES
        else:
            words.append(word)
    for sub in _CLOUD_COPY.get(name, ()):
        if tuple(words[: len(sub)]) == sub:
            paths = words[len(sub) :]
            break
    else:
        return
    for index, word in enumerate(paths):
        if "://" in word:
            continue
        if index == len(paths) - 1 and len(paths) > 1:
            fx.writes.append(word)
        else:
            fx.reads.append(word)


NET_HANDLERS: dict[str, Handler] = {
    "aws": _cloud_copy,
    "gsutil": _cloud_copy,
    "gcloud": _cloud_copy,
    "azcopy": _cloud_copy,
    "curl": _curl,
    "wget": _wget,
    "ssh": _ssh,
    "mosh": _ssh,
    "sftp": lambda a, fx: _remote_copy(a, fx, spec("BbcDFiJlPRSs")),
    "scp": lambda a, fx: _remote_copy(a, fx, spec("cDFiJloPS")),
    "rsync": lambda a, fx: _remote_copy(
        a, fx, spec("eBfT", "rsh exclude include filter exclude-from include-from files-from")
    ),
    "nc": lambda a, fx: _net_first(a, fx, spec("iOpsTwxXI")),
    "ncat": lambda a, fx: _net_first(a, fx, spec("iOpsTwxXI")),
    "netcat": lambda a, fx: _net_first(a, fx, spec("iOpsTwxXI")),
    "telnet": lambda a, fx: _net_first(a, fx, spec("bleknX")),
    "ftp": lambda a, fx: _net_first(a, fx, spec("P")),
    "ping": lambda a, fx: _net_first(a, fx, spec("cisItwWlmQpM")),
    "traceroute": lambda a, fx: _net_first(a, fx, spec("fimpqswzNtgx")),
    "whois": lambda a, fx: _net_first(a, fx, spec("hp")),
    "dig": lambda a, fx: _net_first(a, fx, spec("bcfkpqtxy")),
    "host": lambda a, fx: _net_first(a, fx, spec("cNRtWm")),
    "nslookup": lambda a, fx: _net_first(a, fx, spec()),
    "http": lambda a, fx: _net_first(a, fx, spec("abo", "auth output session")),
    "https": lambda a, fx: _net_first(a, fx, spec("abo", "auth output session")),
    "httpie": lambda a, fx: _net_first(a, fx, spec("abo", "auth output session")),
    "git": _git,
    "socat": _socat,
}
