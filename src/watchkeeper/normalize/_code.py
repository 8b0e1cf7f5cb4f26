"""Recognise commands that run code: shells, interpreters, `eval`, `source`, decoders.

`code_of` looks at one peeled argv and says what code it runs: a shell string to parse
(``sh -c``, literal ``eval``, ``trap``), an inline program (``python -c``), a script file, or
that it reads its program from standard input (``… | sh``). The shell walker decides what the
program text was, because only it sees pipes, here-docs and substitutions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from watchkeeper.normalize._git import git_code
from watchkeeper.normalize._options import OptionSpec, parse_options
from watchkeeper.normalize._python_modules import module_use
from watchkeeper.normalize._sed import sed_program

__all__ = [
    "DOWNLOADERS",
    "SHELLS",
    "CodeUse",
    "code_of",
    "is_decoder",
    "is_interpreter",
    "is_temp_path",
]

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "rbash", "fish", "yash"})
DOWNLOADERS = frozenset(
    {"curl", "wget", "fetch", "aria2c", "http", "https", "httpie", "nc", "ncat", "netcat",
     "socat", "ssh", "lwp-request", "GET"}
)  # fmt: skip
_DECOMPRESSORS = frozenset({"gunzip", "zcat", "bzcat", "xzcat", "unxz", "bunzip2", "unzstd"})
_COMPRESSORS = frozenset({"gzip", "bzip2", "xz", "zstd", "lzma"})
_PYTHON = re.compile(r"^(python[0-9.]*|pypy[0-9.]*)$")
_INLINE_FLAGS: dict[str, tuple[str, ...]] = {
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "node": ("-e", "--eval", "-p", "--print"),
    "nodejs": ("-e", "--eval", "-p", "--print"),
    "bun": ("-e", "--eval", "-p", "--print"),
    "php": ("-r",),
    "osascript": ("-e",),
    "lua": ("-e",),
    "luajit": ("-e",),
    "Rscript": ("-e",),
    "expect": ("-c",),
}
_INTERP_SPECS: dict[str, OptionSpec] = {
    "perl": OptionSpec(short="eEMmI"),
    "ruby": OptionSpec(short="eIrCEFKTWx"),
    "node": OptionSpec(short="erp", long=frozenset({"eval", "print", "require", "import"})),
    "nodejs": OptionSpec(short="erp", long=frozenset({"eval", "print", "require"})),
    "bun": OptionSpec(short="erp", long=frozenset({"eval", "print", "cwd"})),
    "php": OptionSpec(short="rfcdzB"),
    "osascript": OptionSpec(short="elis"),
    "lua": OptionSpec(short="el"),
    "luajit": OptionSpec(short="elbj"),
    "Rscript": OptionSpec(short="e"),
    "expect": OptionSpec(short="cfD"),
    "tclsh": OptionSpec(),
    "wish": OptionSpec(),
}
_PYTHON_SPEC = OptionSpec(
    short="cmWXQ", long=frozenset({"check-hash-based-pycs"}), first_operand_stops=True
)
_AWK_EXEC = re.compile(r"system\s*\(|\|\s*getline|print[^;]*\|\s*\"|\|&")
# `print … > "FILE"` / `printf … >> FILE`: awk writes there (a comparison in print needs parens).
_AWK_OUTPUT = re.compile(r"\bprintf?\b[^;{}]*?>>?\s*(?:\"([^\"]*)\"|[^\s;{}])")
_PERL_IN_PLACE = re.compile(r"^-[a-hj-zA-Z]*i")
# Paths anyone may have just written: sourcing one is as opaque as `eval`.
_TEMP_PREFIXES = ("/tmp/", "/var/tmp/", "/dev/shm/", "/dev/fd/", "/proc/", "/dev/stdin")  # noqa: S108 - matched against, never created


@dataclass(slots=True)
class CodeUse:
    """The code one command runs, as far as its own argv tells.

    `shell` holds (argv index, label) of a word whose text is shell code to parse;
    `shell_texts` (text, label) shell code found inside a word (``git rebase --exec=CMD``);
    `inline` (kind, detail) pairs are opaque programs; `script` the argv index of a script
    file operand (its text may be dynamic: the walker checks); `stdin` names what reads a
    program from standard input (``"shell"`` or ``"interpreter"``).
    """

    shell: list[tuple[int, str]] = field(default_factory=list)
    inline: list[tuple[str, str]] = field(default_factory=list)
    script: int | None = None
    script_detail: str | None = None
    source: int | None = None
    stdin: str | None = None
    eval_words: tuple[int, int] | None = None
    file_writes: list[str] = field(default_factory=list)
    file_reads: list[str] = field(default_factory=list)
    shell_texts: list[tuple[str, str]] = field(default_factory=list)


def is_interpreter(name: str) -> bool:
    """True for language interpreters that run a program (python, perl, node …)."""
    return bool(_PYTHON.match(name)) or name in _INTERP_SPECS or name in _POWERSHELL


def is_temp_path(path: str) -> bool:
    """True for paths anyone could have written just now (``/tmp``, ``/dev/shm``, fds)."""
    return path.startswith(_TEMP_PREFIXES)


def is_decoder(name: str, argv: Sequence[str]) -> bool:
    """True when the command turns encoded or compressed data back into text."""
    flags = argv[1:]
    if name in ("base64", "base32", "basenc"):
        return any(f in ("-d", "--decode", "-D") or (f[:2] == "-d") for f in flags)
    if name == "xxd":
        return any(f.startswith("-r") for f in flags)
    if name == "openssl":
        return "-d" in flags or "base64" in flags or "-a" in flags
    if name in _DECOMPRESSORS or name in ("rev", "uudecode", "tr"):
        return True
    if name in _COMPRESSORS:
        return any(f in ("-d", "--decompress", "--uncompress") for f in flags)
    if name in ("printf", "echo"):
        return any("\\x" in f or "\\0" in f or "\\u" in f for f in flags)
    return False


_POWERSHELL = frozenset({"pwsh", "powershell", "powershell.exe", "pwsh.exe"})


def _shell(argv: Sequence[str], use: CodeUse) -> None:
    i, n = 1, len(argv)
    has_c = stdin = False
    while i < n and argv[i][:1] in ("-", "+") and argv[i] not in ("-", "+"):
        word = argv[i]
        i += 1
        if word == "--":
            break
        if word in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 1
        elif not word.startswith("--"):
            has_c = has_c or "c" in word[1:]
            stdin = stdin or "s" in word[1:]
    if has_c:
        if i < n:
            use.shell.append((i, argv[0].rsplit("/", 1)[-1] + " -c"))
            # `sh -c 'cat "$1"' _ FILE`: the words after the string are its $0, $1, …, which
            # it may use as paths.
            use.file_reads.extend(w for w in argv[i + 1 :] if w not in ("_", "--", "-"))
    elif i < n and argv[i] != "-" and not stdin:
        use.script = i
    else:
        use.stdin = "shell"


def _python(argv: Sequence[str], use: CodeUse) -> None:
    # Python's own options end at `-c CODE`, `-m MODULE` or the script: what follows is
    # the program's (`python -m zipfile -c x.zip …` has no `-c CODE`).
    parsed = parse_options(argv[: _options_end(argv)], 1, _PYTHON_SPEC)
    for code in parsed.values("-c"):
        use.inline.append(("inline", code))
    if parsed.has("-c"):
        return
    modules = parsed.values("-m")
    if modules:
        known = module_use(modules[-1], argv, _options_end(argv))
        if known is None:
            use.inline.append(("script", "-m " + modules[-1]))
            return
        use.script = known.script
        if known.module is not None:
            use.inline.append(("script", "-m " + known.module))
        use.inline.extend(("inline", code) for code in known.inline)
        use.file_reads.extend(known.reads)
        use.file_writes.extend(known.writes)
        return
    if parsed.operands and parsed.operands[0][1] != "-":
        use.script = parsed.operands[0][0]
    else:
        use.stdin = "interpreter"


#: PowerShell that runs a string as code: `iex`, `Invoke-Expression`, script blocks built from
#: text, a command looked up by wildcard (`& (gcm i*x)`).
_PS_EVAL = re.compile(
    r"\b(?:iex|invoke-expression)\b|\[scriptblock\]::create|&\s*\(\s*(?:gcm|get-command)\b"
    r"|\.invokecommand\.|invoke-command\s+-scriptblock\s*\(",
    re.IGNORECASE,
)
#: PowerShell that fetches text from the network.
_PS_DOWNLOAD = re.compile(
    r"\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|start-bitstransfer)\b"
    r"|download(?:string|file|data)\b|net\.webclient|net\.http\.httpclient",
    re.IGNORECASE,
)
#: PowerShell that decodes text: base64, character codes, byte arithmetic, decompression.
_PS_DECODE = re.compile(
    r"frombase64string|\[char\[?\]?\]|-bxor\b|\.getstring\(|gzipstream|deflatestream"
    r"|-join\s*\(|\[convert\]::",
    re.IGNORECASE,
)


def _powershell_kind(text: str) -> str:
    """How opaque a PowerShell command string is: text run as code is `eval`, and
    `download-exec` or `decode-exec` when that text is fetched or decoded first; the rest is
    an `inline` program."""
    if not _PS_EVAL.search(text):
        return "inline"
    if _PS_DOWNLOAD.search(text):
        return "download-exec"
    if _PS_DECODE.search(text):
        return "decode-exec"
    return "eval"


def _options_end(argv: Sequence[str]) -> int:
    """Where python's own options end: after `-c CODE` or `-m MODULE`, else `len(argv)`."""
    i = 1
    while i < len(argv):
        word = argv[i]
        if word[:1] != "-" or word in ("-", "--"):
            return len(argv)
        if word.startswith("--"):
            i += 2 if word[2:] in _PYTHON_SPEC.long else 1
            continue
        for j, letter in enumerate(word[1:], start=2):
            if letter in _PYTHON_SPEC.short:
                attached = j < len(word)
                if letter in "cm":
                    return i + 1 if attached else i + 2
                i += 0 if attached else 1
                break
        i += 1
    return len(argv)


def _powershell(argv: Sequence[str], use: CodeUse) -> None:
    for i, word in enumerate(argv[1:], start=1):
        flag = word.lower().lstrip("-/")
        rest = " ".join(argv[i + 1 :])
        if flag in ("c", "command"):
            use.inline.append((_powershell_kind(rest), rest))
            return
        if flag in ("e", "ec", "enc", "encodedcommand", "encoded"):
            use.inline.append(("decode-exec", rest))
            return
        if flag in ("f", "file") and i + 1 < len(argv):
            use.script = i + 1
            return
    use.stdin = "interpreter"


def _interp(name: str, argv: Sequence[str], use: CodeUse) -> None:
    spec = _INTERP_SPECS[name]
    parsed = parse_options(argv, 1, spec)
    inline_flags = _INLINE_FLAGS.get(name, ())
    codes = parsed.values(*inline_flags)
    for code in codes:
        use.inline.append(("inline", code))
    if name == "perl" and codes and any(_PERL_IN_PLACE.match(w) for w in argv[1:]):
        use.file_writes.extend(w for _, w in parsed.operands)
    if codes:
        return
    if name == "php" and parsed.values("-f"):
        use.script_detail = parsed.values("-f")[-1]
        return
    if parsed.operands and parsed.operands[0][1] != "-":
        use.script = parsed.operands[0][0]
    else:
        use.stdin = "interpreter"


def _awk(argv: Sequence[str], use: CodeUse) -> None:
    parsed = parse_options(argv, 1, OptionSpec(short="fvF", long=frozenset({"file"})))
    program_files = parsed.values("-f", "--file")
    if program_files:
        use.script_detail = program_files[-1]
        return
    if not parsed.operands:
        return
    program = parsed.operands[0][1]
    if _AWK_EXEC.search(program):
        use.inline.append(("inline", program))
    for match in _AWK_OUTPUT.finditer(program):
        if match.group(1) is None:  # `print > $2`: a file named at run time
            use.inline.append(("inline", program))
        else:
            use.file_writes.append(match.group(1))


def _make(argv: Sequence[str], use: CodeUse) -> None:
    """`make --eval=TEXT` and `make SHELL=PROGRAM` run what the line says, not a makefile."""
    for index, word in enumerate(argv[1:], start=1):
        if word.startswith(("--eval=", "SHELL=", ".SHELLFLAGS=")):
            use.inline.append(("inline", word))
        elif word in ("--eval", "-E") and index + 1 < len(argv):
            use.inline.append(("inline", argv[index + 1]))
        elif word.startswith("-E") and len(word) > 2:
            use.inline.append(("inline", word[2:]))


def _sed(argv: Sequence[str], use: CodeUse) -> None:
    """`sed 'e CMD'` runs CMD; `e` alone and `s///e` run the text; `-f FILE` loads a script."""
    script, script_files, _ = sed_program(argv)
    if script_files:
        use.script_detail = script_files[-1]
    use.shell_texts.extend((command, "sed e") for command in script.commands)
    if script.runs_input:
        use.inline.append(("eval", " ".join(argv)))
    elif script.unparsed:
        use.inline.append(("inline", " ".join(argv[1:])))


def _at(argv: Sequence[str], use: CodeUse) -> None:
    """`at`/`batch` read a shell script from stdin (or `-f FILE`) and run it later."""
    parsed = parse_options(argv, 1, OptionSpec(short="fqtM"))
    if parsed.has("-l", "-r", "-d", "-c"):
        return
    script = parsed.values("-f")
    if script:
        use.script_detail = script[-1]
    use.stdin = "shell"


_OTHER_RUNNERS = frozenset(
    {"awk", "gawk", "mawk", "nawk", "eval", "source", ".", "trap", "deno", "at", "batch", "git",
     "sed", "gsed", "make", "gmake"}
)  # fmt: skip
_NO_CODE = CodeUse()


def code_of(name: str, argv: Sequence[str]) -> CodeUse:
    """Say what code the command `name` with `argv` runs (see `CodeUse`).

    Commands that run no code share one empty result, which must not be changed.
    """
    if not (name in SHELLS or name in _OTHER_RUNNERS or is_interpreter(name)):
        return _NO_CODE
    use = CodeUse()
    if name in SHELLS:
        _shell(argv, use)
    elif _PYTHON.match(name):
        _python(argv, use)
    elif name in _POWERSHELL:
        _powershell(argv, use)
    elif name in _INTERP_SPECS:
        _interp(name, argv, use)
    elif name in ("awk", "gawk", "mawk", "nawk"):
        _awk(argv, use)
    elif name == "eval" and len(argv) > 1:
        use.eval_words = (1, len(argv))
    elif name in ("source", ".") and len(argv) > 1:
        use.source = 1
    elif name in ("at", "batch"):
        _at(argv, use)
    elif name in ("sed", "gsed"):
        _sed(argv, use)
    elif name in ("make", "gmake"):
        _make(argv, use)
    elif name == "git":
        found = git_code(argv)
        use.shell_texts = found.shell
        use.inline.extend(("eval", detail) for detail in found.opaque)
        use.inline.extend(("script", path) for path in found.scripts)
        use.file_reads.extend(found.scripts)
    elif name == "trap" and len(argv) > 2 and argv[1] != "-":
        use.shell.append((1, "trap"))
    elif name == "deno" and len(argv) > 2 and argv[1] == "eval":
        use.inline.append(("inline", argv[2]))
    elif name == "deno" and len(argv) > 2 and argv[1] == "run":
        operands = [w for w in argv[2:] if not w.startswith("-")]
        if operands:
            use.script = argv.index(operands[0], 2)
    return use
