"""Non-ASCII text is parsed faithfully and cannot crash the parser."""

from __future__ import annotations

import subprocess
import sys

# A line that made tree-sitter-bash 0.25 segfault in about 40% of fresh processes.
CRASHER = "\U000e0f43\U000b0872\U00082c56\U0007ef28\U0009067b𰏿\U000bbe0c{\U0007168a𘓗\U000fd982\U000d9f02\U00013b63\U00070ed6𬬖峸\uf625\U00078c70\U00035599\U00092dde\U000eb533\U00031f26\U00013824\U0005eac3𨻣\U000b2c93\U000ad2cf\U00033632\U0006dd25\U000ef492\U0010e603\U000bb0cb\U000a22ce\U00104962\U0007454e\U000c2cb3\U000878e5\U0005f73b\U000a4d38\U0010cd6b\U000bf462몴\U000327a1\U000eae87\U0005cabd𭧖𐔡\U000aecc3\U0008be5a𩱱\U0005daa6\U000b4c51\U000d000e\U00054e2f\U000fb906\U0007f9af\U000c8ad0\U0007b676𐂃\U00065f57\U000bbcda\U00016e30\U00107fb5\U000e6f3b\U000e4911\U00063a2b𠈠\U00019959𒌛\U000d5bbe𖹨\U000873f0\U000aa827\U00012bb7\U0003f1bc驄\U0006be04\U000e4afb\U000d8d9e\U000c4cc7\U0003d936\U000b17e7\U0007c47b\U00100639\U0008f03b\U00061feb\U000b7c6f\U00069d2a"  # noqa: E501 - verbatim reproducer

_SCRIPT = (
    "import sys\n"
    "from watchkeeper.normalize import Normalizer\n"
    "n = Normalizer(home='/h', cache_size=0)\n"
    "for _ in range(3):\n"
    "    n.shell(sys.stdin.read() or sys.argv[1], cwd='/')\n"
)


def test_non_ascii_words_keep_their_text(sh) -> None:
    """Non-ASCII characters stay in argv, paths and command text exactly as written."""
    parsed = sh("echo héllo > café.txt && rm -rf /tmp/日本")
    assert parsed.commands[0].argv == ("echo", "héllo")
    assert parsed.writes == ("/work/repo/café.txt", "/tmp/日本")
    assert parsed.commands[1].text == "rm -rf /tmp/日本"


def test_crashing_line_does_not_crash_the_process() -> None:
    """The known crashing line normalises cleanly in several fresh processes."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, "x"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    results = [p.communicate(CRASHER.encode("utf-8"), timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, [err for _, err in results]
