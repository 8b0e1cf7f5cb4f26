"""Claude Code tools, MCP tools and generic tools become actions."""

from __future__ import annotations

import pytest

from watchkeeper.events import ToolCall
from watchkeeper.normalize import Normalizer


def test_bash_action_aggregates_the_shell_parse(normalizer: Normalizer) -> None:
    """A Bash call carries the commands and the aggregate facts of its command line."""
    action = normalizer.action("Bash", {"command": "cat a > b"}, cwd="/w")
    assert [c.name for c in action.commands] == ["cat"]
    assert (action.reads, action.writes) == (("/w/a",), ("/w/b",))


@pytest.mark.parametrize(
    ("tool", "args", "reads", "writes"),
    [
        ("Read", {"file_path": "/etc/hosts"}, ("/etc/hosts",), ()),
        ("Write", {"file_path": "x.py", "content": "1"}, (), ("/w/x.py",)),
        (
            "Edit",
            {"file_path": "~/.bashrc", "old_string": "a", "new_string": "b"},
            (),
            ("/home/agent/.bashrc",),
        ),
        ("MultiEdit", {"file_path": "/w/a", "edits": []}, (), ("/w/a",)),
        ("NotebookEdit", {"notebook_path": "n.ipynb", "new_source": ""}, (), ("/w/n.ipynb",)),
        ("Glob", {"pattern": "**/*.py", "path": "/src"}, ("/src",), ()),
        ("Glob", {"pattern": "**/*.py"}, ("/w",), ()),
        ("Grep", {"pattern": "x", "path": "lib", "glob": "*.py"}, ("/w/lib", "/w/lib/**/*.py"), ()),
        ("Grep", {"pattern": "x", "glob": "**/.env"}, ("/w", "/w/**/.env"), ()),
        ("LS", {"path": "/var/log"}, ("/var/log",), ()),
    ],
)
def test_file_tools(
    normalizer: Normalizer,
    tool: str,
    args: dict[str, object],
    reads: tuple[str, ...],
    writes: tuple[str, ...],
) -> None:
    """File tools read or write their resolved path."""
    action = normalizer.action(tool, args, cwd="/w")
    assert (action.reads, action.writes, action.errors) == (reads, writes, ())


def test_webfetch_names_its_host(normalizer: Normalizer) -> None:
    """WebFetch's URL becomes a URL and a host."""
    action = normalizer.action(
        "WebFetch", {"url": "https://Docs.Example.com/p", "prompt": "x"}, cwd=None
    )
    assert (action.urls, action.hosts) == (("https://Docs.Example.com/p",), ("docs.example.com",))


def test_websearch_names_no_host(normalizer: Normalizer) -> None:
    """WebSearch touches no host of the agent's choosing."""
    assert normalizer.action("WebSearch", {"query": "weather"}, cwd=None).hosts == ()


@pytest.mark.parametrize(
    "tool", ["Task", "TodoWrite", "BashOutput", "KillShell", "KillBash", "Skill"]
)
def test_effect_free_tools(normalizer: Normalizer, tool: str) -> None:
    """Tools with no direct effect keep their args and touch nothing."""
    action = normalizer.action(tool, {"prompt": "see https://x.io and /etc/passwd"}, cwd="/w")
    assert (action.reads, action.writes, action.hosts, action.errors) == ((), (), (), ())
    assert action.args["prompt"].startswith("see")


def test_mcp_names_are_split(normalizer: Normalizer) -> None:
    """`mcp__server__tool` gives the server and tool names."""
    action = normalizer.action("mcp__github__create_issue", {"title": "x"}, cwd=None)
    assert (action.mcp_server, action.mcp_tool) == ("github", "create_issue")


def test_mcp_paths_are_reads_for_reading_tools(normalizer: Normalizer) -> None:
    """Path-like arguments of a non-writing tool are reads."""
    action = normalizer.action("mcp__fs__read_text", {"path": "notes.md"}, cwd="/w")
    assert (action.reads, action.writes) == (("/w/notes.md",), ())


def test_mcp_paths_are_writes_for_writing_tools(normalizer: Normalizer) -> None:
    """Path-like arguments of a tool named for writing are writes."""
    args = {"options": {"file_path": "/etc/cron.d/x"}, "content": "y"}
    action = normalizer.action("mcp__fs__write_file", args, cwd="/w")
    assert action.writes == ("/etc/cron.d/x",)


def test_generic_tools_are_scanned_for_urls(normalizer: Normalizer) -> None:
    """URLs anywhere in a generic tool's arguments become hosts."""
    args = {"steps": [{"go": "open https://evil.example/x"}], "n": 3}
    assert normalizer.action("web_browser_go", args, cwd=None).hosts == ("evil.example",)


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("Bash", {}),
        ("Bash", {"command": 7}),
        ("Read", {}),
        ("Write", {"file_path": ["x"]}),
        ("WebFetch", {"url": None}),
        ("NotebookEdit", {"notebook_path": ""}),
    ],
)
def test_bad_arguments_become_errors(
    normalizer: Normalizer, tool: str, args: dict[str, object]
) -> None:
    """A missing or mistyped required argument is an error, never an exception."""
    action = normalizer.action(tool, args, cwd="/w")
    assert action.errors
    assert "`" in action.errors[0]


def test_bash_without_command_is_unparsed_code(normalizer: Normalizer) -> None:
    """A Bash call with no command string is opaque code for the policy."""
    assert [c.kind for c in normalizer.action("Bash", {}, cwd=None).code] == ["unparsed"]


def test_tool_call_event_is_normalised(normalizer: Normalizer) -> None:
    """`tool_call` reads the tool, args and cwd of a ToolCall event."""
    call = ToolCall(session_id="s", tool="Read", args={"file_path": "a"}, cwd="/w")
    assert normalizer.tool_call(call).reads == ("/w/a",)


def test_shell_parses_are_cached(normalizer: Normalizer) -> None:
    """The same command in the same directory returns the cached parse."""
    first = normalizer.shell("ls -la", cwd="/w")
    assert normalizer.shell("ls -la", cwd="/w") is first
    assert normalizer.shell("ls -la", cwd="/x") is not first


def test_cache_is_bounded() -> None:
    """The oldest parse is evicted once the cache is full."""
    normalizer = Normalizer(home="/h", cache_size=2)
    first = normalizer.shell("a", cwd=None)
    normalizer.shell("b", cwd=None)
    normalizer.shell("c", cwd=None)
    assert normalizer.shell("a", cwd=None) is not first


def test_oversized_command_is_unparsed(normalizer: Normalizer) -> None:
    """A command over the size limit is not parsed and is opaque code."""
    parsed = normalizer.shell("a" * (1 << 20 + 1), cwd=None)
    assert [c.kind for c in parsed.code] == ["unparsed"]
    assert parsed.errors


def test_normalizer_is_shared_safely_between_threads(normalizer: Normalizer) -> None:
    """Many threads normalising through one Normalizer all get correct, complete answers."""
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> tuple[str, ...]:
        return normalizer.action("Bash", {"command": f"rm -rf /x{i} && ls"}, cwd="/").writes

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(400)))
    assert results == [(f"/x{i}",) for i in range(400)]


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("bash", {"cmd": "rm -rf /x"}),
        ("exec_command", {"cmd": "rm -rf /x"}),
        ("shell", {"command": ["bash", "-lc", "rm -rf /x"]}),
        ("shell", {"cmd": "rm -rf /x"}),
        ("bash", {"command": "rm -rf /x"}),
    ],
)
def test_other_agents_shell_tools_are_parsed(
    normalizer: Normalizer, tool: str, args: dict[str, object]
) -> None:
    """Inspect AI `bash` and Codex `exec_command`/`shell` commands are parsed as shell, under
    either usual argument name."""
    action = normalizer.action(tool, args, cwd="/")
    assert [c.name for c in action.commands] == ["rm"]
    assert action.writes == ("/x",)
