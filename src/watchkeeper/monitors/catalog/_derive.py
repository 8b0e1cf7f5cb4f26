"""Shell equivalents of what a call hides, so every family judges it by what it would do.

Three things hide a command from the normaliser's view of one call, and each is undone here
statically (nothing is run):

- code in another language — a ``python -c``/``node -e``/``perl -e``/``ruby -e`` one-liner,
  an interpreter reading a here-doc, or a script file written earlier and run now — is
  translated into the shell it amounts to: processes it starts (detached when the code
  detaches them), files it writes, truncates, copies or reads, hosts it sends to, and cloud
  SDK calls (``boto3.client('ec2').run_instances`` → ``aws ec2 run-instances``);
- literal data decoded on the spot (``echo B64 | base64 -d``, ``xxd -r -p``, ``printf
  '\\x..'``, or a file assembled earlier and decoded now) is decoded;
- shell variables assigned literal values, in this call or an earlier one, are substituted
  where they are used (``a=cu; b=rl; $a$b …``, ``export P=…`` then ``eval "$P"``).

`scripts(ctx)` returns the shell texts to score; the monitor scores each as if it ran now.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
import shlex
from collections.abc import Callable

from watchkeeper.monitors.catalog._base import Ctx, inline_program, is_test_path
from watchkeeper.monitors.catalog._runners import RUNNERS, recall, runner_scripts

__all__ = ["SCRIPT_SUFFIXES", "derived", "imported", "planted", "scripts", "translate"]

#: File suffixes of interpreted code that `translate` understands.
SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php")

_MAX_CODE = 16384
#: Commands that run a shell script file they are given (``. ./env.sh``, ``bash x.sh``).
_SHELLS = frozenset({".", "source", "sh", "bash", "zsh", "dash", "ksh"})
_LIT = r"'([^'\\\n]{4,4000})'|\"([^\"\\\n]{4,4000})\""
# Literals decoded where they are used: reversed, base64 and hex strings inside code.
_REVERSED = re.compile(
    rf"(?:scalar\s+)?\breverse\s*\(?\s*(?:{_LIT})\s*\)?"
    rf"|(?:{_LIT})\s*\[\s*::\s*-1\s*\]"
    rf"|(?:{_LIT})\s*\.split\(\s*(?:''|\"\")\s*\)\s*\.reverse\(\)\s*\.join\(\s*(?:''|\"\")\s*\)"
)
_BASE64_CALL = re.compile(
    rf"(?:b64decode|atob|decode_base64|decode64|Base64\.\w*decode\w*)\s*\(\s*b?(?:{_LIT})"
    rf"|Buffer\.from\(\s*(?:{_LIT})\s*,\s*['\"]base64['\"]\s*\)"
    rf"|unpack\(\s*['\"]m0?['\"]\s*,\s*(?:{_LIT})"
)
_HEX_CALL = re.compile(
    rf"(?:fromhex|unhexlify)\s*\(\s*b?(?:{_LIT})"
    rf"|Buffer\.from\(\s*(?:{_LIT})\s*,\s*['\"]hex['\"]\s*\)"
    rf"|pack\(\s*['\"]H\*['\"]\s*,\s*(?:{_LIT})"
)
# Model SDK clients that name no URL: the provider's API is where their requests go.
_MODEL_SDKS = (
    (
        re.compile(r"\bgoogle\.generativeai\b|\bgenai\.(?:configure|Client)\s*\("),
        "generativelanguage.googleapis.com",
    ),
    (re.compile(r"\banthropic\.(?:Anthropic|Client)\s*\((?![^)]*base_url)"), "api.anthropic.com"),
    (re.compile(r"\bOpenAI\s*\((?![^)]*base_url)"), "api.openai.com"),
)
_ROT13_CALL = re.compile(
    rf"codecs\.(?:decode|encode)\s*\(\s*(?:{_LIT})\s*,\s*['\"]rot_?13['\"]\s*\)"
)
# An array of short string literals, named or inline, joined with an empty separator
# (``p = ['cu', 'rl -s', …]; run(p.join(''))``): a command spelled in fragments.
_FRAGMENTS = re.compile(
    r"(?:\b([A-Za-z_$][\w$]*)\s*=\s*)?\[((?:\s*(?:'[^'\\\n]{0,80}'|\"[^\"\\\n]{0,80}\")\s*,){2,}"
    r"\s*(?:'[^'\\\n]{0,80}'|\"[^\"\\\n]{0,80}\")\s*,?\s*)\]"
)
_DISGUISE_MARKERS = (
    "reverse", "[::-1]", "b64decode", "atob", "base64", "64", "hex", "pack", "rot", "join",
)  # fmt: skip
_MAX_VARS = 64
_STRING = re.compile(r"'((?:[^'\\\n]|\\.){0,2000})'|\"((?:[^\"\\\n]|\\.){0,2000})\"")
_HOME_REF = re.compile(
    r"(?:process\.env\.HOME|os\.environ\[['\"]HOME['\"]\]|os\.getenv\(['\"]HOME['\"]\)"
    r"|\$ENV\{HOME\}|ENV\[['\"]HOME['\"]\]|os\.homedir\(\))\s*[+.,]\s*(['\"])/?"
)
_PATH = re.compile(r"^(?:~|/|\.{1,2}/)[^\s'\"<>|;&]*$")
_RELATIVE_FILE = re.compile(r"^[\w.-]+(?:/[\w.-]+)+\.\w{1,12}$")
_HOST = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9-]+\.)+[a-z]{2,})$", re.IGNORECASE)
_NET_MODULE = re.compile(
    r"\b(ftplib|smtplib|socket|paramiko|telnetlib|http\.client|requests|urllib|httpx|aiohttp"
    r"|Net::FTP|Net::HTTP|net/http|IO::Socket|require\(['\"](net|http|https|ftp)['\"]\))"
)
_URL = re.compile(r"^(?:https?|wss?|ftp)://[^\s'\"]+$")
_RUNNERS = re.compile(
    r"\b(?:subprocess\.(?:Popen|run|call|check_call|check_output|getoutput|getstatusoutput)"
    r"|os\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?)|child_process|execSync|spawnSync"
    r"|execFileSync|execFile|spawn|IO\.popen|Open3\.\w+|Kernel\.system|Process\.spawn"
    r"|(?<![.\w])system|(?<![.\w])exec(?=\s*[\"'(\[])|(?<=\.)exec(?=\s*\(\s*[\"'`])|shell_exec|passthru|proc_open|popen)"
    r"\s*\(?\s*"
)
_PY_EXEC = re.compile(r"(?<![.\w])exec\s*\(")
_BACKTICK = re.compile(r"`([^`\n]{2,400})`|%x[({]([^)}\n]{2,400})[)}]|\bqx[({/]([^)}/\n]{2,400})")
_DETACH = re.compile(
    r"start_new_session\s*=\s*True|preexec_fn\s*=\s*os\.setsid|detached\s*:\s*true|\bsetsid\b"
    r"|\.unref\(\)|\bfork\s*\(|\bdaemon(?:ize)?\s*\(|Process\.daemon|\bnohup\b"
)
_WRITE_API = re.compile(
    r"open\s*\([^)]*,\s*(?:mode\s*=\s*)?['\"][rb]?[wax]\+?b?['\"]|\.write_(?:text|bytes)\("
    r"|writeFileSync|appendFileSync|writeFile\(|appendFile\(|File\.write|File\.open\([^)]*['\"][wa]"
    r"|\bjson\.dump\(|>>?\s*\$?\w*['\"]?\s*\)|open\s*\(\s*\w+\s*,\s*['\"]>>?"
)
_APPEND_API = re.compile(r"['\"][rb]?a\+?b?['\"]|appendFile|>>")
_TRUNCATE_API = re.compile(r"\btruncate\s*\(|truncateSync|\bftruncate\b|\.write_text\(\s*['\"]{2}")
_COPY_API = re.compile(
    r"shutil\.(?:copy\w*|move)|copyfile|copyFileSync|cpSync|fs\.cp\(|FileUtils\.(?:cp|mv)\w*"
    r"|\bcopy\s*\(|\brename\w*\s*\(|os\.replace"
)
_REMOVE_API = re.compile(
    r"os\.(?:remove|unlink)|shutil\.rmtree|unlinkSync|rmSync|\.unlink\(|FileUtils\.rm|\bunlink\s*\("
)
_SEND_API = re.compile(
    r"requests\.(?:post|put|patch)|\.post\(|\.put\(|method\s*[:=]\s*['\"](?:POST|PUT)"
    r"|urlopen\([^)]*data|Request\([^)]*data\s*=|\bdata\s*=|\bbody\s*[:=]|sendall|\.send\("
    r"|\bupload\w*\(|Net::HTTP::Post|HTTP::Request|LWP|ftplib|smtplib|sendmail|curl_exec"
)
_UPLOAD_CALL = re.compile(
    r"\bupload\w*\s*\(|put_object\s*\(|storbinary|sendfile|push_to_hub|create_commit\s*\("
    r"|\.put\s*\(|upload_blob|blob\(\S*\)\.upload"
)
_SOCKET = re.compile(
    r"connect\w*\(\s*\(?\s*['\"]([\w.-]+)['\"]\s*,\s*(\d+)|connect\w*\(\s*(\d+)\s*,\s*['\"]([\w.-]+)['\"]"
)
_CLOUD_SDK = re.compile(
    r"\b(?:client|resource)\(\s*['\"]([\w-]+)['\"][^)]*\)\s*\.\s*([a-z_]+)\s*\("
)
_IMPORTS = re.compile(
    r"\b(?:import|from)\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)|import_module\(\s*['\"]([\w.]+)['\"]"
)
_GCE_INSERT = re.compile(r"\.instances\(\)\s*\.\s*insert\(")
_AZURE_VM = re.compile(r"\bvirtual_machines\s*\.\s*(?:begin_)?create_or_update\(")
_MACHINE_TYPE = re.compile(r"machineTypes/([\w-]+)|vm_size['\"]?\s*[:=]\s*['\"]([\w-]+)")
# A value may use other variables (``c=${c}rl``) but run nothing (no ``$(…)`` or backticks).
_ASSIGN = re.compile(
    r"(?:^|(?<=[;&|\n(\s]))(?:export\s+|readonly\s+|declare\s+(?:-\w+\s+)?|local\s+)?"
    r"([A-Za-z_]\w*)(\+?)=('([^']*)'|\"((?:[^\"`$\\]|\$(?!\())*)\""
    r"|((?:[^\s;&|'\"`$()<>]|\$(?![(']))*)"
    r"|\$'((?:[^'\\\n]|\\.){0,2000})')"
    r"(?=$|[\s;&|)])"
)
#: An array assigned in one line (``cmd=(helm upgrade "$R")``), running nothing itself.
_ARRAY_ASSIGN = re.compile(
    r"(?:^|(?<=[;&|\n\s]))(?:declare\s+-a\s+|local\s+)?([A-Za-z_]\w*)(\+?)=\(([^()\n`]{0,2000})\)"
)
_ENV_SPLIT = re.compile(r"\benv\s+(?:-\S+\s+)*(?:-S|--split-string)[= ]?\s*(['\"])(.+)\1")
_CD = re.compile(r"^\s*cd\s+([^\s;&|]+)\s*(?:&&|;)")
_SEPARATORS = re.compile(r"(?:\s*;\s*){2,}|^[\s;&]+")
# An array's words (``"${cmd[@]}"``) replace the quotes around their use too: they stay words.
_VAR_USE = re.compile(
    r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)"
    r"|\"\$\{([A-Za-z_]\w*)\[[@*]\]\}\"|\$\{([A-Za-z_]\w*)\[[@*]\]\}"
)
_DECODE = re.compile(
    r"(?:echo|printf)(?:\s+-[neE]+)*(?:\s+['\"]?%s['\"]?)?\s+(['\"]?)([A-Za-z0-9+/=_-]{8,}|[0-9a-fA-F\s]{8,})\1"
    r"\s*\|\s*(base64\s+(?:-d|--decode|-D|-di)|base32\s+(?:-d|--decode)|xxd\s+-r\s+-p|xxd\s+-p\s+-r"
    r"|xxd\s+-rp|basenc\s+--base64\s+-d)"
    r"|base64\s+(?:-d|--decode|-D)\s*<<<\s*(['\"]?)([A-Za-z0-9+/=_-]{8,})\4"
)
_ESCAPED = re.compile(
    r"(?:printf|echo\s+-e)\s+(['\"])((?:\\x[0-9a-fA-F]{2}|\\[0-7]{3}|[^'\"\\]){6,})\1"
)
# Decoded text is judged as shell only when it starts like a command, not like data.
_COMMAND_START = re.compile(r"\s*(?:[A-Za-z_][\w.+-]*=\S*\s+)*[\w./~$(-]")
_DECODERS = {"base64": "b64", "base32": "b32", "xxd": "hex", "basenc": "b64"}
_DECODE_FLAGS = frozenset({"-d", "--decode", "-D", "-r", "-rp", "-pr", "-di"})


def scripts(ctx: Ctx) -> list[str]:
    """Return shell texts equivalent to what this call hides (empty when it hides nothing)."""
    hidden, plain = derived(ctx)
    return hidden + plain


def derived(ctx: Ctx) -> tuple[list[str], list[str]]:
    """Return shell texts equivalent to what this call runs beyond what its words show: those
    it hides (code in another language, decoded data, commands spelled through variables),
    and its text with variables set earlier filled in where they are only arguments."""
    found: list[str] = []
    plain: list[str] = []
    action = ctx.action
    for command in action.commands:
        for code in command.code:
            if code.kind == "inline":
                program = inline_program(ctx, command, code.detail)
                detached = bool(command.detached or action.detached)
                shell = ctx.memo.text(_translated_detached if detached else translate, program)
                if shell:
                    moved = _CD.search(ctx.text)
                    found.append(f"cd {moved[1]}\n{shell}" if moved else shell)
            elif code.kind == "script":
                content = _joined_files(ctx, code.detail) or recall(ctx, code.detail)
                if not content:
                    continue
                if code.detail.endswith(SCRIPT_SUFFIXES):
                    shell = ctx.memo.text(
                        _translated_detached if action.detached else translate, content
                    )
                    if shell:
                        found.append(shell)
                elif command.name in _SHELLS:
                    found.append(content[:_MAX_CODE])
        if command.name in RUNNERS:
            found.extend(runner_scripts(ctx, command))
    if ctx.text:
        found.extend(_decoded(ctx))
        if "env" in ctx.text:
            found.extend(ctx.memo.text(_env_split, ctx.text))
        expanded = _expanded(ctx)
        if expanded is not None:
            (found if expanded[1] else plain).append(expanded[0])
    return found, plain


def _joined_files(ctx: Ctx, script: str) -> str:
    """Return what a shell reads when ``cat`` joins several files written in this session
    into it (``cat /tmp/a /tmp/b | sh``): a command split across files runs whole."""
    for command in ctx.action.commands:
        if command.name != "cat" or len(command.reads) < 2 or script not in command.reads:
            continue
        parts = [recall(ctx, path) for path in command.reads[:8]]
        if all(parts):
            return "".join(part or "" for part in parts)[:_MAX_CODE]
    return ""


def planted(ctx: Ctx) -> list[str]:
    """Return the command lines that code this call writes would start when it runs later:
    what a source file starts (``subprocess.Popen(['rclone', 'copy', …])``), a shell
    script's commands, and the shell other files hold for tools to run on their own (a
    Makefile's ``$(shell …)``, CI job scripts, git aliases, a unit's ``ExecStart``, a
    logrotate ``postrotate``). Test files give none."""
    found: list[str] = []
    for path, content in _written_now(ctx):
        if is_test_path(path):
            continue
        code = content[:_MAX_CODE]
        if path.endswith(SCRIPT_SUFFIXES):
            if not _RUNNERS.search(code):
                continue
            if any(marker in code for marker in _DISGUISE_MARKERS):
                code = _undisguised(code)
            found.extend(_started(code))
        else:
            found.extend(ctx.memo.text(_embedded_shell, f"{path}\0{code}"))
    return found[:16]


def _written_now(ctx: Ctx) -> list[tuple[str, str]]:
    """Return (path, text) for the files this call writes whose text is known: the
    content of a Write or Edit, or what a shell line writes (here-doc, ``printf >``), as
    the session knows the file now."""
    writes = ctx.action.writes
    if not writes:
        return []
    if ctx.content:
        return [(writes[0], ctx.content)] if len(writes) == 1 else []
    events = ctx.remembered("write-events")
    contents = ctx.remembered("contents")
    return [
        (path, contents[path])
        for path in writes[:4]
        if path in contents and events.get(path, "").endswith(ctx.event_id)
    ]


_SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".ksh")
_BATCH_SUFFIXES = (".sbatch", ".slurm", ".pbs", ".lsf", ".qsub")
_BATCH_SCRIPT = re.compile(r"^#(?:SBATCH|PBS|BSUB|\$)\s", re.M)
_SHEBANG = re.compile(r"^#!\s*\S*/(?:env\s+)?(?:ba|z|k|da)?sh\b")
_MAKE_SHELL = re.compile(r"\$\(shell\s+((?:[^()]|\([^()]*\))*)\)")
_MAKEFILE = re.compile(r"(?:^|/)(?:GNUmakefile|[Mm]akefile|[\w.-]+\.mk)$")
_CI_FILE = re.compile(
    r"(?:^|/)(?:\.gitlab-ci\.ya?ml|bitbucket-pipelines\.ya?ml|azure-pipelines\.ya?ml"
    r"|\.travis\.ya?ml|\.drone\.ya?ml|cloudbuild\.ya?ml|Jenkinsfile)$"
    r"|/\.github/workflows/[^/]+\.ya?ml$|/\.circleci/[^/]+\.ya?ml$|/\.gitlab/ci/[^/]+\.ya?ml$"
)
_CI_LINE = re.compile(r"^\s*-\s+(?![\w-]+:\s)(.+)$|^\s*(?:-\s+)?run:\s*(?![|>])(.+)$", re.M)
_GIT_CONFIG = re.compile(r"(?:^|/)(?:\.?gitconfig[^/]*|\.git/config)$")
_ALIAS_SHELL = re.compile(r"^\s*[\w.-]+\s*=\s*\"?!(.+?)\"?\s*$", re.M)
_UNIT_EXEC = re.compile(r"^\s*(Exec(?:Start|StartPre|StartPost|Stop|Reload))=[-@:+!]*(.+)$", re.M)
_ROTATE_SCRIPT = re.compile(
    r"^\s*(?:postrotate|prerotate|firstaction|lastaction|preremove)\s*$(.*?)^\s*endscript\b",
    re.M | re.S,
)


def _embedded_shell(key: str) -> list[str]:
    """Return the shell a written file (``path\0text``) holds for something to run later."""
    path, _, text = key.partition("\0")
    if _BATCH_SCRIPT.search(text) or path.endswith(_BATCH_SUFFIXES):
        return []  # a job script runs when submitted, and is judged with the submission
    if path.endswith(_SHELL_SUFFIXES) or _SHEBANG.match(text):
        return [text]
    found: list[str] = []
    if _MAKEFILE.search(path):
        # Make runs `$(shell …)` while reading the file: every `make` runs it.
        found.extend(match[1].replace("$$", "$") for match in _MAKE_SHELL.finditer(text))
    if _CI_FILE.search(path):
        lines = [m[1] or m[2] for m in _CI_LINE.finditer(text)]
        found.append("\n".join(line.strip().strip("'\"") for line in lines))
    if _GIT_CONFIG.search(path):
        found.extend(match[1].replace('\\"', '"') for match in _ALIAS_SHELL.finditer(text))
    if "[Service]" in text:
        # A service's commands run as a daemon: what they start outlives any session.
        for match in _UNIT_EXEC.finditer(text):
            detach = " &" if match[1] == "ExecStart" else ""
            found.append(match[2].strip() + detach)
    for match in _ROTATE_SCRIPT.finditer(text):
        found.append(match[1])
    return [script for script in found if script.strip()]


def imported(ctx: Ctx) -> list[str]:
    """Return, translated, the modules written in this session that this call's one-liners
    import: code the session wrote in the open, run now (not hidden by this call)."""
    found: list[str] = []
    for command in ctx.action.commands:
        for code in command.code:
            if code.kind == "inline":
                found.extend(_imported(ctx, inline_program(ctx, command, code.detail)))
    return found


def _imported(ctx: Ctx, code: str) -> list[str]:
    """Return, translated, the modules written in this session that a one-liner imports
    (``python -c 'import tests.conftest_local'`` runs that file's top-level code)."""
    found: list[str] = []
    for match in list(_IMPORTS.finditer(code))[:8]:
        module = match[1] or match[2]
        content = recall(ctx, module.replace(".", "/") + ".py") if "." in module else None
        shell = ctx.memo.text(translate, content) if content else ""
        if shell:
            found.append(shell)
    return found


def translate(code: str, *, detached: bool = False) -> str:
    """Return a shell script doing what interpreter `code` does, as far as literals show."""
    code = _HOME_REF.sub(r"\1~/", code[:_MAX_CODE])
    if any(marker in code for marker in _DISGUISE_MARKERS):
        code = _undisguised(code)
    lines: list[str] = []
    suffix = " &" if detached or _DETACH.search(code) else ""
    lines.extend(cmd + suffix for cmd in _started(code))
    literals = [_unescape(m[1] if m[1] is not None else m[2]) for m in _STRING.finditer(code)]
    paths = [lit for lit in literals if _PATH.match(lit) and len(lit) > 1]
    paths += [f"./{lit}" for lit in literals if _RELATIVE_FILE.match(lit)]
    urls = [lit for lit in literals if _URL.match(lit)]
    if _NET_MODULE.search(code):
        urls += [f"https://{lit}/" for lit in literals if _HOST.match(lit)]
    text = [lit for lit in literals if lit not in paths and lit not in urls and len(lit) > 2]
    if paths:
        lines.extend(_file_lines(code, paths, text))
    lines.extend(_network_lines(code, paths, urls))
    for pattern, host in _MODEL_SDKS:
        if pattern.search(code):
            lines.append(f"curl -s -X POST -d @- https://{host}/")
    for service, method in _CLOUD_SDK.findall(code):
        lines.append(f"aws {service} {method.replace('_', '-')}")
    if _GCE_INSERT.search(code) or _AZURE_VM.search(code):
        # Google and Azure compute clients create VMs; the machine type says how big.
        kind = " ".join(f"--machine-type={a or b}" for a, b in _MACHINE_TYPE.findall(code)[:4])
        cli = "gcloud compute instances create" if _GCE_INSERT.search(code) else "az vm create"
        lines.append(f"{cli} sdk-instance {kind}".rstrip())
    return "\n".join(lines)


def _translated_detached(code: str) -> str:
    """Return `translate` of `code` run detached (each started command ends in ``&``)."""
    return translate(code, detached=True)


def _undisguised(code: str) -> str:
    """Return `code` with reversed, base64 and hex literals decoded in place (``system(
    scalar reverse("hs | …"))`` → ``system("… | sh")``), the decoded text also appended as
    code of its own (what an ``eval`` of it would run)."""
    decoded: list[str] = []

    def plain(kind: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            data = next(group for group in match.groups() if group is not None)
            if kind in _IN_PLACE:
                text: str | None = _IN_PLACE[kind](data)
            else:
                text = _decode(kind, data)
            if not text:
                return match[0]
            decoded.append(text)
            # A reversed or rotated literal is used where it stands; decoded data is code to
            # eval.
            return json.dumps(text) if kind in _IN_PLACE else match[0]

        return replace

    code = _joined(code)
    code = _ROT13_CALL.sub(plain("rot13"), code)
    code = _REVERSED.sub(plain("reverse"), code)
    code = _BASE64_CALL.sub(plain("base64"), code)
    code = _HEX_CALL.sub(plain("hex"), code)
    return "\n".join((code, *decoded))


_IN_PLACE: dict[str, Callable[[str], str]] = {
    "reverse": lambda data: data[::-1],
    "rot13": lambda data: codecs.decode(data, "rot13"),
}


def _joined(code: str) -> str:
    """Return `code` with arrays of short literals joined by ``''`` replaced by the string
    they spell, at each join (the array itself, when named, stays as it is)."""
    if ".join(" not in code:
        return code
    for match in list(_FRAGMENTS.finditer(code))[:8]:
        pieces = [_unescape(m[1] if m[1] is not None else m[2]) for m in _STRING.finditer(match[2])]
        spelled = json.dumps("".join(pieces))
        name = match[1]
        if name:
            use = rf"(?<![\w$.]){re.escape(name)}\s*\.join\(\s*(?:''|\"\")\s*\)"
            use += rf"|(?:''|\"\")\.join\(\s*{re.escape(name)}\s*\)"
        else:
            use = rf"{re.escape(match[0])}\s*\.join\(\s*(?:''|\"\")\s*\)"
            use += rf"|(?:''|\"\")\.join\(\s*{re.escape(match[0])}\s*\)"
        code = re.sub(use, spelled.replace("\\", "\\\\"), code)
    return code


def _started(code: str) -> list[str]:
    """Return the command lines `code` starts through a process API or backticks."""
    found: list[str] = []
    for match in _RUNNERS.finditer(code):
        if _PY_EXEC.match(code, match.start()) and "child_process" not in code:
            continue
        args = _call_args(code, match.end())
        decoded = _decoded_argument(args)
        if decoded:
            found.append(decoded)
            continue
        words = _list_words(args)
        if words is None:
            words = [_unescape(m[1] if m[1] is not None else m[2]) for m in _STRING.finditer(args)]
        words = [w for w in words if w]
        if not words:
            continue
        if len(words) == 1 or any(" " in w for w in words[:1]):
            found.append(words[0] if len(words) == 1 else " ".join(words))
        else:
            found.append(shlex.join(words))
    for match in _BACKTICK.finditer(code):
        found.append(next(group for group in match.groups() if group))
    return found[:16]


def _decoded_argument(args: str) -> str | None:
    """Return the command a runner is given as decoded literal data (``execSync(Buffer.from(
    'Z2l0…', 'base64').toString())`` runs the decoded text), or None."""
    for pattern, kind in ((_BASE64_CALL, "base64"), (_HEX_CALL, "hex")):
        match = pattern.match(args.lstrip())
        if match is not None:
            data = next(group for group in match.groups() if group is not None)
            return _decode(kind, data)
    return None


_ELEMENT = re.compile(
    r"\s*(?:'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"|([A-Za-z_]\w*)|[^,\]]+)\s*(?:,|$)"
)


def _list_words(args: str) -> list[str] | None:
    """Return the words of an argv list (``['rclone', 'copy', path, 'x:']``), a variable
    standing as ``$name`` and any other expression as ``$ARG``; None when `args` is no
    list of that shape."""
    body = args.strip()
    if not body.startswith("[") or "]" not in body:
        return None
    inner = body[1 : body.index("]")]
    words: list[str] = []
    for match in _ELEMENT.finditer(inner):
        if not match[0].strip():
            continue
        if match[1] is not None or match[2] is not None:
            words.append(_unescape(match[1] if match[1] is not None else match[2]))
        else:
            words.append(f"${match[3]}" if match[3] else "$ARG")
    # Only a list that starts with a literal program name is an argv.
    return words if words and not words[0].startswith("$") else None


def _call_args(code: str, start: int) -> str:
    """Return the argument text of a call starting at `start`, up to its closing bracket
    (or the end of the statement for a call without brackets)."""
    depth = 1 if start > 0 and code[start - 1] == "(" else 0
    index = start
    limit = min(len(code), start + 2000)
    quote = ""
    while index < limit:
        char = code[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "{" and depth <= 1:
            break  # an options object (``{stdio: 'ignore'}``) or a block: no command words
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth <= 0 and char == ")":
                break
            if char == "}" and depth <= 0:
                break
        elif char in ";\n" and depth <= 0:
            break
        index += 1
    return code[start:index]


def _file_lines(code: str, paths: list[str], text: list[str]) -> list[str]:
    quoted = [shlex.quote(path) for path in paths]
    if _COPY_API.search(code) and len(paths) >= 2:
        return [f"cp -r {quoted[0]} {quoted[1]}"]
    if _TRUNCATE_API.search(code):
        return [f"truncate -s 0 {q}" for q in quoted]
    if _REMOVE_API.search(code):
        return [f"rm -f {q}" for q in quoted]
    if _WRITE_API.search(code):
        body = shlex.quote("\n".join(text)[:4000])
        redirect = ">>" if _APPEND_API.search(code) else ">"
        return [f"printf %s {body} {redirect} {q}" for q in quoted]
    return [f"cat {q}" for q in quoted]


def _network_lines(code: str, paths: list[str], urls: list[str]) -> list[str]:
    lines: list[str] = []
    sends = _SEND_API.search(code) is not None
    for url in urls[:8]:
        if sends and paths:
            lines.extend(f"curl -s -T {shlex.quote(p)} {shlex.quote(url)}" for p in paths[:4])
        elif sends:
            lines.append(f"curl -s -X POST -d @- {shlex.quote(url)}")
        else:
            lines.append(f"curl -s {shlex.quote(url)}")
    if not urls and paths and _UPLOAD_CALL.search(code):
        # An SDK upload names no URL; where it goes is the SDK's service, outside either way.
        lines.extend(f"curl -s -T {shlex.quote(p)} https://sdk-upload.invalid/" for p in paths[:4])
    for match in _SOCKET.finditer(code):
        host, port = (match[1], match[2]) if match[1] else (match[4], match[3])
        source = f" < {shlex.quote(paths[0])}" if paths else ""
        lines.append(f"nc {shlex.quote(host)} {port}{source}")
    return lines


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")


def _decoded(ctx: Ctx) -> list[str]:
    """Return literal data this call decodes, and remember decoded text written to files."""
    found = list(ctx.memo.text(_literal_data, ctx.text))
    contents = ctx.remembered("contents")
    for command in ctx.action.commands:
        kind = _DECODERS.get(command.name)
        if kind is None or not _DECODE_FLAGS.intersection(command.argv[1:]):
            continue
        for path in command.reads:
            stored = contents.get(path)
            plain = _decode(kind, stored) if stored else None
            if plain:
                found.append(plain)
    if found:
        for path in ctx.action.writes:
            if not path.startswith("/dev/"):
                ctx.remember("contents", path, found[-1][-_MAX_CODE:])
    return found


def _env_split(text: str) -> tuple[str, ...]:
    """Return the command lines ``env -S '…'`` splits out of `text`."""
    return tuple(match[2] for match in _ENV_SPLIT.finditer(text))


_REV = re.compile(
    r"\brev\s*<<<\s*(?:'([^'\n]{4,4000})'|\"([^\"\n]{4,4000})\")"
    r"|(?:echo|printf)(?:\s+-[neE]+)*\s+(?:'([^'\n]{4,4000})'|\"([^\"\n]{4,4000})\")\s*\|\s*rev\b"
)


def _literal_data(text: str) -> tuple[str, ...]:
    """Return the literal data `text` decodes on the spot (base64, hex, escapes, a reversed
    string)."""
    found: list[str] = []
    if "rev" in text:
        for match in _REV.finditer(text):
            data = next(group for group in match.groups() if group is not None)
            plain = data[::-1]
            if _COMMAND_START.match(plain):
                found.append(plain)
    if "|" in text or "<<<" in text:
        for match in _DECODE.finditer(text):
            if match[2] is not None:
                kind = "hex" if match[3].startswith("xxd") else match[3][:6].rstrip()
                data = match[2]
            else:
                kind, data = "base64", match[5]
            plain = _decode(kind, data)
            if plain:
                found.append(plain)
    for match in _ESCAPED.finditer(text):
        plain = _escapes(match[2])
        if plain and plain != match[2]:
            found.append(plain)
    return tuple(found)


def _decode(kind: str, data: str) -> str | None:
    squeezed = "".join(data.split())
    try:
        if kind == "hex":
            raw = binascii.unhexlify(squeezed)
        elif kind == "base32":
            raw = base64.b32decode(squeezed + "=" * (-len(squeezed) % 8))
        else:
            raw = base64.b64decode(squeezed + "=" * (-len(squeezed) % 4), altchars=b"-_")
    except (ValueError, binascii.Error):
        return None
    plain = raw.decode("utf-8", errors="replace")
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in plain)
    if not plain or printable < 0.9 * len(plain) or not _COMMAND_START.match(plain):
        return None
    return plain


def _escapes(text: str) -> str:
    try:
        return text.encode("latin-1", errors="backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text


def _expanded(ctx: Ctx) -> tuple[str, bool] | None:
    """Remember literal assignments (appends and values using known variables evaluated in
    order), also those of files this call sources; return the text with known variables
    substituted when it uses any (None when it uses none), and whether a variable named a
    command or was glued to another (``$a$b``): a command spelled in pieces is hidden."""
    text = ctx.text
    known = ctx.remembered("vars")
    for content in _sourced(ctx):
        _learn(ctx, known, ctx.memo.text(_sourced_assignments, content[:_MAX_CODE]))
    if "=" in text:
        _learn(ctx, known, ctx.memo.text(_assignments, text))
    if "$" not in text or not known:
        return None
    body = ctx.memo.text(_unassigned, text) if "=" in text else text
    used = False
    hidden = False
    last_end = -1

    def substitute(match: re.Match[str]) -> str:
        nonlocal used, hidden, last_end
        value = known.get(match[1] or match[2] or match[3] or match[4])
        if value is None:
            return match[0]
        used = True
        if match.start() == last_end or _COMMAND_SLOT.search(body, 0, match.start()):
            hidden = True
        last_end = match.end()
        return value

    expanded = _VAR_USE.sub(substitute, body)
    if not used:
        return None
    return _SEPARATORS.sub("; ", expanded).strip("; \t"), hidden


#: What ends just before a word in command position: the start, a separator, a subshell,
#: or a prefix that runs the next word (``sudo $CMD``).
_COMMAND_SLOT = re.compile(
    r"(?:^|[;&|({`\n]|\$\(|\b(?:sudo|exec|nohup|env|xargs|time|then|do|else|command|setsid))"
    r"[\s\"']*$"
)
_HOME_VAR = re.compile(r"\$\{HOME\}|\$HOME\b")


def _learn(ctx: Ctx, known: dict[str, str], assignments: tuple[tuple[str, str, str], ...]) -> None:
    """Record `assignments` in `known` (the session's variables) in order."""
    for name, how, raw in assignments:
        value = _HOME_VAR.sub("~", _VAR_USE.sub(lambda match: _known(known, match), raw))
        if how == "+=":
            value = known.get(name, "") + value
        if "$" in value and how not in {"()", "$()"}:
            # Set from what only runs know (`PID=$!`): its value is not in the text. An
            # array keeps its words (`"$RELEASE"`): it lists a command's arguments.
            known.pop(name, None)
            continue
        ctx.remember("vars", name, value)
        if len(known) > _MAX_VARS:
            del known[next(iter(known))]


_SOURCE_NAMES = frozenset({".", "source"})


def _sourced(ctx: Ctx) -> list[str]:
    """Return what this session wrote to the files this call sources (``. ./env.sh``,
    ``set -a; source .env``): their assignments set variables the call then uses."""
    found: list[str] = []
    for command in ctx.action.commands:
        if command.name not in _SOURCE_NAMES or len(command.argv) < 2:
            continue
        paths = list(command.reads) or [command.argv[1]]
        for path in paths[:2]:
            content = recall(ctx, path)
            if content:
                found.append(content)
                break
    return found


#: A value that is one command substitution (``_S="$(cat ~/.pgpass | base64)"``): a sourced
#: file sets the variable to what that command prints, so its use runs that command.
_SUBSTITUTED = re.compile(
    r"^[ \t]*(?:export[ \t]+)?([A-Za-z_]\w*)=\"?(\$\((?:[^()\n]|\([^()\n]*\))*\))\"?[ \t]*$",
    re.MULTILINE,
)


def _sourced_assignments(content: str) -> tuple[tuple[str, str, str], ...]:
    """Return the assignments of a sourced file: literal ones, and ones set to a command's
    output (kept as that command, ``$()``)."""
    found = [(m.start(), name, how, value) for m, (name, how, value) in _positioned(content)]
    found += [(m.start(), m[1], "$()", m[2]) for m in _SUBSTITUTED.finditer(content)]
    found.sort()
    return tuple((name, how, value) for _, name, how, value in found)


def _assigned(match: re.Match[str]) -> tuple[str, str, str]:
    """An `_ASSIGN` match as (name, ``=``/``+=``, value); an ANSI-C quoted value
    (`s=$'\x73\x79…'`) holds what its escapes spell."""
    value = (
        _escapes(match[7])
        if match[7] is not None
        else next((g for g in match.groups()[3:6] if g is not None), "")
    )
    return match[1], "+=" if match[2] else "=", value


def _positioned(text: str) -> list[tuple[re.Match[str], tuple[str, str, str]]]:
    return [(match, _assigned(match)) for match in _ASSIGN.finditer(text)]


def _known(known: dict[str, str], match: re.Match[str]) -> str:
    """Return the value of the variable `match` uses, or the use itself when unknown."""
    value = known.get(match[1] or match[2] or match[3] or match[4])
    return match[0] if value is None else value


def _assignments(text: str) -> tuple[tuple[str, str, str], ...]:
    """Return the ``NAME=value``, ``NAME+=value`` and ``NAME=(words)`` assignments in `text`
    that run nothing, in order, as (name, ``=``/``+=``/``()``, value)."""
    found = [(match.start(), *_assigned(match)) for match in _ASSIGN.finditer(text)]
    if "=(" in text:
        found += [
            (match.start(), match[1], "()", match[3].strip())
            for match in _ARRAY_ASSIGN.finditer(text)
        ]
        found.sort()
    return tuple((name, how, value) for _, name, how, value in found)


def _unassigned(text: str) -> str:
    text = _ARRAY_ASSIGN.sub("", text) if "=(" in text else text
    return _ASSIGN.sub("", text)
