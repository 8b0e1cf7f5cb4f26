"""Effects of commands that work on local files: readers, writers, archivers, editors.

Paths come back as written; the caller resolves them. The crontab is the pseudo path
``crontab:<user>`` (``crontab:`` for the current user).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from watchkeeper.normalize._effect_base import Effects, Handler, files, operands, spec
from watchkeeper.normalize._hosts import bare_host
from watchkeeper.normalize._options import OptionSpec, parse_options
from watchkeeper.normalize._sed import sed_program

__all__ = ["FILE_HANDLERS", "READERS", "WRITERS"]


def _names(words: str) -> list[str]:
    return words.split()


READERS: dict[str, OptionSpec] = {
    name: spec()
    for name in _names(
        "cat tac nl less more strings file stat wc md5sum sha1sum sha256sum sha512sum "
        "cksum sum b2sum paste comm join fold fmt column ls tree du shasum hexdump "
        "readlink realpath bat view vis"
    )
}
READERS.update(
    {
        "head": spec("nc", "lines bytes"),
        "tail": spec("ncs", "lines bytes sleep-interval pid"),
        "cut": spec("bcdf", "bytes characters delimiter fields output-delimiter"),
        "sort": spec("kStTo", "key buffer-size field-separator temporary-directory output"),
        "uniq": spec("fsw", "skip-fields skip-chars check-chars"),
        "diff": spec("CUFIxXSL", "label exclude from-file to-file"),
        "cmp": spec("in", "ignore-initial bytes"),
        "od": spec("AjNtw", "address-radix skip-bytes read-bytes format width"),
        "base64": spec("w", "wrap"),
        "gpg": spec("ourf", "output recipient local-user homedir"),
        "tr": spec(),
    }
)
WRITERS: dict[str, OptionSpec] = {
    "rm": spec(),
    "rmdir": spec(),
    "shred": spec("ns", "iterations size"),
    "unlink": spec(),
    "truncate": spec("sr", "size reference"),
    "touch": spec("drt", "date reference"),
    "mkdir": spec("m", "mode"),
    "mkfifo": spec("m", "mode"),
    "tee": spec(),
    "sponge": spec(),
    "vi": spec(),
    "vim": spec(),
    "nvim": spec(),
    "nano": spec(),
    "emacs": spec(),
    "sudoedit": spec("ugp"),
}
#: A symbolic chmod mode that removes permissions (`-x`, `-rw`), which looks like an option.
_SYMBOLIC_REMOVAL = re.compile(r"-[rwxXst]+(?:,[ugoa]*[-+=][rwxXst]*)*")

_GREP = spec(
    "efmABCdD",
    "regexp file max-count after-context before-context context include "
    "exclude exclude-dir devices directories label",
)
_RG = spec(
    "efgtTmABCjEM",
    "regexp file glob type type-not max-count after-context "
    "before-context context threads encoding max-columns iglob sort sortr",
)


def _grep(argv: Sequence[str], fx: Effects, spec: OptionSpec) -> None:
    p = parse_options(argv, 1, spec)
    ops = operands(p)
    if not p.has("-e", "--regexp", "-f", "--file") and ops:
        ops = ops[1:]
    fx.reads.extend(p.values("-f", "--file"))
    fx.reads.extend(files(ops))


def _sed(argv: Sequence[str], fx: Effects) -> None:
    script, script_files, targets = sed_program(argv)
    fx.reads.extend(script_files)
    fx.reads.extend(targets)
    fx.reads.extend(script.reads)
    fx.writes.extend(script.writes)
    if any(a == "-i" or a.startswith(("-i", "--in-place")) for a in argv[1:]):
        fx.writes.extend(targets)


def _awk(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("fvF", "file assign field-separator"))
    ops = operands(p)
    if not p.has("-f", "--file") and ops:
        ops = ops[1:]
    fx.reads.extend(p.values("-f", "--file"))
    fx.reads.extend(w for w in files(ops) if "=" not in w)


def _copy(argv: Sequence[str], fx: Effects, *, move: bool) -> None:
    p = parse_options(argv, 1, spec("tS", "target-directory suffix"))
    ops = files(operands(p))
    target = p.values("-t", "--target-directory")
    if target:
        sources, dests = ops, target
    elif len(ops) >= 2:
        sources, dests = ops[:-1], ops[-1:]
    else:
        sources, dests = ops, []
    fx.reads.extend(sources)
    if move:
        fx.writes.extend(sources)
    fx.writes.extend(dests)
    # A destination that is a directory receives each source under its own name
    # (`cp -r /tmp/x/hooks .git/` writes .git/hooks). It is one when it ends in `/`, is
    # given with `-t` or takes several sources, and may be one when a directory is copied or
    # anything moved. A name built at run time is not known.
    recursive = move or any(f in p.options for f in ("-r", "-R", "-a", "--recursive", "--archive"))
    if not (recursive or target or len(sources) > 1 or any(d.endswith("/") for d in dests)):
        return
    for dest in dests:
        fx.writes.extend(
            posixpath.join(dest, name)
            for name in (posixpath.basename(src.rstrip("/")) for src in sources)
            if name not in ("", ".", "..") and "$" not in name and "`" not in name
        )


def _install(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("tmogS", "target-directory mode owner group suffix"))
    ops = operands(p)
    target = p.values("-t", "--target-directory")
    if p.has("-d", "--directory"):
        fx.writes.extend(ops)
    elif target:
        fx.reads.extend(ops)
        fx.writes.extend(target)
    elif len(ops) >= 2:
        fx.reads.extend(ops[:-1])
        fx.writes.append(ops[-1])


def _chmod(argv: Sequence[str], fx: Effects) -> None:
    if len(argv) > 2 and _SYMBOLIC_REMOVAL.fullmatch(argv[1]):
        # `chmod -x FILE`: the mode itself starts with `-`, so it is not an option.
        fx.writes.extend(operands(parse_options(argv[1:], 1, spec("", "reference from"))))
        return
    _chown(argv, fx)


def _chown(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("", "reference from"))
    ops = operands(p)
    if not p.has("--reference") and ops:
        ops = ops[1:]
    fx.writes.extend(ops)


def _ln(argv: Sequence[str], fx: Effects) -> None:
    """A link is another name for its target: the target counts as read and written too
    (`ln -s ~/.bashrc rc; echo x >> rc` appends to ~/.bashrc). A relative symlink target is
    relative to the link's directory."""
    p = parse_options(argv, 1, spec("tS", "target-directory suffix"))
    ops = operands(p)
    directory = p.values("-t", "--target-directory")
    if directory:
        fx.writes.extend(directory)
        targets, link_dir = ops, directory[-1]
    elif len(ops) >= 2:
        fx.writes.append(ops[-1])
        targets = ops[:-1]
        link_dir = ops[-1] if len(ops) > 2 or ops[-1].endswith("/") else posixpath.dirname(ops[-1])
    else:
        targets, link_dir = ops, ""
    symbolic = p.has("-s", "--symbolic")
    for target in targets:
        relative = symbolic and not target.startswith(("/", "~", "$"))
        named = posixpath.join(link_dir, target) if relative and link_dir else target
        fx.reads.append(named)
        fx.writes.append(named)


#: ssh-keygen's modes that read the key file given with `-f` (the others create it).
_KEYGEN_READS = frozenset({"-y", "-l", "-p", "-e", "-i", "-c", "-B", "-F", "-R", "-D", "-K"})


def _ssh_keygen(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("bCEfFIJjKmMnNOPrRstVwYzZaDG"))
    for key in files(p.values("-f")):
        if any(p.has(mode) for mode in _KEYGEN_READS):
            fx.reads.append(key)
        else:
            fx.writes.extend((key, key + ".pub"))


def _date(argv: Sequence[str], fx: Effects) -> None:
    # `date -f FILE` parses each line of FILE, and prints a line it cannot parse.
    p = parse_options(argv, 1, spec("dfrsI", "date file reference set iso-8601 rfc-3339"))
    fx.reads.extend(files(p.values("-f", "--file", "-r", "--reference")))


def _dd(argv: Sequence[str], fx: Effects) -> None:
    for word in argv[1:]:
        if word.startswith("if="):
            fx.reads.append(word[3:])
        elif word.startswith("of="):
            fx.writes.append(word[3:])


def _crontab(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("u"))
    user = (p.values("-u") or [""])[-1]
    pseudo = "crontab:" + user
    if p.has("-l"):
        fx.reads.append(pseudo)
        return
    ops = operands(p)
    fx.reads.extend(files(ops))
    fx.writes.append(pseudo)


def _tar(argv: Sequence[str], fx: Effects) -> None:
    words = list(argv)
    if len(words) > 1 and not words[1].startswith("-"):
        words[1] = "-" + words[1]
    p = parse_options(words, 1, spec("fCTXbHKLNgV", "file directory files-from exclude-from"))
    archive = files(p.values("-f", "--file"))
    directory = p.values("-C", "--directory")
    ops = operands(p)
    if p.has("-c", "--create", "-r", "--append", "-u", "--update"):
        fx.writes.extend(archive)
        base = directory[-1].rstrip("/") if directory else ""
        fx.reads.extend(f"{base}/{op}" if base and not op.startswith("/") else op for op in ops)
    elif p.has("-x", "--extract", "--get"):
        fx.reads.extend(archive)
        fx.writes.extend(directory or ["."])
    else:
        fx.reads.extend(archive)


def _zip(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("bnPtx", "password"))
    ops = operands(p)
    if ops:
        fx.writes.append(ops[0])
        fx.reads.extend(ops[1:])


def _unzip(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("dxP"))
    ops = operands(p)
    if ops:
        fx.reads.append(ops[0])
    if not p.has("-l", "-t", "-p", "-v", "-Z"):
        fx.writes.extend(p.values("-d") or ["."])


def _openssl(argv: Sequence[str], fx: Effects) -> None:
    for i, word in enumerate(argv[:-1]):
        if word == "-in":
            fx.reads.append(argv[i + 1])
        elif word == "-out":
            fx.writes.append(argv[i + 1])
        elif word in ("-connect", "-servername"):
            host = bare_host(argv[i + 1], scp_form=False) or argv[i + 1].partition(":")[0]
            fx.hosts.append(host.lower())


def _jq(argv: Sequence[str], fx: Effects) -> None:
    words: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ("--arg", "--argjson", "--slurpfile", "--rawfile"):
            if word in ("--slurpfile", "--rawfile") and i + 2 < len(argv):
                fx.reads.append(argv[i + 2])
            i += 3
            continue
        words.append(word)
        i += 1
    p = parse_options(words, 1, spec("fL", "indent from-file"))
    inputs = operands(p)
    if not p.has("-f", "--from-file") and inputs:
        inputs = inputs[1:]
    fx.reads.extend(p.values("-f", "--from-file"))
    fx.reads.extend(files(inputs))


def _find(argv: Sequence[str], fx: Effects) -> None:
    roots: list[str] = []
    i = 1
    while i < len(argv) and argv[i] in ("-H", "-L", "-P"):
        i += 1
    while i < len(argv) and not argv[i].startswith(("-", "(", "!")):
        roots.append(argv[i])
        i += 1
    roots = roots or ["."]
    fx.reads.extend(roots)
    for j in range(i, len(argv)):
        word = argv[j]
        if word == "-delete":
            fx.writes.extend(roots)
        elif word in ("-fprint", "-fprint0", "-fprintf", "-fls") and j + 1 < len(argv):
            fx.writes.append(argv[j + 1])


def _xxd(argv: Sequence[str], fx: Effects) -> None:
    p = parse_options(argv, 1, spec("cgloPsn", "cols groupsize len offset seek name"))
    ops = files(operands(p))
    fx.reads.extend(ops[:1])
    fx.writes.extend(ops[1:2])


FILE_HANDLERS: dict[str, Handler] = {
    "grep": lambda a, fx: _grep(a, fx, _GREP),
    "egrep": lambda a, fx: _grep(a, fx, _GREP),
    "fgrep": lambda a, fx: _grep(a, fx, _GREP),
    "rg": lambda a, fx: _grep(a, fx, _RG),
    "ag": lambda a, fx: _grep(a, fx, _RG),
    "sed": _sed,
    "gsed": _sed,
    "awk": _awk,
    "gawk": _awk,
    "mawk": _awk,
    "nawk": _awk,
    "cp": lambda a, fx: _copy(a, fx, move=False),
    "mv": lambda a, fx: _copy(a, fx, move=True),
    "install": _install,
    "chmod": _chmod,
    "chown": _chown,
    "chgrp": _chown,
    "ln": _ln,
    "dd": _dd,
    "date": _date,
    "ssh-keygen": _ssh_keygen,
    "crontab": _crontab,
    "tar": _tar,
    "zip": _zip,
    "unzip": _unzip,
    "openssl": _openssl,
    "jq": _jq,
    "find": _find,
    "xxd": _xxd,
}
